"""Proposals outside the ranking and the Ministry's council review, through the pages.

Stands on the demo's Cluster 3 / 2021 (moved to the stage each test needs): Bắc Giang's officer
proposes its people, the secretariat (Yên Bái) gathers and answers, the council's members give
their opinions, the Ministry's approver decides.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_user
from tests.files import tiny_pdf
from tests.honours.conftest import CSTDCS, CSTT, XS, person
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Council, CouncilMember, Cycle, Opinion, Proposal, ReturnAnswer
from thidua.cycle.outcome import proposals as rules
from thidua.cycle.outcome import review_checks as checks
from thidua.org.models import User

pytestmark = pytest.mark.django_db
S = Cycle.Stage


def url(name: str, *args) -> str:
    return reverse(name, args=[2021, 3, *args])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def at_stage(cycle: Cycle, stage: str) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
    cycle.refresh_from_db()
    return cycle


def soldier(name: str, *, cstt: bool = True, eligible: bool = True):
    """An officer of Bắc Giang with (or without) what Chiến sĩ thi đua cơ sở 2021 needs."""
    return person(
        "bac-giang",
        name=name,
        ratings={2021: XS} if eligible else {},
        titles={CSTT: [2021]} if cstt else {},
        initiatives=[(2021, "co_so")] if eligible else [],
    )


def propose_individual(client, who, award: str = CSTDCS, award_class: str = ""):
    return client.post(
        url("cycle_unit_proposals"),
        {
            "kind": "individual",
            "ind-person": who.pk,
            "ind-award": award,
            "ind-award_class": award_class,
            "ind-dossier": "Hoàn thành xuất sắc nhiệm vụ, có sáng kiến cấp cơ sở.",
        },
    )


def test_a_unit_proposes_its_individual_checked_by_the_eligibility_engine(world):
    at_stage(world.cycle2021, S.PROPOSALS)
    good, weak = soldier("Hoàng Văn Đạt"), soldier("Lò Văn Yếu", eligible=False)
    for i in range(5):  # seven Chiến sĩ tiên tiến in all: the 15% cap allows one
        soldier(f"Đinh Văn Tiến {i}", eligible=False)
    client = world.cast.client(world.cast.officer_a)
    response = propose_individual(client, weak)
    assert response.status_code == 422
    page = text_of(response)
    assert "không đủ điều kiện “Chiến sĩ thi đua cơ sở”" in page and "Lò Văn Yếu" in page
    assert not Proposal.objects.filter(person=weak).exists()
    assert propose_individual(client, good).status_code == 302
    proposal = Proposal.objects.get(person=good)
    assert proposal.origin == Proposal.Origin.UNIT and proposal.unit.code == "bac-giang"
    assert proposal.award_code == CSTDCS and proposal.state == Proposal.State.DRAFT
    assert AuditRecord.objects.filter(action="create", object_pk=str(proposal.pk)).exists()
    page = text_of(client.get(url("cycle_unit_proposals")))
    assert "Hoàng Văn Đạt" in page and "Đủ điều kiện" in page


def test_units_propose_only_their_own_people(world):
    at_stage(world.cycle2021, S.PROPOSALS)
    other = person("yen-bai", name="Vi Thị Khác", ratings={2021: XS}, titles={CSTT: [2021]})
    response = propose_individual(world.cast.client(world.cast.officer_a), other)
    assert response.status_code == 422  # not among the unit's people: not a valid choice
    assert not Proposal.objects.filter(person=other).exists()
    viewer = world.cast.client(world.cast.viewer)
    assert propose_individual(viewer, soldier("Lê Văn Xem")).status_code == 403


def test_the_15_percent_cap_refuses_a_proposal_over_it_with_the_numbers(world):
    """Chiến sĩ thi đua cơ sở ≤ 15% of the unit's Chiến sĩ tiên tiến: 7 of them allow 1."""
    cycle = at_stage(world.cycle2021, S.PROPOSALS)
    people = [soldier(f"Nguyễn Văn Số {i}") for i in range(1, 8)]
    client = world.cast.client(world.cast.officer_a)
    assert propose_individual(client, people[0]).status_code == 302
    page = text_of(client.get(url("cycle_unit_proposals")))
    assert "1/1" in page  # used/allowed for Bắc Giang
    response = propose_individual(client, people[1])
    assert response.status_code == 422
    refused = text_of(response)
    assert "Vượt tỷ lệ “Chiến sĩ thi đua cơ sở”" in refused
    assert "15% của 7 Chiến sĩ tiên tiến" in refused and "2/1" in refused
    assert not Proposal.objects.filter(person=people[1]).exists()
    # Gathered by the cluster: a second one slipped in (e.g. a Chiến sĩ tiên tiến revoked since)
    # blocks the submission with the same numbers.
    Proposal.objects.create(
        cycle=cycle,
        unit=people[1].current_unit,
        person=people[1],
        award_code=CSTDCS,
        award_name="Chiến sĩ thi đua cơ sở",
        basis="—",
        origin=Proposal.Origin.UNIT,
    )
    problems = rules.selection_problems(cycle)
    assert any("Vượt tỷ lệ" in p and "2/1" in p for p in problems)
    response = world.cast.client(world.cast.secretariat).post(
        reverse("cycle_advance", args=[2021, 3]), {"to": S.APPROVAL}, follow=True
    )
    cycle.refresh_from_db()
    assert cycle.stage == S.PROPOSALS and "Vượt tỷ lệ" in text_of(response)


