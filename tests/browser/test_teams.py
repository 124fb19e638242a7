"""A unit's subordinate units in Chromium: register a phòng and a đội, give the đội's roster of
a year (a count above the total refused under its field, then fixed), judge its Đơn vị quyết thắng;
a bad Excel row refused with its row number. Screenshots at desktop width and 390 px."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.honours.models import UnitYearRoster
from thidua.org.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = "Đội Cảnh sát giao thông số 1"


def test_officer_registers_teams_gives_a_roster_and_gets_the_collective_verdict(
    page, cast, tmp_path
):
    login(page, cast.officer_a.username)
    page.goto("/khen-thuong/don-vi/bac-giang/")
    page.get_by_role("link", name="Đơn vị trực thuộc").click()
    create = page.locator("#team-create")
    create.get_by_label("Tên đơn vị trực thuộc").fill("Phòng Cảnh sát giao thông")
    create.locator("#team_level").select_option("base")
    create.get_by_role("button", name="Đăng ký").click()
    create = page.locator("#team-create")
    create.get_by_label("Tên đơn vị trực thuộc").fill(TEAM)
    create.locator("#team_level").select_option("sub_base")
    create.locator("#team_parent").select_option("Phòng Cảnh sát giao thông")
    create.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#teams")).to_contain_text(TEAM)

    form = page.locator("#team-roster")
    form.get_by_label("Đơn vị trực thuộc").select_option(TEAM)
    form.get_by_label("Năm").fill("2024")
    form.get_by_label("Xếp loại đơn vị").select_option("hoan_thanh_xuat_sac")
    for label, value in [
        ("Tổng quân số", "30"),
        ("Số hoàn thành nhiệm vụ trở lên", "30"),
        ("Số đạt Chiến sĩ tiên tiến", "31"),
        ("Số đạt Chiến sĩ thi đua cơ sở", "2"),
    ]:
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="Ghi quân số").click()
    expect(page.locator("#roster_advanced_error")).to_contain_text(
        "Số đạt Chiến sĩ tiên tiến (31) vượt tổng quân số (30)."
    )
    screenshot(page, "teams-roster-refused")
    page.locator("#team-roster").get_by_label("Số đạt Chiến sĩ tiên tiến").fill("24")
    page.locator("#team-roster").get_by_role("button", name="Ghi quân số").click()
    expect(page.locator("#teams")).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    screenshot(page, "teams-list")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "teams-list-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.locator("#teams").get_by_role("link", name=TEAM).click()
    expect(page.locator("#team-of")).to_contain_text("Phòng Cảnh sát giao thông")
    page.get_by_label("Danh hiệu, hình thức").select_option("don_vi_quyet_thang")
    page.get_by_label("Năm xét").fill("2024")
    page.get_by_role("button", name="Xét điều kiện").click()
    expect(page.locator("main")).to_contain_text("24/30")
    screenshot(page, "teams-verdict")

    # Excel: a bad row is refused with its row number; nothing of the file is kept.
    page.goto("/khen-thuong/don-vi/bac-giang/truc-thuoc/?nam=2024")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp Excel năm 2024").click()
    wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    ws = wb.active
    ws.append([2024, "Công an phường Trần Nguyên Hãn", "Cấp dưới cơ sở", None, None, 40, None, -1])
    path = tmp_path / "truc-thuoc.xlsx"
    wb.save(path)
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Nhập từ Excel").click()
    expect(page.locator("body")).to_contain_text(
        "Dòng 6, cột “Chiến sĩ tiên tiến”: Số đạt Chiến sĩ tiên tiến phải là số nguyên từ 0"
    )
    screenshot(page, "teams-excel-refused")
    assert not Unit.objects.filter(name="Công an phường Trần Nguyên Hãn").exists()
    assert UnitYearRoster.objects.get(unit__name=TEAM).advanced == 24
