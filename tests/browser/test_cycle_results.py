"""Results of Cluster 3 / 2025 in Chromium: Lào Cai's officer fills the sheet, attaches a PDF and
submits; the secretariat (Cao Bằng) returns it with a reason; the officer fixes it and resubmits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.files import tiny_pdf
from thidua.cycle.models import Evidence, ResultSheet
from thidua.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = "/cum-thi-dua/2025/3/thi-dua/so-lieu/"
PDF = tiny_pdf("Báo cáo TP1")


def as_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)


def test_officer_submits_with_evidence_secretariat_returns_officer_resubmits(
    page, reference, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page.on("dialog", lambda dialog: dialog.accept())  # the "Gửi…?" / "Trả lại…?" confirmations

    as_user(page, "canbo.laocai")
    page.goto(RESULTS)
    rows = page.locator("#sheets tbody tr")
    expect(rows).to_have_count(1)  # only the officer's own unit
    screenshot(page, "results-01-unit-officer-list")
    page.get_by_role("link", name="Công an tỉnh Lào Cai").click()

    page.locator("#id_TP1").fill("92,5")
    page.locator("#id_DA1").fill("1.163.400")
    page.get_by_label("Tiêu chí").select_option("TP1")
    page.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "Bao cao TP1.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_text("Đã tải lên tệp minh chứng.")).to_be_visible()
    expect(page.locator("#tc-TP1").get_by_role("link", name="Bao cao TP1.pdf")).to_be_visible()
    expect(page.locator("#id_TP1")).to_have_value("92,5")  # typed figures survive the upload
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp số liệu.")).to_be_visible()
    expect(page.locator("#id_TP1")).to_have_value("92,5")
    screenshot(page, "results-02-draft-with-evidence")

    page.get_by_role("button", name="Gửi Thường trực Cụm").click()
    expect(page.get_by_text("Đã gửi số liệu tới Thường trực Cụm.")).to_be_visible()
    expect(page.locator("#tu-cham")).to_contain_text("Tổng điểm =")
    expect(page.locator("#tc-TP1")).to_contain_text("92,5% ≥ chỉ tiêu 76%")
    expect(page.locator("#id_TP1")).to_have_count(0)  # read-only now
    screenshot(page, "results-03-submitted-self-assessment")

    as_user(page, "thuongtruc.caobang")
    page.goto(RESULTS)
    expect(page.locator("#sheets")).to_contain_text("Lào Cai")
    screenshot(page, "results-04-secretariat-list")
    page.get_by_role("link", name="Công an tỉnh Lào Cai").click()
    expect(page.locator("#tc-TP1").get_by_role("link", name="Bao cao TP1.pdf")).to_be_visible()
    page.get_by_role("button", name="Trả lại").click()  # no reason: refused, in Vietnamese
    expect(page.get_by_text("Phải nêu lý do trả lại.").first).to_be_visible()
    page.get_by_label("Lý do trả lại").fill(
        "Tỷ lệ khám phá án chưa khớp báo cáo tháng 11: đề nghị rà soát lại."
    )
    page.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("Đã trả lại số liệu cho Công an tỉnh Lào Cai.")).to_be_visible()
    screenshot(page, "results-05-secretariat-returned")

    as_user(page, "canbo.laocai")
    page.goto(RESULTS)
    page.get_by_role("link", name="Công an tỉnh Lào Cai").click()
    expect(page.locator("#return-reason")).to_contain_text("chưa khớp báo cáo tháng 11")
    screenshot(page, "results-06-officer-sees-reason")
    page.locator("#id_TP1").fill("91,8")
    page.locator("#id_TP1__ghi_chu").fill("Đã rà soát theo báo cáo tháng 11.")
    page.get_by_role("button", name="Gửi Thường trực Cụm").click()
    expect(page.get_by_text("Đã gửi số liệu tới Thường trực Cụm.")).to_be_visible()
    expect(page.locator("#sheet-state")).to_contain_text("lần gửi thứ 2")
    screenshot(page, "results-07-resubmitted")

    sheet = ResultSheet.objects.get(unit__code="lao-cai-2025")
    assert (sheet.state, sheet.revision, sheet.values["TP1"]) == ("submitted", 2, "91.8")
    assert Evidence.objects.filter(sheet=sheet, criterion="TP1").count() == 1
