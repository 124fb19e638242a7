"""The statistics page in Chromium, desktop and phone width: an officer types a province's name
without accents ("lai chau") in the unit filter and reads that province's counts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.honours.conftest import award_to, person, unit
from tests.honours.test_statistics import YEAR, _register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390], ids=["desktop", "phone"])
def test_the_statistics_unit_filter_finds_lai_chau_typed_without_accents(page, cast, width):
    _register()
    award_to(person("lai-chau", name="Lò Văn Châu"), "chien_si_tien_tien", YEAR)
    award_to(unit("lai-chau"), "don_vi_tien_tien", YEAR)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, cast.approver.username)
    page.goto("/khen-thuong/thong-ke/")
    page.get_by_label("Từ năm").fill(str(YEAR))
    page.get_by_label("Đến năm").fill(str(YEAR))
    page.get_by_label("Đơn vị").fill("lai chau")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("1 tập thể và 1 cá nhân")).to_be_visible()
    expect(page.locator("#by-unit")).to_contain_text("Công an tỉnh Lai Châu")
    expect(page.locator("#by-unit")).not_to_contain_text("Bắc Giang")
    screenshot(page, f"statistics-unit-search-{width}")
