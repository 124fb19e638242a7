"""Issue #18, getting around, in Chromium: the inspector and the viewer click their way from the home
page to the 2021 ranking and documents; a phone's width (390 px) shows every item of the site's
navigation and of a page's tabs (wrapped, none cut at the screen's edge); the viewer is offered no
import it would be refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("who", ["inspector", "viewer"])
def test_inspector_and_viewer_reach_the_2021_ranking_and_documents_by_clicking(page, cast, who):
    login(page, getattr(cast, who).username)
    row_2021 = page.locator("tr").filter(has=page.locator("td", has_text=re.compile(r"^2021$")))
    row_2021.get_by_role("link", name="Cụm thi đua số 3", exact=True).click()
    year = page.locator("#year-pages")
    expect(year).to_contain_text("Năm thi đua 2021")
    screenshot(page, f"cluster-year-links-{who}")
    year.get_by_role("link", name="Xếp hạng").click()
    assert page.url.endswith("/cum-thi-dua/2021/3/thi-dua/xep-hang/")
    expect(page.locator("h1")).to_contain_text("xếp hạng", ignore_case=True)
    page.go_back()
    page.locator("#year-pages").get_by_role("link", name="Văn bản").click()
    expect(page.locator("h1")).to_contain_text("Văn bản", ignore_case=True)


def inside_the_screen(page, selector: str) -> None:
    items = page.locator(selector)
    assert items.count() > 3
    for i in range(items.count()):
        box = items.nth(i).bounding_box()
        label = items.nth(i).inner_text()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"“{label}” runs off a 390 px screen: {box}"
        )


def test_at_390_px_the_navigation_and_the_tabs_show_every_item(page, cast):
    login(page, cast.secretariat.username)
    page.set_viewport_size(PHONE)
    for name, url in (
        ("year-overview", "/cum-thi-dua/2021/3/thi-dua/"),
        ("honours-home", "/khen-thuong/"),
    ):
        page.goto(url)
        inside_the_screen(page, ".site-nav__link")
        inside_the_screen(page, ".tabs .tab")
        expect(page.get_by_role("link", name="Hồ sơ khen thưởng")).to_be_visible()
        screenshot(page, f"tabs-390-{name}")


def test_the_viewer_is_not_offered_the_honours_import(page, cast):
    login(page, cast.viewer.username)
    page.goto("/khen-thuong/")
    tabs = page.locator(".tabs")
    expect(tabs.get_by_role("link", name="Thống kê")).to_be_visible()
    expect(tabs.get_by_role("link", name="Nhập từ Excel")).to_have_count(0)


def test_at_390_px_the_ranking_shows_each_units_total_and_notes_on_screen(page, cast):
    """As columns, the notes sat off screen to the right and made every row a screen tall."""
    login(page, cast.viewer.username)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/2021/3/thi-dua/xep-hang/")
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() >= 8
    for i in range(rows.count()):
        for cell in (
            "td.num",
            '[data-label="Ghi chú xếp hạng"]',
            '[data-label="Hạng có vững không"]',
        ):
            box = rows.nth(i).locator(cell).first.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert rows.nth(i).bounding_box()["height"] < PHONE["height"] / 2
    expect(rows.first.locator('[data-label="Ghi chú xếp hạng"]')).to_be_visible()
    screenshot(page, "ranking-390")
