"""The Ministry's council review in Chromium, each role in its own browser: a unit proposes one of
its officers, the cluster submits, a council member gives opinions, the Ministry returns one item,
the cluster answers it with a file and sends it again, the Ministry approves the lot at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_cycle_outcome import Pages
from tests.conftest import make_user
from tests.files import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = "/cum-thi-dua/2021/3/thi-dua"


def year_at_proposals(world):
    """Cluster 3 / 2021 back at the proposals stage with its proposals drafted, the register of
    2021 not yet written, seven Chiến sĩ tiên tiến in Bắc Giang (one of them eligible for Chiến sĩ
    thi đua cơ sở) and a council whose chair's opinion is needed on every item."""
    from tests.cycle.test_review import at_stage, soldier, undecided
    from thidua.cycle.models import Council, CouncilMember, Cycle, Proposal
    from thidua.org.models import User

    undecided(world)
    cycle = at_stage(world.cycle2021, Cycle.Stage.PROPOSALS)
    Proposal.objects.filter(cycle=cycle).update(
        state=Proposal.State.DRAFT, decided_by=None, decided_at=None, decision_reason=""
    )
    soldier("Hoàng Văn Đạt")
    for i in range(6):
        soldier(f"Đinh Văn Tiến {i}", eligible=False)
    council = Council.objects.create(opinions_needed=1, chair_must_opine=True)
    chair = make_user("chutich", User.Role.VIEWER, "x03", full_name="Trần Quốc Chủ")
    CouncilMember.objects.create(council=council, user=chair, role=CouncilMember.Role.CHAIR)
    return cycle


def test_a_year_reviewed_by_the_council_item_by_item(browser, live_server, world, tmp_path):
    from thidua.cycle.models import Proposal

    cycle = year_at_proposals(world)
    pages = Pages(browser, live_server)
    try:
        # The unit proposes one of its officers: checked, and shown with its "why".
        officer = pages.open("canbo.a")
        officer.goto(f"{YEAR}/de-nghi/ngoai-xep-hang/")
        form = officer.locator("#propose-individual")
        form.get_by_label("Cán bộ, chiến sĩ").select_option(label="Hoàng Văn Đạt")
        form.get_by_label("Danh hiệu, hình thức khen thưởng").select_option(
            label="Chiến sĩ thi đua cơ sở"
        )
        form.get_by_label("Tóm tắt thành tích").fill("Sáng kiến cấp cơ sở, hoàn thành xuất sắc.")
        form.get_by_role("button", name="Ghi đề nghị cá nhân").click()
        row = officer.locator("#outside-proposals tr", has_text="Hoàng Văn Đạt")
        expect(row).to_be_visible()
        expect(row.get_by_text("Đủ điều kiện").first).to_be_visible()
        expect(officer.locator("#quotas")).to_contain_text("1/1")

        # The cluster submits everything to the Ministry.
        secretariat = pages.open("thuongtruc")
        secretariat.goto(f"{YEAR}/")
        secretariat.get_by_role("button", name="Chuyển sang “Bộ xét duyệt”").click()
        expect(secretariat.locator("#stage")).to_have_text("Bộ xét duyệt")
        total = Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED).count()
        assert total >= 2

        # The council's chair gives an opinion on every item.
        chair = pages.open("chutich")
        for i in range(total):
            chair.goto(f"{YEAR}/xet-duyet/")
            opinion = chair.locator("form[id^=opinion-]").nth(i)
            opinion.get_by_label("Đồng ý", exact=True).check()
            opinion.get_by_role("button", name="Ghi ý kiến").click()
            expect(chair.get_by_text("Đã ghi ý kiến")).to_be_visible()
        expect(chair.locator("form[id^=opinion-]")).to_have_count(total)  # may still change them
        expect(chair.locator(".opinion").first).to_contain_text(
            "Trần Quốc Chủ (Chủ tịch Hội đồng):"
        )

        # The Ministry returns one item alone, with its reason.
        approver = pages.open("pheduyet")
        approver.goto(f"{YEAR}/xet-duyet/")
        individual = Proposal.objects.get(cycle=cycle, person__full_name="Hoàng Văn Đạt")
        bulk = approver.locator("#bulk-decide")
        bulk.locator(f"#pick-{individual.pk}").check()
        bulk.get_by_label("Trả lại", exact=True).check()
        bulk.get_by_label("Ý kiến của Bộ (bắt buộc khi trả lại, không phê duyệt)").fill(
            "Bổ sung bản tóm tắt sáng kiến có xác nhận của Hội đồng cơ sở."
        )
        bulk.get_by_label("Tôi xác nhận quyết định này cho tất cả các đề nghị đã chọn").check()
        bulk.get_by_role("button", name="Ghi quyết định").click()
        expect(approver.locator(f"#review-{individual.pk}")).to_contain_text("Bộ trả lại")
        assert Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED).count() == (
            total - 1
        )

        # The cluster answers it with a file; the overview says the move is the cluster's.
        secretariat.goto(f"{YEAR}/")
        expect(secretariat.locator("#review-step")).to_contain_text(
            "Bước tiếp theo là của Cụm: Bộ đã trả lại 1 đề nghị"
        )
        secretariat.goto(f"{YEAR}/xet-duyet/")
        answer = secretariat.locator(f"#answer-{individual.pk}")
        answer.get_by_label("Nội dung giải trình, bổ sung").fill(
            "Gửi bản tóm tắt sáng kiến đã có xác nhận."
        )
        scan = tmp_path / "tom-tat-sang-kien.pdf"
        scan.write_bytes(tiny_pdf("Tóm tắt sáng kiến"))
        answer.get_by_label("Tệp bổ sung").set_input_files(str(scan))
        answer.get_by_role("button", name="Gửi giải trình").click()
        expect(secretariat.locator(f"#review-{individual.pk}")).to_contain_text(
            "tom-tat-sang-kien.pdf"
        )
        secretariat.goto(f"{YEAR}/de-nghi/")
        secretariat.get_by_role("button", name="Trình lại Bộ").click()
        expect(secretariat.get_by_text("Đã trình lại Bộ")).to_be_visible()

        # The Ministry approves every item at once, with one confirmation.
        approver.goto(f"{YEAR}/xet-duyet/")
        expect(approver.locator(f"#review-{individual.pk}")).to_contain_text("Cụm giải trình")
        boxes = approver.locator("#bulk-decide input[name=bulk-proposals]")
        expect(boxes).to_have_count(total)
        for i in range(total):
            boxes.nth(i).check()
        bulk = approver.locator("#bulk-decide")
        bulk.get_by_label("Phê duyệt", exact=True).check()
        bulk.get_by_label("Tôi xác nhận quyết định này cho tất cả các đề nghị đã chọn").check()
        bulk.get_by_role("button", name="Ghi quyết định").click()
        expect(approver.get_by_text(f"cho {total} đề nghị")).to_be_visible()
        screenshot(approver, "review-approved")
        states = set(Proposal.objects.filter(cycle=cycle).values_list("state", flat=True))
        assert states == {Proposal.State.APPROVED}
    finally:
        pages.close()
    assert pages.violations == []
