"""“Đọc số liệu từ báo cáo” in Chromium (issue 19): Lào Cai's officer uploads the year-end report,
reviews the suggestions with their sentences, corrects one value and accepts; the values are in the
sheet, and the secretariat (Cao Bằng) sees on the sheet the sentence each value came from."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.cycle.models import ResultSheet
from thidua.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEET = "/cum-thi-dua/2025/3/thi-dua/so-lieu/lao-cai-2025/"
REPORT = (
    "BÁO CÁO TỔNG KẾT CÔNG TÁC NĂM 2025\n"
    "Năm 2025, tỷ lệ điều tra khám phá án hình sự đạt 91,6%, vượt 15,6% chỉ tiêu Bộ giao.\n"
    "Tỷ lệ giải quyết tin báo, tố giác tội phạm và kiến nghị khởi tố đạt 94,2%.\n"
).encode()


def as_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)


def test_officer_reads_the_report_accepts_values_and_the_secretariat_sees_the_sentences(
    page, reference, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    as_user(page, "canbo.laocai")
    page.goto(SHEET)
    page.get_by_role("link", name="Đọc số liệu từ báo cáo").click()
    page.get_by_label("Báo cáo tổng kết").set_input_files(
        {"name": "Bao cao tong ket 2025.txt", "mimeType": "text/plain", "buffer": REPORT}
    )
    page.get_by_role("button", name="Đọc số liệu").click()
    expect(page.get_by_text("Đã đọc báo cáo.")).to_be_visible()
    row = page.locator("#goi-y-TP1")
    expect(row.locator("mark")).to_have_text("91,6%")
    expect(row).to_contain_text("có thể là điểm phần trăm")  # "vượt 15,6% chỉ tiêu" flagged
    expect(page.locator("#value-TP4")).to_have_value("94,2")
    screenshot(page, "reading-01-review")

    page.locator("#value-TP4").fill("94,3")  # the officer corrects one value
    page.get_by_role("button", name="Nhận các giá trị đã chọn").click()
    expect(page.get_by_text("Đã đưa 2 giá trị vào bảng số liệu")).to_be_visible()
    expect(page.locator("#id_TP1")).to_have_value("91,6")
    expect(page.locator("#id_TP4")).to_have_value("94,3")
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")
    assert (sheet.values["TP1"], sheet.values["TP4"]) == ("91.6", "94.3")

    as_user(page, "thuongtruc.caobang")
    page.goto(SHEET)
    source = page.locator("#tc-TP4 .value-source")
    source.locator("summary").click()
    expect(source).to_contain_text("đã sửa so với gợi ý 94,2")
    expect(source.locator("mark")).to_have_text("94,2%")
    expect(source.get_by_role("link", name="Bao cao tong ket 2025.txt")).to_be_visible()
    screenshot(page, "reading-02-secretariat-sees-sources")