def test_the_cap_is_applied_again_at_the_ministry(world):
    cycle = at_stage(world.cycle2021, S.APPROVAL)
    people = [soldier(f"Trần Văn Hạn {i}") for i in range(1, 8)]
    made = [
        Proposal.objects.create(
            cycle=cycle,
            unit=p.current_unit,
            person=p,
            award_code=CSTDCS,
            award_name="Chiến sĩ thi đua cơ sở",
            basis="—",
            origin=Proposal.Origin.UNIT,
            state=Proposal.State.SUBMITTED,
        )
        for p in people[:2]
    ]
    response = bulk(world.cast.client(world.cast.approver), made, "approve")
    assert response.status_code == 422 and "Vượt tỷ lệ" in text_of(response)
    assert {p.state for p in Proposal.objects.filter(pk__in=[m.pk for m in made])} == {
        Proposal.State.SUBMITTED
    }
    assert bulk(world.cast.client(world.cast.approver), made[:1], "approve").status_code == 302


def propose_outside(client, unit, award: str, award_class: str = ""):
    return client.post(
        url("cycle_unit_proposals"),
        {
            "kind": "outside",
            "out-unit": unit.pk,
            "out-award": award,
            "out-award_class": award_class,
            "out-dossier": "Triệt phá đường dây ma túy xuyên biên giới (hồ sơ kèm theo).",
        },
    )


def test_huan_chuong_chien_cong_is_proposed_with_its_class_outside_the_ranking(world):
    at_stage(world.cycle2021, S.PROPOSALS)
    client = world.cast.client(world.cast.secretariat)
    quang_ninh = world.unit("quang-ninh")
    response = propose_outside(client, quang_ninh, "huan_chuong_chien_cong")
    assert response.status_code == 422
    assert "“Huân chương Chiến công” phải chọn hạng (hạng Ba, hạng Nhì, hạng Nhất)" in text_of(
        response
    )
    assert propose_outside(client, quang_ninh, "huan_chuong_chien_cong", "nhi").status_code == 302
    proposal = Proposal.objects.get(unit=quang_ninh, origin=Proposal.Origin.OUTSIDE)
    assert proposal.award_code == "huan_chuong_chien_cong_hang_nhi"
    assert proposal.award_name == "Huân chương Chiến công hạng Nhì" and proposal.rank is None
    # The Prime Minister's certificate and the Hero title go the same way, not bound to rank.
    assert propose_outside(client, quang_ninh, "bang_khen_thu_tuong").status_code == 302
    page = text_of(client.get(url("cycle_unit_proposals")))
    assert "Bằng khen của Thủ tướng Chính phủ" in page and "Vì sao" in page
    # A unit proposes for itself only.
    officer = world.cast.client(world.cast.officer_a)
    assert propose_outside(officer, quang_ninh, "bang_khen_thu_tuong").status_code == 422
    assert (
        propose_outside(officer, world.unit("bac-giang"), "bang_khen_thu_tuong").status_code == 302
    )


# -- the council ------------------------------------------------------------------------------------


def council(world, needed: int = 2, chair_must_opine: bool = True):
    """A council of three: the composition is rows, not code."""
    body = Council.objects.create(opinions_needed=needed, chair_must_opine=chair_must_opine)
    chair = make_user("chutich", User.Role.VIEWER, "x03", full_name="Trần Quốc Chủ")
    member = make_user("uyvien", User.Role.VIEWER, "x03", full_name="Lê Văn Viên")
    CouncilMember.objects.create(council=body, user=chair, role=CouncilMember.Role.CHAIR)
    CouncilMember.objects.create(council=body, user=member, role=CouncilMember.Role.MEMBER)
    CouncilMember.objects.create(
        council=body, user=world.cast.approver, role=CouncilMember.Role.SECRETARY
    )
    return body, chair, member


