"""API: commendation records, people, unit ratings, rule sets and eligibility (at /api/v1/).

Same access helpers and model methods as the pages (thidua/honours/views): personal data outside the
user's unit line is 404; collective commendations are readable by every signed-in user; changing a
record needs the unit's line (or the Ministry approver), else 403. Every write is one model step: it
validates, saves and writes the audit row in one transaction. Editable records carry a `version`:
send the one you read; 409 if someone saved in between (nothing is overwritten). Text is stored in
NFC; invalid input is 422 with the body field named in `loc`, in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema
from pydantic import Field

from thidua.api.errors import COMMON_ERRORS
from thidua.engine.eligibility import load_catalogue
from thidua.engine.eligibility_catalogue import COLLECTIVE, INDIVIDUAL
from thidua.honours.access import (
    get_commendation_for_user,
    get_person_for_user,
    get_unit_people_for_user,
    get_unit_records_for_user,
)
from thidua.honours.eligibility import (
    check_collective,
    check_person,
    suggest_for_unit,
)
from thidua.honours.models import (
    Commendation,
    Person,
)

router = Router(tags=["Khen thưởng"])


class CommendationOut(Schema):
    id: int
    recipient_kind: str
    person_id: int | None
    person_name: str | None
    unit_code: str | None
    unit_name: str | None
    award_code: str
    award_name: str
    year: int
    decision_no: str
    decision_date: dt.date
    issuer: str
    legal_basis: str
    achievement_ref: str
    achievement: str
    revoked: bool
    revocation_decision_no: str
    revocation_date: dt.date | None
    revocation_ground: str
    revocation_reason: str
    illustrative: bool
    version: int


def _commendation(c: Commendation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "recipient_kind": c.recipient_kind,
        "person_id": c.person_id,
        "person_name": c.person.full_name if c.person_id else None,
        "unit_code": c.unit.code if c.unit_id else None,
        "unit_name": c.unit.name if c.unit_id else None,
        "award_code": c.award_code,
        "award_name": c.award_name,
        "year": c.year,
        "decision_no": c.decision_no,
        "decision_date": c.decision_date,
        "issuer": c.issuer,
        "legal_basis": c.legal_basis,
        "achievement_ref": c.achievement_ref,
        "achievement": c.achievement,
        "revoked": c.revoked,
        "revocation_decision_no": c.revocation_decision_no,
        "revocation_date": c.revocation_date,
        "revocation_ground": c.revocation_ground,
        "revocation_reason": c.revocation_reason,
        "illustrative": c.illustrative,
        "version": c.version,
    }


class PersonOut(Schema):
    id: int
    officer_code: str
    full_name: str
    rank: str
    position: str
    unit_code: str | None
    records_from: int | None
    discipline_checked: bool
    note: str
    illustrative: bool
    version: int


def _person(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "officer_code": p.officer_code,
        "full_name": p.full_name,
        "rank": p.rank,
        "position": p.position,
        "unit_code": p.current_unit.code if p.current_unit_id else None,
        "records_from": p.records_from,
        "discipline_checked": p.discipline_checked,
        "note": p.note,
        "illustrative": p.illustrative,
        "version": p.version,
    }


class PostingOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    department: str
    position: str
    start: dt.date
    end: dt.date | None


class RatingOut(Schema):
    id: int
    year: int
    rating: str
    label: str


class InitiativeOut(Schema):
    id: int
    year: int
    title: str
    kind: str
    scope: str
    decision_no: str


class DisciplineOut(Schema):
    id: int
    awaiting_review: bool
    form: str
    start: dt.date
    end: dt.date | None
    decision_no: str


class PersonDetailOut(PersonOut):
    postings: list[PostingOut]
    ratings: list[RatingOut]
    initiatives: list[InitiativeOut]
    disciplines: list[DisciplineOut]
    commendations: list[CommendationOut]


class ConditionOut(Schema):
    rule_id: str
    rule_title: str = Field("", description="Tên quy định (đọc thay cho mã quy tắc)")
    kind: str
    text: str
    legal_basis: str
    status: str = Field(description="met, not_met, unknown, hoặc not_needed (nhánh không cần xét)")
    needed: bool = True
    detail: str
    children: list[ConditionOut] = []


ConditionOut.model_rebuild()


class VerdictOut(Schema):
    candidate_id: str
    award: str
    award_name: str
    year: int
    as_of: dt.date
    ruleset: str
    ruleset_title: str = Field("", description="Tên văn bản của bộ quy tắc áp dụng")
    eligible: bool | None
    status: str
    summary: str
    conditions: list[ConditionOut]


class SuggestionOut(Schema):
    person_id: int
    full_name: str
    award: str
    award_name: str
    assumes: list[str]
    verdict: VerdictOut


@router.get(
    "/eligibility",
    response={200: VerdictOut, **COMMON_ERRORS},
    summary="Xét điều kiện một cá nhân (person) hoặc tập thể (unit) cho một danh hiệu, hình thức",
)
def eligibility(
    request,
    award: str,
    year: int = Query(..., ge=1975, le=2100),
    person: int | None = None,
    unit: str | None = None,
    as_of: dt.date | None = None,
    achievement: str | None = None,
):
    catalogue = load_catalogue()
    if (person is None) == (unit is None):
        raise ValidationError(
            {"person": "Ghi person (cá nhân) hoặc unit (tập thể), một trong hai."}
        )
    try:  # a code, a name or an alias ("Bằng khen của Bộ Công an", "chiến sỹ thi đua cơ sở")
        award = catalogue.resolve(award)
    except ValueError as exc:  # UnknownAward: resolves to nothing, an error never a skipped check
        raise ValidationError({"award": str(exc)}) from None
    recipient = INDIVIDUAL if person is not None else COLLECTIVE
    if recipient not in catalogue.get(award).recipients:
        who = "cá nhân" if recipient == INDIVIDUAL else "tập thể"
        raise ValidationError({"award": f"“{catalogue.name(award)}” không xét tặng cho {who}."})
    options = {"as_of": as_of, "achievement_ref": achievement or None}
    try:
        if person is not None:
            found, _ = get_person_for_user(request.user, person)
            verdict = check_person(found, award, year, **options)
        else:
            found_unit = get_unit_people_for_user(request.user, unit).unit
            verdict = check_collective(found_unit, award, year, **options)
    except LookupError as exc:  # no rule set for so early a year
        raise ValidationError({"year": str(exc)}) from None
    except ValueError as exc:  # EligibilityError: a consideration date before the year's end
        raise ValidationError({"as_of": str(exc)}) from None
    return verdict.to_dict()


@router.get(
    "/units/{code}/commendations",
    response={200: list[CommendationOut], **COMMON_ERRORS},
    summary="Khen thưởng tập thể của một đơn vị, qua các lần sáp nhập (kể cả đã thu hồi)",
)
def unit_commendations(
    request,
    code: str,
    year: int | None = Query(None, ge=1975, le=2100),
    revoked: bool | None = None,
):
    records = get_unit_records_for_user(request.user, code)
    rows = Commendation.objects.of_line(records.unit).select_related("unit").order_by("-year", "pk")
    if year:
        rows = rows.filter(year=year)
    if revoked is not None:
        rows = rows.filter(revoked=revoked)
    return [_commendation(c) for c in rows]


@router.get(
    "/units/{code}/suggestions",
    response={200: list[SuggestionOut], **COMMON_ERRORS},
    summary="Ai trong đơn vị đủ điều kiện xét tặng trong năm, kèm giải thích",
)
def unit_suggestions(request, code: str, year: int = Query(..., ge=1975, le=2100)):
    records = get_unit_people_for_user(request.user, code)
    return [
        {
            "person_id": p.pk,
            "full_name": p.full_name,
            "award": s.award,
            "award_name": s.award_name,
            "assumes": list(s.assumes),
            "verdict": s.verdict.to_dict(),
        }
        for p, s in suggest_for_unit(records.unit, year)
    ]


@router.get(
    "/people",
    response={200: list[PersonOut], **COMMON_ERRORS},
    summary="Cán bộ, chiến sĩ trong phạm vi người dùng được xem",
)
def people(request, q: str = "", unit: str | None = None):
    rows = Person.objects.visible_to(request.user).select_related("current_unit")
    if q:
        rows = rows.search(q)
    if unit:
        unit_obj = get_unit_records_for_user(request.user, unit).unit
        rows = rows.in_line_of(unit_obj)
    return [_person(p) for p in rows[:500]]


@router.get(
    "/people/{person_id}",
    response={200: PersonDetailOut, **COMMON_ERRORS},
    summary="Hồ sơ một cán bộ: công tác, xếp loại, sáng kiến, kỷ luật, khen thưởng",
)
def person_detail(request, person_id: int):
    person, _ = get_person_for_user(request.user, person_id)
    return _person_detail(person)


def _person_detail(person: Person) -> dict[str, Any]:
    return {
        **_person(person),
        "postings": [
            {
                "id": p.pk,
                "unit_code": p.unit.code,
                "unit_name": p.unit.name,
                "department": p.department,
                "position": p.position,
                "start": p.start,
                "end": p.end,
            }
            for p in person.postings.select_related("unit")
        ],
        "ratings": [
            {"id": r.pk, "year": r.year, "rating": r.rating, "label": r.get_rating_display()}
            for r in person.ratings.all()
        ],
        "initiatives": list(
            person.initiatives.values("id", "year", "title", "kind", "scope", "decision_no")
        ),
        "disciplines": list(
            person.disciplines.values(
                "id", "awaiting_review", "form", "start", "end", "decision_no"
            )
        ),
        "commendations": [
            _commendation(c) for c in person.commendations.select_related("person", "unit")
        ],
    }


@router.get(
    "/commendations",
    response={200: list[CommendationOut], **COMMON_ERRORS},
    summary="Quyết định khen thưởng trong phạm vi người dùng được xem",
)
def commendations(
    request, year: int | None = Query(None, ge=1975, le=2100), award: str | None = None
):
    rows = (
        Commendation.objects.visible_to(request.user)
        .in_register_order()
        .select_related("person", "unit")
    )
    if year:
        rows = rows.filter(year=year)
    if award:
        rows = rows.filter(award_code=award)
    return [_commendation(c) for c in rows[:1000]]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str


class CommendationDetailOut(CommendationOut):
    attachments: list[AttachmentOut]


def _attachment(a) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": a.uploaded_at,
        "uploaded_by": a.uploaded_by.display_name,
    }


def _commendation_detail(c: Commendation) -> dict[str, Any]:
    return {
        **_commendation(c),
        "attachments": [_attachment(a) for a in c.attachments.select_related("uploaded_by")],
    }


@router.get(
    "/commendations/{commendation_id}",
    response={200: CommendationDetailOut, **COMMON_ERRORS},
    summary="Một quyết định khen thưởng, kèm các tệp đính kèm",
)
def commendation(request, commendation_id: int):
    found, _ = get_commendation_for_user(request.user, commendation_id)
    return _commendation_detail(found)


@router.get(
    "/awards",
    response={200: dict[str, Any], **COMMON_ERRORS},
    summary="Danh mục danh hiệu thi đua, hình thức khen thưởng",
)
def awards(request):
    return load_catalogue().to_dict()
