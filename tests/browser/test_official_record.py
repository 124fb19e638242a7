"""The year's outcome becomes the official record, in Chromium, each role in its own browser
(issue 16, "Done means"):

1. Cluster 3 / 2021 from its proposals to a signed decision, printed certificates and the register:
   the secretariat sends the proposals, the Ministry's council gives its opinions, the approver
   approves, drafts and signs the decision, the certificates PDF is printed, the register shows the
   records with the decision's number, and a member unit's officer sees its award and the decision.
2. A 2024 decision signed on its page changes the 2025 eligibility check of its recipient, shown on
   the eligibility page before and after.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import screenshot
from tests.browser.test_cycle_outcome import Pages
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = "/cum-thi-dua/2021/3/thi-dua"
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def both_widths(page, name: str) -> None:
    """A screenshot of the page at desktop width and on a 390 px phone."""
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(NARROW)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def year_with_drafted_proposals(world):
    """Cluster 3 / 2021 back at its proposals (drafted by the cluster's rules), nothing of 2021 in
    the register yet, and the Ministry's council: a chair and a member, both opinions needed."""
    from tests.cycle.test_review import at_stage, undecided
    from thidua.cycle.models import Council, CouncilMember, Cycle, Proposal
    from thidua.org.models import User

    undecided(world)
    cycle = at_stage(world.cycle2021, Cycle.Stage.PROPOSALS)
    Proposal.objects.filter(cycle=cycle).update(
        state=Proposal.State.DRAFT, decided_by=None, decided_at=None, decision_reason=""
    )
    council = Council.objects.create(opinions_needed=2, chair_must_opine=True)
    for username, name, role in (
        ("chutich", "Trần Quốc Chủ", CouncilMember.Role.CHAIR),
        ("uyvien", "Lý Thị Viên", CouncilMember.Role.MEMBER),
    ):
        user = make_user(username, User.Role.VIEWER, "x03", full_name=name)
        CouncilMember.objects.create(council=council, user=user, role=role)
    return cycle


def opine_on_everything(page, count: int) -> None:
    for i in range(count):
        page.goto(f"{YEAR}/xet-duyet/")
        opinion = page.locator("form[id^=opinion-]").nth(i)
        opinion.get_by_label("Đồng ý", exact=True).check()
        opinion.get_by_role("button", name="Ghi ý kiến").click()
        expect(page.get_by_text("Đã ghi ý kiến")).to_be_visible()


def test_one_year_from_proposals_to_a_signed_decision_certificates_and_the_register(
    browser, live_server, world
):
    from thidua.cycle.models import Proposal
    from thidua.honours.models import Commendation, Decision

    cycle = year_with_drafted_proposals(world)
    pages = Pages(browser, live_server)
    try:
        # The cluster's secretariat sends its proposals to the Ministry.
        secretariat = pages.open("thuongtruc")
        secretariat.goto(f"{YEAR}/de-nghi/")
        secretariat.get_by_role("button", name="Trình Bộ xét duyệt").click()
        secretariat.goto(f"{YEAR}/")
        expect(secretariat.locator("#stage")).to_have_text("Bộ xét duyệt")
        waiting = Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED).count()
        assert waiting >= 6

        # The Ministry's council: the chair and a member each give an opinion on every item.
        for username in ("chutich", "uyvien"):
            opine_on_everything(pages.open(username), waiting)

        # The approver approves every item at once, with one confirmation.
        approver = pages.open("pheduyet")
        approver.goto(f"{YEAR}/xet-duyet/")
        expect(approver.locator(".opinion", has_text="Trần Quốc Chủ")).to_have_count(waiting)
        boxes = approver.locator("#bulk-decide input[name=bulk-proposals]")
        for i in range(waiting):
            boxes.nth(i).check()
        bulk = approver.locator("#bulk-decide")
        bulk.get_by_label("Phê duyệt", exact=True).check()
        bulk.get_by_label("Tôi xác nhận quyết định này cho tất cả các đề nghị đã chọn").check()
        bulk.get_by_role("button", name="Ghi quyết định").click()
        expect(approver.get_by_text(f"cho {waiting} đề nghị")).to_be_visible()

        # ... drafts the Ministry's decision from the approved list and signs it.
        approver.goto("/quyet-dinh-khen-thuong/")
        approver.get_by_role("link", name="Lập dự thảo quyết định").click()
        chosen = approver.locator("#approved-proposals input[name=proposals]")
        lines = chosen.count()
        assert lines >= 1
        approver.get_by_role("button", name="Lập dự thảo").click()
        expect(approver.get_by_text("Đã lập dự thảo quyết định khen thưởng.")).to_be_visible()
        approver.get_by_role("link", name="Ký ban hành").click()
        approver.get_by_label("Số quyết định (số thứ tự trong năm)").fill("1")
        approver.get_by_label("Ngày ký").fill("20/01/2022")
        approver.get_by_label("Họ tên người ký").fill("Lương Tam Quang")
        approver.get_by_role("button", name="Ký ban hành").click()
        expect(approver.get_by_text("Đã ký ban hành quyết định")).to_be_visible()
        decision = Decision.objects.get(cluster=cycle.cluster, authority="BCA")
        assert (decision.number, decision.state) == ("1/QĐ-BCA", Decision.State.SIGNED)
        expect(approver.locator("#decision-lines tbody tr")).to_have_count(lines)
        expect(approver.locator("#decision-lines").get_by_text("Đã ghi")).to_have_count(lines)
        both_widths(approver, "record-decision-signed")

        # The certificates: one PDF page per recipient, for the blanks.
        approver.get_by_role("link", name="In phôi bằng khen, giấy khen").click()
        expect(approver.locator("#pages tbody tr")).to_have_count(lines)
        with approver.expect_download() as download:
            approver.locator("#download").click()
        pdf = PdfReader(download.value.path())
        assert len(pdf.pages) == lines
        names = [line.recipient_name for line in decision.lines.order_by("position")]
        assert names[0] in pdf.pages[0].extract_text()  # Vietnamese, from the embedded font
        both_widths(approver, "record-certificates")

        # The proposals name the decision that conferred them, linked to it.
        secretariat.goto(f"{YEAR}/de-nghi/")
        refs = secretariat.locator(
            ".decision-ref", has_text="Quyết định số 1/QĐ-BCA ngày 20/01/2022"
        )
        expect(refs).to_have_count(lines)
        both_widths(secretariat, "record-proposals-with-decision")
        secretariat.set_viewport_size(NARROW)  # on a phone the table scrolls to the reference
        refs.first.scroll_into_view_if_needed()
        expect(refs.first).to_be_in_viewport()
        secretariat.screenshot(path=str(screenshot(secretariat, "record-proposals-390-row")))
        secretariat.set_viewport_size(WIDE)
        secretariat.goto(f"{YEAR}/xet-duyet/")
        expect(secretariat.locator("#review .decision-ref")).to_have_count(lines)
        both_widths(secretariat, "record-review-with-decision")
        secretariat.goto(f"{YEAR}/de-nghi/")
        refs.first.get_by_role("link").click()
        expect(secretariat.locator("h1")).to_contain_text("1/QĐ-BCA")

        # The register holds one record per line, with the decision's number and date.
        approver.goto("/khen-thuong/quyet-dinh/?year=2021")
        assert Commendation.objects.filter(decision_line__decision=decision).count() == lines
        expect(approver.get_by_text("Số 1/QĐ-BCA")).to_have_count(lines)
        both_widths(approver, "record-register")

        # A member unit's officer sees its award in its history and opens the decision.
        flag = decision.lines.filter(unit__code="bac-giang").get()
        officer = pages.open("canbo.a")
        officer.goto("/khen-thuong/don-vi/bac-giang/")
        row = officer.locator("#years tr", has_text="2021")
        expect(row.get_by_role("link", name=flag.award_name)).to_be_visible()
        both_widths(officer, "record-unit-history")
        officer.goto("/quyet-dinh-khen-thuong/")
        officer.get_by_role("link", name="1/QĐ-BCA").click()
        expect(officer.locator("#decision-lines")).to_contain_text("Công an tỉnh Bắc Giang")
        officer.get_by_role("link", name="In phôi bằng khen, giấy khen").click()
        expect(officer.locator("#pages tbody tr")).to_have_count(
            decision.lines.filter(unit__code="bac-giang").count()
        )
    finally:
        pages.close()
    assert pages.violations == []


