"""The year's outcome pages: ranking, drill-down, honouring vote, proposals, approval, handover."""

from __future__ import annotations

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cycle.conftest import form_teams, open_year, report_all
from tests.vote_helpers import SECRETARIAT_PASSPHRASE, open_vote
from thidua.audit.models import AuditRecord
from thidua.cycle.models import (
    Cycle,
    HonourVote,
    Inspection,
    Proposal,
    Ranking,
    RankingEntry,
    ResultSheet,
)
from thidua.org.models import Handover, Unit

pytestmark = pytest.mark.django_db
S = Cycle.Stage


def url(name: str, *args, year: int = 2021) -> str:
    return reverse(name, args=[year, 3, *args])


def at_stage(cycle: Cycle, stage: str) -> Cycle:
    """Move a demo year back or forth for a test (its data stays as the whole year left it)."""
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
    cycle.refresh_from_db()
    return cycle


def ranked_year(y: dict) -> Cycle:
    """Cluster 3 / 2021 rebuilt up to the ranking, with three things to see: Phú Thọ reports its
    veto criterion as true, Tuyên Quang reports exactly what Hòa Bình reported (a true tie), and
    team 2 scores Bắc Giang's first criterion 1,5 points lower than Bắc Giang did."""
    results = copy.deepcopy(y["results"])
    results["phu-tho"]["results"]["ANQG_LIET"] = True
    results["tuyen-quang"] = copy.deepcopy(results["hoa-binh"])
    y = {**y, "results": results}
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    report_all(cycle, y)
    form_teams(cycle, y)
    cycle.advance(S.INSPECTION, by=y["secretariat"])
    for inspection in Inspection.objects.filter(cycle=cycle).select_related("team", "unit"):
        reported = ResultSheet.objects.get(cycle=cycle, unit=inspection.unit)
        values, remarks = dict(reported.values), dict(reported.remarks)
        if inspection.unit.code == "bac-giang":
            values["ANQG1"] = "6"
            remarks["ANQG1"] = "Chưa chủ động tham mưu xử lý điểm nóng ở địa bàn giáp ranh."
        inspector = y["inspectors"][inspection.team.leader_unit.code]
        inspection.save_scores(by=inspector, values=values, remarks=remarks)
        inspection.submit(by=inspector)
    cycle.advance(S.RANKING, by=y["secretariat"])
    return cycle


