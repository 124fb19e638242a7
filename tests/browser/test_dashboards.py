"""The dashboards in Chromium: the Cluster 3 dashboard over the years and the Ministry's year view;
every chart is drawn by the vendored Chart.js (offline, under the CSP)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_drawn(page, selector: str) -> None:
    canvas = page.locator(selector)
    # Chart.js sizes the canvas it draws on (an undrawn canvas keeps no inline size).
    expect(canvas).to_have_attribute("style", re.compile("height"))
    box = canvas.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100


def test_dashboards_draw_their_charts(page, cast):
    login(page, cast.approver.username)
    page.goto("/cum-thi-dua/2021/3/thi-dua/bang-dieu-khien/")
    expect(page.get_by_role("heading", name="Xếp hạng qua các năm")).to_be_visible()
    for chart in ("chart-history", "chart-groups", "chart-bands"):
        assert_drawn(page, f'canvas[data-chart="{chart}"]')
    expect(page.locator("#heatmap td.heat-4").first).to_be_visible()
    page.wait_for_timeout(800)  # let the charts' entry animation finish before the screenshot
    screenshot(page, "dashboard-cluster-3-2021")

    page.goto("/bang-dieu-khien/")
    expect(page.locator("h1")).to_contain_text("năm 2025")
    assert_drawn(page, 'canvas[data-chart="chart-progress"]')
    expect(page.locator('tr[data-cluster="3"]')).to_contain_text("Chưa gửi kết quả")
    page.wait_for_timeout(800)
    screenshot(page, "dashboard-ministry-2025")

    page.get_by_label("Năm").select_option("2021")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("h1")).to_contain_text("năm 2021")
    expect(page.locator('tr[data-cluster="3"]')).to_contain_text("Đã kết thúc")
    screenshot(page, "dashboard-ministry-2021")
