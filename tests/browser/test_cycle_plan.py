"""The plan of Cluster 3 / 2025 clicked through in Chromium: the secretariat reads and changes the
method (a broken upload first, then a criterion and a unit's target), a unit officer signs the
covenant and registers the unit's titles, and the secretariat adds a drive."""

from __future__ import annotations

import copy
import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.cycle.models import CovenantSignature, Cycle, Drive, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_PASSWORD = "ThiDua@2025"
BASE = "/cum-thi-dua/2025/3/thi-dua/"


def test_plan_method_then_covenant_signing_then_registration(page, cast, tmp_path):
    cycle = Cycle.objects.get(cluster__year=2025, cluster__number=3)
    # Tuyên Quang has neither signed nor registered yet.
    CovenantSignature.objects.filter(covenant__cycle=cycle, unit__code="tuyen-quang-2025").delete()
    Registration.objects.filter(cycle=cycle, unit__code="tuyen-quang-2025").delete()
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The secretariat reads the method: locked since the first sheet was submitted.
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.goto(BASE + "phuong-phap/")
    expect(page.locator("#trang-thai-khoa").get_by_text("Đã khóa")).to_be_visible()
    expect(page.get_by_text("≥ 76%: tối đa 10 điểm").first).to_be_visible()
    screenshot(page, "plan-01-method-locked")

    # A scale with mistakes is refused, every problem listed with its path.
    broken = copy.deepcopy(cycle.method.scale)
    broken["groups"][0]["criteria"][0]["max_points"] = "tám"
    broken["groups"][2]["criteria"][1]["rule"]["direction"] = "up"
    broken["tie_breaks"] = ["group:KHONG_CO"]
    path = tmp_path / "thang-diem-loi.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    page.get_by_role("link", name="Tải lên thang điểm, quy chế khen thưởng (JSON)").click()
    page.get_by_label("Tệp thang điểm (JSON)").set_input_files(str(path))
    page.get_by_label("Lý do thay đổi").fill("Sửa thang điểm theo góp ý của các đơn vị")
    page.get_by_role("button", name="Kiểm tra và áp dụng").click()
    # The file goes up with a progress bar; the answer replaces the page.
    problems = page.locator("#loi-scale_file tbody tr")
    expect(problems).to_have_count(4)  # "up" is also not an allowed direction for a linear target
    expect(page.get_by_text("groups[0].criteria[0].max_points")).to_be_visible()
    screenshot(page, "plan-02-upload-every-problem-with-its-path")

    # Building in the page: raise TP5's maximum; locked, so a reason and version 2.
    page.goto(BASE + "phuong-phap/")
    page.locator("#tc-TP5").get_by_role("link", name="Sửa").click()
    page.get_by_label("Điểm tối đa").fill("5")
    page.get_by_role("button", name="Lưu tiêu chí").click()
    expect(page.get_by_text("phải nêu lý do thay đổi").first).to_be_visible()
    screenshot(page, "plan-03-criterion-needs-a-reason")
    page.get_by_label("Lý do thay đổi").fill("Hội nghị Cụm thống nhất tăng điểm đấu tranh ma túy")
    page.get_by_role("button", name="Lưu tiêu chí").click()
    expect(page.get_by_text("Đã ban hành phương pháp chấm phiên bản 2")).to_be_visible()
    assert page.locator("#lich-su tbody tr").count() == 2
    page.locator("#lich-su").scroll_into_view_if_needed()
    screenshot(page, "plan-04-method-version-2")

    page.get_by_role("link", name="Sửa chỉ tiêu từng đơn vị").click()
    page.get_by_label("Chỉ tiêu DA1 của Lai Châu").fill("abc")
    page.get_by_label("Lý do thay đổi").fill("Bộ giao bổ sung chỉ tiêu")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.get_by_text("Chỉ tiêu “abc” không phải là số").first).to_be_visible()
    screenshot(page, "plan-05-targets-table-error")

    # 2. The secretariat follows the signatures (and could sign for a unit at the conference)…
    page.get_by_role("link", name="Hủy").click()
    page.get_by_role("link", name="2. Giao ước thi đua").click()
    expect(page.locator("#dv-tuyen-quang-2025").get_by_text("Chưa ký")).to_be_visible()
    screenshot(page, "plan-06-covenant-secretariat")

    # …and the officer of Tuyên Quang signs the covenant for the unit.
    page.context.clear_cookies()
    login(page, "canbo.tuyen-quang-2025", DEMO_PASSWORD)
    page.goto(BASE + "giao-uoc/")
    expect(page.get_by_text("5/6 đơn vị đã ký giao ước")).to_be_visible()
    page.get_by_role("button", name="Ký giao ước cho Tuyên Quang").click()
    expect(page.get_by_text("Công an tỉnh Tuyên Quang đã ký giao ước thi đua.")).to_be_visible()
    expect(page.get_by_text("100% ký giao ước")).to_be_visible()
    screenshot(page, "plan-07-covenant-signed")

    # 3. …and registers its titles: an inconsistent count first, then the right one.
    page.get_by_role("link", name="3. Đăng ký danh hiệu").click()
    expect(page.get_by_text("5/6 đơn vị đã đăng ký (83,3%)")).to_be_visible()
    screenshot(page, "plan-08-registrations-one-missing")
    page.get_by_role("link", name="Đăng ký cho Tuyên Quang").click()
    page.get_by_label("Cờ thi đua của Bộ Công an").check()
    page.get_by_label("Đơn vị quyết thắng").check()
    page.get_by_label("Chiến sĩ tiên tiến").fill("1.100")
    page.get_by_label("Chiến sĩ thi đua cơ sở").fill("1.250")
    page.get_by_role("button", name="Lưu đăng ký").click()
    expect(page.get_by_text("Không thể vượt số Chiến sĩ tiên tiến").first).to_be_visible()
    screenshot(page, "plan-09-registration-field-error")
    page.get_by_label("Chiến sĩ thi đua cơ sở").fill("140")
    page.get_by_role("button", name="Lưu đăng ký").click()
    expect(page.get_by_text("100% đăng ký").first).to_be_visible()
    screenshot(page, "plan-10-registrations-complete")
    registration = Registration.objects.get(cycle=cycle, unit__code="tuyen-quang-2025")
    assert registration.individual_counts == {
        "chien_si_tien_tien": 1100,
        "chien_si_thi_dua_co_so": 140,
    }

    # 4. The secretariat adds a peak drive, dates typed the Vietnamese way.
    page.context.clear_cookies()
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.goto(BASE + "dot-thi-dua/")
    page.get_by_role("link", name="Thêm đợt thi đua").first.click()
    page.get_by_label("Loại đợt thi đua").select_option(label="Đợt cao điểm")
    page.get_by_label("Tên đợt thi đua").fill(
        "Cao điểm bảo đảm an ninh, trật tự Đại hội Đảng bộ các cấp"
    )
    page.get_by_label("Từ ngày").fill("01/05/2025")
    page.get_by_label("Đến ngày").fill("31/07/2025")
    page.get_by_label("Chỉ tiêu").fill("Không để xảy ra điểm nóng; 100% tin báo được giải quyết")
    page.get_by_role("button", name="Lưu đợt thi đua").click()
    expect(page.get_by_text("01/05/2025 – 31/07/2025")).to_be_visible()
    screenshot(page, "plan-11-drives")
    assert Drive.objects.filter(cycle=cycle).count() == 1