def undecided(world) -> None:
    """The demo's register holds the 2021 awards of the cluster (their decisions are signed): these
    tests play the review before that, so an approval is not refused as a second award."""
    from thidua.honours.models import Commendation, DecisionLine

    codes = [u.code for u in world.cycle2021.members()]
    rows = Commendation.objects.filter(year=2021, unit__code__in=codes)
    DecisionLine.objects.filter(commendation__in=rows).update(commendation=None)
    rows.delete()


def submitted(world) -> list[Proposal]:
    undecided(world)
    cycle = at_stage(world.cycle2021, S.APPROVAL)
    Proposal.objects.filter(cycle=cycle).update(
        state=Proposal.State.SUBMITTED, decision_reason="", decided_by=None, decided_at=None
    )
    return list(cycle.proposals.order_by("pk"))


def approvable(items: list[Proposal]) -> list[Proposal]:
    """Those the eligibility engine does not refuse (the demo's register already holds some of
    the year's awards: approving them again is refused, as it should be)."""
    judged = checks.verdicts(items)
    return [p for p in items if judged[p.pk] is None or judged[p.pk].eligible is not False]


def opine(client, proposal, stance: str, text: str = ""):
    return client.post(
        url("cycle_review_opinion", proposal.pk),
        {f"o{proposal.pk}-stance": stance, f"o{proposal.pk}-text": text},
    )


def bulk(client, chosen, decision: str, reason: str = "", confirm: bool = True):
    data = {
        "bulk-proposals": [p.pk for p in chosen],
        "bulk-decision": decision,
        "bulk-reason": reason,
    }
    if confirm:
        data["bulk-confirm"] = "on"
    return client.post(url("cycle_review_decide"), data)


def test_each_council_member_records_an_opinion_per_proposal(world):
    items = submitted(world)
    _, chair, member = council(world)
    assert opine(world.cast.client(world.cast.secretariat), items[0], "agree").status_code == 403
    client = world.cast.client(member)
    response = opine(client, items[0], "disagree")
    assert response.status_code == 422
    assert "Không đồng ý hoặc ý kiến khác thì phải nêu nội dung" in text_of(response)
    assert not Opinion.objects.exists()
    assert opine(client, items[0], "disagree", "Chưa đủ minh chứng.").status_code == 302
    assert opine(client, items[0], "agree").status_code == 302  # changed, not added
    opinion = Opinion.objects.get()
    assert opinion.stance == "agree" and opinion.member.user == member
    assert AuditRecord.objects.filter(action="opinion").count() == 2
    page = text_of(world.cast.client(chair).get(url("cycle_review")))
    assert "Lê Văn Viên (Ủy viên): Đồng ý" in page
    assert "mới có 1/2 ý kiến của Hội đồng" in page


def test_approval_waits_for_the_opinions_the_council_requires(world):
    everything = submitted(world)
    items = approvable(everything)
    assert len(items) >= 3
    _, chair, member = council(world)
    approver = world.cast.client(world.cast.approver)
    response = bulk(approver, items[:2], "approve")
    assert response.status_code == 422
    page = text_of(response)
    assert (
        "mới có 0/2 ý kiến của Hội đồng" in page and "chưa có ý kiến của Chủ tịch Hội đồng" in page
    )
    for p in items[:2]:
        opine(world.cast.client(member), p, "agree")
        opine(world.cast.client(chair), p, "comment", "Đề nghị lưu ý hồ sơ.")
    assert bulk(approver, items[:2], "approve", confirm=False).status_code == 422
    assert {p.state for p in Proposal.objects.filter(pk__in=[p.pk for p in items[:2]])} == {
        Proposal.State.SUBMITTED
    }
    assert bulk(approver, items[:2], "approve").status_code == 302
    states = {p.pk: p.state for p in Proposal.objects.filter(cycle=world.cycle2021)}
    assert [states[p.pk] for p in items[:2]] == [Proposal.State.APPROVED] * 2
    assert all(states[p.pk] == Proposal.State.SUBMITTED for p in everything if p not in items[:2])


def test_a_different_composition_is_data_only(world):
    items = approvable(submitted(world))
    _, _, member = council(world, needed=1, chair_must_opine=False)
    opine(world.cast.client(member), items[0], "agree")
    assert bulk(world.cast.client(world.cast.approver), items[:1], "approve").status_code == 302


