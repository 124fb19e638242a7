"""API for the end of a cluster's year (mounted under /api/v1/clusters/): the secretariat's
adjustments of the proposals (add, withdraw, resubmit after the Ministry returned some) and the
handover that closes the year. Reading the proposals and the Ministry's decisions: `cycle_outcome`.
Who may take each step and when: `thidua.cycle.workflow`.

Operation ids are those the operations had in `cycle_workflow` (the API's clients keep them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.routers.cycle_outcome import ProposalOut, _proposal_out
from thidua.api.routers.cycle_workflow import BASE, _member, operation_id
from thidua.api.schemas import HandoverOut
from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_handover_for_user,
    get_proposal_for_user,
    proposals_for_user,
)
from thidua.cycle.outcome import proposals as rules
from thidua.engine.text import normalize
from thidua.org.forms import HandoverForm
from thidua.org.models import Unit

router = Router(tags=["Năm thi đua"])


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
    operation_id=operation_id("add_proposal"),
)
def add_proposal(request, year: int, number: int, payload: AddProposalIn):
    access = get_cycle_for_user(request.user, year, number)
    workflow.ADJUST_PROPOSALS.require_actor(request.user, access.cycle)
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
    operation_id=operation_id("withdraw_proposal"),
)
def withdraw_proposal(request, year: int, number: int, proposal_id: int, payload: WithdrawIn):
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, proposal_id)
    workflow.WITHDRAW_PROPOSAL.require_actor(request.user, access.cycle)
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
    operation_id=operation_id("resubmit_proposals"),
)
def resubmit_proposals(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    workflow.RESUBMIT.require_actor(request.user, access.cycle)
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
    operation_id=operation_id("get_handover"),
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
    operation_id=operation_id("hand_over"),
)
def hand_over(request, year: int, number: int, payload: HandoverIn):
    access = get_cycle_for_user(request.user, year, number)
    handover, _ = get_handover_for_user(access)
    workflow.HAND_OVER.require_actor(request.user, access.cycle)
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
