"""Heavy work has its own queue and its own bounded workers (issue 17): a document job and an
import job land on the heavy queue, the default queue's worker (the schedule, small work) leaves
them alone, and a real worker process of the heavy queue (`run_huey --queue heavy`) runs them."""

from __future__ import annotations

import time

import pytest

from tests.jobs.test_engine import USERNAME, Site, Worker, site, wait_for, workbook  # noqa: F401

pytestmark = pytest.mark.django_db  # the workbook template's lists are read from the test database


def accept_documents(installation: Site, year: int) -> int:
    """What the documents page does, in a process that then exits (the web server)."""
    return int(
        installation.shell(
            "from thidua.jobs.runner import start; from thidua.org.models import User\n"
            f"job = start('documents_year', User.objects.get(username={USERNAME!r}), "
            f"title='Văn bản {year}', params={{'year': {year}, 'clusters': []}})\n"
            "print(job.pk)"
        )
    )


def ended(installation: Site, pk: int) -> bool:
    return installation.job(pk)["state"] in ("done", "failed")


@pytest.mark.parametrize("site", ["file", "redis"], indirect=True)
def test_documents_and_imports_run_on_the_heavy_queue_by_its_own_worker(site: Site) -> None:  # noqa: F811
    imported = site.accept_import(workbook(40, "HQ"), "nang.xlsx")
    documents = accept_documents(site, 2031)
    # Both on the heavy queue's store; nothing of theirs on the default queue.
    assert site.queued_tasks("heavy") == 2
    assert site.queued_tasks("default") == 0

    default = Worker(site, workers=2, queue="default")
    try:
        # The default worker is alive and consumes its own queue: a small task put there (the
        # sweep of dead jobs) is taken at once...
        site.shell("from thidua.jobs.tasks import sweep_stale_jobs; sweep_stale_jobs()")
        wait_for(lambda: site.queued_tasks("default") == 0, 60, "the default worker's task")
        time.sleep(2)
        # ...while the heavy jobs stay queued, untouched.
        assert site.job(imported)["state"] == site.job(documents)["state"] == "queued"
        assert site.queued_tasks("heavy") == 2

        heavy = Worker(site, workers=1, queue="heavy")
        try:
            most_running = 0

            def both_ended() -> bool:
                nonlocal most_running
                running = site.query("SELECT COUNT(*) FROM jobs_job WHERE state = 'running'")[0]
                most_running = max(most_running, running)
                return ended(site, imported) and ended(site, documents)

            wait_for(both_ended, 180, "the heavy worker to run both jobs", every=0.02)
        finally:
            heavy.stop()
    finally:
        default.stop()

    job = site.job(imported)
    assert job["state"] == "done", job["error"]
    assert site.people("HQ-") == 40
    # The document job ran too: a year without clusters ends with the documents' own reason.
    job = site.job(documents)
    assert job["state"] == "failed" and job["error"].startswith("Chưa cụm, khối nào năm 2031")
    assert most_running == 1  # one heavy worker: at most one heavy job at a time
    assert site.queued_tasks("heavy") == 0

    heavy_log = heavy.log.read_text(encoding="utf-8")
    default_log = default.log.read_text(encoding="utf-8")
    assert heavy_log.count("thidua.jobs.run_heavy") >= 2, heavy_log  # executed by that process
    assert "thidua.jobs.run_heavy" not in default_log, default_log
    assert "thidua.jobs.sweep" in default_log, default_log
