"""Issue #18: closing the honouring vote at 2 ballots of 8 says the quorum is not met and what that
does to the year's result (no count, the candidate not honoured, the awards kept for the honoured
unit out of reach, no second vote), on the page and in the confirmation itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.vote_helpers import open_vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closing_the_vote_short_of_its_quorum_says_what_it_means(page, cast, world):
    from thidua.cycle.models import Cycle, HonourVote

    cycle = world.cycle2021
    HonourVote.objects.filter(cycle=cycle).delete()
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.VOTING)
    cycle.refresh_from_db()
    vote = open_vote(
        cycle, by=cast.secretariat, candidate=world.unit("yen-bai"), approver=cast.approver
    )
    vote.cast(by=cast.secretariat, choice="yes")
    vote.cast(by=cast.officer_a, choice="yes")
    assert vote.honoured_only_awards()  # the 2021 rules keep the Government flag for it

    login(page, cast.secretariat.username)
    page.goto("/cum-thi-dua/2021/3/thi-dua/suy-ton/")
    warning = page.locator("#quorum-not-met")
    expect(warning).to_contain_text("Chưa đủ số đơn vị tham gia biểu quyết: mới có 2/8 đơn vị")
    expect(warning).to_contain_text("biểu quyết không hợp lệ")
    expect(warning).to_contain_text("Công an tỉnh Yên Bái không được suy tôn năm 2021")
    expect(warning).to_contain_text("không đề nghị được Cờ thi đua của Chính phủ")
    screenshot(page, "vote-quorum-not-met")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "vote-quorum-not-met-390")

    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Kết thúc biểu quyết (không đủ số)").click()
    expect(page.get_by_text("biểu quyết không hợp lệ, phiếu không được kiểm")).to_be_visible()
    assert asked and "mới có 2/8 đơn vị" in asked[0] and "không được suy tôn" in asked[0]
    vote.refresh_from_db()
    assert vote.state == HonourVote.State.CLOSED and vote.passed is False
