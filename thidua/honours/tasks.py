"""The honours app's background job: a large (national) Excel import, run by the job mechanism
(thidua/jobs) in a worker of the task engine, with progress per batch of rows; still all or
nothing (one transaction, given up if the job was marked interrupted meanwhile)."""

from __future__ import annotations

from django.core.files.storage import default_storage

from thidua.honours.importers import import_workbook
from thidua.jobs.models import Job
from thidua.jobs.runner import JobFailed, Run, register


@register(Job.Kind.HONOURS_IMPORT)
def honours_import(run: Run) -> None:
    """The same all-or-nothing import as the page's, with progress per batch of rows."""
    with default_storage.open(run.job.input_file, "rb") as upload:
        result = import_workbook(
            upload,
            run.job.owner,
            dry_run=bool(run.job.params.get("dry_run")),
            progress=run.progress,
            before_commit=run.claim,
        )
    summary = {
        "ok": result.ok,
        "saved": result.saved,
        "dry_run": bool(run.job.params.get("dry_run")),
        "counts": result.counts,
        "text": result.summary(),
        "errors": [str(e) for e in result.errors],
    }
    if not result.ok:
        raise JobFailed(
            f"Chưa nhập được: tệp có {len(result.errors)} lỗi. Không dòng nào được lưu.",
            summary,
        )
    run.summary = summary
