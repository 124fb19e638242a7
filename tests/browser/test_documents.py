"""The year's documents in Chromium: the secretariat opens the documents page and downloads the
report (DOCX) and the score table (XLSX), which open with their official content."""

from __future__ import annotations

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.documents.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_downloads_the_report_and_the_score_table_from_the_documents_page(page, cast):
    login(page, cast.secretariat.username)
    page.goto("/cum-thi-dua/2021/3/thi-dua/van-ban/")
    expect(page.get_by_role("heading", name="Văn bản tổng kết năm 2021")).to_be_visible()
    rows = page.locator("#documents-table tbody tr")
    assert rows.count() == 4
    screenshot(page, "documents-01-list")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = rows.filter(has_text="Báo cáo tổng kết")
    with page.expect_download() as info:
        report.get_by_role("link", name="Word (DOCX)").click()
    download = info.value
    assert download.suggested_filename == "bao-cao-tong-ket-cum-3-2021.docx"
    path = ARTIFACTS / "browser-report.docx"
    download.save_as(path)
    document = docx.Document(str(path))
    assert document.tables[0].cell(1, 1).text == "Yên Bái, ngày 03 tháng 12 năm 2021"
    assert "BÁO CÁO" in [p.text for p in document.paragraphs]

    scores = rows.filter(has_text="Bảng tổng hợp điểm")
    with page.expect_download() as info:
        scores.get_by_role("link", name="Excel (XLSX)").click()
    path = ARTIFACTS / "browser-scores.xlsx"
    info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    names = [c.value for c in sheet["B"] if c.value and str(c.value).startswith("Công an tỉnh")]
    assert names[0] == "Công an tỉnh Yên Bái" and len(names) == 8


def test_an_officer_of_another_cluster_cannot_open_the_documents_page(page, cast):
    login(page, cast.officer_b.username)
    response = page.goto("/cum-thi-dua/2021/3/thi-dua/van-ban/")
    assert response.status == 404
