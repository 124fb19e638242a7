"""API for the cycle's outcome (mounted under /api/v1/clusters/): ranking, a unit's scores,
proposals with the Ministry's decision, and the honouring vote's ballot.

Same access helpers and model steps as the pages. No response ever carries how a unit voted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404
from ninja import Field, Router, Schema

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.schemas import UnitRef
from thidua.cycle import workflow
from thidua.cycle.access import (
    get_cycle_for_user,
    get_proposal_for_user,
    get_ranking_for_user,
    get_unit_scores_for_user,
    get_vote_for_user,
    proposals_for_user,
    ranking_is_published,
)
from thidua.cycle.models import Proposal, ScoreSheet
from thidua.cycle.outcome.decisions import DECISION_RELATED, decision_of
from thidua.cycle.scoring import scale_of
from thidua.engine.formulas import describe_rule
from thidua.lib.workflow import WorkflowError

router = Router(tags=["Năm thi đua"])


# -- schemas ---------------------------------------------------------------------------------------


class RobustnessOut(Schema):
    median_rank: float | None
    p5_rank: float | None
    p95_rank: float | None
    p_first: float | None


class RankedUnitOut(Schema):
    unit: UnitRef
    rank: int
    total: str
    tied: bool
    note: str
    robustness: RobustnessOut | None


class ExcludedUnitOut(Schema):
    unit: UnitRef
    kind: str  # "veto" (điểm liệt) | "missing" (thiếu số liệu bắt buộc)
    reasons: list[str]
    total: str | None


class InspectionPointsOut(Schema):
    source: str
    points: str | None


class DiscrepancyOut(Schema):
    unit: str
    unit_name: str
    code: str
    name: str
    self_points: str | None
    inspections: list[InspectionPointsOut]
    consolidated: str
    difference: str
    not_inspected: bool
    reason: str


class RankingOut(Schema):
    year: int
    number: int
    stage: str
    method_version: int
    computed_at: dt.datetime
    computed_by: str | None
    tie_breaks: list[str]
    robustness_samples: int
    units: list[RankedUnitOut]
    excluded: list[ExcludedUnitOut]
    discrepancies: list[DiscrepancyOut]


class CriterionOut(Schema):
    code: str
    name: str
    group: str
    rule: str
    rule_text: str
    inputs: dict[str, Any]
    formula: str
    points: str
    max_points: str
    missing: bool


class GroupOut(Schema):
    code: str
    name: str
    points: str | None
    max_points: str
    formula: str


class VetoOut(Schema):
    code: str
    name: str
    scope: str
    reason: str


class SheetSummaryOut(Schema):
    stage: str
    stage_label: str
    source: str
    total: str | None


class UnitScoreOut(Schema):
    unit: UnitRef
    stage: str  # "consolidated", or "self" before the inspections are consolidated
    method_version: int
    total: str | None
    total_formula: str
    rank: int | None
    groups: list[GroupOut]
    criteria: list[CriterionOut]
    vetoes: list[VetoOut]
    missing: list[str]
    blocked_by: list[str]
    sheets: list[SheetSummaryOut]


class DecisionRefOut(Schema):
    """The signed decision that conferred a proposal: "Quyết định số 401/QĐ-BCA ngày 20/01/2022"."""

    id: int
    number: str
    date: dt.date
    authority: str
    revoked: bool


def decision_ref(p: Proposal) -> dict[str, Any] | None:
    """The proposal's signed decision as DecisionRefOut (None while there is none)."""
    decision = decision_of(p)
    if decision is None:
        return None
    return {
        "id": decision.pk,
        "number": decision.number,
        "date": decision.date,
        "authority": decision.authority,
        "revoked": decision.state == decision.State.REVOKED or p.decision_line.revoked,
    }


class ProposalOut(Schema):
    id: int
    unit: UnitRef
    award_code: str
    award_name: str
    rank: int | None
    total: str | None
    basis: str
    origin: str
    adjustment_reason: str
    state: str
    state_label: str
    decision_reason: str
    decided_at: dt.datetime | None
    decision: DecisionRefOut | None = Field(
        description="Quyết định khen thưởng đã ký trao hình thức này (null khi chưa có)."
    )
    version: int


