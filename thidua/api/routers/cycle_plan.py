"""API for the plan of a cluster's year (mounted under /api/v1/clusters/): the year itself (stage,
what the next stage still needs, open, advance) and the method (scale, award rules, per-unit
targets, operating and vote rules). The members' part of the plan (the covenant and its signatures,
title registrations, drives) is thidua/api/routers/cycle_plan_commitments.py (split with issue #12).

The same access helpers, forms' shared checks and model steps as the pages (thidua/cycle/views/
overview.py and plan.py): everyone in the cluster's scope reads; the secretariat changes the method
and moves the year on. Every write is one transaction, audited by the model step it calls.

Concurrent edits: the method has no version counter, so writes carry the `token` read with it
(“none” before the first method). A stale token is 409 and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.schemas import UnitRef
from thidua.cycle import gates, workflow
from thidua.cycle.access import CycleAccess, get_cycle_for_user
from thidua.cycle.models import Cycle, MethodVersion
from thidua.cycle.models.plan import method_token
from thidua.cycle.plan.forms import located, target_criteria, target_table, vote_fraction
from thidua.cycle.plan.method_words import history, vote_words
from thidua.cycle.scoring import change_method, scale_of
from thidua.engine.awards import validate_award_rules
from thidua.engine.rules import kind_of
from thidua.engine.scale import validate_scale
from thidua.lib.workflow import WorkflowError
from thidua.org.access import get_cluster_for_user, require

router = Router(tags=["Năm thi đua: kế hoạch"])
YEAR_TAGS = ["Năm thi đua"]

CYCLE = "/{year}/{number}/cycle"
METHOD = "/{year}/{number}/method"

INVALID = "Dữ liệu gửi lên không hợp lệ."
TOKEN_HELP = (
    "Mã phiên bản phương pháp chấm đã đọc (`token` của GET), hoặc “none” khi chưa có phương pháp."
)
REASON_HELP = "Bắt buộc khi phương pháp đã khóa (đã bắt đầu chấm điểm): thay đổi tạo phiên bản mới."


# -- schemas ---------------------------------------------------------------------------------------


class StageOut(Schema):
    value: str
    label: str
    done: bool
    current: bool


class NextStageOut(Schema):
    value: str
    label: str


class CycleOut(Schema):
    year: int
    number: int
    title: str
    stage: str
    stage_label: str
    stages: list[StageOut]
    next_stage: NextStageOut | None
    blockers: list[str] | None = Field(
        description="Những việc còn thiếu trước giai đoạn kế tiếp (chỉ Thường trực Cụm được xem; "
        "null với người dùng khác; rỗng: đã đủ điều kiện)."
    )
    can_advance: bool
    opened_at: dt.datetime
    method_version: int | None
    method_locked: bool
    demo_note: str


class AdvanceIn(Schema):
    to: Cycle.Stage = Field(
        description="Giai đoạn kế tiếp (chỉ chuyển được sang giai đoạn ngay sau giai đoạn hiện tại)."
    )


class GateRefusalOut(Schema):
    detail: str
    reasons: list[str] = Field(
        [], description="Từng điều kiện còn thiếu của giai đoạn kế tiếp, bằng lời."
    )


class DocumentProblemOut(Schema):
    loc: list[str]
    message: str
    where: str = ""


class DocumentProblemsOut(Schema):
    detail: str
    errors: list[DocumentProblemOut]


class HistoryEditOut(Schema):
    action: str
    at: dt.datetime
    by: str
    changed: list[str]
    reason: str


class HistoryVersionOut(Schema):
    number: int
    created_at: dt.datetime
    created_by: str | None
    reason: str
    edits: list[HistoryEditOut]


class VoteWordsOut(Schema):
    quorum: str
    threshold: str


class MethodOut(Schema):
    number: int
    token: str
    locked: bool
    can_change: bool
    scale: dict[str, Any]
    award_rules: dict[str, Any]
    targets: dict[str, dict[str, Any]]
    operating_rules: str
    vote_quorum: str
    vote_threshold: str
    vote: VoteWordsOut
    reason: str
    created_at: dt.datetime
    created_by: str | None
    history: list[HistoryVersionOut]


class MethodIn(Schema):
    scale: dict[str, Any] | None = Field(None, description="Thang điểm, lược đồ thidua.scale/1.")
    award_rules: dict[str, Any] | None = Field(
        None, description="Quy chế khen thưởng, lược đồ thidua.awards/1."
    )
    reason: str = Field("", max_length=2000, description=REASON_HELP)
    token: str = Field(max_length=64, description=TOKEN_HELP)


class TargetCriterionOut(Schema):
    code: str
    name: str
    kind: str  # "target" (chỉ tiêu) | "plan" (kế hoạch)
    default: str | None
    unit: str


class UnitTargetsOut(Schema):
    unit: UnitRef
    targets: dict[str, Any]


class TargetsOut(Schema):
    number: int
    token: str
    locked: bool
    criteria: list[TargetCriterionOut]
    units: list[UnitTargetsOut]


class TargetsIn(Schema):
    targets: dict[str, dict[str, Any]] = Field(
        description="{mã đơn vị: {mã tiêu chí: chỉ tiêu}} cho các tiêu chí chỉ tiêu/kế hoạch; số "
        "hoặc chuỗi viết kiểu Việt Nam (“410.000”, “80,5”). Ô không gửi dùng chỉ tiêu mặc định "
        "của thang điểm (cả bảng được thay)."
    )
    reason: str = Field("", max_length=2000, description=REASON_HELP)
    token: str = Field(max_length=64, description=TOKEN_HELP)


class RulesOut(Schema):
    number: int | None
    token: str
    locked: bool
    operating_rules: str
    vote_quorum: str
    vote_threshold: str
    vote: VoteWordsOut | None


class RulesIn(Schema):
    operating_rules: str = Field(max_length=20000)
    vote_quorum: str = Field(max_length=40, description="Tỷ lệ có mặt tối thiểu, ví dụ 2/3.")
    vote_threshold: str = Field(
        max_length=40, description="Tỷ lệ tán thành (trên tổng số thành viên) phải vượt, ví dụ 1/2."
    )
    reason: str = Field("", max_length=2000, description=REASON_HELP)
    token: str = Field(max_length=64, description=TOKEN_HELP)


# -- the year: overview, open, advance ---------------------------------------------------------------


def _cycle_out(access: CycleAccess) -> dict[str, Any]:
    cycle = access.cycle
    upcoming = gates.next_stage(cycle)
    blockers = (
        (gates.problems_before(cycle, upcoming) if upcoming else [])
        if access.is_secretariat
        else None
    )
    method = cycle.method
    return {
        "year": cycle.cluster.year,
        "number": cycle.cluster.number,
        "title": cycle.cluster.title,
        "stage": cycle.stage,
        "stage_label": cycle.get_stage_display(),
        "stages": [
            {
                "value": s.value,
                "label": s.label,
                "done": i < cycle.stage_index(),
                "current": i == cycle.stage_index(),
            }
            for i, s in enumerate(Cycle.ORDER)
        ],
        "next_stage": {"value": upcoming.value, "label": upcoming.label} if upcoming else None,
        "blockers": blockers,
        "can_advance": bool(access.is_secretariat and upcoming and not blockers),
        "opened_at": cycle.opened_at,
        "method_version": method.number if method else None,
        "method_locked": cycle.method_locked,
        "demo_note": cycle.demo_note,
    }


@router.get(
    CYCLE,
    response={200: CycleOut, **COMMON_ERRORS},
    tags=YEAR_TAGS,
    summary="Năm thi đua của cụm: giai đoạn hiện tại, giai đoạn kế tiếp và những việc còn thiếu",
    description="404 nếu cụm chưa mở năm thi đua trên hệ thống (mở bằng POST cùng địa chỉ).",
)
def get_cycle(request, year: int, number: int):
    return _cycle_out(get_cycle_for_user(request.user, year, number))


@router.post(
    CYCLE,
    response={201: CycleOut, **WRITE_ERRORS},
    tags=YEAR_TAGS,
    summary="Thường trực Cụm mở năm thi đua của cụm (bước 1)",
    description="409 nếu năm thi đua đã được mở hoặc cụm chưa có đơn vị Cụm trưởng.",
)
def open_cycle(request, year: int, number: int):
    cluster, can_manage = get_cluster_for_user(request.user, year, number)
    require(can_manage, workflow.OPEN.refusal)
    Cycle.open(cluster, by=request.user)
    return Status(201, _cycle_out(get_cycle_for_user(request.user, year, number)))


@router.post(
    CYCLE + "/advance",
    response={200: CycleOut, **WRITE_ERRORS, 409: GateRefusalOut},
    tags=YEAR_TAGS,
    summary="Chuyển năm thi đua sang giai đoạn kế tiếp (Thường trực Cụm)",
    description=(
        "`to` phải là giai đoạn ngay sau giai đoạn hiện tại. Nếu còn thiếu điều kiện, trả 409 với "
        "`reasons` liệt kê từng việc còn thiếu; không có gì thay đổi."
    ),
)
def advance_cycle(request, year: int, number: int, payload: AdvanceIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, workflow.ADVANCE.refusal)
    try:
        access.cycle.advance(payload.to, by=request.user)
    except WorkflowError as exc:
        fresh = get_cycle_for_user(request.user, year, number).cycle  # nothing was changed
        upcoming = gates.next_stage(fresh)
        reasons = gates.problems_before(fresh, upcoming) if upcoming == payload.to else []
        return Status(409, {"detail": exc.message, "reasons": reasons})
    return _cycle_out(get_cycle_for_user(request.user, year, number))


# -- the method --------------------------------------------------------------------------------------


def _method_access(request, year: int, number: int) -> CycleAccess:
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, workflow.CHANGE_METHOD.refusal)
    return access


def _method_or_404(access: CycleAccess) -> MethodVersion:
    method = access.cycle.method
    if method is None:
        raise Http404("Chưa ban hành phương pháp chấm.")
    return method


def _history(cycle: Cycle) -> list[dict[str, Any]]:
    return [
        {
            "number": h["v"].number,
            "created_at": h["v"].created_at,
            "created_by": h["v"].created_by.display_name if h["v"].created_by else None,
            "reason": h["v"].reason,
            "edits": [
                {
                    "action": e["action"],
                    "at": e["rec"].timestamp,
                    "by": e["rec"].actor_label,
                    "changed": e["changed"],
                    "reason": e["rec"].reason,
                }
                for e in h["edits"]
            ],
        }
        for h in history(cycle)
    ]


def _method_out(access: CycleAccess) -> dict[str, Any]:
    cycle = access.cycle
    method = _method_or_404(access)
    return {
        "number": method.number,
        "token": method_token(method),
        "locked": cycle.method_locked,
        "can_change": access.is_secretariat and cycle.stage != Cycle.Stage.CLOSED,
        "scale": method.scale,
        "award_rules": method.award_rules,
        "targets": method.targets,
        "operating_rules": method.operating_rules,
        "vote_quorum": method.vote_quorum,
        "vote_threshold": method.vote_threshold,
        "vote": vote_words(method, len(cycle.members())),
        "reason": method.reason,
        "created_at": method.created_at,
        "created_by": method.created_by.display_name if method.created_by else None,
        "history": _history(cycle),
    }


def _path_loc(path: str) -> list[str]:
    """ "groups[0].criteria[2].max_points" → ["groups", "0", "criteria", "2", "max_points"]."""
    return [part for part in re.split(r"[.\[\]]+", path) if part]


def _invalid(errors: list[dict[str, Any]]) -> Status:
    return Status(422, {"detail": INVALID, "errors": errors})


def _change(access: CycleAccess, request, token: str, **changes: Any) -> None:
    """The one step every method write ends with: scoring.set_method if the token still matches."""
    change_method(access.cycle, by=request.user, expected_token=token, **changes)
    access.cycle._method = None  # read the version now in force


METHOD_ERRORS = {**WRITE_ERRORS, 422: DocumentProblemsOut}


@router.get(
    METHOD,
    response={200: MethodOut, **COMMON_ERRORS},
    summary="Phương pháp chấm đang áp dụng: thang điểm, quy chế khen thưởng, chỉ tiêu, quy chế suy tôn, lịch sử phiên bản",
    description="`token` là mã phiên bản để gửi kèm khi thay đổi. 404 nếu chưa ban hành.",
)
def get_method(request, year: int, number: int):
    return _method_out(get_cycle_for_user(request.user, year, number))


@router.put(
    METHOD,
    response={200: MethodOut, **METHOD_ERRORS},
    summary="Ban hành hoặc thay đổi thang điểm và/hoặc quy chế khen thưởng (tài liệu JSON)",
    description=(
        "Chỉ Thường trực Cụm. Mỗi lỗi của tài liệu được liệt kê riêng (422) với đường dẫn trong "
        "`loc` (ví dụ `scale`, `groups`, `0`, `max_points`) và vị trí bằng lời trong `where`; khi "
        "có lỗi không có gì được lưu. Phương pháp đã khóa: phải có `reason`, tạo phiên bản mới và "
        "tính lại điểm (409 nếu số liệu đã gửi không chấm được theo tài liệu mới). `token` cũ: 409."
    ),
)
def put_method(request, year: int, number: int, payload: MethodIn):
    access = _method_access(request, year, number)
    if payload.scale is None and payload.award_rules is None:
        return _invalid(
            [
                {
                    "loc": [],
                    "message": "Gửi ít nhất một tài liệu: thang điểm (scale) hoặc quy chế khen "
                    "thưởng (award_rules).",
                    "where": "",
                }
            ]
        )
    errors = []
    for field, doc, validate in (
        ("scale", payload.scale, validate_scale),
        ("award_rules", payload.award_rules, validate_award_rules),
    ):
        if doc is None:
            continue
        for problem in validate(doc):
            at = located(doc, problem)
            errors.append(
                {
                    "loc": [field, *_path_loc(problem.path)],
                    "message": at["message"],
                    "where": at["where"],
                }
            )
    if errors:
        return _invalid(errors)
    changes: dict[str, Any] = {"reason": payload.reason}
    if payload.scale is not None:
        changes["scale"] = payload.scale
    if payload.award_rules is not None:
        changes["award_rules"] = payload.award_rules
    _change(access, request, payload.token, **changes)
    return _method_out(access)


def _scale_or_404(access: CycleAccess):
    method = access.cycle.method
    if method is None or not method.scale:
        raise Http404("Chưa ban hành thang điểm: ban hành thang điểm trước.")
    return method, scale_of(method)


def _targets_out(access: CycleAccess) -> dict[str, Any]:
    method, scale = _scale_or_404(access)
    criteria = []
    for c in target_criteria(scale):
        kind = kind_of(c.rule)
        default = kind.default_target(c.rule)
        criteria.append(
            {
                "code": c.code,
                "name": c.name,
                "kind": kind.target_field,
                "default": None if default is None else str(default),
                "unit": c.rule.unit,
            }
        )
    return {
        "number": method.number,
        "token": method_token(method),
        "locked": access.cycle.method_locked,
        "criteria": criteria,
        "units": [
            {"unit": u, "targets": method.targets.get(u.code, {})} for u in access.cycle.members()
        ],
    }


@router.get(
    METHOD + "/targets",
    response={200: TargetsOut, **COMMON_ERRORS},
    summary="Chỉ tiêu riêng của từng đơn vị (tiêu chí chỉ tiêu, kế hoạch) và chỉ tiêu mặc định",
)
def get_targets(request, year: int, number: int):
    return _targets_out(get_cycle_for_user(request.user, year, number))


@router.put(
    METHOD + "/targets",
    response={200: TargetsOut, **METHOD_ERRORS},
    summary="Giao chỉ tiêu riêng cho từng đơn vị (cả bảng; ô không gửi dùng chỉ tiêu mặc định)",
    description=(
        "Chỉ Thường trực Cụm. Lỗi theo từng ô: `loc` = `targets`, mã đơn vị, mã tiêu chí. "
        "Phương pháp đã khóa: phải có `reason`; điểm của các đơn vị được tính lại."
    ),
)
def put_targets(request, year: int, number: int, payload: TargetsIn):
    access = _method_access(request, year, number)
    method, scale = _scale_or_404(access)
    criteria = target_criteria(scale)
    units = access.cycle.members()
    names = {u.code: u.short_name for u in units}
    shown = {c.code for c in criteria}
    errors = []
    for code, row in payload.targets.items():
        if code not in names:
            errors.append(
                {
                    "loc": ["targets", code],
                    "message": "Không phải đơn vị thành viên của Cụm.",
                    "where": "",
                }
            )
            continue
        for criterion in row:
            if criterion not in shown:
                message = (
                    "Tiêu chí này không chấm theo chỉ tiêu hoặc kế hoạch: không giao chỉ tiêu riêng."
                    if scale.has_criterion(criterion)
                    else "Thang điểm không có tiêu chí này."
                )
                errors.append(
                    {
                        "loc": ["targets", code, criterion],
                        "message": message,
                        "where": f"{names[code]} — {criterion}",
                    }
                )
    targets, cells = target_table(
        units, criteria, method.targets, lambda u, c: payload.targets.get(u, {}).get(c)
    )
    errors += [
        {"loc": ["targets", u, c], "message": message, "where": f"{names[u]} — {c}"}
        for (u, c), message in cells.items()
    ]
    if errors:
        return _invalid(errors)
    _change(access, request, payload.token, targets=targets, reason=payload.reason)
    return _targets_out(access)


def _rules_out(access: CycleAccess) -> dict[str, Any]:
    method = access.cycle.method
    return {
        "number": method.number if method else None,
        "token": method_token(method),
        "locked": access.cycle.method_locked,
        "operating_rules": method.operating_rules if method else "",
        "vote_quorum": method.vote_quorum if method else MethodVersion.DEFAULT_QUORUM,
        "vote_threshold": method.vote_threshold if method else MethodVersion.DEFAULT_THRESHOLD,
        "vote": vote_words(method, len(access.cycle.members())) if method else None,
    }


@router.get(
    METHOD + "/rules",
    response={200: RulesOut, **COMMON_ERRORS},
    summary="Quy chế hoạt động của Cụm và quy chế biểu quyết suy tôn (tỷ lệ có mặt, tỷ lệ tán thành)",
)
def get_rules(request, year: int, number: int):
    return _rules_out(get_cycle_for_user(request.user, year, number))


@router.put(
    METHOD + "/rules",
    response={200: RulesOut, **METHOD_ERRORS},
    summary="Sửa quy chế hoạt động và quy chế biểu quyết suy tôn (Thường trực Cụm)",
    description="Tỷ lệ viết ngắn gọn: 2/3, 0,5 (lớn hơn 0, không quá 1). Đã khóa: phải có `reason`.",
)
def put_rules(request, year: int, number: int, payload: RulesIn):
    access = _method_access(request, year, number)
    values, errors = {}, []
    for field in ("vote_quorum", "vote_threshold"):
        try:
            values[field] = vote_fraction(getattr(payload, field), field)
        except DjangoValidationError as exc:
            errors += [{"loc": [field], "message": m, "where": ""} for m in exc.messages]
    if errors:
        return _invalid(errors)
    _change(
        access,
        request,
        payload.token,
        operating_rules=payload.operating_rules,
        reason=payload.reason,
        **values,
    )
    return _rules_out(access)
