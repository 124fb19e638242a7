"""The job mechanism's own tasks on the engine (Huey): running a job, and the periodic work.

`run_job` (declared in runner.py) is what `runner.start` puts on the queue; a worker runs it. The
periodic tasks run on the engine's scheduler (in the consumer, `manage.py run_huey`), in local time (TIME_ZONE):

- every minute: running jobs whose worker died are run again, or failed after their last attempt;
- 01:30 backup to THIDUA_BACKUP_DIR (`manage.py backup`), when set, keeping the last BACKUP_KEEP;
- 01:55 `anchor_audit`: the audit chain's head appended to the anchor file;
- 02:00 `verify_audit`: a broken chain alerts the administrators in the app;
- 02:30 expired sessions cleared (`clearsessions`);
- 03:00 result files of jobs ended more than JOBS_RETENTION_DAYS ago deleted.

The maintenance commands are called by name: this module imports no domain app.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from thidua.jobs import runner
from thidua.jobs.models import Job
from thidua.jobs.runner import run_job  # noqa: F401  (the queue's task, declared with the runner)

log = logging.getLogger(__name__)

AUDIT_ALERT_TITLE = "Cảnh báo: chuỗi nhật ký thay đổi không còn toàn vẹn"


# -- every minute ---------------------------------------------------------------------------


@db_periodic_task(crontab(minute="*"), name="thidua.jobs.sweep")
def sweep_stale_jobs() -> int:
    """Running jobs that stopped beating (their worker was killed) are dealt with now, not only
    when their owner looks: put back on the queue, or failed after their last attempt. Returns
    how many."""
    handled = 0
    for job in Job.objects.filter(state=Job.State.RUNNING):
        if runner.refresh(job).state != Job.State.RUNNING:
            handled += 1
    return handled


# -- nightly ----------------------------------------------------------------------------------


def administrators():
    """Who is told when something is wrong with the system: the active administrators."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True))
    )


@db_periodic_task(crontab(hour="1", minute="55"), name="thidua.jobs.anchor_audit")
def nightly_anchor_audit() -> str | None:
    """`anchor_audit`: the chain's head appended to the anchor file outside the database, also on
    quiet days. Returns the command's refusal (no anchor file configured, file not writable),
    logged, None when written."""
    try:
        call_command("anchor_audit", stdout=io.StringIO())
    except CommandError as exc:
        log.warning("nightly audit anchor: %s", exc)
        return str(exc)
    return None


@db_periodic_task(crontab(hour="2", minute="0"), name="thidua.jobs.verify_audit")
def nightly_verify_audit() -> str | None:
    """`verify_audit`; a broken chain alerts every administrator in the app (a notification under
    the bell, or an entry in “Tác vụ của tôi” where the notifications app is not installed),
    naming the first broken record. Returns the problem, None when the chain is whole."""
    try:
        call_command("verify_audit", stdout=io.StringIO())
    except CommandError as exc:
        problem = str(exc)
    else:
        return None
    log.error("nightly audit verification: %s", problem)
    now = timezone.now()
    message = (
        f"Kiểm tra định kỳ lúc {timezone.localtime(now):%H:%M %d/%m/%Y}: {problem} "
        "Đề nghị đối chiếu với bản sao lưu gần nhất và báo cán bộ phụ trách an ninh hệ thống."
    )
    alert_administrators(AUDIT_ALERT_TITLE, message)
    return problem


def alert_administrators(title: str, message: str) -> int:
    """One alert per active administrator; returns how many. The notifications app is looked up
    by name (this mechanism imports no domain app)."""
    admins = list(administrators())
    if apps.is_installed("thidua.notifications"):
        notification = apps.get_model("notifications", "Notification")
        notification.objects.bulk_create(
            notification(recipient=admin, title=title, body=message) for admin in admins
        )
        return len(admins)
    now = timezone.now()
    Job.objects.bulk_create(
        Job(
            kind=Job.Kind.SYSTEM_ALERT,
            owner=admin,
            title=title,
            state=Job.State.FAILED,
            error=message,
            started_at=now,
            finished_at=now,
        )
        for admin in admins
    )
    return len(admins)


@db_periodic_task(crontab(hour="2", minute="30"), name="thidua.jobs.clear_sessions")
def clear_sessions() -> None:
    call_command("clearsessions")


@db_periodic_task(crontab(hour="3", minute="0"), name="thidua.jobs.retention")
def delete_old_job_files(days: int | None = None) -> int:
    """Result and input files of jobs ended more than `days` (JOBS_RETENTION_DAYS) ago; the
    rows stay as history. Returns how many jobs lost their files."""
    days = settings.JOBS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=days)
    old = Job.objects.filter(state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=cutoff)
    count = 0
    for job in old.exclude(result_file="", input_file=""):
        runner.discard_files(job)
        Job.objects.filter(pk=job.pk).update(result_file="", input_file="")
        count += 1
    return count


@db_periodic_task(crontab(hour="1", minute="30"), name="thidua.jobs.backup")
def nightly_backup(folder: str | None = None) -> Path | None:
    """`manage.py backup` into BACKUP_DIR (off when unset), one archive a day, the last
    BACKUP_KEEP kept. Returns the archive written."""
    folder = settings.BACKUP_DIR if folder is None else folder
    if not folder:
        return None
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"thidua-{timezone.localtime():%Y-%m-%d-%H%M}.tar.gz"
    call_command("backup", out=str(archive), stdout=io.StringIO())
    archives = sorted(target.glob("thidua-*.tar.gz"))
    for stale in archives[: max(0, len(archives) - settings.BACKUP_KEEP)]:
        stale.unlink(missing_ok=True)
    return archive
