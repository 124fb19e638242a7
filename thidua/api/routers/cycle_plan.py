"""API for the plan of a cluster's year (mounted under /api/v1/clusters/): the year itself (stage,
what the next stage still needs, open, advance), the method (scale, award rules, per-unit targets,
operating and vote rules), the covenant and its signatures, title registrations and drives.

The same access helpers, forms' shared checks and model steps as the pages (thidua/cycle/views/
overview.py and plan.py): everyone in the cluster's scope reads; the secretariat changes the method,
writes the covenant, runs the drives and moves the year on; each unit's officer signs and registers
for their own unit. Every write is one transaction, audited by the model step it calls.

Concurrent edits: the method has no version counter, so writes carry the `token` read with it
(“none” before the first method); the covenant, registrations and drives carry their `version`
(0 when there was none yet). A stale token or version is 409 and nothing is written.
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
from thidua.cycle import gates
from thidua.cycle.access import (
    CycleAccess,
    get_covenant_for_user,
    get_cycle_for_user,
    get_drive_for_user,
    get_registration_for_user,
    get_signing_unit_for_user,
    may_register_for,
    plan_is_open,
    units_user_may_sign_for,
)
from thidua.cycle.forms_plan import located, target_criteria, target_table, vote_fraction
from thidua.cycle.method_words import history, vote_words
from thidua.cycle.models import Covenant, Cycle, Drive, MethodVersion, Registration
from thidua.cycle.models.plan import (
    COLLECTIVE_TITLES,
    INDIVIDUAL_TITLES,
    Rate,
    change_method,
    method_token,
    registration_rate,
)
from thidua.cycle.scoring import scale_of
from thidua.engine.awards import validate_award_rules
from thidua.engine.rules import kind_of
from thidua.engine.scale import validate_scale
from thidua.lib.workflow import WorkflowError
from thidua.org.access import get_cluster_for_user, require

router = Router(tags=["Năm thi đua: kế hoạch"])
YEAR_TAGS = ["Năm thi đua"]

CYCLE = "/{year}/{number}/cycle"
METHOD = "/{year}/{number}/method"
COVENANT = "/{year}/{number}/covenant"
REGISTRATIONS = "/{year}/{number}/registrations"
DRIVES = "/{year}/{number}/drives"

SECRETARIAT_ONLY = "Chỉ Thường trực Cụm (đơn vị Cụm trưởng) được thay đổi phương pháp chấm."
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


class SignatureRowOut(Schema):
    unit: UnitRef
    signed: bool
    signed_at: dt.datetime | None
    signed_by: str | None
    can_sign: bool


class CovenantOut(Schema):
    written: bool
    text: str
    signing_place: str
    signing_date: dt.date | None
    version: int = Field(description="0: chưa soạn giao ước.")
    frozen: bool = Field(description="Đã có đơn vị ký: nội dung không sửa được nữa.")
    can_write: bool
    plan_open: bool
    rate: str
    complete: bool
    signatures: list[SignatureRowOut]


class CovenantIn(Schema):
    text: str = Field(max_length=20000)
    signing_place: str = Field("", max_length=200)
    signing_date: dt.date | None = None
    version: int = Field(ge=0, description="Phiên bản đã đọc; 0 khi chưa có giao ước.")


class SignIn(Schema):
    unit: str | None = Field(
        None, max_length=64, description="Mã đơn vị ký (mặc định: đơn vị của người dùng)."
    )


class SignatureOut(Schema):
    unit: UnitRef
    signed_at: dt.datetime
    signed_by: str
    rate: str


class TitleOut(Schema):
    code: str
    label: str


class RegistrationOut(Schema):
    unit: UnitRef
    registered: bool
    collective_titles: list[str]
    collective_labels: list[str]
    individual_counts: dict[str, int]
    version: int = Field(description="0: đơn vị chưa đăng ký.")
    registered_by: str | None
    registered_at: dt.datetime | None
    can_edit: bool


class RegistrationsOut(Schema):
    rate: str
    complete: bool
    plan_open: bool
    collective_titles: list[TitleOut]
    individual_titles: list[TitleOut]
    units: list[RegistrationOut]


class RegistrationIn(Schema):
    collective_titles: list[str] = Field([], max_length=20)
    individual_counts: dict[str, int] = {}
    version: int = Field(ge=0, description="Phiên bản đã đọc; 0 khi đơn vị chưa đăng ký.")


class DriveOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    targets: str
    results: str
    phase: str
    version: int
    created_by: str
    can_edit: bool


class DriveIn(Schema):
    kind: Drive.Kind
    name: str = Field(min_length=1, max_length=300)
    starts_on: dt.date
    ends_on: dt.date
    targets: str = Field("", max_length=5000)
    results: str = Field("", max_length=5000)


class DriveUpdateIn(DriveIn):
    version: int = Field(ge=1, description="Phiên bản đợt thi đua đã đọc.")


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
    require(can_manage, "Chỉ Thường trực Cụm (đơn vị Cụm trưởng) được mở năm thi đua.")
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
    require(access.is_secretariat, "Chỉ Thường trực Cụm được chuyển giai đoạn.")
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
    require(access.is_secretariat, SECRETARIAT_ONLY)
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
    """The one step every method write ends with: cycle.set_method if the token still matches."""
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


# -- covenant ----------------------------------------------------------------------------------------


def _covenant_out(access: CycleAccess) -> dict[str, Any]:
    covenant, can_write = get_covenant_for_user(access)
    cycle = access.cycle
    signatures = (
        {s.unit_id: s for s in covenant.signatures.select_related("signed_by")} if covenant else {}
    )
    signable = {u.pk for u in units_user_may_sign_for(access)} if covenant else set()
    open_ = plan_is_open(cycle)
    members = cycle.members()
    rows = []
    for unit in members:
        signature = signatures.get(unit.pk)
        rows.append(
            {
                "unit": unit,
                "signed": signature is not None,
                "signed_at": signature.signed_at if signature else None,
                "signed_by": signature.signed_by.display_name if signature else None,
                "can_sign": open_ and unit.pk in signable and signature is None,
            }
        )
    rate = Rate(len(signatures), len(members))
    return {
        "written": covenant is not None,
        "text": covenant.text if covenant else "",
        "signing_place": covenant.signing_place if covenant else "",
        "signing_date": covenant.signing_date if covenant else None,
        "version": covenant.version if covenant else 0,
        "frozen": bool(signatures),
        "can_write": can_write,
        "plan_open": open_,
        "rate": rate.label("ký giao ước"),
        "complete": len(signatures) == len(members),
        "signatures": rows,
    }


@router.get(
    COVENANT,
    response={200: CovenantOut, **COMMON_ERRORS},
    summary="Giao ước thi đua: nội dung, địa điểm và ngày ký, đơn vị đã ký và chưa ký",
)
def get_covenant(request, year: int, number: int):
    return _covenant_out(get_cycle_for_user(request.user, year, number))


@router.put(
    COVENANT,
    response={200: CovenantOut, **WRITE_ERRORS},
    summary="Soạn hoặc sửa giao ước thi đua (Thường trực Cụm; đã có đơn vị ký thì không sửa được nội dung)",
)
def put_covenant(request, year: int, number: int, payload: CovenantIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được soạn, sửa giao ước thi đua.")
    Covenant.write(
        access.cycle,
        by=request.user,
        text=payload.text,
        signing_place=payload.signing_place,
        signing_date=payload.signing_date,
        expected_version=payload.version,
    )
    return _covenant_out(access)


@router.post(
    COVENANT + "/signatures",
    response={201: SignatureOut, **WRITE_ERRORS},
    summary="Đơn vị ký giao ước thi đua (cán bộ ký cho đơn vị mình; Thường trực Cụm ký thay đơn vị thành viên)",
    description="409 nếu chưa có nội dung giao ước, đơn vị đã ký, hoặc đã qua giai đoạn ký.",
)
def sign_covenant(request, year: int, number: int, payload: SignIn | None = None):
    access = get_cycle_for_user(request.user, year, number)
    unit = get_signing_unit_for_user(access, payload.unit if payload else None)
    covenant, _ = get_covenant_for_user(access)
    if covenant is None:
        raise WorkflowError("Thường trực Cụm chưa soạn nội dung giao ước: chưa thể ký.")
    signature = covenant.sign(unit=unit, by=request.user)
    signed = covenant.signatures.count()
    return Status(
        201,
        {
            "unit": unit,
            "signed_at": signature.signed_at,
            "signed_by": request.user.display_name,
            "rate": Rate(signed, len(access.cycle.members())).label("ký giao ước"),
        },
    )


# -- registrations -----------------------------------------------------------------------------------


def _registration_out(
    access: CycleAccess, unit, registration: Registration | None
) -> dict[str, Any]:
    return {
        "unit": unit,
        "registered": registration is not None,
        "collective_titles": registration.collective_titles if registration else [],
        "collective_labels": registration.collective_labels if registration else [],
        "individual_counts": registration.individual_counts if registration else {},
        "version": registration.version if registration else 0,
        "registered_by": registration.registered_by.display_name if registration else None,
        "registered_at": registration.registered_at if registration else None,
        "can_edit": may_register_for(access, unit) and plan_is_open(access.cycle),
    }


@router.get(
    REGISTRATIONS,
    response={200: RegistrationsOut, **COMMON_ERRORS},
    summary="Đăng ký danh hiệu thi đua của các đơn vị thành viên, tỷ lệ đơn vị đã đăng ký",
)
def list_registrations(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    cycle = access.cycle
    registrations = list(Registration.objects.filter(cycle=cycle).select_related("registered_by"))
    by_unit = {r.unit_id: r for r in registrations}
    rate = registration_rate(cycle, registrations)
    return {
        "rate": rate.label("đăng ký"),
        "complete": rate.complete,
        "plan_open": plan_is_open(cycle),
        "collective_titles": [{"code": c, "label": label} for c, label in COLLECTIVE_TITLES],
        "individual_titles": [{"code": c, "label": label} for c, label in INDIVIDUAL_TITLES],
        "units": [_registration_out(access, u, by_unit.get(u.pk)) for u in cycle.members()],
    }


@router.get(
    REGISTRATIONS + "/{code}",
    response={200: RegistrationOut, **COMMON_ERRORS},
    summary="Đăng ký danh hiệu của một đơn vị thành viên",
)
def get_registration(request, year: int, number: int, code: str):
    access = get_cycle_for_user(request.user, year, number)
    unit, registration, _ = get_registration_for_user(access, code)
    return _registration_out(access, unit, registration)


@router.put(
    REGISTRATIONS + "/{code}",
    response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Đăng ký danh hiệu tập thể và số cá nhân theo danh hiệu cho đơn vị (cán bộ của đơn vị hoặc Thường trực Cụm)",
    description=(
        "Mã danh hiệu theo danh mục của GET danh sách đăng ký. `version` đã đọc (0 khi chưa đăng "
        "ký); nếu người khác đã lưu trước, trả 409 và không ghi đè."
    ),
)
def put_registration(request, year: int, number: int, code: str, payload: RegistrationIn):
    access = get_cycle_for_user(request.user, year, number)
    unit, _, may_edit = get_registration_for_user(access, code)
    require(may_edit, "Chỉ cán bộ thi đua của chính đơn vị được đăng ký danh hiệu cho đơn vị.")
    registration = Registration.register(
        access.cycle,
        unit=unit,
        by=request.user,
        collective_titles=payload.collective_titles,
        individual_counts=payload.individual_counts,
        expected_version=payload.version,
    )
    return _registration_out(access, unit, registration)


# -- drives ------------------------------------------------------------------------------------------


def _drive_out(drive: Drive, can_edit: bool) -> dict[str, Any]:
    return {
        "id": drive.pk,
        "kind": drive.kind,
        "kind_label": drive.get_kind_display(),
        "name": drive.name,
        "starts_on": drive.starts_on,
        "ends_on": drive.ends_on,
        "targets": drive.targets,
        "results": drive.results,
        "phase": drive.phase()[1],
        "version": drive.version,
        "created_by": drive.created_by.display_name,
        "can_edit": can_edit,
    }


def _drive_values(payload: DriveIn) -> dict[str, Any]:
    return payload.model_dump(
        include={"kind", "name", "starts_on", "ends_on", "targets", "results"}
    )


@router.get(
    DRIVES,
    response={200: list[DriveOut], **COMMON_ERRORS},
    summary="Các đợt thi đua ngắn ngày, cao điểm, chuyên đề của năm",
)
def list_drives(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    can_edit = access.is_secretariat and access.cycle.stage != Cycle.Stage.CLOSED
    drives = Drive.objects.filter(cycle=access.cycle).select_related("created_by")
    return [_drive_out(d, can_edit) for d in drives]


@router.post(
    DRIVES,
    response={201: DriveOut, **WRITE_ERRORS},
    summary="Thêm đợt thi đua (Thường trực Cụm)",
    description="Ngày theo định dạng YYYY-MM-DD; đợt phải thuộc năm thi đua, kết thúc sau khi bắt đầu.",
)
def create_drive(request, year: int, number: int, payload: DriveIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được thêm đợt thi đua.")
    drive = Drive.save_drive(access.cycle, by=request.user, **_drive_values(payload))
    return Status(201, _drive_out(drive, True))


@router.get(
    DRIVES + "/{drive_id}",
    response={200: DriveOut, **COMMON_ERRORS},
    summary="Một đợt thi đua: thời gian, chỉ tiêu, kết quả",
)
def get_drive(request, year: int, number: int, drive_id: int):
    access = get_cycle_for_user(request.user, year, number)
    return _drive_out(*get_drive_for_user(access, drive_id))


@router.put(
    DRIVES + "/{drive_id}",
    response={200: DriveOut, **WRITE_ERRORS},
    summary="Sửa đợt thi đua, ghi kết quả (Thường trực Cụm; gửi kèm `version` đã đọc)",
)
def put_drive(request, year: int, number: int, drive_id: int, payload: DriveUpdateIn):
    access = get_cycle_for_user(request.user, year, number)
    drive, _ = get_drive_for_user(access, drive_id)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được sửa đợt thi đua.")
    drive = Drive.save_drive(
        access.cycle,
        by=request.user,
        drive=drive,
        expected_version=payload.version,
        **_drive_values(payload),
    )
    return _drive_out(*get_drive_for_user(access, drive.pk))
