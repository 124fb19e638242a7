"""The real task engine: Huey workers (`manage.py run_huey`, separate processes) run the jobs put on
its queue — an SQLite file (the `make run` default) or Redis (production) — not the test profile's
immediate mode.

The site is a temporary SQLite database file, media folder and queue file shared by every process
of a test: `manage.py shell` plays the web server that accepts a job and then stops, the consumer
is started and stopped (or killed) like a service. The database is read from outside with sqlite3.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from thidua.honours.importers import template_workbook

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
USERNAME = "canbo.nen"
pytestmark = pytest.mark.django_db  # the workbook template's lists are read from the test database


def workbook(rows: int, prefix: str) -> bytes:
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb["Cán bộ"]
    for i in range(rows):
        ws.append(
            [
                f"{prefix}-{i:05d}",
                f"Nguyễn Văn Số {i}",
                "Đại úy",
                "Cán bộ",
                "bac-giang",
                "",
                "01/03/2016",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Site:
    """One installation: database, media and queue files in a temporary folder."""

    def __init__(self, tmp: Path, redis_url: str = "") -> None:
        self.tmp = tmp
        self.redis_url = redis_url
        self.queue_name = f"thiduakiemthu{uuid.uuid4().hex[:12]}"  # letters only: Redis keys
        self.db = tmp / "thidua.sqlite3"
        self.queue = tmp / "jobs-queue.sqlite3"
        self.media = tmp / "media"
        self.env = {
            **os.environ,
            "THIDUA_ENV": "test",
            "DATABASE_URL": f"sqlite:///{self.db}",
            "MEDIA_ROOT": str(self.media),
            "THIDUA_VAR_DIR": str(tmp / "var"),
            "DEBUG": "0",
            "THIDUA_JOBS_IMMEDIATE": "0",  # the real queue, not the test profile's shortcut
            "THIDUA_JOBS_QUEUE_FILE": str(self.queue),
            "THIDUA_JOBS_REDIS_URL": redis_url,  # set: the production storage instead of the file
            "THIDUA_JOBS_QUEUE_NAME": self.queue_name,
            "THIDUA_JOBS_STALE_SECONDS": "3",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> str:
        """The last line the code printed (Django's shell may say what it imported first)."""
        out = self.manage("shell", "-c", code).strip().splitlines()
        return out[-1] if out else ""

    def accept_import(self, body: bytes, name: str) -> int:
        """What the import page does for a large file, in a process that then exits (a web server
        that accepted the job and stopped before any worker ran it)."""
        path = self.tmp / name
        path.write_bytes(body)
        return int(
            self.shell(
                "from thidua.jobs.runner import start; from thidua.org.models import User\n"
                f"with open({str(path)!r}, 'rb') as upload:\n"
                "    job = start('honours_import', User.objects.get(username="
                f"{USERNAME!r}), title='Nhập {name}', params={{'dry_run': False}}, upload=upload,"
                " upload_name='dau-vao.xlsx')\n"
                "print(job.pk)"
            )
        )

    def query(self, sql: str, *args):
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(sql, args).fetchone()

    def job(self, pk: int) -> dict:
        row = self.query(
            "SELECT state, error, done, total, input_file, summary FROM jobs_job WHERE id = ?", pk
        )
        return dict(
            zip(("state", "error", "done", "total", "input_file", "summary"), row, strict=True)
        )

    def people(self, prefix: str = "") -> int:
        return self.query(
            "SELECT COUNT(*) FROM honours_person WHERE officer_code LIKE ?", f"{prefix}%"
        )[0]

    def queued_tasks(self, queue: str = "default") -> int:
        """Tasks waiting in one of the engine's queues (thidua/jobs/queues.py): `default`, or
        `heavy` (its own file, its own Redis key)."""
        name = self.queue_name if queue == "default" else f"{self.queue_name}-heavy"
        if self.redis_url:
            import redis

            key = "huey.redis." + "".join(c for c in name.lower() if c.isalnum())
            return redis.Redis.from_url(self.redis_url).llen(key)
        file = (
            self.queue if queue == "default" else self.queue.with_name("jobs-queue-heavy.sqlite3")
        )
        if not file.exists():
            return 0
        with sqlite3.connect(file, timeout=30) as conn:
            return conn.execute("SELECT COUNT(*) FROM task WHERE queue = ?", (name,)).fetchone()[0]

    def clean(self) -> None:
        if self.redis_url:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            client.delete(
                *(
                    f"huey.{k}.{self.queue_name}{suffix}"
                    for k in ("redis", "schedule", "results")
                    for suffix in ("", "heavy")
                )
            )

    def wal_bytes(self) -> int:
        wal = Path(f"{self.db}-wal")
        return wal.stat().st_size if wal.exists() else 0


class Worker:
    """`manage.py run_huey --queue <queue>`, as the README's systemd units or `make run` start it:
    `heavy` runs the documents and large imports, `default` the schedule and small work."""

    def __init__(self, site: Site, workers: int = 1, queue: str = "heavy") -> None:
        self.log = site.tmp / f"worker-{queue}.log"
        self.proc = subprocess.Popen(
            [PYTHON, "manage.py", "run_huey", "--queue", queue, "--workers", str(workers), "-V"],
            cwd=ROOT,
            env=site.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "ab"),  # noqa: SIM115 (kept for the process)
            start_new_session=True,
        )

    def children(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        return [int(pid) for pid in found]

    def busiest_child(self) -> int:
        """The worker process running the job: of the consumer's children (its scheduler and
        its worker), the one that spent the most CPU time."""

        def cpu(pid: int) -> int:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime

        return max(self.children(), key=cpu)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(15)


REDIS_URL = os.environ.get("THIDUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_url(storage: str) -> str:
    """'' for the queue file; Redis's URL when it answers (in CI it must: a failure, not a skip)."""
    if storage == "file":
        return ""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis does not answer at {REDIS_URL} (apt-get install redis-server)")
    return REDIS_URL


@pytest.fixture(params=["file"])
def site(request, tmp_path: Path):
    site = Site(tmp_path, redis_url(request.param))
    site.manage("migrate", "--noinput")
    site.manage("load_reference")
    site.shell(
        "from thidua.org.models import Unit, User; "
        f"User.objects.create_user(username={USERNAME!r}, password='x' * 12, "
        "role=User.Role.UNIT_OFFICER, unit=Unit.objects.get(code='bac-giang'))"
    )
    yield site
    site.clean()


def wait_for(predicate, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("site", ["file", "redis"], indirect=True)
def test_jobs_accepted_by_a_stopped_server_wait_in_the_queue_and_a_worker_runs_them_one_at_a_time(
    site: Site,
):
    first = site.accept_import(workbook(300, "HA"), "a.xlsx")
    second = site.accept_import(workbook(300, "HB"), "b.xlsx")
    # The processes that accepted them are gone: the jobs live in the queue (the file, or Redis),
    # not in any process's memory.
    assert site.queued_tasks("heavy") == 2  # imports are heavy work: on the heavy queue
    assert site.job(first)["state"] == site.job(second)["state"] == "queued"

    worker = Worker(site, workers=1)
    try:
        most_running = 0

        def both_ended() -> bool:
            nonlocal most_running
            running = site.query("SELECT COUNT(*) FROM jobs_job WHERE state = 'running'")[0]
            most_running = max(most_running, running)
            return all(site.job(pk)["state"] in ("done", "failed") for pk in (first, second))

        wait_for(both_ended, 180, "both jobs to end", every=0.02)
    finally:
        worker.stop()
    for pk in (first, second):
        job = site.job(pk)
        assert job["state"] == "done", job["error"]
        assert job["done"] == job["total"] == 600
        upload = site.media / job["input_file"]  # not kept: removed right after the job ends
        wait_for(lambda upload=upload: not upload.exists(), 15, "the upload to be removed")
    assert site.people("HA-") == site.people("HB-") == 300
    assert most_running == 1  # one worker: one job at a time, the other waited its turn
    assert site.queued_tasks("heavy") == 0
    site.manage("verify_audit")


def test_a_worker_killed_mid_import_leaves_nothing_half_written_and_the_job_is_run_again(
    site: Site,
):
    rows = 2500
    body = workbook(rows, "KW")
    worker = Worker(site, workers=1)
    try:
        before_people = site.people()
        before_audit = site.query("SELECT COUNT(*), MAX(seq) FROM audit_auditrecord")
        site.query("PRAGMA wal_checkpoint(TRUNCATE)")  # from now on only the import writes to it
        victim_pk = site.accept_import(body, "lon.xlsx")
        # Uncommitted pages spilling to the write-ahead log: the import is writing.
        wait_for(lambda: site.wal_bytes() > 256 * 1024, 180, "the import to write", every=0.02)
        assert site.job(victim_pk)["state"] == "running"
        os.kill(worker.busiest_child(), signal.SIGKILL)

        # Nothing of the half-done import is visible; the file is sound, the audit chain whole.
        assert site.query("PRAGMA integrity_check")[0] == "ok"
        assert site.people() == before_people
        assert site.query("SELECT COUNT(*), MAX(seq) FROM audit_auditrecord") == before_audit
        site.manage("verify_audit")

        # The dead job stops beating; the engine's sweep (the consumer's own, every minute, or
        # this one) puts it back on the queue, and the replacement worker imports the file whole.
        time.sleep(3.5)
        site.shell("from thidua.jobs.tasks import sweep_stale_jobs; sweep_stale_jobs.call_local()")
        wait_for(lambda: site.job(victim_pk)["state"] in ("done", "failed"), 240, "the rerun")
        job = site.job(victim_pk)
        assert job["state"] == "done", job["error"]
        assert site.query("SELECT attempts FROM jobs_job WHERE id = ?", victim_pk)[0] == 2
        assert site.people() == before_people + rows
        assert not (site.media / job["input_file"]).exists()
        site.manage("verify_audit")
    finally:
        worker.stop()
