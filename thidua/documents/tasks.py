"""The documents' background job: the documents of every cluster of a year as one ZIP.

Declared here, run by the job mechanism (thidua/jobs) in a worker of the task engine: the function
talks to the world only through its `Run` (progress, the result file, the summary, or a JobFailed
with a Vietnamese message). Each document comes from the rendered-documents store when nothing it
shows has changed (generate.render).
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from thidua.cycle.models import Cycle
from thidua.documents import generate, store
from thidua.documents.context import NotReady, build_context
from thidua.jobs.models import Job
from thidua.jobs.runner import JobFailed, Run, register
from thidua.org.models import Cluster, User

DOCUMENT_FILES = [(kind.code, ext) for kind in generate.KINDS.values() for ext in kind.formats]
FORMAT_NAMES = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel"}


# -- documents of every cluster of a year ---------------------------------------------------------


@dataclass(frozen=True)
class ClusterChoice:
    cluster: Cluster
    cycle: Cycle | None
    ready: bool
    reason: str  # why not, when not ready


def clusters_in_scope(user: User, year: int) -> list[ClusterChoice]:
    """The clusters and blocks of the year whose documents this user may make: every one for the
    Ministry, the clusters it leads for a secretariat, none for anyone else."""
    clusters = (
        Cluster.objects.filter(year=year).with_members().order_by("movement", "kind", "number")
    )
    if not user.has_national_scope:
        clusters = [c for c in clusters if user.is_secretariat_of(c)]
    cycles = {
        c.cluster_id: c
        for c in Cycle.objects.filter(cluster__year=year).prefetch_related("rankings")
    }
    choices = []
    for cluster in clusters:
        cycle = cycles.get(cluster.pk)
        if cycle is None:
            choices.append(ClusterChoice(cluster, None, False, "chưa mở năm thi đua trên hệ thống"))
        elif not cycle.rankings.all():
            choices.append(
                ClusterChoice(cluster, cycle, False, "chưa có bảng tổng hợp điểm, xếp hạng")
            )
        else:
            choices.append(ClusterChoice(cluster, cycle, True, ""))
    return choices


def zip_name(year: int) -> str:
    return f"van-ban-tong-ket-cac-cum-khoi-{year}.zip"


@register(Job.Kind.DOCUMENTS_YEAR)
def documents_year(run: Run) -> None:
    """Report, minutes, submission and score table (every format) of each cluster in the job's
    list, one folder per cluster in one ZIP, with DANH-SACH.txt saying what is in it and what is
    not (and why)."""
    year = run.job.params["year"]
    clusters = list(
        Cluster.objects.filter(pk__in=run.job.params["clusters"])
        .select_related("movement", "host")
        .order_by("movement", "kind", "number")
    )
    cycles = {c.cluster_id: c for c in Cycle.objects.filter(cluster__in=clusters)}
    run.progress(0, total=len(clusters) * len(DOCUMENT_FILES), step="Bắt đầu lập văn bản…")
    made: list[str] = []
    skipped: list[str] = []
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for i, cluster in enumerate(clusters, start=1):
                where = f"{cluster.title} ({i}/{len(clusters)})"
                cycle = cycles.get(cluster.pk)
                run.progress(step=f"{where}: đang tổng hợp số liệu…")
                try:
                    if cycle is None:
                        raise NotReady("chưa mở năm thi đua trên hệ thống")
                    context = build_context(cycle)
                except NotReady as exc:
                    skipped.append(f"- {cluster.title}: {exc.message.rstrip('.')}.")
                    run.advance(len(DOCUMENT_FILES))
                    continue
                prefix = "khoi" if cluster.kind == Cluster.Kind.BLOCK else "cum"
                for code, ext in DOCUMENT_FILES:
                    title = generate.KINDS[code].title
                    run.progress(step=f"{where}: {title} ({FORMAT_NAMES[ext]})")
                    name = f"{prefix}-{cluster.number}/{generate.filename(cycle, code, ext)}"
                    archive.writestr(name, generate.render(context, code, ext))
                    run.advance()
                made.append(
                    f"- {cluster.title}: {len(DOCUMENT_FILES)} tệp trong thư mục {prefix}-{cluster.number}/"
                )
            if not made:
                raise JobFailed(
                    f"Chưa cụm, khối nào năm {year} có bảng tổng hợp điểm, xếp hạng: "
                    "chưa có văn bản nào để lập."
                )
            listing = [
                f"VĂN BẢN TỔNG KẾT CÁC CỤM, KHỐI THI ĐUA NĂM {year}",
                "",
                "Có trong tệp nén:",
                *made,
            ]
            if skipped:
                listing += ["", "Chưa lập được:", *skipped]
            archive.writestr("DANH-SACH.txt", "\r\n".join(listing) + "\r\n")
        run.progress(step="Đang lưu tệp nén…")
        run.keep_result(tmp, zip_name(year), "application/zip")
    run.summary = {"made": made, "skipped": skipped}


# -- nightly ---------------------------------------------------------------------------------------


@db_periodic_task(crontab(hour="3", minute="30"), name="thidua.documents.prune")
def prune_rendered_documents(days: int | None = None) -> int:
    """Kept documents nobody made or read for JOBS_RETENTION_DAYS days are deleted (a later
    download renders them again)."""
    return store.prune(settings.JOBS_RETENTION_DAYS if days is None else days)
