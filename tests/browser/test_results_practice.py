"""Lào Cai's officer on the results sheet in Chromium, at desktop and phone widths (issue #18): a rate
out of range is refused beside its field, an unlikely figure is warned there and confirmed before
sending; a file is attached
from its criterion's row and deleted again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.files import tiny_pdf
from thidua.cycle.models import Evidence, ResultSheet
from thidua.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEET = "/cum-thi-dua/2025/3/thi-dua/so-lieu/lao-cai-2025/"


@pytest.mark.parametrize("width", [1280, 390])
def test_officer_is_warned_confirms_and_attaches_files_per_row(
    page, reference, settings, tmp_path, width
):
    settings.MEDIA_ROOT = tmp_path
    page.set_viewport_size({"width": width, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "canbo.laocai", DEMO_PASSWORD)
    page.goto(SHEET)

    # A rate of 150 % is refused beside its field; nothing is saved.
    page.locator("#id_TP1").fill("150")
    page.get_by_role("button", name="Lưu nháp").click()
    refusal = page.locator("#tc-TP1").get_by_text(
        "150% nằm ngoài giới hạn cho phép: tỷ lệ phần trăm phải từ 0 đến 100%."
    )
    expect(refusal).to_be_visible()
    refusal.scroll_into_view_if_needed()
    screenshot(page, f"results-practice-{width}-refused")
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")
    assert sheet.values["TP1"] != "150"

    # A traffic change of +150 % is possible but unlikely: saved, and warned.
    page.goto(SHEET)
    page.locator("#id_QL1").fill("150")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp số liệu.")).to_be_visible()
    warning = page.locator("#canh-bao-QL1")
    expect(warning).to_contain_text("mức tăng 150% vượt quá 100%")
    warning.scroll_into_view_if_needed()
    expect(warning).to_be_in_viewport()

    row = page.locator("#tc-TP3")
    row.get_by_text("Thêm tệp").click()
    row.get_by_label("Chọn tệp — TP3").set_input_files(
        {"name": "Ket qua TP3.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("TP3")}
    )
    row.get_by_role("button", name="Gửi tệp — TP3").click()
    expect(row.get_by_role("link", name="Ket qua TP3.pdf")).to_be_visible()
    page.reload()
    screenshot(page, f"results-practice-{width}-warning-and-file")
    page.locator("#tc-TP3").get_by_role("button", name="Xóa tệp Ket qua TP3.pdf").click()
    expect(page.get_by_text("Đã xóa tệp minh chứng “Ket qua TP3.pdf” (TP3).")).to_be_visible()
    assert not Evidence.objects.filter(original_name="Ket qua TP3.pdf").exists()

    page.get_by_role("button", name="Gửi Thường trực Cụm").click()
    expect(page.get_by_text("Chưa gửi: có 1 số liệu cần xác nhận")).to_be_visible()
    screenshot(page, f"results-practice-{width}-confirm")
    page.get_by_label("Tôi đã kiểm tra").check()
    page.get_by_role("button", name="Gửi Thường trực Cụm").click()
    expect(page.get_by_text("Đã gửi số liệu tới Thường trực Cụm.")).to_be_visible()
    expect(page.locator("#tc-XD_TRU")).to_contain_text("−1 điểm")
    screenshot(page, f"results-practice-{width}-sent")
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")
    assert sheet.state == ResultSheet.State.SUBMITTED
