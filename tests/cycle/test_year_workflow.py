"""One whole year of Cluster 3 / 2021 through the model methods, as the secretariat runs it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cycle.conftest import form_teams, inspect_all, open_year, report_all, units
from tests.vote_helpers import close_vote, open_vote
from thidua.audit.log import verify_chain
from thidua.cycle.models import Cycle, Proposal, ResultSheet, ScoreSheet
from thidua.cycle.scoring import set_method
from thidua.engine.eligibility_catalogue import load_catalogue
from thidua.lib.workflow import WorkflowError

pytestmark = pytest.mark.django_db
S = Cycle.Stage


def test_a_whole_year_ends_with_the_published_awards_of_cluster_3(year):
    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    report_all(cycle, y)
    form_teams(cycle, y)
    cycle.advance(S.INSPECTION, by=y["secretariat"])
    assert cycle.method_locked
    inspect_all(cycle, y)
    cycle.advance(S.RANKING, by=y["secretariat"])
    ranking = cycle.rankings.first()
    top = [e.unit.short_name for e in ranking.entries.order_by("position")[:3]]
    assert top == ["Yên Bái", "Bắc Giang", "Quảng Ninh"]
    cycle.advance(S.VOTING, by=y["secretariat"])
    vote = open_vote(
        cycle, by=y["secretariat"], candidate=units("yen-bai")[0], approver=y["approver"]
    )
    for code, officer in y["officers"].items():
        vote.cast(by=officer, choice="abstain" if code == "yen-bai" else "yes")
    close_vote(vote, by=y["secretariat"], approver=y["approver"])
    assert (vote.yes, vote.abstain, vote.passed) == (7, 1, True)
    cycle.advance(S.PROPOSALS, by=y["secretariat"])
    proposals = {}
    for p in Proposal.objects.filter(cycle=cycle):
        proposals.setdefault(p.award_name, []).append(p.unit.short_name)
    published = y["cluster"].published["proposals"]
    # the press's "Bằng khen của Bộ Công an" is the catalogue's name for the same award
    catalogue = load_catalogue()
    assert {k: sorted(v) for k, v in proposals.items()} == {
        catalogue.name(catalogue.resolve(k)): sorted(v) for k, v in published.items()
    }
    cycle.advance(S.APPROVAL, by=y["secretariat"])
    for proposal in Proposal.objects.filter(cycle=cycle):
        proposal.decide(by=y["approver"], decision="approve")
    cycle.close(
        by=y["secretariat"], next_leader=units("bac-giang")[0], next_deputy=units("quang-ninh")[0]
    )
    cycle.refresh_from_db()
    assert cycle.stage == S.CLOSED
    assert verify_chain().ok


def test_a_unit_officer_cannot_edit_another_units_results(year):
    cycle = open_year(year)
    cycle.advance(S.IN_PROGRESS, by=year["secretariat"])
    sheet = ResultSheet.for_unit(cycle, units("yen-bai")[0])
    with pytest.raises(PermissionDenied):
        sheet.save_values(by=year["officers"]["bac-giang"], values={"TP1": "90"})


def test_a_submitted_sheet_is_read_only_until_returned_with_a_reason(year):
    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    officer = y["officers"]["bac-kan"]
    sheet = ResultSheet.for_unit(cycle, units("bac-kan")[0])
    sheet.save_values(
        by=officer,
        values=y["results"]["bac-kan"]["results"],
        remarks=y["results"]["bac-kan"]["remarks"],
    )
    sheet.submit(by=officer)
    with pytest.raises(WorkflowError, match="đã gửi"):
        sheet.save_values(by=officer, values={"TP1": "80"})
    with pytest.raises(ValidationError):
        sheet.return_to_unit(by=y["secretariat"], reason="  ")
    sheet.return_to_unit(by=y["secretariat"], reason="Thiếu minh chứng tỷ lệ điều tra khám phá.")
    sheet.refresh_from_db()
    sheet.save_values(by=officer, values={**sheet.values, "TP1": "80"}, remarks=sheet.remarks)
    assert sheet.values["TP1"] == "80"


def test_bad_values_are_named_by_criterion_and_nothing_is_saved(year):
    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    sheet = ResultSheet.for_unit(cycle, units("phu-tho")[0])
    with pytest.raises(ValidationError) as excinfo:
        sheet.save_values(by=y["officers"]["phu-tho"], values={"TP1": "chín mươi", "KHONG_CO": "1"})
    errors = excinfo.value.message_dict
    assert "không phải là số" in errors["TP1"][0] and "Tỷ lệ điều tra khám phá" in errors["TP1"][0]
    assert "KHONG_CO" in errors
    sheet.refresh_from_db()
    assert sheet.values == {}


def test_vietnamese_number_formats_are_understood(year):
    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    sheet = ResultSheet.for_unit(cycle, units("phu-tho")[0])
    sheet.save_values(by=y["officers"]["phu-tho"], values={"TP1": "92,5", "DA1": "520.000"})
    assert sheet.values["TP1"] == "92.5" and sheet.values["DA1"] == "520000"


def test_the_method_is_locked_once_scoring_starts_and_a_change_needs_a_reason(year):
    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    report_all(cycle, y)
    assert cycle.method_locked
    with pytest.raises(ValidationError, match="lý do"):
        set_method(cycle, by=y["secretariat"], operating_rules="Sửa quy chế")
    version = set_method(
        cycle,
        by=y["secretariat"],
        operating_rules="Sửa quy chế",
        reason="Hội nghị Cụm thống nhất bổ sung.",
    )
    assert version.number == 2
    # The step rescored every submitted sheet with the new version (the model only stored it).
    latest = {}
    for sheet in ScoreSheet.objects.filter(cycle=cycle).order_by("pk"):
        latest[(sheet.unit_id, sheet.stage)] = sheet.method_id
    assert latest and set(latest.values()) == {version.pk}


def test_no_unit_inspects_itself(year):
    from thidua.cycle.models import InspectionTeam

    cycle = open_year(year)
    with pytest.raises(ValidationError, match="tự kiểm tra"):
        InspectionTeam.form(
            cycle,
            by=year["secretariat"],
            name="Đoàn 1",
            leader_unit=units("yen-bai")[0],
            member_units=[],
            inspected_units=units("yen-bai", "phu-tho"),
        )


def test_the_honouring_vote_records_who_voted_but_not_how(year):
    from thidua.audit.models import AuditRecord
    from thidua.cycle.models import VoterRecord

    y = year
    cycle = open_year(y)
    Cycle.objects.filter(pk=cycle.pk).update(stage=S.VOTING)
    cycle.refresh_from_db()
    vote = open_vote(
        cycle, by=y["secretariat"], candidate=units("yen-bai")[0], approver=y["approver"]
    )
    vote.cast(by=y["officers"]["phu-tho"], choice="no")
    with pytest.raises(WorkflowError, match="đã biểu quyết"):
        vote.cast(by=y["officers"]["phu-tho"], choice="yes")
    record = VoterRecord.objects.get(vote=vote)
    assert {f.name for f in VoterRecord._meta.get_fields()} == {"id", "vote", "unit", "cast_by"}
    audit_rows = AuditRecord.objects.filter(model="cycle.voterrecord", object_pk=str(record.pk))
    assert all("no" not in str(row.after) and "choice" not in str(row.after) for row in audit_rows)


def test_quorum_and_threshold_decide_the_vote(year):
    y = year
    cycle = open_year(y)
    Cycle.objects.filter(pk=cycle.pk).update(stage=S.VOTING)
    cycle.refresh_from_db()
    vote = open_vote(
        cycle, by=y["secretariat"], candidate=units("yen-bai")[0], approver=y["approver"]
    )
    for code in ("phu-tho", "bac-kan", "hoa-binh", "tuyen-quang", "thai-nguyen"):
        vote.cast(by=y["officers"][code], choice="yes")
    vote.close(by=y["secretariat"])
    vote.refresh_from_db()
    assert vote.yes is None  # not counted, not published
    # 5 of 8 present: below 2/3 (needs 6) so no honour even with 5 in favour
    assert not vote.quorum_met and vote.passed is False
    assert "cần ít nhất 6" in vote.outcome_text()


def test_a_proposal_for_a_unit_under_discipline_review_cannot_go_to_the_ministry(year):
    """Issue 5 in the cycle: eligibility is consulted; rule 15 blocks, citing its legal basis."""
    import datetime as dt

    from thidua.cycle import gates
    from thidua.honours.models import Discipline

    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    report_all(cycle, y)
    form_teams(cycle, y)
    cycle.advance(S.INSPECTION, by=y["secretariat"])
    inspect_all(cycle, y)
    for stage in (S.RANKING, S.VOTING):
        cycle.advance(stage, by=y["secretariat"])
    vote = open_vote(
        cycle, by=y["secretariat"], candidate=units("yen-bai")[0], approver=y["approver"]
    )
    for officer in y["officers"].values():
        vote.cast(by=officer, choice="yes")
    close_vote(vote, by=y["secretariat"], approver=y["approver"])
    cycle.advance(S.PROPOSALS, by=y["secretariat"])
    Discipline.objects.create(
        unit=units("quang-ninh")[0], awaiting_review=True, start=dt.date(2021, 10, 1)
    )
    problems = gates.problems_before(cycle, S.APPROVAL)
    assert any(
        p.startswith("Quảng Ninh: không đủ điều kiện Cờ thi đua của Bộ Công an")
        and "đang bị xem xét kỷ luật" in p
        and "R15" not in p  # officers read the condition in words, not rule ids (issue 15)
        for p in problems
    )
    with pytest.raises(WorkflowError, match="Quảng Ninh"):
        cycle.advance(S.APPROVAL, by=y["secretariat"])
    assert not Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED).exists()


def test_the_proposals_page_shows_why_a_proposal_is_blocked(year):
    import datetime as dt

    from django.test import Client

    from thidua.honours.models import Discipline

    y = year
    cycle = open_year(y)
    cycle.advance(S.IN_PROGRESS, by=y["secretariat"])
    report_all(cycle, y)
    form_teams(cycle, y)
    cycle.advance(S.INSPECTION, by=y["secretariat"])
    inspect_all(cycle, y)
    for stage in (S.RANKING, S.VOTING):
        cycle.advance(stage, by=y["secretariat"])
    vote = open_vote(
        cycle, by=y["secretariat"], candidate=units("yen-bai")[0], approver=y["approver"]
    )
    for officer in y["officers"].values():
        vote.cast(by=officer, choice="yes")
    close_vote(vote, by=y["secretariat"], approver=y["approver"])
    cycle.advance(S.PROPOSALS, by=y["secretariat"])
    Discipline.objects.create(
        unit=units("hoa-binh")[0], awaiting_review=True, start=dt.date(2021, 9, 1)
    )
    client = Client()
    client.force_login(y["secretariat"])
    body = client.get("/cum-thi-dua/2021/3/thi-dua/de-nghi/").content.decode()
    assert "Chưa thể trình Bộ" in body and "Hòa Bình: không đủ điều kiện" in body
