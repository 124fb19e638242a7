"""A block's pages (Khối thi đua) in Chromium, desktop and phone width: the published block's page
and its year's ranking at /khoi-thi-dua/, beside the provinces' Cụm 3 of the same year."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.org.test_block_years import BLOCK_UNITS, build_block_year
from thidua.org.loaders import load_blocks, movement
from thidua.org.models import Cluster, Membership, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def block(reference):
    load_blocks()
    block = Cluster.objects.create(
        movement=movement(), year=2025, kind=Cluster.Kind.BLOCK, number=3
    )
    for code in BLOCK_UNITS:
        role = {"a05": Membership.Role.LEADER, "k01": Membership.Role.DEPUTY}.get(
            code, Membership.Role.MEMBER
        )
        block.add_member(Unit.objects.get(code=code), role=role)
    return Cluster.objects.with_members().get(pk=block.pk)


@pytest.mark.parametrize("width", [1366, 390], ids=["desktop", "phone"])
def test_block_pages_read_as_a_block(page, cast, block, width):
    users = build_block_year(block)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, cast.approver.username)
    page.goto("/khoi-thi-dua/2021/2/")
    expect(page.locator("h1")).to_contain_text("Khối thi đua số 2")
    expect(page.get_by_text("Bộ Tư lệnh Cảnh vệ").first).to_be_visible()
    screenshot(page, f"block-2-2021-published-{width}")
    page.goto("/khoi-thi-dua/2025/3/")
    expect(page.locator("h1")).to_contain_text("Khối thi đua số 3")
    expect(page.locator(".breadcrumbs")).to_contain_text("Khối thi đua")
    expect(page.locator("#members")).to_contain_text("Khối trưởng")
    expect(page.locator("#members")).to_contain_text("Khối phó")
    expect(page.locator("main")).not_to_contain_text("Cụm trưởng")
    screenshot(page, f"block-3-2025-page-{width}")

    page.context.clear_cookies()
    login(page, users["k02"].username, PASSWORD)
    page.goto("/khoi-thi-dua/2025/3/thi-dua/xep-hang/")
    expect(page.locator("main")).to_contain_text("Trường Đại học Phòng cháy chữa cháy")
    screenshot(page, f"block-3-2025-ranking-{width}")
    assert page.goto("/cum-thi-dua/2025/3/thi-dua/xep-hang/").status == 404
