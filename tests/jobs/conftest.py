"""Helpers of the background-job tests: large honours workbooks, a Run that records its progress,
a real consumer of the task engine in threads."""

from __future__ import annotations

import io
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from thidua.honours.importers import template_workbook
from thidua.jobs.runner import Run


def people_workbook(rows: int, prefix: str, *, unit_of=lambda i: "bac-giang") -> bytes:
    """The downloadable template with `rows` new officers on the “Cán bộ” sheet."""
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb["Cán bộ"]
    for i in range(rows):
        ws.append(
            [
                f"{prefix}-{i:05d}",
                f"Nguyễn Văn Số {i}",
                "Đại úy",
                "Cán bộ",
                unit_of(i),
                "",
                "01/03/2016",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(body: bytes, name: str = "ho-so-toan-quoc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body)


class RecordingRun(Run):
    """A job's Run that keeps every progress report it hears, in order."""

    def __init__(self, job) -> None:
        super().__init__(job)
        self.reports: list[tuple[int, int, str]] = []

    def progress(self, done=None, *, total=None, step=None) -> None:
        super().progress(done, total=total, step=step)
        self.reports.append((self.done, self.total, self.step))


@pytest.fixture
def engine_in_threads():
    """A real consumer of the task engine inside the test process (worker threads on an in-memory
    queue), for tests whose app server runs in-process too (the browser tests' live server): the
    jobs run beside the requests, as with `manage.py run_huey`, instead of the test profile's
    immediate mode. tests/jobs/test_engine.py runs worker processes on the queue file."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    from thidua.jobs.queues import HEAVY_HUEY

    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    }
    # One consumer per queue, as `run_huey` and `run_huey --queue heavy` (documents, imports).
    saved = {huey: (huey.storage, huey._immediate) for huey in (HUEY, HEAVY_HUEY)}
    consumers = []
    for huey in (HUEY, HEAVY_HUEY):
        huey._immediate = False
        huey.storage = MemoryStorage(huey.name)
        consumers.append(
            huey.create_consumer(
                workers=1,
                worker_type="thread",
                periodic=False,
                max_delay=0.1,
                check_worker_health=False,
            )
        )
    for consumer in consumers:
        consumer.start()
    try:
        yield consumers[0]
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)
        for huey, (storage, immediate) in saved.items():
            huey.storage, huey._immediate = storage, immediate
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
