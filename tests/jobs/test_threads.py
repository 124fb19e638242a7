"""The real background thread: started after the commit of the request that created the job, it
runs the job while the test polls the progress page like the browser does, and ends it done.

Transactional (the thread has its own database connection and must see committed rows); these
tests empty the database when they finish, so they run last."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.jobs.conftest import people_workbook, upload
from thidua.honours.models import Person
from thidua.jobs import runner
from thidua.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

BAR = re.compile(r'id="job-bar" max="(\d+)" value="(\d+)"')


def poll_until_ended(client, job_pk: int, timeout: float = 240) -> list[tuple[int, int]]:
    """What the progress fragment showed, every 0.2 s, until the polling attribute disappears."""
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = client.get(reverse("job_progress", args=[job_pk])).content.decode()
        if (m := BAR.search(html)) and "hx-trigger" in html:
            seen.append((int(m.group(2)), int(m.group(1))))
        if "hx-trigger" not in html:
            return seen
        time.sleep(0.2)
    raise AssertionError("the job did not end in time")


def job_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("job-")]


@override_settings(HONOURS_IMPORT_SYNC_ROWS=100)
def test_a_large_import_runs_in_a_background_thread_with_progress_the_page_can_see(
    world, monkeypatch
):
    # 300 rows import in well under a second now: each progress report is held a quarter of a
    # second, as a national file's batches would take, so the page's polling can watch the bar.
    report = runner.Run.progress

    def held(self, *args, **kwargs):
        report(self, *args, **kwargs)
        time.sleep(0.25)

    monkeypatch.setattr(runner.Run, "progress", held)
    client = world.cast.client(world.cast.officer_a)
    response = client.post(reverse("honours_import"), {"file": upload(people_workbook(300, "TH"))})
    job = Job.objects.get(kind=Job.Kind.HONOURS_IMPORT)
    assert response["Location"] == job.get_absolute_url()
    seen = poll_until_ended(client, job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert Person.objects.filter(officer_code__startswith="TH-").count() == 300
    # The bar moved while the job ran (read, then write phase), never backwards.
    assert len({done for done, _ in seen}) >= 2, seen
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    deadline = time.monotonic() + 10
    while job_threads() and time.monotonic() < deadline:  # the thread and its monitor end
        time.sleep(0.1)
    assert job_threads() == []


def test_the_year_documents_are_made_by_a_background_thread(world):
    client = world.cast.client(world.cast.approver)
    client.post(reverse("jobs_documents_year", args=[2021]))
    job = Job.objects.get(kind=Job.Kind.DOCUMENTS_YEAR)
    poll_until_ended(client, job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.done == job.total == 8
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
