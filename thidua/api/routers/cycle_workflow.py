"""API for the rest of a cluster's year (mounted under /api/v1/clusters/): returning a submission,
cross-inspection teams, disputes, recomputing the ranking, opening and closing the honouring vote,
adjusting and resubmitting proposals, the handover that closes the year.

Every operation loads through the same access helpers as the pages and acts through the same
model steps (which check the stage, write the audit row and run in one transaction). Refusals are
JSON in Vietnamese: 404 out of scope, 403 forbidden, 409 wrong stage or a concurrent edit (send the
`version` you read), 422 invalid input, named per field (`loc`). No response ever says how a unit
voted; the tally appears only once the vote is closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Router, Schema, Status

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.routers.cycle_outcome import ProposalOut, RankingOut, _proposal_out, get_ranking
from thidua.api.routers.cycle_results import RESULTS, ResultsOut, _results_out
from thidua.api.schemas import HandoverOut, UnitRef
from thidua.cycle import proposals as rules
from thidua.cycle.access import (
    CycleAccess,
    disputes_for_user,
    get_cycle_for_user,
    get_dispute_for_user,
    get_handover_for_user,
    get_proposal_for_user,
    get_result_sheet_for_user,
    get_vote_for_user,
    inspections_for_user,
    may_raise_dispute,
    proposals_for_user,
)
from thidua.cycle.models import Cycle, Dispute, HonourVote, Inspection, InspectionTeam
from thidua.cycle.scoring import criterion_names, recompute_ranking
from thidua.cycle.views.inspection import DISPUTE_STAGES, TEAM_STAGES
from thidua.engine.text import normalize
from thidua.lib.workflow import WorkflowError
from thidua.org.access import require
from thidua.org.forms import HandoverForm
from thidua.org.models import Unit

router = Router(tags=["Năm thi đua"])

BASE = "/{year}/{number}"


def _member(access: CycleAccess, code: str, field: str) -> Unit:
    """A member unit of this year by its code; any other code is a 422 on `field`."""
    unit = next((u for u in access.cycle.members() if u.code == code), None)
    if unit is None:
        raise ValidationError({field: f"Đơn vị “{code}” không thuộc cụm thi đua này."})
    return unit


def _members(access: CycleAccess, codes: list[str], field: str) -> list[Unit]:
    return [_member(access, code, field) for code in dict.fromkeys(codes)]


# -- returning a submission (step 6) ------------------------------------------------------------


class ReturnIn(Schema):
    reason: str
    version: int


@router.post(
    RESULTS + "/return",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="Thường trực Cụm trả lại số liệu đã gửi của một đơn vị (kèm lý do)",
    description=(
        "Chỉ Thường trực Cụm, ở giai đoạn “Thực hiện, báo cáo kết quả”, với bảng số liệu đã gửi "
        "(409 nếu khác). `reason` bắt buộc (422 nếu trống); `version` là phiên bản đã đọc "
        "(409 nếu bảng số liệu đã thay đổi). Đơn vị thấy lý do và sửa, gửi lại."
    ),
)
def return_results(request, year: int, number: int, code: str, payload: ReturnIn):
    access = get_cycle_for_user(request.user, year, number)
    sheet, _ = get_result_sheet_for_user(access, code)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được trả lại số liệu.")
    sheet.return_to_unit(by=request.user, reason=payload.reason, expected_version=payload.version)
    return _results_out(access, *get_result_sheet_for_user(access, code))


# -- cross-inspection teams (step 7) ------------------------------------------------------------


class TeamInspectionOut(Schema):
    id: int | None  # None: the user may not open this inspection
    unit: UnitRef
    state: str
    state_label: str
    submitted_at: dt.datetime | None


class TeamOut(Schema):
    id: int
    name: str
    leader_unit: UnitRef
    member_units: list[UnitRef]
    inspections: list[TeamInspectionOut]


class TeamsOut(Schema):
    stage: str
    can_form: bool
    teams: list[TeamOut]
    uncovered: list[UnitRef]  # members no team inspects yet (for the secretariat; else empty)


class TeamIn(Schema):
    name: str
    leader_unit: str
    member_units: list[str] = []
    inspected_units: list[str]


def _teams(access: CycleAccess) -> list[InspectionTeam]:
    return list(
        InspectionTeam.objects.filter(cycle=access.cycle)
        .select_related("leader_unit")
        .prefetch_related(
            "member_units",
            Prefetch("inspections", queryset=Inspection.objects.select_related("unit")),
        )
    )


def _team_out(team: InspectionTeam, visible: set[int]) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "leader_unit": team.leader_unit,
        "member_units": sorted(team.member_units.all(), key=lambda u: u.sort_key),
        "inspections": [
            {
                "id": i.pk if i.pk in visible else None,
                "unit": i.unit,
                "state": i.state,
                "state_label": i.get_state_display(),
                "submitted_at": i.submitted_at,
            }
            for i in team.inspections.all()
        ],
    }


@router.get(
    BASE + "/inspection-teams",
    response={200: TeamsOut, **COMMON_ERRORS},
    summary="Các đoàn kiểm tra chéo: trưởng đoàn, thành viên, đơn vị được kiểm tra và trạng thái",
)
def list_teams(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    teams = _teams(access)
    visible = set(inspections_for_user(access).values_list("pk", flat=True))
    covered = {i.unit_id for team in teams for i in team.inspections.all()}
    return {
        "stage": access.cycle.stage,
        "can_form": access.is_secretariat and access.cycle.stage in TEAM_STAGES,
        "teams": [_team_out(team, visible) for team in teams],
        "uncovered": [u for u in access.cycle.members() if u.pk not in covered]
        if access.is_secretariat
        else [],
    }


@router.post(
    BASE + "/inspection-teams",
    response={201: TeamOut, **WRITE_ERRORS},
    summary="Thường trực Cụm lập đoàn kiểm tra chéo (đơn vị trưởng đoàn, thành viên, đơn vị được kiểm tra)",
    description=(
        "Đơn vị ghi bằng mã (ví dụ `bac-giang`). Đoàn gồm các đơn vị khác trong Cụm: không đơn vị "
        "nào tự kiểm tra mình, mỗi đơn vị chỉ do một đoàn kiểm tra (422, theo từng trường). "
        "Được lập từ giai đoạn lập kế hoạch đến hết giai đoạn kiểm tra chéo (409 nếu khác)."
    ),
)
def form_team(request, year: int, number: int, payload: TeamIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được lập đoàn kiểm tra.")
    team = InspectionTeam.form(
        access.cycle,
        by=request.user,
        name=payload.name,
        leader_unit=_member(access, payload.leader_unit, "leader_unit"),
        member_units=_members(access, payload.member_units, "member_units"),
        inspected_units=_members(access, payload.inspected_units, "inspected_units"),
    )
    team = next(t for t in _teams(access) if t.pk == team.pk)
    visible = set(inspections_for_user(access).values_list("pk", flat=True))
    return Status(201, _team_out(team, visible))


# -- disputes (khiếu nại) -----------------------------------------------------------------------


class VerifiedOut(Schema):
    team: str
    value: Any


class DisputeOut(Schema):
    id: int
    unit: UnitRef
    criterion: str
    criterion_name: str | None
    statement: str
    raised_by: str
    raised_at: dt.datetime
    state: str
    state_label: str
    resolution: str
    corrected_value: Any
    resolved_by: str | None
    resolved_at: dt.datetime | None
    reported: Any  # the unit's own figure on the criterion
    verified: list[VerifiedOut]  # each team's verified figure (submitted inspections)
    can_resolve: bool


class DisputesOut(Schema):
    stage: str
    open_stage: bool  # disputes are raised and resolved at the inspection and ranking stages
    may_raise: bool
    disputes: list[DisputeOut]


class DisputeIn(Schema):
    criterion: str
    statement: str


class ResolveIn(Schema):
    decision: Literal["accept", "reject"]
    resolution: str
    corrected_value: bool | int | float | str | None = None


def _disputes_out(access: CycleAccess, disputes: list[Dispute]) -> list[dict[str, Any]]:
    cycle = access.cycle
    names = criterion_names(cycle.method)
    figures = Dispute.figures(cycle, disputes)
    for d in disputes:
        d.cycle = cycle
    return [
        {
            "id": d.pk,
            "unit": d.unit,
            "criterion": d.criterion,
            "criterion_name": names.get(d.criterion),
            "statement": d.statement,
            "raised_by": d.raised_by.display_name,
            "raised_at": d.raised_at,
            "state": d.state,
            "state_label": d.get_state_display(),
            "resolution": d.resolution,
            "corrected_value": d.corrected_value,
            "resolved_by": d.resolved_by.display_name if d.resolved_by else None,
            "resolved_at": d.resolved_at,
            "reported": figures[d.pk]["reported"],
            "verified": [{"team": t, "value": v} for t, v in figures[d.pk]["verified"]],
            "can_resolve": d.state == Dispute.State.OPEN
            and cycle.stage in DISPUTE_STAGES
            and d.may_resolve(access.user),
        }
        for d in disputes
    ]


def _dispute_out(access: CycleAccess, pk: int) -> dict[str, Any]:
    dispute = (
        disputes_for_user(access).select_related("unit", "raised_by", "resolved_by").get(pk=pk)
    )
    return _disputes_out(access, [dispute])[0]


@router.get(
    BASE + "/disputes",
    response={200: DisputesOut, **COMMON_ERRORS},
    summary="Khiếu nại điểm: nội dung, số liệu đơn vị báo cáo và đoàn xác minh, kết luận",
    description=(
        "Thường trực Cụm và Bộ thấy mọi khiếu nại; cán bộ đơn vị thấy khiếu nại của đơn vị mình "
        "và của đơn vị mình được phân công kiểm tra."
    ),
)
def list_disputes(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    disputes = list(disputes_for_user(access).select_related("unit", "raised_by", "resolved_by"))
    open_stage = access.cycle.stage in DISPUTE_STAGES
    return {
        "stage": access.cycle.stage,
        "open_stage": open_stage,
        "may_raise": may_raise_dispute(access) and open_stage,
        "disputes": _disputes_out(access, disputes),
    }


@router.post(
    BASE + "/disputes",
    response={201: DisputeOut, **WRITE_ERRORS},
    summary="Cán bộ đơn vị khiếu nại điểm của đơn vị mình về một tiêu chí",
    description=(
        "Khiếu nại thuộc về đơn vị của người gửi. Chỉ ở giai đoạn kiểm tra chéo hoặc xếp hạng "
        "(409 nếu khác). `criterion` là mã tiêu chí của thang điểm; `statement` bắt buộc (422)."
    ),
)
def raise_dispute(request, year: int, number: int, payload: DisputeIn):
    access = get_cycle_for_user(request.user, year, number)
    require(
        may_raise_dispute(access), "Chỉ cán bộ thi đua của đơn vị được khiếu nại điểm của đơn vị."
    )
    dispute = Dispute.raise_(
        access.cycle,
        by=request.user,
        unit=access.own_unit,
        criterion=normalize(payload.criterion),
        statement=payload.statement,
    )
    return Status(201, _dispute_out(access, dispute.pk))


@router.post(
    BASE + "/disputes/{dispute_id}/resolve",
    response={200: DisputeOut, **WRITE_ERRORS},
    summary="Thường trực Cụm giải quyết khiếu nại: chấp nhận (kèm giá trị đúng) hoặc không (kèm lý do)",
    description=(
        "Không ai giải quyết khiếu nại của chính đơn vị mình (403): khiếu nại của đơn vị Cụm "
        "trưởng do đơn vị Cụm phó giải quyết, Cụm không có Cụm phó thì do Bộ. "
        "`resolution` (lý do kết luận) bắt buộc; chấp nhận thì phải có `corrected_value` "
        "(số, ví dụ 92,5, hoặc có/không), giá trị này thay vào kết quả các đoàn kiểm tra đã gửi, "
        "điểm được tính lại (và bảng xếp hạng, nếu đã xếp hạng). Khiếu nại đã giải quyết: 409."
    ),
)
def resolve_dispute(request, year: int, number: int, dispute_id: int, payload: ResolveIn):
    access = get_cycle_for_user(request.user, year, number)
    dispute, _ = get_dispute_for_user(access, dispute_id)
    dispute.require_resolver(request.user)  # 403: not the arbiter, or the disputing unit's own
    value = payload.corrected_value
    if isinstance(value, str):
        value = normalize(value) or None
    dispute.resolve(
        by=request.user,
        accept=payload.decision == "accept",
        resolution=payload.resolution,
        corrected_value=value,
    )
    return _dispute_out(access, dispute.pk)


# -- ranking (step 8) ---------------------------------------------------------------------------


class RecomputeIn(Schema):
    reason: str = ""


@router.post(
    BASE + "/ranking/recompute",
    response={200: RankingOut, **WRITE_ERRORS},
    summary="Thường trực Cụm tính lại điểm tổng hợp và bảng xếp hạng (kèm lý do, ghi nhật ký)",
    description="Chỉ ở giai đoạn xếp hạng hoặc suy tôn (409 nếu khác).",
)
def recompute(request, year: int, number: int, payload: RecomputeIn | None = None):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được tính lại bảng xếp hạng.")
    recompute_ranking(
        access.cycle, by=request.user, reason=normalize(payload.reason) if payload else ""
    )
    return get_ranking(request, year, number)


# -- the honouring vote (step 9) ----------------------------------------------------------------


class VoterOut(Schema):
    unit: UnitRef


class TallyOut(Schema):
    """Counts only when the quorum was met and both trustees tallied (null otherwise)."""

    yes: int | None
    no: int | None
    abstain: int | None
    present: int
    quorum_met: bool
    passed: bool | None
    outcome: str
    receipts: list[str]  # every counted ballot's receipt, sorted


class VoteOut(Schema):
    state: Literal["not_open", "setup", "open", "tallying", "closed"]
    state_label: str
    candidate: UnitRef | None
    member_count: int
    rules: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    voters: list[VoterOut]  # who voted, never how nor when
    not_voted: list[UnitRef]
    own_unit_voted: bool
    can_cast: bool
    can_open: bool
    can_close: bool
    can_set_key: bool  # the Ministry's approver, before ballots open
    can_tally: bool  # the Ministry's approver, once the secretariat ended the ballot
    tally: TallyOut | None  # only once closed


class OpenVoteIn(Schema):
    candidate: str
    passphrase: str = ""  # the secretariat trustee's passphrase (never stored)


class PassphraseIn(Schema):
    passphrase: str = ""


def _vote_out(access: CycleAccess) -> dict[str, Any]:
    cycle = access.cycle
    vote, can_cast = get_vote_for_user(access)
    if vote is None:
        return {
            "state": "not_open",
            "state_label": "Chưa mở biểu quyết",
            "candidate": None,
            "member_count": len(cycle.member_ids()),
            "rules": "",
            "opened_at": None,
            "closed_at": None,
            "voters": [],
            "not_voted": [],
            "own_unit_voted": False,
            "can_cast": False,
            "can_open": access.is_secretariat and cycle.stage == Cycle.Stage.VOTING,
            "can_close": False,
            "can_set_key": False,
            "can_tally": False,
            "tally": None,
        }
    voters = vote.voter_rows()
    voted = {v.unit_id for v in voters}
    closed = vote.state == HonourVote.State.CLOSED
    trustee = HonourVote.is_ministry_trustee(access.user)
    return {
        "state": vote.state,
        "state_label": vote.get_state_display(),
        "candidate": vote.candidate,
        "member_count": vote.member_count,
        "rules": vote.rules_text(),
        "opened_at": vote.opened_at,
        "closed_at": vote.closed_at,
        "voters": [{"unit": v.unit} for v in voters],
        "not_voted": [u for u in cycle.members() if u.pk not in voted],
        "own_unit_voted": access.own_unit is not None and access.own_unit.pk in voted,
        "can_cast": can_cast,
        "can_open": False,
        "can_close": access.is_secretariat and vote.is_open,
        "can_set_key": trustee and vote.state == HonourVote.State.SETUP,
        "can_tally": trustee and vote.state == HonourVote.State.TALLYING,
        "tally": {
            "yes": vote.yes,
            "no": vote.no,
            "abstain": vote.abstain,
            "present": vote.present,
            "quorum_met": vote.quorum_met,
            "passed": vote.passed,
            "outcome": vote.outcome_text(),
            "receipts": vote.receipts() if vote.published else [],
        }
        if closed
        else None,
    }


@router.get(
    BASE + "/vote",
    response={200: VoteOut, **COMMON_ERRORS},
    summary="Biểu quyết suy tôn: trạng thái, đơn vị đã/chưa biểu quyết; kết quả chỉ khi đã kết thúc",
    description=(
        "Phiếu kín: không phản hồi nào cho biết đơn vị nào chọn gì; trong khi đang bỏ phiếu cũng "
        "không có số phiếu (`tally` là null đến khi Thường trực Cụm kết thúc biểu quyết)."
    ),
)
def get_vote(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    return _vote_out(access)


@router.post(
    BASE + "/vote/open",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Thường trực Cụm mở biểu quyết suy tôn một đơn vị thành viên",
    description=(
        "`candidate` là mã đơn vị (thường là đơn vị xếp hạng 1); `passphrase` là cụm mật khẩu "
        "của Thường trực Cụm (ít nhất 12 ký tự, không được lưu). Chỉ ở giai đoạn suy tôn, "
        "mỗi năm một lần (409 nếu khác). Bỏ phiếu bắt đầu khi đại diện Bộ đặt cụm mật khẩu "
        "thứ hai (`vote/key`)."
    ),
)
def open_vote(request, year: int, number: int, payload: OpenVoteIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được mở biểu quyết suy tôn.")
    candidate = _member(access, payload.candidate, "candidate")
    HonourVote.open_vote(
        access.cycle, by=request.user, candidate=candidate, passphrase=payload.passphrase
    )
    return _vote_out(access)


@router.post(
    BASE + "/vote/key",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Đại diện Bộ đặt cụm mật khẩu thứ hai; từ đó các đơn vị bắt đầu biểu quyết",
    description="Chỉ cán bộ phê duyệt của Bộ, khi biểu quyết đang chờ khóa của Bộ (409 nếu khác).",
)
def set_vote_key(request, year: int, number: int, payload: PassphraseIn):
    access = get_cycle_for_user(request.user, year, number)
    require(
        HonourVote.is_ministry_trustee(request.user),
        "Chỉ cán bộ phê duyệt của Bộ đặt cụm mật khẩu của Bộ cho biểu quyết suy tôn.",
    )
    vote, _ = get_vote_for_user(access)
    if vote is None:
        raise WorkflowError("Biểu quyết suy tôn chưa mở.")
    vote.set_ministry_key(by=request.user, passphrase=payload.passphrase)
    return _vote_out(access)


@router.post(
    BASE + "/vote/tally",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Đại diện Bộ kiểm phiếu bằng cụm mật khẩu của Bộ; kết quả được công bố",
    description=(
        "Sau khi Thường trực Cụm kết thúc bỏ phiếu (đủ số đơn vị). Chỉ tổng số phiếu được giải mã, "
        "không phiếu riêng nào."
    ),
)
def tally_vote(request, year: int, number: int, payload: PassphraseIn):
    access = get_cycle_for_user(request.user, year, number)
    require(
        HonourVote.is_ministry_trustee(request.user),
        "Chỉ cán bộ phê duyệt của Bộ kiểm phiếu suy tôn cùng Thường trực Cụm.",
    )
    vote, _ = get_vote_for_user(access)
    if vote is None:
        raise WorkflowError("Biểu quyết suy tôn chưa mở.")
    vote.tally(by=request.user, passphrase=payload.passphrase)
    return _vote_out(access)


@router.post(
    BASE + "/vote/close",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Thường trực Cụm kết thúc bỏ phiếu suy tôn (kèm cụm mật khẩu nếu đủ số đơn vị)",
    description=(
        "Không đủ số đơn vị tham gia: biểu quyết kết thúc, không kiểm phiếu, không công bố số phiếu. "
        "Đủ số: cần `passphrase` của Thường trực Cụm; kết quả công bố khi đại diện Bộ kiểm phiếu."
    ),
)
def close_vote(request, year: int, number: int, payload: PassphraseIn | None = None):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được kết thúc biểu quyết suy tôn.")
    vote, _ = get_vote_for_user(access)
    if vote is None:
        raise WorkflowError("Biểu quyết suy tôn chưa mở.")
    vote.close(by=request.user, passphrase=payload.passphrase if payload else "")
    return _vote_out(access)


# -- proposals (step 10) ------------------------------------------------------------------------


class AddProposalIn(Schema):
    unit: str
    award_code: str
    reason: str


class WithdrawIn(Schema):
    reason: str
    version: int


class ResubmitOut(Schema):
    submitted: int
    proposals: list[ProposalOut]


@router.post(
    # Not POST …/proposals: a path shared with another router hides one router's methods (405).
    BASE + "/proposals/add",
    response={201: ProposalOut, **WRITE_ERRORS},
    summary="Thường trực Cụm thêm một đề nghị trong phạm vi quy chế (kèm lý do điều chỉnh)",
    description=(
        "Chỉ ở giai đoạn đề nghị khen thưởng (409 nếu khác). Đề nghị ngoài quy chế, vượt chỉ tiêu "
        "hoặc đơn vị không đủ điều kiện bị từ chối với từng lý do (422, `loc` = award_code)."
    ),
)
def add_proposal(request, year: int, number: int, payload: AddProposalIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được điều chỉnh đề nghị khen thưởng.")
    unit = _member(access, payload.unit, "unit")
    proposal = rules.with_unit_names(
        access.cycle,
        lambda: rules.add_proposal(
            access.cycle,
            by=request.user,
            unit=unit,
            award_code=normalize(payload.award_code),
            reason=payload.reason,
        ),
    )()
    return Status(201, _proposal_out(proposal))


@router.post(
    BASE + "/proposals/{proposal_id}/withdraw",
    response={200: ProposalOut, **WRITE_ERRORS},
    summary="Thường trực Cụm rút một đề nghị đang dự kiến hoặc bị Bộ trả lại (kèm lý do)",
    description=(
        "Ở giai đoạn đề nghị khen thưởng hoặc Bộ xét duyệt. `version` là phiên bản đề nghị đã "
        "đọc (409 nếu đề nghị đã thay đổi); `reason` bắt buộc (422)."
    ),
)
def withdraw_proposal(request, year: int, number: int, proposal_id: int, payload: WithdrawIn):
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, proposal_id)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được rút đề nghị khen thưởng.")
    proposal.withdraw(by=request.user, reason=payload.reason, expected_version=payload.version)
    return _proposal_out(proposal)


@router.post(
    BASE + "/proposals/resubmit",
    response={200: ResubmitOut, **WRITE_ERRORS},
    summary="Thường trực Cụm trình lại Bộ các đề nghị đã điều chỉnh sau khi Bộ trả lại",
    description=(
        "Ở giai đoạn Bộ xét duyệt (409 nếu khác). Các đề nghị còn hiệu lực phải đúng quy chế: "
        "nếu không, từ chối với từng lý do (422)."
    ),
)
def resubmit_proposals(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được trình lại đề nghị.")
    count = rules.with_unit_names(
        access.cycle, lambda: rules.resubmit(access.cycle, by=request.user)
    )()
    return {"submitted": count, "proposals": [_proposal_out(p) for p in proposals_for_user(access)]}


# -- handover and closing the year (step 12) ----------------------------------------------------


class HandoverStateOut(Schema):
    stage: str
    closed_at: dt.datetime | None
    handover: HandoverOut | None
    can_record: bool
    pending: list[ProposalOut]  # proposals not yet decided for good: the year cannot close


class HandoverIn(Schema):
    next_leader: str
    next_deputy: str
    reason: str = ""


def _handover_out(access: CycleAccess) -> dict[str, Any]:
    handover, can_record = get_handover_for_user(access)
    return {
        "stage": access.cycle.stage,
        "closed_at": access.cycle.closed_at,
        "handover": handover,
        "can_record": can_record,
        "pending": [_proposal_out(p) for p in proposals_for_user(access) if p.pending],
    }


@router.get(
    BASE + "/handover",
    response={200: HandoverStateOut, **COMMON_ERRORS},
    summary="Bàn giao: Cụm trưởng, Cụm phó năm sau và các đề nghị còn chờ trước khi kết thúc năm",
)
def get_handover(request, year: int, number: int):
    return _handover_out(get_cycle_for_user(request.user, year, number))


@router.post(
    BASE + "/handover",
    response={200: HandoverStateOut, **WRITE_ERRORS},
    summary="Thường trực Cụm ghi nhận Cụm trưởng, Cụm phó năm sau và kết thúc năm thi đua",
    description=(
        "Đơn vị ghi bằng mã. Theo nguyên tắc luân phiên: Cụm trưởng giữ lại phải nêu `reason`, "
        "Cụm phó khác Cụm trưởng, đơn vị còn tồn tại năm sau (422, theo từng trường). Chỉ ở giai "
        "đoạn Bộ xét duyệt, khi mọi đề nghị đã được quyết định (409 nếu khác)."
    ),
)
def hand_over(request, year: int, number: int, payload: HandoverIn):
    access = get_cycle_for_user(request.user, year, number)
    handover, _ = get_handover_for_user(access)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được bàn giao và kết thúc năm thi đua.")
    cycle = access.cycle
    # The page's form: its choices are next year's candidates, its checks the rotation rule.
    codes = {"next_leader": payload.next_leader, "next_deputy": payload.next_deputy}
    found = dict(Unit.objects.filter(code__in=codes.values()).values_list("code", "pk"))
    unknown = {f: [f"Không có đơn vị mã “{c}”."] for f, c in codes.items() if c not in found}
    if unknown:
        raise ValidationError(unknown)
    form = HandoverForm(
        {**{f: found[c] for f, c in codes.items()}, "reason": payload.reason},
        cluster=cycle.cluster,
        instance=handover,
    )
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    data = form.cleaned_data
    cycle.close(
        by=request.user,
        next_leader=data["next_leader"],
        next_deputy=data["next_deputy"],
        reason=data["reason"],
    )
    return _handover_out(access)
