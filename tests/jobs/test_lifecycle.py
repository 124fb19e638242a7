"""A background job's life: queued → running → done (result handed to its owner) or failed (a
Vietnamese message, nothing half-written), and a job whose process died shown as failed.

These run the job function in the test's own process (`runner.execute`); tests/jobs/test_engine.py
runs real workers of the task engine."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from thidua.documents import generate
from thidua.jobs import runner
from thidua.jobs.models import Job

pytestmark = pytest.mark.django_db


def documents_job(user, year: int = 2021) -> Job:
    from thidua.documents.tasks import clusters_in_scope

    choices = clusters_in_scope(user, year)
    return runner.start(
        Job.Kind.DOCUMENTS_YEAR,
        user,
        title=f"Văn bản năm {year}",
        params={"year": year, "clusters": [c.cluster.pk for c in choices]},
    )


def job_files(job: Job) -> list[str]:
    root = Path(settings.MEDIA_ROOT) / runner.folder(job)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_an_approver_starts_the_year_documents_from_the_dashboard_and_downloads_the_zip(world):
    approver = world.cast.approver
    client = world.cast.client(approver)
    dashboard = client.get(reverse("ministry_dashboard"), {"nam": 2021})
    start_url = reverse("jobs_documents_year", args=[2021])
    assert f'action="{start_url}"' in dashboard.content.decode()

    response = client.post(start_url)
    job = Job.objects.get(owner=approver)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.QUEUED and job.kind == Job.Kind.DOCUMENTS_YEAR

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Đang chờ bắt đầu" in page

    finished = runner.execute(job.pk)
    assert finished.state == Job.State.DONE
    assert finished.done == finished.total == 8  # one cluster ready in 2021 × 8 files
    assert finished.started_at <= finished.finished_at
    fragment = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment  # the polling stops once the job has ended
    assert 'value="100"' in fragment and "Tải về van-ban-tong-ket-cac-cum-khoi-2021.zip" in fragment

    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "van-ban-tong-ket-cac-cum-khoi-2021.zip" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "DANH-SACH.txt" in archive.namelist()


def test_nobody_but_the_owner_sees_the_job_or_its_result(world):
    job = documents_job(world.cast.approver)
    runner.execute(job.pk)
    other_approver = type(world.cast.approver).objects.create_user(
        username="pheduyet2", password="x" * 12, role="ministry_approver"
    )
    admin = type(world.cast.approver).objects.create_superuser(
        username="quantri", password="x" * 12
    )
    for user in (other_approver, admin, world.cast.secretariat, world.cast.viewer):
        client = world.cast.client(user)
        for name in ("job_detail", "job_progress", "job_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (user, name)
        assert job.title not in client.get(reverse("job_list")).content.decode()
    owner = world.cast.client(world.cast.approver)
    assert job.title in owner.get(reverse("job_list")).content.decode()
    assert owner.get(reverse("job_download", args=[job.pk])).status_code == 200


def test_a_job_that_finds_nothing_to_do_fails_with_a_vietnamese_message_and_no_file(world):
    job = documents_job(world.cast.approver, 2025)  # no cluster of 2025 is ranked yet
    finished = runner.execute(job.pk)
    assert finished.state == Job.State.FAILED
    assert finished.error == (
        "Chưa cụm, khối nào năm 2025 có bảng tổng hợp điểm, xếp hạng: chưa có văn bản nào để lập."
    )
    assert finished.result_file == "" and job_files(job) == []
    client = world.cast.client(world.cast.approver)
    page = client.get(job.get_absolute_url()).content.decode()
    assert finished.error in page and "Không thành công" in page
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_job_that_breaks_half_way_leaves_no_half_written_zip(world, monkeypatch):
    real_render = generate.render
    calls = []

    def render_then_break(ctx, kind, ext):
        calls.append((kind, ext))
        if len(calls) == 5:
            raise RuntimeError("disk full")
        return real_render(ctx, kind, ext)

    monkeypatch.setattr(generate, "render", render_then_break)
    job = documents_job(world.cast.approver)
    finished = runner.execute(job.pk)
    assert finished.state == Job.State.FAILED
    assert finished.error.startswith("Tác vụ gặp lỗi không mong đợi và đã dừng")
    assert f"mã tác vụ {job.pk}" in finished.error and "disk full" not in finished.error
    assert finished.done == 4 and finished.total == 8  # where it stopped stays visible
    assert finished.result_file == "" and job_files(job) == []


def test_a_job_whose_worker_died_on_its_last_attempt_is_marked_failed_on_the_next_look(
    world, settings
):
    settings.JOBS_STALE_SECONDS, settings.JOBS_MAX_ATTEMPTS = 60, 2
    job = documents_job(world.cast.approver)
    default_storage.save(f"{runner.folder(job)}/dau-vao.xlsx", io.BytesIO(b"input"))
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        done=3,
        total=8,
        attempts=2,
    )
    client = world.cast.client(world.cast.approver)
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error.startswith("Tác vụ bị gián đoạn: máy chủ đã dừng trong khi xử lý")
    assert "vui lòng chạy lại" in job.error and job.error in page
    assert reverse("job_progress", args=[job.pk]) not in page  # the page stops polling
    assert job_files(job) == []  # what the dead job left is cleared
    # A job that later wakes up cannot finish a job already given up.
    assert runner.execute(job.pk) is None


def test_a_job_whose_worker_died_is_run_again_with_its_input_and_nothing_it_wrote(
    world, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_STALE_SECONDS, settings.JOBS_MAX_ATTEMPTS = 60, 2
    job = documents_job(world.cast.approver)
    Job.objects.filter(pk=job.pk).update(input_file=f"{runner.folder(job)}/dau-vao.xlsx")
    default_storage.save(f"{runner.folder(job)}/dau-vao.xlsx", io.BytesIO(b"input"))
    default_storage.save(f"{runner.folder(job)}/nua-chung.zip", io.BytesIO(b"PK half"))
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1
    )
    with django_capture_on_commit_callbacks() as callbacks:
        page = world.cast.client(world.cast.approver).get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.error == ""
    assert job.step == (
        "Máy chạy tác vụ đã dừng đột ngột; không có kết quả dở dang nào được lưu. "
        "Tác vụ được xếp hàng chạy lại (lần 2)…"
    )
    assert reverse("job_progress", args=[job.pk]) in page  # still followed
    assert job_files(job) == ["dau-vao.xlsx"]  # the input stays, the half-written file is gone
    assert len(callbacks) == 1  # put back on the queue after the commit
    finished = runner.execute(job.pk)
    assert finished.state == Job.State.DONE and finished.attempts == 2


def test_a_run_given_up_cannot_finish_the_job_run_again(world, settings):
    job = documents_job(world.cast.approver)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=1)
    first_run = runner.Run(Job.objects.get(pk=job.pk))
    Job.objects.filter(pk=job.pk).update(attempts=2)  # re-queued and started again meanwhile
    with pytest.raises(runner.JobFailed, match="không có dữ liệu nào được lưu"):
        first_run.claim()
    runner._complete(first_run)
    assert Job.objects.get(pk=job.pk).state == Job.State.RUNNING  # the second run's, untouched


def test_a_running_job_that_still_beats_is_not_stale(world, settings):
    settings.JOBS_STALE_SECONDS = 60
    job = documents_job(world.cast.approver)
    long_ago = timezone.now() - dt.timedelta(seconds=300)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    job.refresh_from_db()
    run = runner.Run(job)
    run.progress(5, total=8, step="Cụm thi đua số 3 (1/1): Bảng tổng hợp điểm (PDF)")
    runner._write_live(job.pk, run.snapshot())  # what the monitor thread writes every beat
    seen = runner.refresh(Job.objects.get(pk=job.pk))
    assert seen.state == Job.State.RUNNING
    assert (seen.done, seen.total, seen.percent) == (5, 8, 62)
    fragment = world.cast.client(world.cast.approver).get(reverse("job_progress", args=[job.pk]))
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress class="progress" id="job-bar" max="8" value="5"' in html
    assert "Cụm thi đua số 3 (1/1): Bảng tổng hợp điểm (PDF)" in html


def test_a_queued_job_waits_in_the_queue_however_long_no_worker_takes_it(world, settings):
    # The queue is the engine's store (a file or Redis), not a server's memory: a job that no
    # worker has taken yet is still to be run, not lost.
    settings.JOBS_STALE_SECONDS = 30
    job = documents_job(world.cast.approver)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    seen = runner.refresh(Job.objects.get(pk=job.pk))
    assert seen.state == Job.State.QUEUED and seen.error == ""
    assert runner.execute(job.pk).state == Job.State.DONE


def test_a_second_documents_job_is_not_started_while_one_runs(world):
    client = world.cast.client(world.cast.approver)
    url = reverse("jobs_documents_year", args=[2021])
    first = client.post(url)
    second = client.post(url, follow=True)
    assert Job.objects.filter(owner=world.cast.approver).count() == 1
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "Bạn đang có một tác vụ lập văn bản chưa xong" in second.content.decode()