class RefusalOut(Schema):
    unit: UnitRef
    award_code: str
    award_name: str
    rank: int | None
    total: str | None
    reason: str


class ProposalsOut(Schema):
    stage: str
    rules: str
    proposals: list[ProposalOut]
    refusals: list[RefusalOut]


class DecisionIn(Schema):
    decision: Literal["approve", "return", "reject"]
    reason: str = ""
    version: int


class BallotIn(Schema):
    choice: Literal["yes", "no", "abstain"]


class BallotOut(Schema):
    """Which unit voted and its ballot's receipt (a fingerprint of the ciphertexts). Never the choice."""

    unit: UnitRef
    receipt: str
    voted: int
    member_count: int


# -- reads -----------------------------------------------------------------------------------------


def _money(value) -> str | None:
    return None if value is None else str(value)


@router.get(
    "/{year}/{number}/ranking",
    response={200: RankingOut, **COMMON_ERRORS},
    summary="Bảng xếp hạng hiện hành: tổng điểm, hạng, độ ổn định; đơn vị bị loại kèm lý do",
)
def get_ranking(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    ranking, _ = get_ranking_for_user(access)
    if ranking is None:
        raise Http404("Chưa có bảng xếp hạng.")
    return {
        "year": year,
        "number": number,
        "stage": access.cycle.stage,
        "method_version": ranking.method.number,
        "computed_at": ranking.computed_at,
        "computed_by": ranking.computed_by.display_name if ranking.computed_by else None,
        "tie_breaks": ranking.tie_break_labels(),
        "robustness_samples": ranking.robustness_samples,
        "units": [
            {
                "unit": row.unit,
                "rank": row.rank,
                "total": str(row.total),
                "tied": row.tied,
                "note": row.readable_note,
                "robustness": {
                    "median_rank": row.median_rank,
                    "p5_rank": row.rank_p5,
                    "p95_rank": row.rank_p95,
                    "p_first": row.p_first,
                }
                if row.rank_p5 is not None
                else None,
            }
            for row in ranking.ranked
        ],
        "excluded": [
            {"unit": row.unit, "kind": row.kind, "reasons": row.reasons, "total": _money(row.total)}
            for row in ranking.excluded
        ],
        "discrepancies": ranking.discrepancies(),
    }


@router.get(
    "/{year}/{number}/units/{code}/score",
    response={200: UnitScoreOut, **COMMON_ERRORS},
    summary="Điểm của một đơn vị: từng tiêu chí với đầu vào, quy tắc, cách tính và điểm",
)
def get_unit_score(request, year: int, number: int, code: str):
    access = get_cycle_for_user(request.user, year, number)
    unit, sheets = get_unit_scores_for_user(access, code)
    by_stage = {s.stage: s for s in sheets if s.stage != ScoreSheet.Stage.INSPECTION}
    main = by_stage.get(ScoreSheet.Stage.CONSOLIDATED) or by_stage.get(ScoreSheet.Stage.SELF)
    if main is None:
        raise Http404("Đơn vị chưa có bảng điểm.")
    scale = scale_of(main.method)
    criteria = []
    for c in main.sheet.get("criteria", []):
        known = scale.has_criterion(c["code"])
        criterion = scale.criterion(c["code"]) if known else None
        rule_text = describe_rule(criterion.rule, criterion.max_points) if known else c["rule"]
        criteria.append({**c, "rule_text": rule_text})
    latest = access.cycle.rankings.first() if ranking_is_published(access) else None
    entry = latest.entries.filter(unit=unit).first() if latest else None
    return {
        "unit": unit,
        "stage": main.stage,
        "method_version": main.method.number,
        "total": _money(main.total),
        "total_formula": main.sheet.get("total_formula", ""),
        "rank": entry.rank if entry else None,
        "groups": main.sheet.get("groups", []),
        "criteria": criteria,
        "vetoes": main.sheet.get("vetoes", []),
        "missing": main.sheet.get("missing", []),
        "blocked_by": main.sheet.get("blocked_by", []),
        "sheets": [
            {
                "stage": s.stage,
                "stage_label": s.get_stage_display(),
                "source": s.source,
                "total": _money(s.total),
            }
            for s in sheets
        ],
    }


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "unit": p.unit,
        "award_code": p.award_code,
        "award_name": p.award_name,
        "rank": p.rank,
        "total": _money(p.total),
        "basis": p.basis,
        "origin": p.origin,
        "adjustment_reason": p.adjustment_reason,
        "state": p.state,
        "state_label": p.get_state_display(),
        "decision_reason": p.decision_reason,
        "decided_at": p.decided_at,
        "decision": decision_ref(p),
        "version": p.version,
    }


