"""What an officer reads, in Chromium at desktop width and at 390 px: a rule set in words (no JSON,
no rule codes, no unverified notes), the ranking's robustness said for the unit, and counts grouped
the Vietnamese way on the cluster's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_an_officer_reads_rules_ranking_and_counts_in_words(page, cast, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, cast.officer_a.username)

    page.goto("/khen-thuong/quy-tac/luat-2022-nd-98-2023/")
    rules = page.locator("#rules")
    expect(rules).to_contain_text("tỷ lệ tối đa 15%; làm tròn xuống")
    for raw in ('{"', "ty_le_toi_da", "R02", "chưa tìm thấy căn cứ", "chưa đối chiếu"):
        expect(page.locator("main")).not_to_contain_text(raw)
    expect(page.locator("h1")).to_contain_text("Luật Thi đua, khen thưởng 2022")
    screenshot(page, f"words-ruleset-{width}")

    page.goto("/cum-thi-dua/2021/3/thi-dua/xep-hang/")
    table = page.locator("#ranking-table")
    expect(table).to_contain_text("Hạng 1 vững")
    expect(table).to_contain_text("Hạng 4 có thể đổi")
    expect(table).not_to_contain_text("Xác suất đứng đầu")
    screenshot(page, f"words-ranking-{width}")

    page.goto("/cum-thi-dua/2021/3/")
    published = page.locator("#published")
    expect(published).to_contain_text("3.356 lượt tập thể, 7.918 lượt cá nhân")
    expect(published).to_contain_text("Bằng khen của Bộ trưởng Bộ Công an")
    expect(page.locator("main")).not_to_contain_text("shared/seeds")
    screenshot(page, f"words-cluster-{width}")
