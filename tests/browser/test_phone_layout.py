"""Pages on a phone (390 px) and a laptop, in Chromium: the overview tables (the Ministry's year, the
list of clusters, the home page's clusters) show every column's value on screen, a row per block
with its cells labelled, instead of columns off screen and rows a screen tall; no page scrolls
sideways; every card's header has the padding of the others."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.honours.models import Commendation
from thidua.org.demo import DEMO_PASSWORD
from thidua.org.models import Unit

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


def padded(card, inner, label: str) -> None:
    card_box, box = card.bounding_box(), inner.bounding_box()
    assert box["x"] - card_box["x"] >= 12, f"{label} touches its card's border: {card_box}, {box}"


def test_the_home_pages_tasks_and_the_years_stages_sit_inside_padded_cards(page, reference):
    """The tasks and the year's stages (like the deadlines) sat flush against their cards' borders."""
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.set_viewport_size(LAPTOP)
    page.goto("/")
    padded(page.locator("#tasks"), page.locator("#tasks li").first, "a task")
    screenshot(page, "home-tasks-1280")
    page.goto("/cum-thi-dua/2025/3/thi-dua/")
    stages = page.locator("#stages")
    padded(stages.locator("xpath=ancestor::section[1]"), stages, "the stages")
    last, card = (
        stages.locator("li").last.bounding_box(),
        stages.locator("xpath=ancestor::section[1]"),
    )
    card_box = card.bounding_box()
    assert (
        card_box["y"] + card_box["height"] - (last["y"] + last["height"]) >= 12
    )  # not on the border
    screenshot(page, "year-stages-1280")


def test_at_390_px_the_results_list_and_the_decisions_show_every_column_on_screen(page, reference):
    """The units' names wrapped a word a line and the scores, the decisions sat off screen."""
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/2025/3/thi-dua/so-lieu/")
    stacked_rows_on_screen(
        page, "#sheets tbody tr", ("Trạng thái", "Gửi lúc, người gửi", "Điểm tự chấm")
    )
    assert page.locator("#sheets tbody tr").count() == 6
    screenshot(page, "results-list-390")
    Commendation.objects.create(
        recipient_kind="tap_the",
        unit=Unit.objects.get(name="Công an tỉnh Cao Bằng"),
        award_code="co_thi_dua_bo_cong_an",
        year=2024,
        decision_no="12/QĐ-BCA",
        decision_date=datetime.date(2025, 1, 15),
        issuer="Bộ Công an",
    )
    page.goto("/khen-thuong/quyet-dinh/")
    stacked_rows_on_screen(
        page, "#commendations tbody tr", ("Đối tượng", "Quyết định", "Tình trạng")
    )
    screenshot(page, "decisions-390")


def test_at_390_px_the_method_does_not_scroll_sideways(page, reference):
    """The scale's visually hidden column labels escaped its scroll box and made the page scroll
    sideways into blank space."""
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/2025/3/thi-dua/phuong-phap/")
    expect(page.locator("#thang-diem .actions .visually-hidden").first).to_be_attached()
    no_sideways_scroll(page)
    screenshot(page, "method-390")


def test_at_390_px_the_proposals_show_award_total_and_state_on_screen(page, cast):
    """As columns, the basis wrapped into rows a screen tall and the state sat off screen."""
    login(page, cast.viewer.username)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/2021/3/thi-dua/de-nghi/")
    expect(page.locator("#proposal-table tbody tr[data-state=approved]")).to_have_count(8)
    stacked_rows_on_screen(
        page,
        "#proposal-table tbody tr[data-state]",
        ("Hình thức", "Tổng điểm", "Căn cứ", "Trạng thái", "Ý kiến của Bộ"),
    )
    screenshot(page, "proposals-390")


def test_at_390_px_the_documents_and_a_rulesets_rules_show_every_column_on_screen(page, cast):
    """The documents' descriptions wrapped a word a line with the downloads off screen; a ruleset's
    rules showed their levels cut at the screen's edge."""
    login(page, cast.viewer.username)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/2021/3/thi-dua/van-ban/")
    stacked_rows_on_screen(page, "#documents-table tbody tr", ("Nội dung", "Tải về"))
    screenshot(page, "documents-390")
    page.goto("/khen-thuong/quy-tac/")
    page.locator("main table a").first.click()
    stacked_rows_on_screen(page, "#rules tbody tr", ("Áp dụng cho", "Mức quy định"))
    screenshot(page, "ruleset-390")


def test_at_390_px_a_long_button_wraps_inside_the_screen(page, reference):
    """“Tải thang điểm hiện hành (phiên bản 1, .xlsx)” ran past the screen's edge."""
    login(page, "thuongtruc.caobang", DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/cum-thi-dua/2025/3/thi-dua/thang-diem/nhap-excel/")
    on_screen(page.locator("#thang-diem-hien-hanh"), "the current scale's download")
    no_sideways_scroll(page)
