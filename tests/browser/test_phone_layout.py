"""Pages on a phone (390 px) and a laptop, in Chromium: the overview tables (the Ministry's year, the
list of clusters, the home page's clusters) show every column's value on screen, a row per block
with its cells labelled, instead of columns off screen and rows a screen tall; no page scrolls
sideways; every card's header has the padding of the others."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def on_screen(locator, label: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{label}: not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
        f"{label} runs off a 390 px screen: {box}"
    )


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways: {width} px"


def stacked_rows_on_screen(page, rows_selector: str, labels: tuple[str, ...]) -> None:
    rows = page.locator(rows_selector)
    assert rows.count() >= 1
    for i in range(rows.count()):
        row = rows.nth(i)
        for label in labels:
            on_screen(row.locator(f'[data-label="{label}"]'), f"row {i + 1}, “{label}”")
        assert row.bounding_box()["height"] < PHONE["height"]
    no_sideways_scroll(page)


def test_at_390_px_the_ministrys_year_shows_each_clusters_stage_and_late_units_on_screen(
    page, cast
):
    """As columns, the late units wrapped into rows a screen tall and the stage sat off screen."""
    login(page, cast.approver.username)
    page.set_viewport_size(PHONE)
    page.goto("/bang-dieu-khien/")
    stacked_rows_on_screen(
        page,
        "#clusters-table tbody tr",
        ("Đơn vị trưởng", "Giai đoạn", "Hạn giai đoạn", "Đề nghị khen thưởng", "Đơn vị còn chậm"),
    )
    late = page.locator('tr[data-cluster="3"] [data-label="Đơn vị còn chậm"]')
    expect(late).to_contain_text("Chưa gửi kết quả")
    assert page.locator("#clusters-table thead").bounding_box()["height"] <= 1  # for readers only
    screenshot(page, "ministry-year-390")
    page.set_viewport_size(LAPTOP)
    assert page.locator("#clusters-table thead").bounding_box()["height"] > 20  # columns again
    no_sideways_scroll(page)


def test_at_390_px_the_list_of_clusters_shows_members_and_leaders_on_screen(page, cast):
    """As columns, the members wrapped a name a line and the leader sat off screen."""
    login(page, cast.approver.username)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/")
    stacked_rows_on_screen(
        page, "#clusters tbody tr", ("Thành viên", "Đơn vị trưởng", "Đơn vị phó", "Năm sau")
    )
    screenshot(page, "cluster-list-390")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_home_pages_clusters_card_has_a_padded_header_and_fits_a_phone(page, cast, viewport):
    """The card's title sat flush against its border (no card header), unlike every other card."""
    login(page, cast.secretariat.username)
    page.set_viewport_size(viewport)
    page.goto("/")
    card = page.locator("#home-clusters")
    title = card.get_by_role("heading", name="Cụm, khối thi đua của đơn vị")
    expect(title).to_be_visible()
    card_box, title_box = card.bounding_box(), title.bounding_box()
    assert title_box["x"] - card_box["x"] >= 12, (card_box, title_box)
    assert title_box["y"] - card_box["y"] >= 8, (card_box, title_box)
    if viewport is PHONE:
        stacked_rows_on_screen(
            page, "#home-clusters tbody tr", ("Đơn vị trưởng", "Đơn vị phó", "Số đơn vị")
        )
    no_sideways_scroll(page)
    screenshot(page, f"home-clusters-{viewport['width']}")


def test_at_390_px_the_honours_home_does_not_scroll_sideways(page, cast):
    """The ruleset's title, at the size of a number, ran past its stat card and the screen."""
    login(page, cast.viewer.username)
    page.set_viewport_size(PHONE)
    page.goto("/khen-thuong/")
    stat = page.locator(".stat").filter(has_text="Bộ quy tắc năm")
    expect(stat).to_be_visible()
    title, box = stat.locator(".stat__value a"), stat.bounding_box()
    title_box = title.bounding_box()
    assert title_box["x"] + title_box["width"] <= box["x"] + box["width"], (box, title_box)
    no_sideways_scroll(page)
    screenshot(page, "honours-home-390")
