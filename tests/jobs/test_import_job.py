"""A large honours import runs as a background job: progress while reading and while writing, still
all or nothing, errors row/column-precise; a small file is still imported at once on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.jobs.conftest import RecordingRun, people_workbook, upload
from thidua.audit.models import AuditRecord
from thidua.honours import tasks
from thidua.honours.models import Person
from thidua.jobs import runner
from thidua.jobs.models import Job

pytestmark = pytest.mark.django_db

ROWS = 250  # above the (lowered) threshold below: the job path; the code is the same at 10.000


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.HONOURS_IMPORT_SYNC_ROWS = 200


def import_job(user, body: bytes, *, dry_run: bool = False) -> Job:
    return runner.start(
        Job.Kind.HONOURS_IMPORT,
        user,
        title="Nhập",
        params={"dry_run": dry_run},
        upload=upload(body),
        upload_name="dau-vao.xlsx",
    )


def recorded_run(job: Job) -> RecordingRun:
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    job.refresh_from_db()
    run = RecordingRun(job)
    try:
        tasks.honours_import(run)
    except runner.JobFailed as exc:
        run.failure = exc
    else:
        run.failure = None
    return run


def test_a_large_file_uploaded_on_the_page_becomes_a_job_and_is_saved_whole(world):
    officer = world.cast.officer_a
    client = world.cast.client(officer)
    people, audit = Person.objects.count(), AuditRecord.objects.count()
    response = client.post(reverse("honours_import"), {"file": upload(people_workbook(ROWS, "LG"))})
    job = Job.objects.get(owner=officer, kind=Job.Kind.HONOURS_IMPORT)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.title == "Nhập hồ sơ khen thưởng từ tệp “ho-so-toan-quoc.xlsx” (250 dòng)"
    assert job.input_file.endswith("dau-vao.xlsx")
    assert Person.objects.count() == people  # nothing before the job runs

    finished = runner.execute(job.pk)
    assert finished.state == Job.State.DONE, finished.error
    assert finished.summary["text"] == "250 cán bộ" and finished.summary["saved"]
    assert Person.objects.count() == people + ROWS
    assert AuditRecord.objects.count() >= audit + ROWS
    assert not runner.default_storage.exists(job.input_file)  # the upload is not kept
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đã nhập xong" in page and "Đã lưu: 250 cán bộ" in page


def test_progress_covers_reading_then_writing_in_batches_of_rows(world):
    job = import_job(world.cast.officer_a, people_workbook(ROWS, "PG"))
    run = recorded_run(job)
    assert run.failure is None
    assert run.total == 2 * ROWS and run.done == 2 * ROWS
    dones = [done for done, _, _ in run.reports]
    assert dones == sorted(dones)
    steps = [step for _, _, step in run.reports]
    assert "Đang đọc và kiểm tra trang “Cán bộ”: dòng 101" in steps  # 100 rows read
    assert "Đã đọc 250 dòng dữ liệu." in steps
    for i in (100, 200, 250):
        assert f"Đang kiểm tra và ghi trang “Cán bộ”: {i}/250 dòng" in steps
    assert steps[-1] == "Đang hoàn tất: ghi một lần toàn bộ dữ liệu…"
    writing = [d for d, _, s in run.reports if s.startswith("Đang kiểm tra và ghi")]
    assert writing == [ROWS + 100, ROWS + 200, ROWS + 250]


def test_a_database_refusal_late_in_the_file_saves_none_of_the_rows_before_it(world):
    # Row 231's officer code is already taken: found while writing, after 229 rows were written.
    Person.create(
        by=None,
        unit=world.unit("bac-giang"),
        start=dt.date(2015, 1, 1),
        officer_code="DB-00229",
        full_name="Cán Bộ Đã Có",
    )
    body = people_workbook(ROWS, "DB")
    people = Person.objects.count()
    job = import_job(world.cast.officer_a, body)
    finished = runner.execute(job.pk)
    assert finished.state == Job.State.FAILED
    assert finished.error == "Chưa nhập được: tệp có 1 lỗi. Không dòng nào được lưu."
    assert finished.summary["errors"] == [
        "Trang “Cán bộ” — Dòng 231, cột A (Số hiệu CAND): "
        "số hiệu “DB-00229” đã có trong hồ sơ thuộc phạm vi của bạn."
    ]
    assert Person.objects.count() == people
    assert not Person.objects.filter(officer_code="DB-00001").exists()
    page = world.cast.client(world.cast.officer_a).get(job.get_absolute_url()).content.decode()
    assert "Dòng 231, cột A (Số hiệu CAND)" in page and "Không dòng nào được lưu" in page


def test_file_errors_are_listed_row_and_column_precise_and_nothing_is_written(world):
    body = people_workbook(
        ROWS, "FE", unit_of=lambda i: "Công an tỉnh Không Có" if i == 240 else "bac-giang"
    )
    job = import_job(world.cast.officer_a, body)
    run = recorded_run(job)
    assert run.failure is not None
    errors = run.failure.summary["errors"]
    assert len(errors) == 1
    assert errors[0].startswith("Trang “Cán bộ” — Dòng 242, cột E (Đơn vị): ")
    assert not Person.objects.filter(officer_code__startswith="FE-").exists()


def test_the_job_gives_up_its_writes_if_it_was_marked_interrupted_meanwhile(world):
    job = import_job(world.cast.officer_a, people_workbook(ROWS, "CL"))
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    job.refresh_from_db()
    run = runner.Run(job)
    original = run.claim

    def claim_after_being_given_up():
        Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)  # as refresh() would
        original()

    run.claim = claim_after_being_given_up
    with pytest.raises(runner.JobFailed, match="không có dữ liệu nào được lưu"):
        tasks.honours_import(run)
    assert not Person.objects.filter(officer_code__startswith="CL-").exists()


def test_a_dry_run_job_checks_everything_and_saves_nothing(world):
    job = import_job(world.cast.officer_a, people_workbook(ROWS, "DR"), dry_run=True)
    finished = runner.execute(job.pk)
    assert finished.state == Job.State.DONE and finished.summary["dry_run"]
    assert not Person.objects.filter(officer_code__startswith="DR-").exists()
    page = world.cast.client(world.cast.officer_a).get(job.get_absolute_url()).content.decode()
    assert "Tệp hợp lệ (chưa lưu)" in page and "Sẽ nhập: 250 cán bộ" in page


def test_a_small_file_is_still_imported_at_once_on_the_page(world):
    client = world.cast.client(world.cast.officer_a)
    response = client.post(reverse("honours_import"), {"file": upload(people_workbook(20, "SM"))})
    assert response.status_code == 200
    assert "Đã lưu: 20 cán bộ" in response.content.decode()
    assert Person.objects.filter(officer_code__startswith="SM-").count() == 20
    assert not Job.objects.exists()


def test_the_import_form_shows_upload_progress(world):
    page = world.cast.client(world.cast.officer_a).get(reverse("honours_import"))
    html = page.content.decode()
    assert 'data-upload-progress="Đang tải tệp Excel lên…"' in html
    assert "js/upload-progress.js" in html
