"""The year's outcome in Chromium: the 2021 ranking (with its chart), a unit's drill-down and the
proposals; then a fresh year from the honouring vote through proposals and approval to handover."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import make_user
from tests.vote_helpers import MINISTRY_PASSPHRASE, SECRETARIAT_PASSPHRASE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = "/cum-thi-dua/2021/3/thi-dua"


class Pages:
    """One browser context per user, each failing the test on a CSP violation like `page`."""

    def __init__(self, browser, live_server) -> None:
        self.browser, self.live_server = browser, live_server
        self.contexts: list = []
        self.violations: list[str] = []

    def open(self, username: str):
        context = self.browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="vi-VN", base_url=self.live_server.url
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.on(
            "console",
            lambda msg: (
                self.violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        login(page, username)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def fresh_year_at_voting(cast):
    """Cluster 3 / 2021 run again from the start up to the vote (model steps, as in the cycle
    tests), with an officer account per unit and the two team leaders' inspectors."""
    from tests.cycle.conftest import (
        example,
        example_results,
        form_teams,
        inspect_all,
        open_year,
        report_all,
    )
    from thidua.cycle.models import Cycle, Ranking, ScoreSheet
    from thidua.org.models import Cluster, Handover, User

    cluster = Cluster.objects.with_members().get(year=2021, number=3)
    ScoreSheet.objects.filter(cycle__cluster=cluster).delete()
    Ranking.objects.filter(cycle__cluster=cluster).delete()
    Cycle.objects.filter(cluster=cluster).delete()
    Handover.objects.filter(cluster=cluster).delete()
    officers = {
        m.unit.code: make_user(f"cb.{m.unit.code}", User.Role.UNIT_OFFICER, m.unit.code)
        for m in cluster.members()
        if m.unit.code != "bac-giang"
    }
    officers["bac-giang"] = cast.officer_a
    y = {
        "cluster": cluster,
        "secretariat": cast.secretariat,
        "officers": officers,
        "inspectors": {
            code: make_user(f"kt.{code}", User.Role.INSPECTOR, code)
            for code in ("bac-giang", "yen-bai")
        },
        "scale": example("scale.json"),
        "awards": example("awards.json"),
        "results": example_results(),
    }
    cycle = open_year(y)
    cycle.advance(Cycle.Stage.IN_PROGRESS, by=cast.secretariat)
    report_all(cycle, y)
    form_teams(cycle, y)
    cycle.advance(Cycle.Stage.INSPECTION, by=cast.secretariat)
    inspect_all(cycle, y)
    cycle.advance(Cycle.Stage.RANKING, by=cast.secretariat)
    cycle.advance(Cycle.Stage.VOTING, by=cast.secretariat)
    return cycle, officers


