"""The periodic work on the engine's scheduler (thidua/jobs/tasks.py): each task called directly, its
effect checked; and the hours at which the consumer's scheduler starts them."""

from __future__ import annotations

import datetime as dt
import io
import tarfile
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from thidua.audit.models import AuditRecord
from thidua.jobs import runner, tasks
from thidua.jobs.models import Job

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 6, hour, minute)


def test_the_nightly_work_is_scheduled_at_night_and_the_sweep_every_minute():
    schedule = {
        tasks.nightly_backup: (1, 30),
        tasks.nightly_anchor_audit: (1, 55),
        tasks.nightly_verify_audit: (2, 0),
        tasks.clear_sessions: (2, 30),
        tasks.delete_old_job_files: (3, 0),
    }
    for task, (hour, minute) in schedule.items():
        runs = [
            (h, m)
            for h in range(24)
            for m in range(60)
            if task.task_class().validate_datetime(at(h, m))
        ]
        assert runs == [(hour, minute)], task.name
    assert all(tasks.sweep_stale_jobs.task_class().validate_datetime(at(h, 7)) for h in range(24))


def break_the_audit_chain() -> int:
    records = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)[:3])
    assert len(records) == 3, "the demo data is audited"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditRecord._meta.db_table} SET actor_label = %s WHERE seq = %s",
            ["Người khác", records[1]],
        )
    return records[1]


def admins(cast):
    from thidua.org.models import User

    superuser = User.objects.create_superuser(username="quantri", password="x" * 12)
    staff = User.objects.create_user(username="vanhanh", password="x" * 12, is_staff=True)
    gone = User.objects.create_superuser(username="danghi", password="x" * 12, is_active=False)
    return superuser, staff, gone


def test_a_whole_audit_chain_alerts_nobody(world):
    admins(world.cast)
    assert tasks.nightly_verify_audit.call_local() is None
    from thidua.notifications.models import Notification

    assert not Notification.objects.exists()


def test_a_broken_audit_chain_alerts_every_administrator_in_the_app_naming_the_record(world):
    from thidua.notifications.models import Notification

    superuser, staff, _inactive = admins(world.cast)
    broken = break_the_audit_chain()
    problem = tasks.nightly_verify_audit.call_local()
    assert problem and f"tại bản ghi số {broken}" in problem
    alerts = Notification.objects.filter(title=tasks.AUDIT_ALERT_TITLE)
    assert {n.recipient for n in alerts} == {superuser, staff}  # not the inactive account
    body = alerts.first().body
    assert body.startswith("Kiểm tra định kỳ lúc ") and f"tại bản ghi số {broken}" in body
    assert not Notification.objects.filter(recipient=world.cast.approver).exists()


def test_without_the_notifications_app_the_alert_is_an_entry_in_the_administrators_jobs(
    world, monkeypatch
):
    from django.apps import apps

    superuser, _, _ = admins(world.cast)
    real = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: False if name == "thidua.notifications" else real(name)
    )
    broken = break_the_audit_chain()
    tasks.nightly_verify_audit.call_local()
    alert = Job.objects.get(owner=superuser, kind=Job.Kind.SYSTEM_ALERT)
    assert alert.state == Job.State.FAILED and f"tại bản ghi số {broken}" in alert.error
    page = world.cast.client(superuser).get(reverse("job_list")).content.decode()
    assert tasks.AUDIT_ALERT_TITLE in page


def test_the_nightly_anchor_writes_the_chain_head_outside_the_database(world, settings, tmp_path):
    from thidua.audit.log import chain_head

    anchor = tmp_path / "moc-neo.log"
    settings.AUDIT_ANCHOR_FILE = str(anchor)
    assert tasks.nightly_anchor_audit.call_local() is None
    seq, digest = chain_head()
    last = anchor.read_text(encoding="utf-8").splitlines()[-1]
    assert str(seq) in last and digest in last
    anchor.unlink()
    anchor.mkdir()  # not writable as a file: refused, said, nothing raised
    assert "Không ghi được tệp mốc neo" in tasks.nightly_anchor_audit.call_local()