def client_of(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    """The page's visible text, tags stripped, whitespace collapsed (for sentence assertions)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- ranking -----------------------------------------------------------------------------------------


def test_ranking_shows_rank_total_tie_break_note_and_robustness_band(world):
    response = world.cast.client(world.cast.officer_a).get(url("cycle_ranking"))
    assert response.status_code == 200
    page = text_of(response)
    assert "1 Công an tỉnh Yên Bái 98,11 đứng đầu" in page
    # The engine's note names units by code; the page by name.
    assert "bằng tổng điểm 94,6 với Hòa Bình; Hòa Bình xếp trên" in page
    assert "hoa-binh" not in page
    # The robustness figures said for the unit, the figures kept as detail.
    assert "Hạng 1 vững: cân nhắc các nhóm tiêu chí hơi khác đi, đơn vị vẫn đứng hạng 1." in page
    assert (
        "Hạng 4 có thể đổi: cân nhắc các nhóm tiêu chí hơi khác đi, đơn vị đứng từ hạng 4 đến hạng 5."
        in page
    )
    assert "Số liệu: hạng trung vị 5; 90/100 lần tính đứng hạng 4–5; đứng đầu 0% số lần." in page
    assert "Số liệu: hạng trung vị 1; 90/100 lần tính đứng hạng 1; đứng đầu 100% số lần." in page
    assert "Xác suất đứng đầu" not in page and "Khoảng 5–95%" not in page
    assert "Phương pháp chấm phiên bản 1" in page
    assert 'data-chart="chart-robustness"' in response.content.decode()
    assert "chart.umd.min.js" in response.content.decode()


def test_ranking_lists_vetoed_units_apart_with_the_reason(year):
    ranked_year(year)
    response = client_of(year["secretariat"]).get(url("cycle_ranking"))
    html = response.content.decode()
    table = html[html.index('id="ranking-table"') : html.index('id="excluded"')]
    apart = html[html.index('id="excluded"') : html.index('id="robustness"')]
    assert 'data-unit="phu-tho"' not in table
    assert 'data-unit="phu-tho"' in apart and "Điểm liệt" in apart
    assert "điểm nóng" in apart  # the veto criterion, named
    entry = (
        Ranking.objects.filter(cycle__cluster__year=2021).first().entries.get(unit__code="phu-tho")
    )
    assert entry.vetoed and entry.rank is None


def test_true_ties_share_a_rank_and_are_marked(year):
    ranked_year(year)
    ranking = Ranking.objects.filter(cycle__cluster__year=2021).first()
    ranks = {e.unit.code: e.rank for e in ranking.entries.select_related("unit")}
    assert ranks["hoa-binh"] == ranks["tuyen-quang"]
    page = text_of(client_of(year["cast"].viewer).get(url("cycle_ranking")))
    assert page.count("đồng hạng") >= 2 + 1  # both rows, and the footnote
    assert "Khi bằng tổng điểm, xét lần lượt: điểm nhóm “Đấu tranh phòng, chống tội phạm”" in page


def test_ranking_is_not_published_to_members_before_the_ranking_stage(world):
    at_stage(world.cycle2021, S.INSPECTION)
    member = text_of(world.cast.client(world.cast.officer_a).get(url("cycle_ranking")))
    assert "Bảng xếp hạng chưa được công bố" in member and "98,11" not in member
    secretariat = text_of(world.cast.client(world.cast.secretariat).get(url("cycle_ranking")))
    assert "Bản tính thử" in secretariat and "98,11" in secretariat


def test_ranking_page_query_count_does_not_grow_with_units(world, django_assert_max_num_queries):
    from django.core.cache import cache

    client = world.cast.client(world.cast.officer_a)
    cache.clear()  # both requests render the tables (a cached rendering costs fewer queries)
    with CaptureQueriesContext(connection) as eight:
        assert client.get(url("cycle_ranking")).status_code == 200
    ranking = world.cycle2021.rankings.first()
    others = Unit.objects.exclude(pk__in=world.cycle2021.member_ids()).filter(
        kind=Unit.Kind.PROVINCE_POLICE
    )[:12]
    RankingEntry.objects.bulk_create(
        RankingEntry(ranking=ranking, unit=u, position=100 + i, rank=9 + i, total=80)
        for i, u in enumerate(others)
    )
    cache.clear()  # a ranking is never changed in place: the page kept for it would be served
    with django_assert_max_num_queries(len(eight)):
        response = client.get(url("cycle_ranking"))
    assert response.content.decode().count('data-unit="') == 8 + 12


def test_secretariat_recomputes_the_ranking_with_a_reason_at_the_ranking_stage(world):
    cycle = at_stage(world.cycle2021, S.RANKING)
    client = world.cast.client(world.cast.secretariat)
    response = client.post(
        url("cycle_ranking_recompute"), {"reason": "Sau khi giải quyết khiếu nại."}, follow=True
    )
    assert "Đã tính lại" in text_of(response)
    assert cycle.rankings.count() == 2
    assert AuditRecord.objects.filter(
        action="rank", reason="Sau khi giải quyết khiếu nại."
    ).exists()


def test_recomputing_a_closed_year_is_refused_with_the_reason(world):
    response = world.cast.client(world.cast.secretariat).post(
        url("cycle_ranking_recompute"), follow=True
    )
    assert "Không thể tính lại bảng xếp hạng ở giai đoạn “Đã kết thúc”" in text_of(response)
    assert world.cycle2021.rankings.count() == 1


# -- one unit's scores -------------------------------------------------------------------------------


def test_unit_score_explains_every_criterion_with_inputs_rule_and_formula(world):
    response = world.cast.client(world.cast.viewer).get(url("cycle_unit_score", "bac-giang"))
    page = text_of(response)
    assert "Tổng điểm = 19 + 31,58 + 19,5 + 13 + 14 = 97,08 điểm" in page
    assert "Tỷ lệ điều tra khám phá án hình sự" in page
    assert "Kết quả 91,8%; chỉ tiêu 76%" in page  # inputs
    assert "Chỉ tiêu (càng cao càng tốt), tính tỷ lệ" in page  # the rule in words
    assert "vượt 15,8% → cộng 1,58 điểm" in page  # the formula
    assert response.content.decode().count('id="criterion-') == 23


def test_differences_between_self_assessment_and_inspection_are_flagged_and_shown_side_by_side(
    year,
):
    ranked_year(year)
    page = text_of(client_of(year["secretariat"]).get(url("cycle_ranking")))
    flagged = page[page.index("Chênh lệch giữa tự chấm") :]
    assert "Bắc Giang Nắm chắc tình hình" in flagged and "7,5 Đoàn kiểm tra số 2: 6 1,5" in flagged
    response = client_of(year["officers"]["bac-giang"]).get(url("cycle_unit_score", "bac-giang"))
    html = response.content.decode()
    comparison = html[html.index('id="comparison"') :]
    assert "Đoàn kiểm tra số 2" in comparison
    assert 'class="delta--neg">(−1,5)' in comparison


def test_other_units_scores_are_hidden_from_members_before_the_ranking_stage(world):
    at_stage(world.cycle2021, S.INSPECTION)
    client = world.cast.client(world.cast.officer_a)
    assert client.get(url("cycle_unit_score", "yen-bai")).status_code == 404
    assert client.get(url("cycle_unit_score", "bac-giang")).status_code == 200


# -- honouring vote ------------------------------------------------------------------------------------


def voting(world) -> Cycle:
    cycle = at_stage(world.cycle2021, S.VOTING)
    HonourVote.objects.filter(cycle=cycle).delete()
    return cycle


def test_secretariat_opens_the_vote_for_the_rank_one_unit_by_default(world):
    cycle = voting(world)
    client = world.cast.client(world.cast.secretariat)
    page = client.get(url("cycle_vote")).content.decode()
    yen_bai = world.unit("yen-bai").pk
    assert re.search(rf'<option value="{yen_bai}" selected>', page)
    response = client.post(
        url("cycle_vote_open"),
        {
            "candidate": yen_bai,
            "passphrase": SECRETARIAT_PASSPHRASE,
            "confirm": SECRETARIAT_PASSPHRASE,
        },
    )
    assert response.status_code == 302
    vote = HonourVote.objects.get(cycle=cycle)
    assert vote.candidate.code == "yen-bai" and vote.state == HonourVote.State.SETUP


def test_opening_the_vote_needs_the_secretariats_passphrase_typed_twice(world):
    cycle = voting(world)
    client = world.cast.client(world.cast.secretariat)
    yen_bai = world.unit("yen-bai").pk
    response = client.post(
        url("cycle_vote_open"),
        {"candidate": yen_bai, "passphrase": SECRETARIAT_PASSPHRASE, "confirm": "khác hẳn đi nhé"},
    )
    assert response.status_code == 422
    assert "Hai lần nhập cụm mật khẩu không giống nhau." in text_of(response)
    assert SECRETARIAT_PASSPHRASE not in response.content.decode()  # never echoed back
    assert not HonourVote.objects.filter(cycle=cycle).exists()


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'<meta name="csrf-token" content="[^"]+">', "", html)


def test_vote_page_never_shows_how_a_unit_voted(world):
    cycle = voting(world)
    vote = open_vote(cycle, by=world.cast.secretariat, candidate=world.unit("yen-bai"))
    officer = world.cast.client(world.cast.officer_a)
    response = officer.post(url("cycle_vote_cast"), {"choice": "no"}, follow=True)
    after = text_of(response)
    assert "Đã ghi nhận phiếu biểu quyết của Công an tỉnh Bắc Giang" in after
    assert "Không đồng ý" not in after and "Đồng ý" not in after
    # Who voted is shown; the page is the same whatever the unit chose.
    viewer = world.cast.client(world.cast.secretariat)
    seen_no = _without_tokens(viewer.get(url("cycle_vote")).content.decode())
    # Nothing the page could read depends on the choice: no counter exists while the vote is open.
    vote.refresh_from_db()
    assert (vote.yes, vote.no, vote.abstain) == (None, None, None)
    assert "Công an tỉnh Bắc Giang" in text_of(viewer.get(url("cycle_vote")))
    assert 'id="result"' not in seen_no  # no running tally while open


def test_a_unit_votes_once(world):
    cycle = voting(world)
    open_vote(cycle, by=world.cast.secretariat, candidate=world.unit("yen-bai"))
    officer = world.cast.client(world.cast.officer_a)
    officer.post(url("cycle_vote_cast"), {"choice": "yes"})
    response = officer.post(url("cycle_vote_cast"), {"choice": "yes"})
    assert response.status_code == 409
    assert "Công an tỉnh Bắc Giang đã biểu quyết" in text_of(response)
    assert HonourVote.objects.get(cycle=cycle).present == 1


def test_a_ballot_needs_a_choice(world):
    cycle = voting(world)
    open_vote(cycle, by=world.cast.secretariat, candidate=world.unit("yen-bai"))
    response = world.cast.client(world.cast.officer_a).post(url("cycle_vote_cast"), {})
    assert response.status_code == 422
    assert "Chọn Đồng ý, Không đồng ý hoặc Không biểu quyết" in text_of(response)


def test_closing_the_vote_without_quorum_says_so_and_shows_no_counts(world):
    cycle = voting(world)
    vote = open_vote(cycle, by=world.cast.secretariat, candidate=world.unit("yen-bai"))
    world.cast.client(world.cast.officer_a).post(url("cycle_vote_cast"), {"choice": "yes"})
    response = world.cast.client(world.cast.secretariat).post(url("cycle_vote_close"), follow=True)
    page = text_of(response)
    vote.refresh_from_db()
    assert vote.state == HonourVote.State.CLOSED and vote.passed is False
    assert "Không đủ số đơn vị tham gia biểu quyết (1/8, cần ít nhất 6)" in page
    assert "biểu quyết không hợp lệ, không công bố số phiếu" in page
    assert "Yên Bái chưa được suy tôn" in page
    assert vote.yes is None and "Đồng ý" not in page


# -- proposals and approval ------------------------------------------------------------------------------


def test_proposals_show_every_proposal_and_every_refusal_with_its_reason(world):
    page = text_of(world.cast.client(world.cast.officer_a).get(url("cycle_proposals")))
    assert page.count("Bộ phê duyệt") >= 8
    assert "Cờ thi đua của Chính phủ" in page and "Theo quy chế (tự động)" in page
    refusals = page[page.index("Không đề nghị theo quy chế") :]
    assert "Bắc Giang không phải đơn vị được suy tôn dẫn đầu Cụm" in refusals
    assert "Phú Thọ đạt tiêu chuẩn nhưng đã hết chỉ tiêu" in refusals


def test_proposals_page_query_count_does_not_grow_with_proposals(
    world, django_assert_max_num_queries
):
    client = world.cast.client(world.cast.approver)
    at_stage(world.cycle2021, S.APPROVAL)
    Proposal.objects.filter(cycle=world.cycle2021).update(state=Proposal.State.SUBMITTED)
    with CaptureQueriesContext(connection) as eight:
        assert client.get(url("cycle_proposals")).status_code == 200
    for p in list(world.cycle2021.proposals.all()):
        p.pk, p.award_code, p.award_name = None, "BK_BCA", "Bằng khen của Bộ Công an"
        p.save()
    with django_assert_max_num_queries(len(eight)):
        response = client.get(url("cycle_proposals"))
    assert response.content.decode().count('id="decide-') == 16


def proposing(world) -> Cycle:
    cycle = at_stage(world.cycle2021, S.PROPOSALS)
    Proposal.objects.filter(cycle=cycle).update(state=Proposal.State.DRAFT)
    return cycle


def test_adjustment_outside_the_rules_is_blocked_with_the_reason(world):
    cycle = proposing(world)
    response = world.cast.client(world.cast.secretariat).post(
        url("cycle_proposal_add"),
        {
            "add-unit": world.unit("bac-giang").pk,
            "add-award_code": "CO_CP",
            "add-reason": "Đề nghị thêm.",
        },
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Không thêm được đề nghị" in page
    assert "Bắc Giang: không đủ điều kiện Cờ thi đua của Chính phủ" in page
    assert "Cờ thi đua của Chính phủ: 2 đề nghị, vượt chỉ tiêu" in page
    assert "bac-giang" not in page
    assert cycle.proposals.count() == 8


def test_secretariat_withdraws_with_a_reason_and_adds_within_the_rules(world):
    cycle = proposing(world)
    client = world.cast.client(world.cast.secretariat)
    bac_kan = world.proposal("bac-kan")
    refused = client.post(
        url("cycle_proposal_withdraw", bac_kan.pk), {f"w{bac_kan.pk}-reason": " "}
    )
    assert refused.status_code == 422 and "Phải nêu lý do rút đề nghị" in text_of(refused)
    client.post(
        url("cycle_proposal_withdraw", bac_kan.pk),
        {f"w{bac_kan.pk}-reason": "Đơn vị đề nghị hình thức khác."},
    )
    bac_kan.refresh_from_db()
    assert bac_kan.state == Proposal.State.WITHDRAWN
    response = client.post(
        url("cycle_proposal_add"),
        {
            "add-unit": world.unit("bac-kan").pk,
            "add-award_code": "BK_BCA",
            "add-reason": "Hội nghị Cụm thống nhất đề nghị Bằng khen.",
        },
        follow=True,
    )
    added = cycle.proposals.get(unit__code="bac-kan", award_code="BK_BCA")
    assert added.origin == Proposal.Origin.ADJUSTED
    page = text_of(response)
    assert (
        "Thường trực Cụm điều chỉnh" in page and "Lý do rút: Đơn vị đề nghị hình thức khác." in page
    )


def approving(world) -> Proposal:
    at_stage(world.cycle2021, S.APPROVAL)
    Proposal.objects.filter(pk=world.proposal("phu-tho").pk).update(
        state=Proposal.State.SUBMITTED, decision_reason="", decided_by=None, decided_at=None
    )
    return world.proposal("phu-tho")


def decide(client, proposal, decision: str, reason: str = "", version: int | None = None):
    prefix = f"d{proposal.pk}"
    return client.post(
        url("cycle_proposal_decide", proposal.pk),
        {
            f"{prefix}-decision": decision,
            f"{prefix}-reason": reason,
            f"{prefix}-version": version or proposal.version,
        },
    )


def test_only_the_ministry_approves(world):
    proposal = approving(world)
    assert decide(world.cast.client(world.cast.secretariat), proposal, "approve").status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    page = world.cast.client(world.cast.approver).get(url("cycle_proposals")).content.decode()
    assert f'id="decide-{proposal.pk}"' in page
    response = decide(world.cast.client(world.cast.approver), proposal, "approve")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.APPROVED and proposal.decided_by == world.cast.approver
    assert AuditRecord.objects.filter(action="approve", object_pk=str(proposal.pk)).exists()


def test_returning_or_rejecting_needs_a_reason(world):
    proposal = approving(world)
    response = decide(world.cast.client(world.cast.approver), proposal, "reject")
    assert response.status_code == 422
    assert "Trả lại hoặc không phê duyệt thì phải nêu lý do" in text_of(response)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_a_decision_on_a_changed_proposal_is_refused_not_overwritten(world):
    proposal = approving(world)
    response = decide(
        world.cast.client(world.cast.approver), proposal, "approve", version=proposal.version - 1
    )
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_a_returned_proposal_is_resubmitted_by_the_secretariat(world):
    proposal = approving(world)
    decide(world.cast.client(world.cast.approver), proposal, "return", "Bổ sung hồ sơ minh chứng.")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.RETURNED
    page = text_of(world.cast.client(world.cast.officer_a).get(url("cycle_proposals")))
    assert "Bộ trả lại" in page and "Bổ sung hồ sơ minh chứng." in page
    response = world.cast.client(world.cast.secretariat).post(url("cycle_proposals_resubmit"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


# -- handover --------------------------------------------------------------------------------------------


def test_the_year_closes_only_once_every_proposal_is_decided(world):
    approving(world)
    Handover.objects.filter(cluster=world.cycle2021.cluster).delete()
    page = text_of(world.cast.client(world.cast.secretariat).get(url("cycle_handover")))
    assert (
        "Chưa thể kết thúc năm thi đua" in page
        and "Bằng khen của Bộ trưởng Bộ Công an — Công an tỉnh Phú Thọ" in page
    )
    assert "Ghi nhận và kết thúc năm thi đua" not in page


def test_handover_keeps_the_rotation_rule_and_closes_the_year(world):
    cycle = at_stage(world.cycle2021, S.APPROVAL)
    Handover.objects.filter(cluster=cycle.cluster).delete()
    client = world.cast.client(world.cast.secretariat)
    same = client.post(
        url("cycle_handover"),
        {"next_leader": world.unit("yen-bai").pk, "next_deputy": world.unit("bac-giang").pk},
    )
    assert same.status_code == 422 and "luân phiên" in text_of(same)
    cycle.refresh_from_db()
    assert cycle.stage == S.APPROVAL
    response = client.post(
        url("cycle_handover"),
        {"next_leader": world.unit("bac-giang").pk, "next_deputy": world.unit("quang-ninh").pk},
        follow=True,
    )
    cycle.refresh_from_db()
    assert cycle.stage == S.CLOSED
    assert cycle.cluster.handover.next_leader.code == "bac-giang"
    page = text_of(response)
    assert "Đã ghi nhận Cụm trưởng, Cụm phó năm 2022 và kết thúc năm thi đua" in page
    assert "Công an tỉnh Bắc Giang Cụm trưởng" in page
