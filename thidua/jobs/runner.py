"""Run a job on the task engine (Huey), with its progress visible to every server.

The job's row in the database is what the user sees (owner, progress, result file, Vietnamese
state and error); the engine does the running. `start` creates the row and, after the commit,
puts the job's id on its kind's queue (thidua/jobs/queues.py: documents and large imports on the
heavy queue, the rest on the default one; an SQLite file in var/ for `make run`, Redis in
production: the queue outlives the web server that accepted the job). A worker process of that
queue (`manage.py run_huey --queue heavy|default`) then:

1. claims the row (queued → running, one UPDATE: two workers never run the same job),
2. calls the job's function with a `Run`, through which the function reports progress and hands
   over its result file,
3. ends the row as done (result file written whole first, then pointed to) or failed (Vietnamese
   message, partial files deleted), and closes its database connections.

The job functions are declared by each app in its own `tasks.py` (`@register(kind)`), found by
Django's autodiscovery: this module imports none of them.

Progress while the function works is written by a small monitor thread every half second, with a
heartbeat. A long write transaction must not stop it: on PostgreSQL the monitor writes the row through
its own connection; SQLite has one writer at a time (the import's transaction holds the lock), so
there the monitor writes a small JSON file next to the media files instead, which every process on the
machine reads (an SQLite deployment is one machine by construction).

A job whose worker died (killed, out of memory) stops beating: the next look at it (`refresh`, or
the engine's minute-by-minute sweep), once the last heartbeat is older than JOBS_STALE_SECONDS,
puts it back on the queue (its input kept, anything it wrote discarded; its transaction died with
the worker) while it has attempts left (JOBS_MAX_ATTEMPTS), else marks it failed with a Vietnamese
reason. Each run's writes are checked against its attempt number, so a run given up cannot finish.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from huey.contrib.djhuey import db_task

from thidua.jobs.models import Job
from thidua.jobs.queues import HEAVY, heavy_db_task, queue_of

log = logging.getLogger(__name__)

JobFunction = Callable[["Run"], None]
REGISTRY: dict[str, JobFunction] = {}

INTERRUPTED = (
    "Tác vụ bị gián đoạn: máy chủ đã dừng trong khi xử lý (không còn tín hiệu hoạt động từ "
    "{since}). Không có kết quả dở dang nào được lưu; vui lòng chạy lại."
)
RETRYING = (
    "Máy chạy tác vụ đã dừng đột ngột; không có kết quả dở dang nào được lưu. "
    "Tác vụ được xếp hàng chạy lại (lần {attempt})…"
)
UNEXPECTED = (
    "Tác vụ gặp lỗi không mong đợi và đã dừng; không có kết quả dở dang nào được lưu. "
    "Vui lòng chạy lại hoặc báo quản trị viên (mã tác vụ {pk})."
)


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 2))


def stale_after() -> int:
    return int(getattr(settings, "JOBS_STALE_SECONDS", 60))


def beat_every() -> float:
    return float(getattr(settings, "JOBS_BEAT_SECONDS", 0.5))


def register(kind: str) -> Callable[[JobFunction], JobFunction]:
    def decorate(function: JobFunction) -> JobFunction:
        REGISTRY[kind] = function
        return function

    return decorate


class JobFailed(Exception):
    """An expected refusal: the message (Vietnamese) is shown to the owner as the job's error."""

    def __init__(self, message: str, summary: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.summary = summary or {}


def folder(job: Job) -> str:
    """Where a job's files live in MEDIA storage."""
    return f"tac-vu/{job.key.hex}"


# -- live progress ----------------------------------------------------------------------------


def _uses_file_channel() -> bool:
    return connection.vendor == "sqlite"


def _live_path(pk: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "tac-vu" / "dang-chay" / f"{pk}.json"


def _write_live(pk: int, snapshot: dict) -> None:
    if _uses_file_channel():
        path = _live_path(pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{pk}-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(snapshot, out, ensure_ascii=False)
        os.replace(tmp, path)  # readers see the old or the new snapshot, never half of one
    else:
        Job.objects.filter(pk=pk, state=Job.State.RUNNING).update(
            done=snapshot["done"],
            total=snapshot["total"],
            step=snapshot["step"][:300],
            heartbeat_at=parse_datetime(snapshot["beat"]),
        )


def _read_live(pk: int) -> dict | None:
    if not _uses_file_channel():
        return None
    try:
        return json.loads(_live_path(pk).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _clear_live(pk: int) -> None:
    if _uses_file_channel():
        _live_path(pk).unlink(missing_ok=True)


def refresh(job: Job) -> Job:
    """The job as it is now: live progress merged in, and marked failed if its process died."""
    if job.state == Job.State.RUNNING and (live := _read_live(job.pk)):
        beat = parse_datetime(live["beat"])
        if job.heartbeat_at is None or (beat and beat > job.heartbeat_at):
            job.done, job.total, job.step = live["done"], live["total"], live["step"]
            job.heartbeat_at = beat
    if job.state == Job.State.RUNNING:  # a queued job waits in the engine's queue store
        last = job.heartbeat_at or job.started_at or job.created_at
        if (timezone.now() - last).total_seconds() > stale_after():
            _interrupted(job, last)
    return job


def _interrupted(job: Job, last) -> None:
    """A running job that stopped beating: its worker died. Put back on the queue (its input
    kept, anything it wrote discarded) while it has attempts left, else failed in Vietnamese."""
    this_run = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts)
    _clear_live(job.pk)
    if job.attempts < max_attempts():
        step = RETRYING.format(attempt=job.attempts + 1)
        if this_run.update(state=Job.State.QUEUED, step=step, heartbeat_at=None):
            job.state, job.step, job.heartbeat_at = Job.State.QUEUED, step, None
            discard_files(job, keep=job.input_file)
            transaction.on_commit(lambda: enqueue(job.pk))
            return
    else:
        since = timezone.localtime(last).strftime("%H:%M:%S %d/%m/%Y")
        message = INTERRUPTED.format(since=since)
        now = timezone.now()
        if this_run.update(state=Job.State.FAILED, error=message, finished_at=now):
            job.state, job.error, job.finished_at = Job.State.FAILED, message, now
            discard_files(job)
            return
    job.refresh_from_db()


# -- what a job function sees -----------------------------------------------------------------


@dataclass
class Run:
    job: Job
    done: int = 0
    total: int = 0
    step: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    result: tuple[str, str, str] | None = None  # storage name, download name, content type
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(
        self, done: int | None = None, *, total: int | None = None, step: str | None = None
    ) -> None:
        with self._lock:
            if total is not None:
                self.total = total
            if done is not None:
                self.done = min(done, self.total) if self.total else done
            if step is not None:
                self.step = step

    def advance(self, by: int = 1, *, step: str | None = None) -> None:
        self.progress(self.done + by, step=step)

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "done": self.done,
                "total": self.total,
                "step": self.step,
                "beat": timezone.now().isoformat(),
            }

    def claim(self) -> None:
        """Inside the job's own write transaction, just before it commits: the job is still this
        run's (not marked failed as interrupted meanwhile), or the transaction is rolled back."""
        if not Job.objects.filter(
            pk=self.job.pk, state=Job.State.RUNNING, attempts=self.job.attempts
        ).update(heartbeat_at=timezone.now()):
            raise JobFailed("Tác vụ đã bị đánh dấu gián đoạn; không có dữ liệu nào được lưu.")

    def keep_result(self, source: IO[bytes], name: str, content_type: str) -> None:
        """Store the finished result file (a temporary file the function wrote whole)."""
        source.seek(0)
        stored = default_storage.save(f"{folder(self.job)}/{name}", File(source, name=name))
        self.result = (stored, name, content_type)


class _Monitor(threading.Thread):
    """Writes the run's progress and heartbeat while the job function works."""

    def __init__(self, run: Run) -> None:
        super().__init__(name=f"job-{run.job.pk}-monitor", daemon=True)
        self.run_ = run
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(beat_every()):
                try:
                    _write_live(self.run_.job.pk, self.run_.snapshot())
                except Exception:  # a busy database for one beat is not the job's failure
                    log.warning("job %s: progress not written", self.run_.job.pk, exc_info=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(10)


# -- starting and running ---------------------------------------------------------------------


def start(
    kind: str,
    owner,
    *,
    title: str,
    params: dict | None = None,
    upload: IO[bytes] | None = None,
    upload_name: str = "dau-vao",
) -> Job:
    """Create the job (with its input file saved to storage) and run it after the commit."""
    if kind not in REGISTRY:
        raise KeyError(kind)
    job = Job.objects.create(kind=kind, owner=owner, title=title, params=params or {})
    if upload is not None:
        job.input_file = default_storage.save(f"{folder(job)}/{upload_name}", File(upload))
        job.save(update_fields=["input_file"])
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(pk: int) -> None:
    """Put the job on its kind's queue (`queues.QUEUE_OF_KIND`: documents and large imports on the
    heavy one), run at once in the engine's immediate mode (tests)."""
    kind = Job.objects.filter(pk=pk).values_list("kind", flat=True).first()
    if queue_of(kind or "") == HEAVY:
        run_heavy_job(pk)
    else:
        run_job(pk)


def execute(pk: int) -> Job | None:
    """Run the job now, in this process (a worker of the engine, or a test). None if another
    worker already took it, or it was given up meanwhile."""
    now = timezone.now()
    if not Job.objects.filter(pk=pk, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    ):
        return None
    job = Job.objects.select_related("owner").get(pk=pk)
    run = Run(job)
    monitor = _Monitor(run)
    monitor.start()
    try:
        REGISTRY[job.kind](run)
    except JobFailed as exc:
        monitor.stop()
        _fail(run, exc.message, exc.summary)
    except Exception:
        monitor.stop()
        log.exception("job %s (%s) failed", pk, job.kind)
        _fail(run, UNEXPECTED.format(pk=pk), {})
    else:
        monitor.stop()
        _complete(run)
    finally:
        _clear_live(pk)
        _discard_input(job)
    job.refresh_from_db()
    return job


def _complete(run: Run) -> None:
    stored, name, content_type = run.result or ("", "", "")
    updated = Job.objects.filter(
        pk=run.job.pk, state=Job.State.RUNNING, attempts=run.job.attempts
    ).update(
        state=Job.State.DONE,
        done=run.total or run.done,
        total=run.total,
        step="Đã xong.",
        result_file=stored,
        result_name=name,
        result_type=content_type,
        summary=run.summary,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not updated and stored:  # marked interrupted meanwhile: its result is not handed out
        default_storage.delete(stored)


def _fail(run: Run, message: str, summary: dict) -> None:
    if run.result:
        default_storage.delete(run.result[0])
        run.result = None
    Job.objects.filter(pk=run.job.pk, state=Job.State.RUNNING, attempts=run.job.attempts).update(
        state=Job.State.FAILED,
        done=run.done,
        total=run.total,
        step=run.step[:300],
        error=message,
        summary=summary,
        finished_at=timezone.now(),
    )


def _discard_input(job: Job) -> None:
    if job.input_file and default_storage.exists(job.input_file):
        default_storage.delete(job.input_file)


def discard_files(job: Job, *, keep: str = "") -> None:
    """Everything a dead job left in its folder (input, a result written half-way), but `keep`."""
    _, files = (
        default_storage.listdir(folder(job)) if default_storage.exists(folder(job)) else ([], [])
    )
    for name in files:
        if f"{folder(job)}/{name}" != keep:
            default_storage.delete(f"{folder(job)}/{name}")
    if keep:
        return
    try:
        root = Path(default_storage.path(folder(job)))
    except NotImplementedError:
        return
    shutil.rmtree(root, ignore_errors=True)


@db_task(name="thidua.jobs.run")
def run_job(pk: int) -> None:
    """The engine's task a worker runs for each queued job (declared here, beside `enqueue`, so
    that this module and tasks.py do not import each other)."""
    execute(pk)


@heavy_db_task(name="thidua.jobs.run_heavy")
def run_heavy_job(pk: int) -> None:
    """The same on the heavy queue (document generation, large imports): run only by the heavy
    queue's workers (`run_huey --queue heavy`)."""
    execute(pk)