def test_one_item_is_returned_alone_and_the_cluster_answers_it_with_a_file(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    items = submitted(world)
    approver = world.cast.client(world.cast.approver)
    assert bulk(approver, items[:1], "return").status_code == 422  # a reason is required
    assert bulk(approver, items[:1], "return", "Bổ sung biên bản họp Cụm.").status_code == 302
    states = {p.pk: p.state for p in Proposal.objects.filter(cycle=world.cycle2021)}
    assert states[items[0].pk] == Proposal.State.RETURNED
    assert all(states[p.pk] == Proposal.State.SUBMITTED for p in items[1:])
    secretariat = world.cast.client(world.cast.secretariat)
    overview = text_of(secretariat.get(reverse("cycle_overview", args=[2021, 3])))
    assert "Bước tiếp theo là của Cụm: Bộ đã trả lại 1 đề nghị" in overview
    answer_url = url("cycle_review_answer", items[0].pk)
    prefix = f"a{items[0].pk}"
    forged = SimpleUploadedFile("bien-ban.pdf", b"not a pdf at all", "application/pdf")
    response = secretariat.post(
        answer_url, {f"{prefix}-note": "Đã bổ sung.", f"{prefix}-files": forged}
    )
    assert response.status_code == 422 and "bien-ban.pdf" in text_of(response)
    assert not ReturnAnswer.objects.exists()
    assert world.cast.client(world.cast.officer_a).post(answer_url, {}).status_code == 403
    real = SimpleUploadedFile("bien-ban.pdf", tiny_pdf("Biên bản họp Cụm"), "application/pdf")
    response = secretariat.post(
        answer_url,
        {f"{prefix}-note": "Bổ sung biên bản họp Cụm ngày 10/01/2022.", f"{prefix}-files": real},
    )
    assert response.status_code == 302
    answer = ReturnAnswer.objects.get()
    assert answer.return_reason == "Bổ sung biên bản họp Cụm." and answer.files.count() == 1
    page = text_of(approver.get(url("cycle_review")))
    assert "Cụm giải trình" in page and "bien-ban.pdf" in page
    file_url = url("cycle_review_file", answer.files.get().pk)
    download = approver.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert world.cast.client(world.cast.officer_b).get(file_url).status_code == 404
    assert secretariat.post(url("cycle_proposals_resubmit")).status_code == 302
    assert Proposal.objects.get(pk=items[0].pk).state == Proposal.State.SUBMITTED


def test_the_review_links_each_proposal_to_the_units_scores_and_shows_why(world):
    items = submitted(world)
    page = world.cast.client(world.cast.approver).get(url("cycle_review")).content.decode()
    first = items[0]
    assert reverse("cycle_unit_score", args=[2021, 3, first.unit.code]) in page
    assert "Vì sao" in page


def test_bad_bulk_input_writes_nothing(world):
    items = submitted(world)
    approver = world.cast.client(world.cast.approver)
    response = approver.post(
        url("cycle_review_decide"),
        {"bulk-proposals": [items[0].pk, 999999], "bulk-decision": "approve", "bulk-confirm": "on"},
    )
    assert response.status_code == 422
    assert Proposal.objects.get(pk=items[0].pk).state == Proposal.State.SUBMITTED
    assert (
        world.cast.client(world.cast.secretariat).post(url("cycle_review_decide"), {}).status_code
        == 403
    )


def test_a_reviewer_is_reminded_on_the_home_page(world):
    items = submitted(world)
    _, chair, _ = council(world)
    from thidua.cycle.todo import tasks_for

    assert any(f"Cho ý kiến Hội đồng về {len(items)} đề nghị" in t.text for t in tasks_for(chair))
    Proposal.objects.filter(pk=items[0].pk).update(state=Proposal.State.RETURNED)
    assert any("Bộ trả lại 1 đề nghị" in t.text for t in tasks_for(world.cast.secretariat))


def test_the_council_is_composed_in_the_admin_site_and_every_change_is_audited(world):
    admin = make_user("quantri", User.Role.VIEWER, None, is_staff=True, is_superuser=True)
    chair = make_user("chutich2", User.Role.VIEWER, "x03", full_name="Trần Quốc Chủ")
    response = world.cast.client(admin).post(
        reverse("admin:cycle_council_add"),
        {
            "name": "Hội đồng Thi đua – Khen thưởng Bộ Công an",
            "opinions_needed": 3,
            "chair_must_opine": "on",
            "active": "on",
            "members-TOTAL_FORMS": 1,
            "members-INITIAL_FORMS": 0,
            "members-0-user": chair.pk,
            "members-0-role": "chair",
            "members-0-title": "Thứ trưởng",
        },
    )
    assert response.status_code == 302
    body = Council.current()
    assert body.opinions_needed == 3 and body.members.get().role == CouncilMember.Role.CHAIR
    assert AuditRecord.objects.filter(action="create", object_pk=str(body.pk)).exists()
    member = body.members.get()
    assert AuditRecord.objects.filter(action="create", object_pk=str(member.pk)).exists()