def test_a_signed_2024_decision_changes_the_2025_eligibility_on_the_page(
    browser, live_server, world
):
    """Before the signature the 2025 check of the achievement passes; after it, the check names
    the 2024 decision ("one achievement, one reward"), with no import step in between."""
    from tests.honours.test_decisions import BK, draft, officer
    from thidua.honours.models import Commendation

    person = officer(world)
    for award in ("chien_si_tien_tien", "chien_si_thi_dua_co_so"):  # 2025's titles, conferred
        Commendation.create(
            by=None,
            person=person,
            award_code=award,
            year=2025,
            decision_no="2025/QĐ-CAT",
            decision_date=dt.date(2025, 12, 20),
            issuer="Giám đốc Công an tỉnh Bắc Giang",
        )
    ref = "thanh-tich:QD-001:2024"
    decision = draft(world, [person], ref=ref)
    check = (
        f"/khen-thuong/xet-dieu-kien/?person={person.pk}&award={BK}&year=2025&achievement_ref={ref}"
    )
    pages = Pages(browser, live_server)
    try:
        approver = pages.open("pheduyet")
        approver.goto(check)
        verdict = approver.locator("#verdict")
        expect(verdict).to_be_visible()
        expect(verdict).not_to_contain_text("400/QĐ-BCA")
        expect(verdict.locator(".card__title")).to_contain_text("Đủ điều kiện")
        both_widths(approver, "record-2025-before")

        approver.goto(decision.get_absolute_url())
        approver.get_by_role("link", name="Ký ban hành").click()
        approver.get_by_label("Số quyết định (số thứ tự trong năm)").fill("400")
        approver.get_by_label("Ngày ký").fill("01/03/2025")
        approver.get_by_label("Họ tên người ký").fill("Lương Tam Quang")
        approver.get_by_label(re.compile("Lý do cách số")).fill("Số 1–399 đã cấp trên giấy.")
        approver.get_by_role("button", name="Ký ban hành").click()
        expect(approver.get_by_text("Đã ký ban hành quyết định")).to_be_visible()

        approver.goto(check)
        verdict = approver.locator("#verdict")
        expect(verdict.locator("#why-not")).to_contain_text("400/QĐ-BCA")
        expect(verdict.locator(".card__title")).to_contain_text("Không đủ điều kiện")
        both_widths(approver, "record-2025-after")
    finally:
        pages.close()
    assert pages.violations == []
    assert decision.__class__.objects.get(pk=decision.pk).date == dt.date(2025, 3, 1)
