"""The cycle app's background job: a long year-end report read into a unit's results sheet
(issue 19), run by the job mechanism (thidua/jobs) with progress per step; the officer is then
sent to the review page (nothing enters the sheet without a click there)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from thidua.cycle.models import ReportReading, ResultSheet
from thidua.jobs.models import Job
from thidua.jobs.runner import JobFailed, Run, register
from thidua.lib.workflow import WorkflowError


def review_url(reading: ReportReading) -> str:
    sheet = reading.sheet
    cluster = sheet.cycle.cluster
    return reverse(
        "cycle_reading_review", args=[cluster.year, cluster.number, sheet.unit.code, reading.pk]
    )


@register(Job.Kind.REPORT_READING)
def report_reading(run: Run) -> None:
    """The same reading as the page's (same checks, same refusals), with progress per step."""
    sheet = ResultSheet.objects.select_related("cycle__cluster", "unit").get(
        pk=run.job.params["sheet"]
    )
    with default_storage.open(run.job.input_file, "rb") as stored:
        upload = File(stored, name=run.job.params["name"])
        try:
            with transaction.atomic():
                reading = ReportReading.read(
                    sheet, by=run.job.owner, upload=upload, progress=run.progress
                )
                run.claim()  # a run given up meanwhile (its worker died) commits nothing
        except (ValidationError, WorkflowError) as exc:
            message = (
                " ".join(m for ms in exc.message_dict.values() for m in ms)
                if isinstance(exc, ValidationError) and hasattr(exc, "message_dict")
                else str(exc)
            )
            raise JobFailed(f"Không đọc được báo cáo: {message}") from None
    run.summary = {
        "reading": reading.pk,
        "url": review_url(reading),
        "text": f"{len(reading.figures)} số liệu, {len(reading.suggestions)} gợi ý theo tiêu chí",
    }
