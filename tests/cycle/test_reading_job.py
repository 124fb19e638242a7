"""Issue 19: a long report is read as a background job with progress; the officer is then sent to
the same review page (nothing enters the sheet without a click), and a file the page refuses the
job refuses in the same words."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cycle.test_report_reading import REPORT, client_for, lao_cai, url
from tests.jobs.conftest import RecordingRun
from thidua.cycle import tasks
from thidua.cycle.models import ReportReading
from thidua.jobs.models import Job
from thidua.jobs.runner import JobFailed

pytestmark = pytest.mark.django_db

LONG = REPORT * 400  # a long report: the same page four hundred times


@pytest.fixture
def background(settings):
    settings.THIDUA_READING_BACKGROUND_BYTES = len(REPORT) * 10


def queued(officer, content: bytes, name: str = "bao-cao-dai.txt") -> Job:
    response = officer.post(
        url("cycle_reading_upload"), {"file": SimpleUploadedFile(name, content)}
    )
    job = Job.objects.filter(kind=Job.Kind.REPORT_READING).latest("pk")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    return job


def test_a_long_report_is_read_by_a_job_with_progress_then_reviewed(background):
    officer = client_for("canbo.laocai")
    before = dict(lao_cai().values)
    job = queued(officer, LONG)
    assert job.owner.username == "canbo.laocai" and job.params["sheet"] == lao_cai().pk
    job.state = Job.State.RUNNING  # as the worker marks it
    job.save(update_fields=["state"])
    run = RecordingRun(job)
    tasks.report_reading(run)

    reading = ReportReading.objects.get(sheet=lao_cai())
    steps = [step for _, _, step in run.reports]
    assert steps[0] == "Đang kiểm tra tệp…" and steps[-1] == "Đã đọc xong."
    assert "Đang tìm số liệu trong báo cáo…" in steps
    dones = [done for done, _, _ in run.reports]
    assert dones == sorted(dones) and dones[-1] == 4
    assert run.summary["url"] == url("cycle_reading_review", reading.pk)
    assert lao_cai().values == before  # nothing entered without the officer's click
    page = officer.get(run.summary["url"]).content.decode()
    assert "<mark>91,6%</mark>" in page


def test_a_short_report_is_still_read_at_once(background):
    officer = client_for("canbo.laocai")
    response = officer.post(
        url("cycle_reading_upload"), {"file": SimpleUploadedFile("bao-cao.txt", REPORT)}
    )
    reading = ReportReading.objects.get(sheet=lao_cai())
    assert response["Location"] == url("cycle_reading_review", reading.pk)
    assert not Job.objects.filter(kind=Job.Kind.REPORT_READING).exists()


def test_a_long_file_without_figures_fails_the_job_in_the_pages_words(background):
    officer = client_for("canbo.laocai")
    job = queued(officer, "Không có con số nào trong văn bản này. ".encode() * 400)
    job.state = Job.State.RUNNING
    job.save(update_fields=["state"])
    with pytest.raises(JobFailed, match="Không tìm thấy số liệu nào trong báo cáo"):
        tasks.report_reading(RecordingRun(job))
    assert not ReportReading.objects.exists()


def test_another_units_officer_cannot_start_a_reading_job(background):
    neighbour = client_for("canbo.bacgiang")
    response = neighbour.post(
        url("cycle_reading_upload"), {"file": SimpleUploadedFile("bao-cao.txt", LONG)}
    )
    assert response.status_code in (403, 404)
    assert not Job.objects.filter(kind=Job.Kind.REPORT_READING).exists()
