"""A unit officer downloads the results template, uploads it with a mistake, sees where, fixes it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.cycle.excel import COL_VALUE, RESULTS_SHEET
from thidua.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHEET = "/cum-thi-dua/2025/3/thi-dua/so-lieu/lao-cai-2025/"


def _row_of(ws, code: str) -> int:
    for row in ws.iter_rows(min_row=1):
        if row[0].value == code:
            return row[0].row
    raise AssertionError(code)


def test_results_upload_reports_the_cell_then_saves_the_corrected_file(page, world, tmp_path):
    from thidua.cycle.models import ResultSheet

    login(page, "canbo.laocai", DEMO_PASSWORD)
    page.goto(SHEET)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu Excel").click()
    template = tmp_path / "mau-so-lieu.xlsx"
    download.value.save_as(template)
    workbook = openpyxl.load_workbook(template)
    ws = workbook[RESULTS_SHEET]
    ws.cell(row=_row_of(ws, "TP1"), column=COL_VALUE, value="chín mươi")
    bad = tmp_path / "so-lieu-loi.xlsx"
    workbook.save(bad)

    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập số liệu").click()
    expect(page.get_by_text("Trang “Số liệu”, dòng").first).to_be_visible()
    screenshot(page, "excel-01-upload-errors")
    before = ResultSheet.objects.get(cycle=world.cycle2025, unit__code="lao-cai-2025").values
    assert before.get("TP1") != "91.5"  # nothing of the bad file was written

    ws.cell(row=_row_of(ws, "TP1"), column=COL_VALUE, value="91,5")
    good = io.BytesIO()
    workbook.save(good)
    (tmp_path / "so-lieu.xlsx").write_bytes(good.getvalue())
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(tmp_path / "so-lieu.xlsx"))
    page.get_by_role("button", name="Nhập số liệu").click()
    expect(page.locator(".alert--success").first).to_be_visible()
    screenshot(page, "excel-02-upload-saved")
    assert (
        ResultSheet.objects.get(cycle=world.cycle2025, unit__code="lao-cai-2025").values["TP1"]
        == "91.5"
    )
