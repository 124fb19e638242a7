"""The first slice of the UI, clicked through in Chromium: login, units, merger history, clusters."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.org.models import Handover

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_vietnamese_and_rejects_a_wrong_password(page, cast):
    page.goto("/")
    assert "/dang-nhap/" in page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshot(page, "01-login")
    page.get_by_label("Tên đăng nhập").fill(cast.officer_a.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("không đúng").first).to_be_visible()


def test_officer_finds_hoa_binh_without_diacritics_and_follows_it_to_phu_tho(page, cast):
    login(page, cast.officer_a.username)
    expect(page.get_by_text("Trần Thị Thu").first).to_be_visible()
    screenshot(page, "02-home-unit-officer")
    page.get_by_role("link", name="Đơn vị").first.click()
    page.get_by_label("Tìm đơn vị").fill("hoa binh")
    expect(page.locator("#units tbody tr")).to_have_count(1)
    screenshot(page, "03-unit-search")
    page.get_by_role("link", name="Công an tỉnh Hòa Bình").click()
    expect(page.get_by_text("Đơn vị đã sáp nhập")).to_be_visible()
    page.locator(".alert").get_by_role("link", name="Công an tỉnh Phú Thọ").click()
    timeline = page.locator("#lineage")
    for name in ("Công an tỉnh Hòa Bình", "Công an tỉnh Vĩnh Phúc"):
        expect(timeline.get_by_text(name)).to_be_visible()
    screenshot(page, "04-unit-history-phu-tho")


def test_secretariat_records_next_years_leader_and_deputy(page, cast):
    from tests.conftest import make_user
    from thidua.org.models import User

    secretariat = make_user("thuongtruc.phutho", User.Role.SECRETARIAT, "phu-tho-2025")
    login(page, secretariat.username)
    page.goto("/cum-thi-dua/2025/4/")
    assert page.locator("#members tbody tr").count() == 6
    page.get_by_label("Cụm trưởng năm sau").select_option(label="Công an tỉnh Phú Thọ")
    page.get_by_label("Cụm phó năm sau").select_option(label="Công an tỉnh Bắc Ninh")
    page.get_by_role("button", name="Ghi nhận bàn giao").click()
    expect(page.get_by_text("luân phiên").first).to_be_visible()  # rotation rule, explained
    screenshot(page, "05-handover-rotation-error")
    page.get_by_label("Cụm trưởng năm sau").select_option(label="Công an tỉnh Bắc Ninh")
    page.get_by_label("Cụm phó năm sau").select_option(label="Công an tỉnh Quảng Ninh")
    page.get_by_role("button", name="Ghi nhận bàn giao").click()
    expect(page.get_by_text("Đã ghi nhận Cụm trưởng, Cụm phó năm sau")).to_be_visible()
    screenshot(page, "06-cluster-after-handover")
    handover = Handover.objects.get(cluster__year=2025, cluster__number=4)
    assert handover.next_leader.code == "bac-ninh-2025"


def test_officer_of_another_cluster_gets_not_found_for_cluster_3(page, cast):
    login(page, cast.officer_b.username)
    response = page.goto("/cum-thi-dua/2021/3/")
    assert response.status == 404


def test_tablet_width_keeps_the_cluster_table_readable(browser, live_server, cast):
    context = browser.new_context(viewport={"width": 800, "height": 1100}, base_url=live_server.url)
    page = context.new_page()
    login(page, cast.approver.username)
    page.goto("/cum-thi-dua/")
    assert page.locator("#clusters tbody tr").count() == 7
    screenshot(page, "07-clusters-tablet")
    context.close()
