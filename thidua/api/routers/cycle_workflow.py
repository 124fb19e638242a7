"""API for the middle of a cluster's year (mounted under /api/v1/clusters/): returning a submission,
cross-inspection teams, disputes, recomputing the ranking. The honouring vote is in `cycle_vote`,
the adjustments of proposals and the handover that closes the year in `cycle_closing`.

Every operation loads through the same access helpers as the pages, asks the year's table
(`thidua.cycle.workflow`) who may act and when, and acts through the same model steps (which check
the stage, write the audit row and run in one transaction). Refusals are JSON in Vietnamese: 404 out of scope, 403 forbidden, 409 wrong stage or a concurrent edit (send the
`version` you read), 422 invalid input, named per field (`loc`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Router, Schema, Status

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.routers.cycle_outcome import RankingOut, get_ranking
from thidua.api.routers.cycle_results import RESULTS, ResultsOut, _results_out
from thidua.api.schemas import UnitRef
from thidua.cycle import scoring, workflow
from thidua.cycle.access import (
    CycleAccess,
    disputes_for_user,
    get_cycle_for_user,
    get_dispute_for_user,
    get_result_sheet_for_user,
    get_team_for_user,
    inspections_for_user,
)
from thidua.cycle.models import Dispute, Inspection, InspectionTeam
from thidua.cycle.scoring import criterion_names, recompute_ranking
from thidua.engine.text import normalize
from thidua.org.models import Unit, User

router = Router(tags=["Năm thi đua"])

BASE = "/{year}/{number}"


def operation_id(name: str) -> str:
    """The id an operation had when all the year's later steps were in this module (Ninja names
    an operation after its module and function): the routers split from it keep their ids."""
    return f"thidua_api_routers_cycle_workflow_{name}"


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
    workflow.RETURN_RESULTS.require_actor(request.user, access.cycle)
    sheet.return_to_unit(by=request.user, reason=payload.reason, expected_version=payload.version)
    return _results_out(access, *get_result_sheet_for_user(access, code))


# -- cross-inspection teams (step 7) ------------------------------------------------------------


class TeamInspectionOut(Schema):
    id: int | None  # None: the user may not open this inspection
    unit: UnitRef
    state: str
    state_label: str
    submitted_at: dt.datetime | None


class OfficerRef(Schema):
    username: str
    name: str
    unit: UnitRef


class InspectionTeamOut(Schema):
    id: int
    name: str
    leader_unit: UnitRef
    member_units: list[UnitRef]
    members: list[OfficerRef]  # the officers named on the team (they fill its inspections)
    inspections: list[TeamInspectionOut]
    can_edit: bool  # the user may edit or dissolve the team now


class InspectionTeamsOut(Schema):
    stage: str
    can_form: bool
    teams: list[InspectionTeamOut]
    uncovered: list[UnitRef]  # members no team inspects yet (for the secretariat; else empty)


class InspectionTeamIn(Schema):
    name: str
    leader_unit: str
    member_units: list[str] = []
    inspected_units: list[str]
    members: list[str] = []  # usernames of officers of member units


def _officers(access: CycleAccess, usernames: list[str]) -> list[User]:
    """Active officers of this year's member units by username; any other name is a 422."""
    wanted = list(dict.fromkeys(usernames))
    found = {
        u.username: u
        for u in User.objects.filter(
            username__in=wanted, is_active=True, unit_id__in=access.cycle.member_ids()
        ).select_related("unit")
    }
    missing = [name for name in wanted if name not in found]
    if missing:
        raise ValidationError(
            {"members": [f"“{n}” không phải cán bộ của đơn vị thành viên Cụm." for n in missing]}
        )
    return [found[name] for name in wanted]


def _team_kwargs(access: CycleAccess, payload: InspectionTeamIn) -> dict[str, Any]:
    return {
        "name": payload.name,
        "leader_unit": _member(access, payload.leader_unit, "leader_unit"),
        "member_units": _members(access, payload.member_units, "member_units"),
        "inspected_units": _members(access, payload.inspected_units, "inspected_units"),
        "members": _officers(access, payload.members),
    }


def _teams(access: CycleAccess) -> list[InspectionTeam]:
    return list(
        InspectionTeam.objects.filter(cycle=access.cycle)
        .select_related("leader_unit")
        .prefetch_related(
            "member_units",
            Prefetch("members", queryset=User.objects.select_related("unit")),
            Prefetch("inspections", queryset=Inspection.objects.select_related("unit")),
        )
    )