def test_expired_sessions_are_cleared_and_live_ones_kept():
    expired, live = SessionStore(), SessionStore()
    expired["x"], live["x"] = 1, 2
    expired.set_expiry(-60)
    expired.save()
    live.save()
    tasks.clear_sessions.call_local()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def finished_job(owner, days_ago: float, state=Job.State.DONE) -> Job:
    job = Job.objects.create(
        kind=Job.Kind.DOCUMENTS_YEAR,
        owner=owner,
        title=f"Văn bản cũ {days_ago} ngày",
        state=state,
        finished_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    job.result_file = default_storage.save(f"{runner.folder(job)}/ket-qua.zip", io.BytesIO(b"PK"))
    job.save(update_fields=["result_file"])
    return job


def test_result_files_of_jobs_older_than_the_retention_are_deleted_the_rows_kept(cast, settings):
    settings.JOBS_RETENTION_DAYS = 30
    old, failed_old = finished_job(cast.approver, 31), finished_job(cast.approver, 45, "failed")
    recent = finished_job(cast.approver, 29)
    running = finished_job(cast.approver, 90, Job.State.RUNNING)
    assert tasks.delete_old_job_files.call_local() == 2
    for job in (old, failed_old):
        assert not default_storage.exists(job.result_file)
        job.refresh_from_db()
        assert job.result_file == "" and job.title  # the history stays
        response = cast.client(cast.approver).get(reverse("job_download", args=[job.pk]))
        assert response.status_code == 404
    for job in (recent, running):
        assert default_storage.exists(job.result_file)
        assert Job.objects.get(pk=job.pk).result_file == job.result_file


# Transactional: on PostgreSQL the backup opens its own repeatable-read transaction.
@pytest.mark.django_db(transaction=True)
def test_the_nightly_backup_is_off_without_a_folder_and_keeps_the_last_archives(
    settings, tmp_path: Path
):
    settings.BACKUP_DIR = ""
    assert tasks.nightly_backup.call_local() is None

    folder = tmp_path / "sao-luu"
    settings.BACKUP_DIR, settings.BACKUP_KEEP = str(folder), 2
    folder.mkdir()
    for day in ("2026-12-01-0130", "2026-12-02-0130"):
        (folder / f"thidua-{day}.tar.gz").write_bytes(b"old")
    archive = tasks.nightly_backup.call_local()
    assert archive.parent == folder and archive.stat().st_size > 0
    with tarfile.open(archive) as tar:
        assert any(name.endswith("manifest.json") for name in tar.getnames())
    assert sorted(p.name for p in folder.iterdir()) == [
        "thidua-2026-12-02-0130.tar.gz",
        archive.name,
    ]


def test_the_sweep_reruns_or_fails_running_jobs_whose_worker_died_and_leaves_live_ones(
    cast, settings
):
    settings.JOBS_STALE_SECONDS, settings.JOBS_MAX_ATTEMPTS = 60, 2
    long_ago = timezone.now() - dt.timedelta(seconds=120)
    dead = Job.objects.create(
        kind=Job.Kind.HONOURS_IMPORT,
        owner=cast.officer_a,
        title="Nhập",
        state=Job.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        attempts=2,
    )
    first_death = Job.objects.create(
        kind=Job.Kind.HONOURS_IMPORT,
        owner=cast.officer_b,
        title="Nhập lần đầu",
        state=Job.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        attempts=1,
    )
    alive = Job.objects.create(
        kind=Job.Kind.HONOURS_IMPORT,
        owner=cast.officer_b,
        title="Nhập",
        state=Job.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=timezone.now(),
    )
    queued = Job.objects.create(
        kind=Job.Kind.HONOURS_IMPORT, owner=cast.officer_a, title="Chờ", created_at=long_ago
    )
    assert tasks.sweep_stale_jobs.call_local() == 2
    assert Job.objects.get(pk=first_death.pk).state == Job.State.QUEUED
    dead.refresh_from_db()
    assert dead.state == Job.State.FAILED and dead.error.startswith("Tác vụ bị gián đoạn")
    assert Job.objects.get(pk=alive.pk).state == Job.State.RUNNING
    assert Job.objects.get(pk=queued.pk).state == Job.State.QUEUED