@router.get(
    "/{year}/{number}/proposals",
    response={200: ProposalsOut, **COMMON_ERRORS},
    summary="Đề nghị khen thưởng (căn cứ, trạng thái, ý kiến của Bộ) và các trường hợp không đề nghị kèm lý do",
)
def list_proposals(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    rows = proposals_for_user(access).select_related(*DECISION_RELATED)
    proposals = [_proposal_out(p) for p in rows]
    ranking = access.cycle.rankings.first()
    units = {u.code: u for u in access.cycle.members()}
    refusals = [
        {
            "unit": units[d["unit"]],
            "award_code": d["award"],
            "award_name": d["award_name"],
            "rank": d["rank"],
            "total": d["total"],
            "reason": d["reason"],
        }
        for d in (ranking.refusals() if ranking else [])
        if d["unit"] in units
    ]
    return {
        "stage": access.cycle.stage,
        "rules": (ranking.allocation or {}).get("rules", "") if ranking else "",
        "proposals": proposals,
        "refusals": refusals,
    }


# -- writes ----------------------------------------------------------------------------------------


@router.post(
    "/{year}/{number}/proposals/{proposal_id}/decision",
    response={200: ProposalOut, **WRITE_ERRORS},
    summary="Bộ quyết định một đề nghị: phê duyệt, trả lại hoặc không phê duyệt (kèm lý do)",
    description=(
        "Chỉ cán bộ phê duyệt của Bộ, ở giai đoạn “Bộ xét duyệt”, với đề nghị đã trình. "
        "`version` là phiên bản đề nghị đã đọc: nếu đề nghị đã thay đổi, trả 409 và không ghi đè. "
        "Trả lại hoặc không phê duyệt phải có `reason` (422 nếu thiếu)."
    ),
)
def decide_proposal(request, year: int, number: int, proposal_id: int, payload: DecisionIn):
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, proposal_id)
    workflow.DECIDE.require_actor(request.user, access.cycle)
    proposal.decide(
        by=request.user,
        decision=payload.decision,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _proposal_out(proposal)


@router.post(
    "/{year}/{number}/vote/ballot",
    response={200: BallotOut, **WRITE_ERRORS},
    summary="Đơn vị biểu quyết suy tôn (phiếu kín): yes = đồng ý, no = không đồng ý, abstain = không biểu quyết",
    description=(
        "Cán bộ của đơn vị thành viên gửi phiếu của đơn vị, mỗi đơn vị một lần (409 nếu đã biểu "
        "quyết hoặc biểu quyết chưa mở/đã kết thúc). Phiếu được mã hóa ngay bằng khóa chung của hai "
        "người giữ khóa; phản hồi xác nhận đơn vị đã biểu quyết và trả `receipt`, mã biên nhận để "
        "đối chiếu với danh sách công bố cùng kết quả (chỉ trả một lần, không lưu kèm đơn vị)."
    ),
)
def cast_ballot(request, year: int, number: int, payload: BallotIn):
    access = get_cycle_for_user(request.user, year, number)
    workflow.CAST_VOTE.require_actor(request.user, access.cycle)
    vote, _ = get_vote_for_user(access)
    if vote is None:
        raise WorkflowError("Biểu quyết suy tôn chưa mở.")
    receipt = vote.cast(by=request.user, choice=payload.choice)
    return {
        "unit": access.own_unit,
        "receipt": receipt,
        "voted": vote.voters.count(),
        "member_count": vote.member_count,
    }