def _team_out(team: InspectionTeam, visible: set[int], can_edit: bool) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "leader_unit": team.leader_unit,
        "member_units": sorted(team.member_units.all(), key=lambda u: u.sort_key),
        "members": [
            {"username": u.username, "name": u.display_name, "unit": u.unit}
            for u in team.officers()
        ],
        "can_edit": can_edit,
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
    response={200: InspectionTeamsOut, **COMMON_ERRORS},
    summary="Các đoàn kiểm tra chéo: trưởng đoàn, thành viên, đơn vị được kiểm tra và trạng thái",
)
def list_teams(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    teams = _teams(access)
    visible = set(inspections_for_user(access).values_list("pk", flat=True))
    covered = {i.unit_id for team in teams for i in team.inspections.all()}
    can_edit = workflow.EDIT_TEAM.may(request.user, access.cycle)
    return {
        "stage": access.cycle.stage,
        "can_form": workflow.FORM_TEAM.may(request.user, access.cycle),
        "teams": [_team_out(team, visible, can_edit) for team in teams],
        "uncovered": [u for u in access.cycle.members() if u.pk not in covered]
        if access.is_secretariat
        else [],
    }


@router.post(
    BASE + "/inspection-teams",
    response={201: InspectionTeamOut, **WRITE_ERRORS},
    summary="Thường trực Cụm lập đoàn kiểm tra chéo (đơn vị trưởng đoàn, thành viên, đơn vị được kiểm tra)",
    description=(
        "Đơn vị ghi bằng mã (ví dụ `bac-giang`). Đoàn gồm các đơn vị khác trong Cụm: không đơn vị "
        "nào tự kiểm tra mình, mỗi đơn vị chỉ do một đoàn kiểm tra (422, theo từng trường). "
        "Được lập từ giai đoạn lập kế hoạch đến hết giai đoạn kiểm tra chéo (409 nếu khác)."
    ),
)
def form_team(request, year: int, number: int, payload: InspectionTeamIn):
    access = get_cycle_for_user(request.user, year, number)
    workflow.FORM_TEAM.require_actor(request.user, access.cycle)
    team = InspectionTeam.form(access.cycle, by=request.user, **_team_kwargs(access, payload))
    return Status(201, _one_team(access, team.pk))


def _one_team(access: CycleAccess, pk: int) -> dict[str, Any]:
    team = next(t for t in _teams(access) if t.pk == pk)
    visible = set(inspections_for_user(access).values_list("pk", flat=True))
    return _team_out(team, visible, workflow.EDIT_TEAM.may(access.user, access.cycle))


@router.put(
    BASE + "/inspection-teams/{team_id}",
    response={200: InspectionTeamOut, **WRITE_ERRORS},
    summary="Thường trực Cụm sửa đoàn kiểm tra chéo (đơn vị, cán bộ thành viên)",
    description=(
        "Thay toàn bộ thành phần đoàn như khi lập (`members`: tên đăng nhập của cán bộ các đơn "
        "vị thành viên Cụm, không thuộc đơn vị được kiểm tra). Chỉ trước giai đoạn kiểm tra chéo "
        "(409 nếu khác); 422 theo từng trường."
    ),
)
def edit_team(request, year: int, number: int, team_id: int, payload: InspectionTeamIn):
    access = get_cycle_for_user(request.user, year, number)
    team, _ = get_team_for_user(access, team_id)
    workflow.EDIT_TEAM.require_actor(request.user, access.cycle)
    team.edit(by=request.user, **_team_kwargs(access, payload))
    return _one_team(access, team.pk)


@router.delete(
    BASE + "/inspection-teams/{team_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Thường trực Cụm giải thể đoàn kiểm tra chéo (trước giai đoạn kiểm tra chéo)",
    description="Xóa đoàn và các phiếu kiểm tra chưa chấm của đoàn; 409 từ giai đoạn kiểm tra chéo.",
)
def dissolve_team(request, year: int, number: int, team_id: int):
    access = get_cycle_for_user(request.user, year, number)
    team, _ = get_team_for_user(access, team_id)
    workflow.DISSOLVE_TEAM.require_actor(request.user, access.cycle)
    team.dissolve(by=request.user)
    return Status(204, None)


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
            and workflow.RESOLVE_DISPUTE.may(access.user, cycle, unit=d.unit),
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
    return {
        "stage": access.cycle.stage,
        "open_stage": workflow.RAISE_DISPUTE.open_now(access.cycle),
        "may_raise": workflow.RAISE_DISPUTE.may(request.user, access.cycle),
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
    workflow.RAISE_DISPUTE.require_actor(request.user, access.cycle)
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
    scoring.resolve_dispute(
        dispute,
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
    workflow.RECOMPUTE.require_actor(request.user, access.cycle)
    recompute_ranking(
        access.cycle, by=request.user, reason=normalize(payload.reason) if payload else ""
    )
    return get_ranking(request, year, number)
