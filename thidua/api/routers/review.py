"""API of the Ministry's council review and of proposals outside the ranking (mounted under
/api/v1/clusters/): the same access helpers and steps as the pages (thidua.cycle.outcome.review)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.routers.cycle_outcome import DecisionRefOut, decision_ref
from thidua.api.schemas import UnitRef
from thidua.cycle import workflow
from thidua.cycle.access import get_cycle_for_user, get_proposal_for_user, require_outcome_scope
from thidua.cycle.models import Council, Proposal
from thidua.cycle.outcome import review
from thidua.cycle.outcome import review_checks as checks
from thidua.cycle.outcome.decisions import DECISION_RELATED, to_judge
from thidua.honours.models import Person, by_name

router = Router(tags=["Bộ xét duyệt"])


class ReviewConditionOut(Schema):
    text: str
    detail: str
    legal_basis: str
    status: str


class ReviewWhyOut(Schema):
    eligible: bool | None
    summary: str
    failing: list[ReviewConditionOut]


class ReviewOpinionOut(Schema):
    member: str
    role: str
    stance: str
    stance_label: str
    text: str
    at: dt.datetime


class ReviewAnswerOut(Schema):
    note: str
    return_reason: str
    at: dt.datetime
    files: list[str]


class ReviewItemOut(Schema):
    id: int
    unit: UnitRef
    person: str | None
    award_code: str
    award_name: str
    origin: str
    rank: int | None
    dossier: str
    state: str
    state_label: str
    decision_reason: str
    version: int
    why: ReviewWhyOut | None
    opinions: list[ReviewOpinionOut]
    opinions_missing: str | None
    answers: list[ReviewAnswerOut]
    decision: DecisionRefOut | None


class ReviewQuotaOut(Schema):
    award_code: str
    award_name: str
    unit: str
    unit_name: str
    used: int
    allowed: int
    base: int
    rule: str
    legal_basis: str


class ReviewOut(Schema):
    council: str | None
    opinions_needed: int
    items: list[ReviewItemOut]
    quotas: list[ReviewQuotaOut]


def _why(verdict) -> dict | None:
    if verdict is None:
        return None
    return {
        "eligible": verdict.eligible,
        "summary": verdict.summary,
        "failing": [
            {
                "text": c.text,
                "detail": c.detail,
                "legal_basis": c.legal_basis,
                "status": c.status.value,
            }
            for c in (verdict.failing if verdict.eligible is False else verdict.unknown)
        ],
    }


def _items(proposals: list[Proposal], council: Council | None) -> list[dict]:
    judged = checks.verdicts(to_judge(proposals))  # a conferred award is not judged again
    return [
        {
            "id": p.pk,
            "unit": p.unit,
            "person": p.person.full_name if p.person_id else None,
            "award_code": p.award_code,
            "award_name": p.award_name,
            "origin": p.origin,
            "rank": p.rank,
            "dossier": p.dossier,
            "state": p.state,
            "state_label": p.get_state_display(),
            "decision_reason": p.decision_reason,
            "version": p.version,
            "why": _why(judged.get(p.pk)),
            "opinions": [
                {
                    "member": o.member.user.display_name,
                    "role": o.member.get_role_display(),
                    "stance": o.stance,
                    "stance_label": o.get_stance_display(),
                    "text": o.text,
                    "at": o.at,
                }
                for o in p.opinions.all()
            ],
            "opinions_missing": review.opinion_gap(p, council)
            if p.state == Proposal.State.SUBMITTED
            else None,
            "answers": [
                {
                    "note": a.note,
                    "return_reason": a.return_reason,
                    "at": a.at,
                    "files": [f.original_name for f in a.files.all()],
                }
                for a in p.answers.all()
            ],
            "decision": decision_ref(p),
        }
        for p in proposals
    ]


@router.get(
    "/{year}/{number}/review",
    response={200: ReviewOut, **COMMON_ERRORS},
    summary="Hội đồng xét đề nghị: từng đề nghị với điều kiện (vì sao), ý kiến thành viên, giải trình; tỷ lệ đã dùng/được phép",
)
def get_review(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    rows = (
        Proposal.objects.filter(cycle=access.cycle)
        .select_related("unit", "person", "cycle__cluster", *DECISION_RELATED)
        .prefetch_related("opinions__member__user", "answers__files")
        .order_by("rank", "unit__sort_key", by_name("person"), "pk")
    )
    visible = [
        p
        for p in rows
        if not p.person_id
        or access.is_secretariat
        or access.national
        or p.unit_id == access.user.unit_id
    ]
    council = Council.current()
    lines = checks.quota_report(access.cycle).lines
    if not (access.is_secretariat or access.national):
        own = access.user.unit.code if access.user.unit_id else None
        lines = tuple(q for q in lines if q.group in (own, "*"))
    return {
        "council": council.name if council else None,
        "opinions_needed": council.opinions_needed if council else 0,
        "items": _items(visible, council),
        "quotas": [
            {
                "award_code": q.award,
                "award_name": q.award_name,
                "unit": q.group,
                "unit_name": q.group_name,
                "used": q.used,
                "allowed": q.limit,
                "base": q.base,
                "rule": q.text,
                "legal_basis": q.legal_basis,
            }
            for q in lines
        ],
    }


class OutsideIn(Schema):
    unit: str  # the unit's code
    award: str  # catalogue code, or an order's family ("huan_chuong_chien_cong") with award_class
    award_class: Literal["", "nhat", "nhi", "ba"] = ""
    person_id: int | None = None
    dossier: str


@router.post(
    "/{year}/{number}/proposals/outside",
    response={201: ReviewItemOut, **WRITE_ERRORS},
    summary="Đơn vị đề nghị cá nhân của mình, hoặc khen thưởng tập thể ngoài xếp hạng kèm hồ sơ",
    description=(
        "Có `person_id`: danh hiệu cá nhân của cán bộ thuộc đơn vị (cán bộ thi đua của chính đơn "
        "vị). Không có: khen thưởng tập thể ngoài xếp hạng (đơn vị cho mình, hoặc Thường trực Cụm). "
        "Huân chương có hạng: `award` = `huan_chuong_chien_cong`, `award_class` = nhat/nhi/ba. "
        "Kiểm tra điều kiện và tỷ lệ của bộ quy tắc năm xét; vượt tỷ lệ hoặc không đủ điều kiện "
        "trả 422 kèm lý do và số liệu, không ghi gì. Chỉ ở giai đoạn “Đề nghị khen thưởng” (409)."
    ),
)
def propose_outside(request, year: int, number: int, payload: OutsideIn):
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    unit = next((u for u in access.cycle.members() if u.code == payload.unit), None)
    if unit is None:
        raise ValidationError({"unit": "Đơn vị không thuộc cụm thi đua này."})
    person = None
    if payload.person_id is not None:
        person = Person.objects.visible_to(request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": "Không có cán bộ này."})
    if not review.may_propose_for(access.cycle, request.user, unit, individual=bool(person)):
        raise PermissionDenied("Đơn vị chỉ đề nghị khen thưởng cho cán bộ, tập thể của mình.")
    proposal = review.propose(
        access.cycle,
        by=request.user,
        unit=unit,
        person=person,
        award=payload.award,
        award_class=payload.award_class,
        dossier=payload.dossier,
    )
    return Status(201, _items([proposal], Council.current())[0])


class OpinionIn(Schema):
    stance: Literal["agree", "disagree", "comment"]
    text: str = ""


@router.post(
    "/{year}/{number}/proposals/{proposal_id}/opinion",
    response={200: ReviewItemOut, **WRITE_ERRORS},
    summary="Thành viên Hội đồng ghi ý kiến về một đề nghị (đồng ý, không đồng ý, ý kiến khác)",
    description=(
        "Chỉ thành viên Hội đồng Thi đua – Khen thưởng đang làm việc (403), với đề nghị đang chờ "
        "Bộ xét duyệt (409). Không đồng ý hoặc ý kiến khác phải có `text` (422). Ghi lại thì thay "
        "ý kiến trước (có nhật ký)."
    ),
)
def record_opinion(request, year: int, number: int, proposal_id: int, payload: OpinionIn):
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, proposal_id)
    review.record_opinion(proposal, by=request.user, stance=payload.stance, text=payload.text)
    return _items([proposal], Council.current())[0]


class BulkDecisionIn(Schema):
    proposals: list[int]
    decision: Literal["approve", "return", "reject"]
    reason: str = ""
    confirm: bool


class BulkDecisionOut(Schema):
    decided: int


@router.post(
    "/{year}/{number}/review/decisions",
    response={200: BulkDecisionOut, **WRITE_ERRORS},
    summary="Bộ quyết định nhiều đề nghị một lần (phê duyệt, trả lại, không phê duyệt), một xác nhận",
    description=(
        "Chỉ cán bộ phê duyệt của Bộ. `confirm` phải là true. Tất cả hoặc không: một đề nghị "
        "không hợp lệ (không chờ xét, thiếu ý kiến Hội đồng, không đủ điều kiện, vượt tỷ lệ) thì "
        "trả 422 nêu từng đề nghị, không ghi gì. Trả lại một đề nghị: gửi một mã, kèm `reason`."
    ),
)
def decide_many(request, year: int, number: int, payload: BulkDecisionIn):
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    workflow.DECIDE.require_actor(request.user, access.cycle)
    if not payload.confirm:
        raise ValidationError({"confirm": "Xác nhận quyết định cho tất cả các đề nghị đã chọn."})
    count = review.decide_many(
        access.cycle,
        by=request.user,
        ids=payload.proposals,
        decision=payload.decision,
        reason=payload.reason,
    )
    return {"decided": count}


class AnswerIn(Schema):
    note: str


@router.post(
    "/{year}/{number}/proposals/{proposal_id}/answer",
    response={201: ReviewAnswerOut, **WRITE_ERRORS},
    summary="Cụm giải trình một đề nghị Bộ trả lại (nội dung; tệp kèm theo gửi trên trang xét duyệt)",
    description=(
        "Chỉ Thường trực Cụm (403), với đề nghị đang bị trả lại (409); `note` bắt buộc (422)."
    ),
)
def answer_return(request, year: int, number: int, proposal_id: int, payload: AnswerIn):
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, proposal_id)
    workflow.ANSWER_RETURNED.require_actor(request.user, access.cycle)
    answer = review.answer_return(proposal, by=request.user, note=payload.note)
    return Status(
        201,
        {
            "note": answer.note,
            "return_reason": answer.return_reason,
            "at": answer.at,
            "files": [],
        },
    )