def test_outcome_of_a_year_from_ranking_to_handover(page, browser, live_server, cast):
    # -- 1. The closed 2021 year as a unit officer: ranking with its chart, drill-down, proposals.
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, cast.officer_a.username)
    page.goto(f"{YEAR}/")
    page.get_by_role("link", name="Xếp hạng").click()
    table = page.locator("#ranking-table tbody tr")
    expect(table).to_have_count(8)
    expect(table.first).to_contain_text("Công an tỉnh Yên Bái")
    expect(table.nth(1)).to_have_class(re.compile("is-highlight"))  # the officer's own unit
    expect(page.locator("#robustness canvas")).to_have_attribute("style", re.compile("height"))
    page.locator("#robustness").scroll_into_view_if_needed()
    screenshot(page, "outcome-01-ranking-2021")
    page.get_by_role("link", name="Công an tỉnh Bắc Giang").click()
    expect(page.locator("#summary")).to_contain_text("97,08")
    expect(page.locator("#criterion-TP1")).to_contain_text("Kết quả 91,8%; chỉ tiêu 76%")
    screenshot(page, "outcome-02-unit-score-bac-giang")
    page.get_by_role("link", name="Khen thưởng", exact=True).click()
    expect(page.locator("#proposal-table tbody tr[data-state=approved]")).to_have_count(8)
    expect(page.locator("#refusals")).to_contain_text("không phải đơn vị được suy tôn dẫn đầu Cụm")
    screenshot(page, "outcome-03-proposals-2021")

    # -- 2. A fresh year at the vote.
    cycle, officers = fresh_year_at_voting(cast)
    pages = Pages(browser, live_server)
    try:
        secretariat = pages.open(cast.secretariat.username)
        secretariat.goto(f"{YEAR}/suy-ton/")
        expect(secretariat.get_by_label("Đơn vị được đề nghị suy tôn")).to_have_value(
            str(cycle.rankings.first().entries.get(rank=1).unit_id)
        )
        secretariat.get_by_label("Cụm mật khẩu của Thường trực Cụm").fill(SECRETARIAT_PASSPHRASE)
        secretariat.get_by_label("Nhập lại cụm mật khẩu").fill(SECRETARIAT_PASSPHRASE)
        secretariat.get_by_role("button", name="Mở biểu quyết").click()
        expect(secretariat.locator(".alert--success")).to_contain_text("Đã mở biểu quyết")
        expect(secretariat.locator("#vote-key")).to_contain_text("Chờ đại diện Bộ")

        # The Ministry's approver, signed in as themselves, sets the second passphrase.
        ministry = pages.open(cast.approver.username)
        ministry.goto(f"{YEAR}/suy-ton/")
        ministry.get_by_label("Cụm mật khẩu của Bộ").fill(MINISTRY_PASSPHRASE)
        ministry.get_by_label("Nhập lại cụm mật khẩu").fill(MINISTRY_PASSPHRASE)
        screenshot(ministry, "outcome-04a-ministry-key")
        ministry.get_by_role("button", name="Đặt cụm mật khẩu và bắt đầu bỏ phiếu").click()
        expect(ministry.locator(".alert--success")).to_contain_text("Đã đặt cụm mật khẩu của Bộ")

        from thidua.cycle.models import HonourVote

        vote = HonourVote.objects.get(cycle=cycle)
        for code in ("thai-nguyen", "hoa-binh", "bac-kan", "tuyen-quang", "phu-tho"):
            vote.cast(by=officers[code], choice="yes")

        officer = page  # Bắc Giang's officer, still signed in
        officer.goto(f"{YEAR}/suy-ton/")
        ballot = officer.locator("#ballot")
        ballot.get_by_label("Đồng ý", exact=True).check()
        screenshot(officer, "outcome-04-ballot")
        ballot.get_by_role("button", name="Gửi phiếu biểu quyết").click()
        expect(officer.locator(".alert--success")).to_contain_text(
            "Đã ghi nhận phiếu biểu quyết của Công an tỉnh Bắc Giang"
        )
        expect(officer.locator("#ballot")).to_contain_text("Đơn vị của bạn đã biểu quyết")
        receipt = officer.locator("#receipt code").inner_text()
        assert len(receipt) == 64

        secretariat.reload()
        expect(secretariat.locator("#voters tbody tr")).to_have_count(6)
        expect(secretariat.locator("#result")).to_have_count(0)  # no running tally
        screenshot(secretariat, "outcome-05-vote-in-progress")
        secretariat.locator("#close-vote").get_by_label("Cụm mật khẩu của bạn").fill(
            SECRETARIAT_PASSPHRASE
        )
        secretariat.get_by_role("button", name="Kết thúc biểu quyết").click()
        expect(secretariat.locator("#tally")).to_contain_text("Chờ đại diện Bộ kiểm phiếu")
        ministry.goto(f"{YEAR}/suy-ton/")
        ministry.get_by_label("Cụm mật khẩu của Bộ").fill(MINISTRY_PASSPHRASE)
        ministry.get_by_role("button", name="Kiểm phiếu và công bố kết quả").click()
        expect(ministry.locator("#outcome")).to_contain_text("được suy tôn dẫn đầu Cụm")
        expect(ministry.locator("#receipts")).to_contain_text(receipt)
        secretariat.reload()
        expect(secretariat.locator("#outcome")).to_contain_text("được suy tôn dẫn đầu Cụm")
        screenshot(secretariat, "outcome-06-vote-result")

        # -- 3. Proposals by the rules; an adjustment outside them is blocked with the reasons.
        secretariat.get_by_role("button", name="Chuyển sang đề nghị khen thưởng").click()
        secretariat.goto(f"{YEAR}/de-nghi/")
        expect(secretariat.locator("#proposal-table tbody tr[data-state=draft]")).to_have_count(8)
        form = secretariat.locator("#add-proposal")
        form.get_by_label("Đơn vị").select_option(label="Công an tỉnh Bắc Giang")
        form.get_by_label("Hình thức khen thưởng").select_option(label="Cờ thi đua của Chính phủ")
        form.get_by_label("Lý do điều chỉnh").fill("Đề nghị thêm Cờ thi đua của Chính phủ.")
        form.get_by_role("button", name="Thêm đề nghị").click()
        errors = secretariat.locator("#add-proposal .form-errors")
        expect(errors).to_contain_text("Bắc Giang: không đủ điều kiện Cờ thi đua của Chính phủ")
        expect(errors).to_contain_text("vượt chỉ tiêu")
        secretariat.locator("#add-proposal").scroll_into_view_if_needed()
        screenshot(secretariat, "outcome-07-adjustment-blocked")
        secretariat.goto(f"{YEAR}/de-nghi/")
        secretariat.get_by_role("button", name="Trình Bộ xét duyệt").click()
        expect(secretariat.locator(".alert--success")).to_contain_text("Bộ xét duyệt")

        # -- 4. The Ministry approves, returns one with a reason; the cluster re-submits.
        from thidua.cycle.models import Proposal

        # Six decisions through the model (the same step), the last two in the browser.
        submitted = list(Proposal.objects.filter(cycle=cycle).order_by("rank", "pk"))
        for proposal in submitted[:6]:
            proposal.decide(by=cast.approver, decision="approve", expected_version=proposal.version)
        approver = pages.open(cast.approver.username)
        approver.goto(f"{YEAR}/de-nghi/")
        expect(approver.locator("form[id^=decide-]")).to_have_count(2)
        decide = approver.locator("form[id^=decide-]").first
        decide.get_by_label("Phê duyệt", exact=True).check()
        decide.get_by_role("button", name="Ghi nhận quyết định").click()
        expect(approver.locator(".alert--success")).to_contain_text("Đã ghi nhận quyết định")
        decide = approver.locator("form[id^=decide-]").first
        decide.get_by_label("Trả lại (nêu lý do)").check()
        decide.get_by_role("button", name="Ghi nhận quyết định").click()
        expect(approver.locator(".form-errors")).to_contain_text("phải nêu lý do")
        decide = approver.locator("form[id^=decide-]").first
        decide.get_by_label("Ý kiến của Bộ").fill("Bổ sung minh chứng kết quả Đề án 06.")
        screenshot(approver, "outcome-08-ministry-returns-with-reason")
        decide.get_by_role("button", name="Ghi nhận quyết định").click()
        expect(approver.locator(".alert--success")).to_contain_text("Đã ghi nhận quyết định")
        expect(approver.locator("#proposal-table tr[data-state=returned]")).to_have_count(1)
        secretariat.goto(f"{YEAR}/de-nghi/")
        expect(secretariat.locator("#proposal-table")).to_contain_text("Bổ sung minh chứng")
        secretariat.get_by_role("button", name="Trình lại Bộ").click()
        approver.goto(f"{YEAR}/de-nghi/")
        approver.locator("form[id^=decide-]").get_by_label("Phê duyệt", exact=True).check()
        approver.get_by_role("button", name="Ghi nhận quyết định").click()
        expect(approver.locator("#proposal-table tr[data-state=approved]")).to_have_count(8)
        screenshot(approver, "outcome-09-proposals-approved")

        # -- 5. Handover: the rotation rule, then the year is closed.
        secretariat.goto(f"{YEAR}/ban-giao/")
        secretariat.get_by_label("Cụm trưởng năm sau").select_option(label="Công an tỉnh Yên Bái")
        secretariat.get_by_label("Cụm phó năm sau").select_option(label="Công an tỉnh Bắc Giang")
        secretariat.get_by_role("button", name="Ghi nhận và kết thúc năm thi đua").click()
        expect(secretariat.locator(".form-errors")).to_contain_text("luân phiên")
        screenshot(secretariat, "outcome-10-handover-rotation")
        secretariat.get_by_label("Cụm trưởng năm sau").select_option(label="Công an tỉnh Bắc Giang")
        secretariat.get_by_label("Cụm phó năm sau").select_option(label="Công an tỉnh Quảng Ninh")
        secretariat.get_by_role("button", name="Ghi nhận và kết thúc năm thi đua").click()
        expect(secretariat.locator("#handover")).to_contain_text("Đã kết thúc")
        screenshot(secretariat, "outcome-11-handover-closed")
        cycle.refresh_from_db()
        assert cycle.stage == "closed"
        assert pages.violations == []
    finally:
        pages.close()
