"""API: commendation decisions (Quyết định khen thưởng) and their documents (mounted at /api/v1/).

Same access helpers and model steps as the pages (thidua/honours/views/decisions.py): the Ministry
reads every decision, drafts included, and its approver drafts from a cluster-year's approved
proposals, signs and revokes; others read the signed decisions that concern their unit line or
the cluster-year they lead (404 otherwise). A refusal writes nothing: 422 names the field, 409 the
state (signed twice, revoked, a stale version).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.schemas import UnitRef
from thidua.cycle.access import get_cycle_for_user
from thidua.cycle.outcome.decisions import draft_from_cycle
from thidua.documents import decision as document
from thidua.engine import text
from thidua.honours import revoking, signing
from thidua.honours.access import get_decision_for_user
from thidua.honours.models import REVOCATION_GROUNDS, Authority, Decision, DecisionLine
from thidua.org.access import require

router = Router(tags=["Quyết định khen thưởng"])

Text = Annotated[str, Field(max_length=2000), AfterValidator(text.normalize)]
ShortText = Annotated[str, Field(max_length=150), AfterValidator(text.normalize)]
Ground = Literal[tuple(code for code, _ in REVOCATION_GROUNDS)]
_APPROVER_ONLY = (
    "Chỉ cán bộ phê duyệt của Bộ được ký, hủy bỏ hoặc lập dự thảo quyết định khen thưởng."
)


class PersonRef(Schema):
    id: int
    full_name: str


class LineOut(Schema):
    id: int
    position: int
    recipient_kind: str
    unit: UnitRef
    person: PersonRef | None
    award_code: str
    award_name: str
    amount: Decimal | None
    achievement: str
    achievement_ref: str
    commendation_id: int | None
    revoked: bool
    revocation_reason: str


class DecisionOut(Schema):
    id: int
    number: str
    authority: str
    issuer: str
    date: dt.date | None
    year: int
    summary: str
    state: str
    state_label: str
    signer_name: str
    signer_title: str
    illustrative: bool
    cluster: str | None
    line_count: int
    version: int


class DecisionDetailOut(DecisionOut):
    legal_basis: str
    gap_reason: str
    revocation_decision_no: str
    revocation_date: dt.date | None
    revocation_reason: str
    total_amount: Decimal | None
    lines: list[LineOut]


def _out(d: Decision, count: int | None = None) -> dict[str, Any]:
    return {
        "id": d.pk,
        "number": d.number,
        "authority": d.authority,
        "issuer": d.issuer_name,
        "date": d.date,
        "year": d.year,
        "summary": d.summary,
        "state": d.state,
        "state_label": d.get_state_display(),
        "signer_name": d.signer_name,
        "signer_title": d.signer_title,
        "illustrative": d.illustrative,
        "cluster": f"{d.cluster.title} năm {d.cluster.year}" if d.cluster_id else None,
        "line_count": count if count is not None else d.lines.count(),
        "version": d.version,
    }


def _line(line: DecisionLine) -> dict[str, Any]:
    record = line.commendation
    return {
        "id": line.pk,
        "position": line.position,
        "recipient_kind": line.recipient_kind,
        "unit": line.unit,
        "person": {"id": line.person.pk, "full_name": line.person.full_name}
        if line.person_id
        else None,
        "award_code": line.award_code,
        "award_name": line.award_name,
        "amount": line.amount,
        "achievement": line.achievement,
        "achievement_ref": line.achievement_ref,
        "commendation_id": line.commendation_id,
        "revoked": bool(record and record.revoked),
        "revocation_reason": record.revocation_reason if record else "",
    }


def _detail(d: Decision) -> dict[str, Any]:
    lines = list(d.lines.select_related("unit", "person", "commendation"))
    amounts = [x.amount for x in lines if x.amount is not None]
    return {
        **_out(d, len(lines)),
        "legal_basis": d.legal_basis,
        "gap_reason": d.gap_reason,
        "revocation_decision_no": d.revocation_decision_no,
        "revocation_date": d.revocation_date,
        "revocation_reason": d.revocation_reason,
        "total_amount": sum(amounts, Decimal(0)) if amounts else None,
        "lines": [_line(x) for x in lines],
    }


class DecisionFilter(Schema):
    year: int | None = Field(None, ge=1975, le=2100, description="Năm thành tích.")
    state: Literal["draft", "signed", "revoked"] | None = None


@router.get(
    "/decisions",
    response={200: list[DecisionOut], **COMMON_ERRORS},
    summary="Danh sách quyết định khen thưởng trong phạm vi của người dùng",
    description=(
        "Bộ: mọi quyết định (cả dự thảo). Đơn vị, Thường trực Cụm: các quyết định đã ký liên quan "
        "đến đơn vị (hoặc Cụm mình làm Cụm trưởng)."
    ),
)
def list_decisions(request, filters: Query[DecisionFilter]):
    from django.db.models import Count

    rows = Decision.objects.visible_to(request.user).select_related("cluster")
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.state:
        rows = rows.filter(state=filters.state)
    rows = rows.annotate(n=Count("lines"))
    return [_out(d, d.n) for d in rows]


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionDetailOut, **COMMON_ERRORS},
    summary="Một quyết định khen thưởng với danh sách tập thể, cá nhân được khen",
)
def get_decision(request, decision_id: int):
    decision, _ = get_decision_for_user(request.user, decision_id)
    return _detail(decision)


class SignIn(Schema):
    seq: int = Field(
        ge=1, le=999999, description="Số thứ tự của quyết định trong năm (số 401 của 401/QĐ-BCA)."
    )
    date: dt.date = Field(description="Ngày ký.")
    signer_name: ShortText = Field(description="Họ tên người ký.")
    gap_reason: Text = Field(
        "", description="Lý do cách số khi số không liền sau số cuối cùng đã cấp."
    )
    version: int = Field(ge=1, le=2**31 - 1, description="Phiên bản đã đọc (GET); 409 nếu đã cũ.")


@router.post(
    "/decisions/{decision_id}/sign",
    response={200: DecisionDetailOut, **WRITE_ERRORS},
    summary="Ký ban hành quyết định: ghi hồ sơ khen thưởng cho từng dòng",
    description=(
        "Chỉ cán bộ phê duyệt của Bộ. Số quyết định duy nhất theo cơ quan và năm; số phải liền sau "
        "số cuối cùng đã cấp trong năm, nếu cách số phải ghi `gap_reason` (422). Mỗi dòng được "
        "kiểm tra theo danh mục, sổ khen thưởng (danh hiệu hằng năm đã có, thành tích đã khen hoặc "
        "đã bị hủy bỏ) và điều kiện xét tặng; lỗi nêu rõ dòng (422) và không ghi gì. 409 nếu "
        "quyết định đã ký, đã hủy bỏ hoặc `version` đã cũ."
    ),
)
def sign_decision(request, decision_id: int, payload: SignIn):
    decision, can_sign = get_decision_for_user(request.user, decision_id)
    require(can_sign, _APPROVER_ONLY)
    signing.sign(
        decision,
        by=request.user,
        seq=payload.seq,
        date=payload.date,
        signer_name=payload.signer_name,
        gap_reason=payload.gap_reason,
        expected_version=payload.version,
    )
    return _detail(decision)


class RevokeIn(Schema):
    decision_no: ShortText = Field(description="Số quyết định hủy bỏ, thu hồi.")
    decision_date: dt.date
    ground: Ground = Field(description="Căn cứ hủy bỏ theo Luật Thi đua, khen thưởng, Chương VII.")
    reason: Text


@router.post(
    "/decisions/{decision_id}/revoke",
    response={200: DecisionDetailOut, **WRITE_ERRORS},
    summary="Hủy bỏ cả quyết định: mọi hồ sơ khen thưởng của quyết định bị hủy bỏ, kèm lý do",
    description="Chỉ cán bộ phê duyệt của Bộ; 409 nếu quyết định chưa ký hoặc đã bị hủy bỏ.",
)
def revoke_decision(request, decision_id: int, payload: RevokeIn):
    decision, can_sign = get_decision_for_user(request.user, decision_id)
    require(can_sign, _APPROVER_ONLY)
    revoking.revoke_decision(decision, by=request.user, **payload.dict())
    return _detail(decision)


@router.post(
    "/decisions/{decision_id}/lines/{line_id}/revoke",
    response={200: DecisionDetailOut, **WRITE_ERRORS},
    summary="Hủy bỏ một dòng của quyết định (một tập thể hoặc cá nhân), kèm lý do",
    description="Chỉ cán bộ phê duyệt của Bộ; 409 nếu quyết định chưa ký hoặc dòng đã bị hủy bỏ.",
)
def revoke_line(request, decision_id: int, line_id: int, payload: RevokeIn):
    decision, can_sign = get_decision_for_user(request.user, decision_id)
    line = decision.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("Không có dòng này trong quyết định.")
    require(can_sign, _APPROVER_ONLY)
    revoking.revoke_line(line, by=request.user, **payload.dict())
    decision.refresh_from_db()
    return _detail(decision)


_BINARY = {
    "200": {
        "description": "Tệp quyết định (tải về).",
        "content": {
            ctype: {"schema": {"type": "string", "format": "binary"}}
            for ctype in document.CONTENT_TYPES.values()
        },
    }
}


@router.get(
    "/decisions/{decision_id}/document.{ext}",
    response=COMMON_ERRORS,
    summary="Tải văn bản quyết định (DOCX hoặc PDF) kèm danh sách khen thưởng",
    description="Định dạng: docx, pdf (404 với định dạng khác). Dự thảo ghi rõ “DỰ THẢO”.",
    openapi_extra={"responses": _BINARY},
)
def decision_document(request, decision_id: int, ext: str):
    decision, _ = get_decision_for_user(request.user, decision_id)
    if ext not in document.CONTENT_TYPES:
        raise Http404(f"Không có định dạng “{ext}” (có: {', '.join(document.FORMATS)}).")
    response = HttpResponse(
        document.render(decision, ext), content_type=document.CONTENT_TYPES[ext]
    )
    response["Content-Disposition"] = content_disposition_header(
        True, document.filename(decision, ext)
    )
    return response


class DraftIn(Schema):
    authority: Literal[tuple(Authority.values)] = Field(
        "BCA",
        description="Cơ quan ban hành: BCA (Bộ Công an), TTg (Thủ tướng), CTN (Chủ tịch nước).",
    )
    proposals: list[int] | None = Field(
        None,
        max_length=5000,
        description="Mã các đề nghị đã được Bộ phê duyệt đưa vào quyết định (bỏ trống: tất cả "
        "đề nghị thuộc thẩm quyền chưa có quyết định). Đề nghị ngoài danh sách: 422.",
    )


@router.post(
    "/clusters/{year}/{number}/decisions",
    response={201: DecisionDetailOut, **WRITE_ERRORS},
    summary="Lập dự thảo quyết định từ các đề nghị đã được Bộ phê duyệt của một cụm",
    description=(
        "Chỉ cán bộ phê duyệt của Bộ. Mỗi đề nghị chỉ vào một quyết định; đề nghị không có trong "
        "danh sách đã phê duyệt của cụm, đã có quyết định hoặc đã bị hủy bỏ: 422, không ghi gì."
    ),
)
def draft_decision(request, year: int, number: int, payload: DraftIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_approver, _APPROVER_ONLY)
    decision = draft_from_cycle(
        access.cycle, by=request.user, authority=payload.authority, proposal_ids=payload.proposals
    )
    return Status(201, _detail(decision))
