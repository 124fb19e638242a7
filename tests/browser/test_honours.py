"""Commendation records in Chromium: import with an error, fix, import; then "why not"."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.honours.importers import template_workbook
from thidua.honours.models import Commendation, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    [
        "BG-0101",
        "Đinh Văn Sáng",
        "Đại úy",
        "Đội trưởng",
        "Công an tỉnh Bắc Giang",
        "Phòng PC02",
        "01/03/2016",
    ],
]
RATINGS = [
    ["BG-0101", "", 2023, "Hoàn thành xuất sắc nhiệm vụ"],
    ["BG-0101", "", 2024, "Hoàn thành xuất sắc nhiệm vụ"],
]
AWARDS = [
    [
        "BG-0101",
        "",
        "Chiến sĩ tiên tiến",
        2023,
        "41/QĐ-CAT",
        "20/12/2023",
        "Giám đốc Công an tỉnh Bắc Giang",
    ],
    [
        "BG-0101",
        "",
        "Chiến sĩ thi đua cơ sở",
        2023,
        "42/QĐ-CAT",
        "20/12/2023",
        "Giám đốc Công an tỉnh Bắc Giang",
    ],
    [
        "BG-0101",
        "",
        "Chiến sĩ tiên tiến",
        "2O24",
        "77/QĐ-CAT",
        "20/12/2024",
        "Giám đốc Công an tỉnh Bắc Giang",
    ],
]


def workbook(path, awards) -> str:
    wb = load_workbook(io.BytesIO(template_workbook()))
    for name, rows in (("Cán bộ", PEOPLE), ("Xếp loại", RATINGS), ("Khen thưởng", awards)):
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                wb[name].cell(row=r, column=c, value=value)
    wb.save(path)
    return str(path)


def test_officer_imports_records_fixes_an_error_and_asks_why_not(page, cast, tmp_path):
    login(page, cast.officer_a.username)
    page.goto("/khen-thuong/nhap-excel/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(workbook(tmp_path / "loi.xlsx", AWARDS))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    errors = page.locator("#import-errors li")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Trang “Khen thưởng” — Dòng 4, cột D (Năm)")
    assert not Person.objects.filter(officer_code="BG-0101").exists()  # all or nothing
    screenshot(page, "honours-01-import-error")

    fixed = [*AWARDS[:2], [*AWARDS[2][:3], 2024, *AWARDS[2][4:]]]
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(workbook(tmp_path / "sua.xlsx", fixed))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.locator("#import-result")).to_contain_text("Đã nhập xong")
    assert Commendation.objects.filter(person__officer_code="BG-0101").count() == 3
    screenshot(page, "honours-02-import-done")

    person = Person.objects.get(officer_code="BG-0101")
    page.goto(person.get_absolute_url())
    expect(page.locator("#history")).to_contain_text("Chiến sĩ thi đua cơ sở")
    screenshot(page, "honours-03-person-history")
    page.get_by_label("Danh hiệu, hình thức").select_option(
        label="Chiến sĩ thi đua toàn lực lượng CAND"
    )
    page.get_by_label("Năm xét").fill("2024")
    page.get_by_role("button", name="Xét điều kiện").click()
    why_not = page.locator("#why-not")
    expect(why_not).to_contain_text("Vì sao chưa đủ điều kiện")
    expect(page.locator("#verdict")).to_contain_text("Không đủ điều kiện")
    expect(page.locator("#conditions")).to_contain_text("Luật Thi đua, khen thưởng 2022")
    screenshot(page, "honours-04-why-not")
