"""Background jobs in Chromium: the Ministry approver starts the documents of every cluster of 2021
from the national dashboard, watches the progress bar move and downloads the ZIP; an officer's
Excel import goes up with an upload progress bar, at once for a small file, as a job for a large one.
"""

from __future__ import annotations

import re
import time
import zipfile

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.documents.conftest import ARTIFACTS
from tests.jobs.conftest import engine_in_threads, people_workbook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The jobs run in a consumer of the task engine, beside the live server.
    pytest.mark.usefixtures(engine_in_threads.__name__),
]


def test_approver_makes_every_clusters_documents_watches_the_bar_and_downloads_the_zip(
    page, cast, settings, tmp_path
):
    # An empty store of rendered documents: every document is made now (from the store, the job
    # ends before the bar can be watched).
    settings.MEDIA_ROOT = str(tmp_path / "media")
    login(page, cast.approver.username)
    page.goto("/bang-dieu-khien/?nam=2021")
    page.get_by_role("button", name="Lập văn bản của tất cả các cụm, khối").click()
    expect(page).to_have_url(re.compile(r"/tac-vu/\d+/$"))
    bar = page.locator("#job-bar")
    values: list[str | None] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not page.locator("#job-download").count():
        values.append(bar.get_attribute("value"))
        if len(values) == 3:
            screenshot(page, "jobs-01-progress")
        time.sleep(0.25)
    running = [int(v) for v in values if v is not None]
    if running and running[-1] == 100:  # the last sample may have caught the finished bar
        running.pop()
    # While the server worked the bar showed how many of the 8 documents were made (how many
    # steps the 1-second polls catch depends on the machine's speed), never going back; then 100%.
    assert running and all(0 <= n < 8 for n in running), values
    assert running == sorted(running)
    expect(page.locator("#job-result")).to_contain_text("Cụm thi đua số 3: 8 tệp")
    expect(bar).to_have_attribute("value", "100")
    screenshot(page, "jobs-02-done")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with page.expect_download() as info:
        page.locator("#job-download").click()
    assert info.value.suggested_filename == "van-ban-tong-ket-cac-cum-khoi-2021.zip"
    path = ARTIFACTS / "browser-all-clusters-2021.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert "cum-3/bao-cao-tong-ket-cum-3-2021.docx" in archive.namelist()
        assert archive.testzip() is None


@override_settings(HONOURS_IMPORT_SYNC_ROWS=100)
def test_officer_uploads_excel_with_a_progress_bar_small_at_once_large_as_a_job(
    page, cast, tmp_path
):
    small, large = tmp_path / "nho.xlsx", tmp_path / "lon.xlsx"
    small.write_bytes(people_workbook(5, "BS"))
    large.write_bytes(people_workbook(150, "BL"))
    login(page, cast.officer_a.username)

    page.goto("/khen-thuong/nhap-excel/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(small))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.locator("#import-result")).to_contain_text("Đã lưu: 5 cán bộ")
    expect(page).to_have_url(re.compile(r"/khen-thuong/nhap-excel/$"))

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(large))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.locator(".upload-progress")).to_be_attached()
    expect(page).to_have_url(re.compile(r"/tac-vu/\d+/$"))
    expect(page.locator("#job-result")).to_contain_text("Đã lưu: 150 cán bộ", timeout=120_000)
    screenshot(page, "jobs-03-import-done")
