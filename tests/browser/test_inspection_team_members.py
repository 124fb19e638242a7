"""Inspection teams name their officers, in Chromium (issue 18): the secretariat of the open 2025
year forms a team naming an officer of Lai Châu, edits it; the officer finds the team on the home
page's to-do and the team's inspection on the teams page. Screenshots at desktop width and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import make_user
from thidua.cycle.models import InspectionTeam
from thidua.org.models import Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEAMS = "/cum-thi-dua/2025/3/thi-dua/kiem-tra/"


def _check(page, field: str, code: str) -> None:
    page.locator(f"input[name='{field}'][value='{Unit.objects.get(code=code).pk}']").check()


def test_secretariat_names_officers_and_a_named_officer_finds_the_inspection(page, reference):
    make_user("tt.trinh.caobang", User.Role.SECRETARIAT, "cao-bang")
    officer = make_user(
        "cb.trinh.laichau", User.Role.UNIT_OFFICER, "lai-chau", full_name="Lò Văn Thành"
    )
    other = make_user(
        "cb.trinh.dienbien", User.Role.UNIT_OFFICER, "dien-bien", full_name="Quàng Thị Hoa"
    )

    login(page, "tt.trinh.caobang")
    page.goto(TEAMS)
    form = page.locator("#lap-doan")
    form.locator("select[name='leader_unit']").select_option(
        str(Unit.objects.get(code="dien-bien").pk)
    )
    _check(form, "member_units", "lai-chau")
    _check(form, "inspected_units", "son-la")
    form.locator(f"input[name='members'][value='{officer.pk}']").check()
    form.get_by_role("button", name="Lập đoàn").click()
    team = InspectionTeam.objects.get(cycle__cluster__year=2025, cycle__cluster__number=3)
    expect(page.locator(f"#doan-{team.pk}-can-bo")).to_contain_text("Lò Văn Thành (Lai Châu)")
    screenshot(page, "inspection-team-members")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "inspection-team-members-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.locator(f"#doan-{team.pk}").get_by_role("link", name="Sửa đoàn").click()
    page.locator(f"input[name='doan{team.pk}-members'][value='{other.pk}']").check()
    screenshot(page, "inspection-team-edit")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "inspection-team-edit-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator(f"#doan-{team.pk}-can-bo")).to_contain_text("Quàng Thị Hoa (Điện Biên)")

    page.context.clear_cookies()
    login(page, officer.username)
    page.goto("/")
    page.get_by_role("link", name="Thành viên Đoàn kiểm tra số 1").first.click()
    mine = page.locator("#my-inspections")
    expect(mine).to_contain_text("Sơn La")
    expect(mine.get_by_role("link")).to_have_count(1)
