"""A unit officer downloads the results template, uploads it with a mistake, sees where, fixes it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.cycle.results.excel import COL_VALUE, RESULTS_SHEET
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


METHOD = "/cum-thi-dua/2025/3/thi-dua/phuong-phap/"


def test_scale_upload_reports_the_cells_then_adopts_the_corrected_workbook(page, world, tmp_path):
    """The secretariat downloads the blank template and the scale in force, uploads the scale with
    two mistakes, sees both on their cells, fixes them and the scale becomes a new version."""
    from thidua.cycle.models import Cycle
    from thidua.cycle.plan import excel_scale as xs

    page.on("dialog", lambda dialog: dialog.accept())  # "the method is locked: go on?"
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.goto(METHOD)
    page.get_by_role("link", name="Nhập thang điểm từ Excel").click()
    expect(page.get_by_role("heading", name="Nhập thang điểm từ Excel")).to_be_visible()

    with page.expect_download() as blank:
        page.get_by_role("link", name="Tải mẫu thang điểm trống (.xlsx)").click()
    blank.value.save_as(tmp_path / "mau.xlsx")
    template = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    assert template.sheetnames[0] == xs.HELP_SHEET and xs.CRITERIA_SHEET in template.sheetnames

    with page.expect_download() as current:
        page.get_by_role("link", name="Tải thang điểm hiện hành").click()
    current.value.save_as(tmp_path / "thang-diem.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "thang-diem.xlsx")
    ws = workbook[xs.CRITERIA_SHEET]
    first = xs.FIRST
    code, name = ws.cell(first, 1).value, ws.cell(first, 3).value
    max_col = 1 + [c.header for c in xs.CRITERION_COLUMNS].index("Điểm tối đa")
    max_points = ws.cell(first, max_col).value
    ws.cell(first, max_col, "mười")
    ws.cell(first, 2, "KHONG_CO")
    workbook.save(tmp_path / "thang-diem-loi.xlsx")
    before = Cycle.objects.get(cluster__year=2025, cluster__number=3).method

    page.get_by_label("Tệp thang điểm (.xlsx)").set_input_files(
        str(tmp_path / "thang-diem-loi.xlsx")
    )
    page.get_by_label("Lý do thay đổi").fill("Làm rõ tên tiêu chí theo nghị quyết Hội nghị")
    page.get_by_role("button", name="Kiểm tra và áp dụng").click()
    expect(page.get_by_text("Tệp có 2 lỗi — chưa lưu gì.")).to_be_visible()
    expect(page.get_by_text(f"Trang “Tiêu chí”, dòng {first}, cột B (Mã nhóm)")).to_be_visible()
    expect(page.get_by_text("“mười” không phải là số", exact=False)).to_be_visible()
    screenshot(page, "excel-03-scale-upload-errors")
    assert Cycle.objects.get(cluster__year=2025, cluster__number=3).method.pk == before.pk

    ws.cell(first, max_col, max_points)
    ws.cell(first, 2, before.scale["groups"][0]["code"])
    ws.cell(first, 3, f"{name} (theo nghị quyết Hội nghị)")
    workbook.save(tmp_path / "thang-diem-sua.xlsx")
    page.get_by_label("Tệp thang điểm (.xlsx)").set_input_files(
        str(tmp_path / "thang-diem-sua.xlsx")
    )
    page.get_by_label("Lý do thay đổi").fill("Làm rõ tên tiêu chí theo nghị quyết Hội nghị")
    page.get_by_role("button", name="Kiểm tra và áp dụng").click()
    expect(page.locator(".alert--success").first).to_be_visible()
    screenshot(page, "excel-04-scale-adopted")
    after = Cycle.objects.get(cluster__year=2025, cluster__number=3).method
    assert after.pk != before.pk and after.number == before.number + 1
    adopted = {c["code"]: c for g in after.scale["groups"] for c in g["criteria"]}
    assert adopted[code]["name"] == f"{name} (theo nghị quyết Hội nghị)"
