"""API writes of the commendation records: operations of honours.py's router (/api/v1/).

People and their postings, ratings, initiatives and discipline; commendation decisions, their
revocation and files; unit ratings; rule-set versions (read, and published by the Ministry
approver). Each operation loads through the honours access helpers and calls the one model step the
page calls (thidua/honours/views), which checks the actor, validates, saves and audits in one
transaction. Text is NFC-normalised here; 422 names the body field in `loc`; 409 for a stale
`version` or a revoked record.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import File, Query, Schema, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator, Field

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.routers.honours import (
    AttachmentOut,
    CommendationDetailOut,
    PersonDetailOut,
    _attachment,
    _commendation_detail,
    _person_detail,
    router,
)
from thidua.engine import text
from thidua.engine.eligibility_rules import CONFIDENCE, RULE_KINDS
from thidua.honours.access import (
    can_publish_rules,
    get_attachment_for_user,
    get_commendation_for_user,
    get_person_for_user,
    get_unit_records_for_user,
    require_editor,
)
from thidua.honours.eligibility import ruleset_by_id, ruleset_for, rulesets
from thidua.honours.models import (
    DISCIPLINE_FORMS,
    INITIATIVE_KIND_CHOICES,
    REVOCATION_GROUNDS,
    YEAR_MAX,
    YEAR_MIN,
    Commendation,
    Person,
    RatingLevel,
    RuleSetVersion,
    Scope,
    UnitRating,
    UnitYearRoster,
)
from thidua.honours.models.rosters import COUNT_MAX
from thidua.org.access import require
from thidua.org.models import Unit

# ---------------------------------------------------------------------------------------------
# Writes. Input types: text is NFC-normalised (one space, official tone placement) before the
# model sees it; bounds are documented in the OpenAPI so integrators know them up front.


def _text(max_length: int | None = None) -> Any:
    return Annotated[str, Field(max_length=max_length), AfterValidator(text.normalize)]


def _choices(pairs) -> Any:
    return Literal[tuple(code for code, _ in pairs)]


Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Version = Annotated[
    int, Field(ge=1, le=2**31 - 1, description="Phiên bản đã đọc (GET); 409 nếu đã cũ.")
]
UnitCode = Annotated[str, Field(max_length=80, description="Mã đơn vị, ví dụ bac-giang.")]
Rating = _choices(RatingLevel.choices)


def _unit(code: str, field: str = "unit") -> Unit:
    found = Unit.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({field: f"Không có đơn vị mã “{code}”."})
    return found


def _reloaded(person: Person) -> dict[str, Any]:
    """The record as it is now (a new posting may have moved the person to another unit)."""
    return _person_detail(Person.objects.select_related("current_unit").get(pk=person.pk))


# -- people --------------------------------------------------------------------------------------


class PersonCreateIn(Schema):
    officer_code: _text(20)
    full_name: _text(120)
    rank: _text(60) = ""
    position: _text(120) = ""
    unit: UnitCode
    department: _text(200) = ""
    start: dt.date = Field(description="Công tác tại đơn vị từ ngày.")
    records_from: Year | None = None
    discipline_checked: bool = True
    note: _text(2000) = ""


class PersonUpdateIn(Schema):
    version: Version
    full_name: _text(120)
    rank: _text(60) = ""
    position: _text(120) = ""
    records_from: Year | None = None
    discipline_checked: bool
    note: _text(2000) = ""


@router.post(
    "/people",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    summary="Tạo hồ sơ cán bộ với quá trình công tác đầu tiên (đơn vị trong phạm vi được sửa)",
)
def create_person(request, payload: PersonCreateIn):
    require_editor(request.user)
    data = payload.dict()
    unit = _unit(data.pop("unit"))
    person = Person.create(by=request.user, unit=unit, **data)
    return Status(201, _reloaded(person))


@router.put(
    "/people/{person_id}",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    summary="Sửa hồ sơ cán bộ (gửi kèm `version` đã đọc; 409 nếu người khác đã sửa)",
)
def update_person(request, person_id: int, payload: PersonUpdateIn):
    person, can_edit = get_person_for_user(request.user, person_id)
    require(can_edit, "Bạn không có quyền sửa hồ sơ cán bộ này.")
    data = payload.dict()
    person.update(by=request.user, expected_version=data.pop("version"), **data)
    return _reloaded(person)


class PostingIn(Schema):
    unit: UnitCode
    department: _text(200) = ""
    position: _text(120) = ""
    start: dt.date
    end: dt.date | None = Field(None, description="Để trống nếu đang công tác.")


class RatingIn(Schema):
    year: Year
    rating: Rating


class InitiativeIn(Schema):
    year: Year
    title: _text(300)
    kind: _choices(INITIATIVE_KIND_CHOICES) = "sang_kien"
    scope: _choices(Scope.choices)
    decision_no: _text(60) = ""


class DisciplineIn(Schema):
    awaiting_review: bool = False
    form: Literal[("", *(code for code, _ in DISCIPLINE_FORMS))] = Field(
        "", description="Để trống khi đang xem xét kỷ luật (awaiting_review)."
    )
    start: dt.date
    end: dt.date | None = None
    decision_no: _text(60) = ""
    note: _text(300) = ""


def _editable_person(request, person_id: int) -> Person:
    person, can_edit = get_person_for_user(request.user, person_id)
    require(can_edit, "Bạn không có quyền cập nhật hồ sơ cán bộ này.")
    return person


@router.post(
    "/people/{person_id}/postings",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    summary="Ghi quá trình công tác (điều động: quá trình đang mở kết thúc trước ngày bắt đầu)",
)
def add_posting(request, person_id: int, payload: PostingIn):
    person = _editable_person(request, person_id)
    data = payload.dict()
    person.add_posting(by=request.user, unit=_unit(data.pop("unit")), **data)
    return Status(201, _reloaded(person))


@router.post(
    "/people/{person_id}/ratings",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    summary="Ghi kết quả xếp loại một năm (ghi đè mức đã có của năm đó)",
)
def add_rating(request, person_id: int, payload: RatingIn):
    person = _editable_person(request, person_id)
    person.set_rating(by=request.user, **payload.dict())
    return Status(201, _reloaded(person))


@router.post(
    "/people/{person_id}/initiatives",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    summary="Ghi sáng kiến, đề tài được công nhận",
)
def add_initiative(request, person_id: int, payload: InitiativeIn):
    person = _editable_person(request, person_id)
    person.add_initiative(by=request.user, **payload.dict())
    return Status(201, _reloaded(person))


@router.post(
    "/people/{person_id}/disciplines",
    response={201: PersonDetailOut, **WRITE_ERRORS},
    summary="Ghi kỷ luật hoặc việc đang xem xét kỷ luật",
)
def add_discipline(request, person_id: int, payload: DisciplineIn):
    person = _editable_person(request, person_id)
    person.add_discipline(by=request.user, **payload.dict())
    return Status(201, _reloaded(person))


@router.delete(
    "/people/{person_id}/{kind}/{item_id}",
    response={200: PersonDetailOut, **WRITE_ERRORS},
    summary="Xóa một mục nhập nhầm khỏi hồ sơ (không xóa được quá trình công tác duy nhất)",
)
def remove_item(
    request,
    person_id: int,
    kind: Literal["postings", "ratings", "initiatives", "disciplines"],
    item_id: int,
):
    person = _editable_person(request, person_id)
    entry = getattr(person, kind).filter(pk=item_id).first()
    if entry is None:
        raise Http404("Không tìm thấy mục này trong hồ sơ cán bộ.")
    person.remove(by=request.user, item=entry)
    return _reloaded(person)


# -- commendations -------------------------------------------------------------------------------


class CommendationFieldsIn(Schema):
    award_code: str = Field(max_length=60, description="Mã trong danh mục (GET /awards).")
    year: Year = Field(description="Năm thành tích.")
    decision_no: _text(60)
    decision_date: dt.date
    issuer: _text(200)
    legal_basis: _text(300) = ""
    achievement_ref: _text(80) = Field(
        "", description="Mã thành tích: mỗi thành tích chỉ được khen một lần."
    )
    achievement: _text(4000) = ""


class CommendationCreateIn(CommendationFieldsIn):
    person: int | None = Field(None, ge=1, description="Cá nhân được khen (id).")
    unit: UnitCode | None = Field(None, description="Hoặc tập thể: mã đơn vị khi được khen.")


class CommendationUpdateIn(CommendationFieldsIn):
    version: Version


class RevokeIn(Schema):
    version: Version
    decision_no: _text(60)
    decision_date: dt.date
    ground: _choices(REVOCATION_GROUNDS)
    reason: _text(4000)


@router.post(
    "/commendations",
    response={201: CommendationDetailOut, **WRITE_ERRORS},
    summary="Ghi quyết định khen thưởng cho một cá nhân (person) hoặc tập thể (unit)",
)
def create_commendation(request, payload: CommendationCreateIn):
    require_editor(request.user)
    data = payload.dict()
    person_id, unit_code = data.pop("person"), data.pop("unit")
    if (person_id is None) == (unit_code is None):
        raise ValidationError(
            {"person": "Ghi person (cá nhân) hoặc unit (tập thể), một trong hai."}
        )
    if person_id is not None:
        data["person"], _ = get_person_for_user(request.user, person_id)
    else:
        data["unit"] = _unit(unit_code)
    row = Commendation.create(by=request.user, **data)
    return Status(201, _commendation_detail(row))


def _editable_commendation(request, commendation_id: int, refusal: str) -> Commendation:
    row, can_edit = get_commendation_for_user(request.user, commendation_id)
    require(can_edit, refusal)
    return row


@router.put(
    "/commendations/{commendation_id}",
    response={200: CommendationDetailOut, **WRITE_ERRORS},
    summary="Sửa quyết định khen thưởng (gửi kèm `version`; đã hủy bỏ thì không sửa được: 409)",
)
def update_commendation(request, commendation_id: int, payload: CommendationUpdateIn):
    row = _editable_commendation(
        request, commendation_id, "Bạn không có quyền sửa quyết định khen thưởng này."
    )
    data = payload.dict()
    row.update(by=request.user, expected_version=data.pop("version"), **data)
    return _commendation_detail(row)


@router.post(
    "/commendations/{commendation_id}/revoke",
    response={200: CommendationDetailOut, **WRITE_ERRORS},
    summary="Hủy bỏ, thu hồi khen thưởng (căn cứ, lý do); hồ sơ được giữ làm lịch sử",
)
def revoke_commendation(request, commendation_id: int, payload: RevokeIn):
    row = _editable_commendation(
        request, commendation_id, "Bạn không có quyền hủy bỏ quyết định khen thưởng này."
    )
    data = payload.dict()
    row.revoke(by=request.user, expected_version=data.pop("version"), **data)
    return _commendation_detail(row)


@router.post(
    "/commendations/{commendation_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Đính kèm tệp (multipart, trường `file`): PDF, JPG, PNG, DOCX, XLSX; tối đa 10 MB",
)
def attach(request, commendation_id: int, file: File[UploadedFile] = None):
    row = _editable_commendation(
        request, commendation_id, "Bạn không có quyền đính kèm tệp cho quyết định này."
    )
    if file is None:
        raise ValidationError({"file": "Chọn tệp để tải lên."})
    return Status(201, _attachment(row.attach(by=request.user, upload=file)))


@router.get(
    "/commendations/{commendation_id}/attachments/{attachment_id}",
    response=COMMON_ERRORS,
    summary="Tải tệp đính kèm của một quyết định",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Tệp đính kèm (tải về).",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def attachment(request, commendation_id: int, attachment_id: int):
    found = get_attachment_for_user(request.user, commendation_id, attachment_id)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )


# -- unit ratings --------------------------------------------------------------------------------


class UnitRatingOut(Schema):
    unit_code: str
    unit_name: str
    year: int
    rating: str
    label: str


def _unit_rating(r: UnitRating) -> dict[str, Any]:
    return {
        "unit_code": r.unit.code,
        "unit_name": r.unit.name,
        "year": r.year,
        "rating": r.rating,
        "label": r.get_rating_display(),
    }


@router.get(
    "/units/{code}/ratings",
    response={200: list[UnitRatingOut], **COMMON_ERRORS},
    summary="Xếp loại hằng năm của một đơn vị, qua các lần sáp nhập",
)
def unit_ratings(request, code: str):
    unit = get_unit_records_for_user(request.user, code).unit
    rows = UnitRating.objects.filter(unit__in=unit.lineage()).select_related("unit")
    return [_unit_rating(r) for r in rows.order_by("-year", "pk")]


@router.post(
    "/units/{code}/ratings",
    response={200: UnitRatingOut, **WRITE_ERRORS},
    summary="Ghi xếp loại của đơn vị trong một năm (ghi đè mức đã có của năm đó)",
)
def set_unit_rating(request, code: str, payload: RatingIn):
    records = get_unit_records_for_user(request.user, code)
    require(records.can_edit, "Bạn không có quyền ghi xếp loại của đơn vị này.")
    row = UnitRating.set(by=request.user, unit=records.unit, **payload.dict())
    return _unit_rating(row)


# -- unit rosters (a unit's year data as counts, for collective titles) --------------------------

# Bounds documented, checked by the model step (one message on the page, the API and Excel).
Count = Annotated[int, Field(json_schema_extra={"minimum": 0, "maximum": COUNT_MAX})]


class UnitRosterIn(Schema):
    year: Year
    members: Count = Field(description="Tổng quân số của đơn vị trong năm")
    completed: Count | None = Field(None, description="Số hoàn thành nhiệm vụ trở lên")
    advanced: Count | None = Field(None, description="Số đạt Chiến sĩ tiên tiến")
    emulation: Count | None = Field(None, description="Số đạt Chiến sĩ thi đua cơ sở")
    reprimanded: Count | None = Field(None, description="Số bị kỷ luật khiển trách")
    warned: Count | None = Field(None, description="Số bị kỷ luật từ cảnh cáo trở lên")


class UnitRosterOut(UnitRosterIn):
    unit_code: str
    unit_name: str


def _unit_roster(r: UnitYearRoster) -> dict[str, Any]:
    fields = ("year", "members", "completed", "advanced", "emulation", "reprimanded", "warned")
    return {"unit_code": r.unit.code, "unit_name": r.unit.name} | {f: getattr(r, f) for f in fields}


@router.get(
    "/units/{code}/rosters",
    response={200: list[UnitRosterOut], **COMMON_ERRORS},
    summary="Quân số đơn vị theo năm (số liệu đơn vị khai để xét danh hiệu tập thể)",
)
def unit_rosters(request, code: str):
    unit = get_unit_records_for_user(request.user, code).unit
    rows = UnitYearRoster.objects.filter(unit=unit).select_related("unit")
    return [_unit_roster(r) for r in rows.order_by("-year")]


@router.post(
    "/units/{code}/rosters",
    response={200: UnitRosterOut, **WRITE_ERRORS},
    summary="Ghi quân số của đơn vị trong một năm (ghi đè số liệu đã có của năm đó)",
)
def set_unit_roster(request, code: str, payload: UnitRosterIn):
    records = get_unit_records_for_user(request.user, code)
    require(records.can_edit, "Bạn không có quyền ghi quân số của đơn vị này.")
    row = UnitYearRoster.set(by=request.user, unit=records.unit, **payload.dict())
    return _unit_roster(row)


# -- rule sets -----------------------------------------------------------------------------------


class RuleOut(Schema):
    id: str
    title: str
    kind: str
    kind_label: str
    legal_basis: str
    confidence: str
    confidence_label: str
    awards: list[str] | None  # None: every award of the catalogue
    effective_from: dt.date | None
    effective_to: dt.date | None
    parameters: dict[str, Any]


class RuleSetOut(Schema):
    id: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    basis: str
    origin: str  # shipped (with the software) | published (by the Ministry)
    published_by: str | None
    published_at: dt.datetime | None
    reason: str


class RuleSetDetailOut(RuleSetOut):
    note: str
    rules: list[RuleOut]
    data: dict[str, Any]  # the resolved set: edit it (new id) and POST it to publish a new version


class RuleSetIn(Schema):
    effective_from: dt.date = Field(
        description="Các năm có ngày xét từ ngày này trở đi được xét theo phiên bản mới."
    )
    reason: _text(2000) = Field(description="Lý do, căn cứ ban hành.")
    data: dict[str, Any] = Field(
        description="Nội dung bộ quy tắc: “id” mới; có thể “extends” một bộ có sẵn."
    )


def _ruleset(ruleset, origin: str, version: RuleSetVersion | None) -> dict[str, Any]:
    return {
        "id": ruleset.id,
        "title": ruleset.title,
        "effective_from": ruleset.effective_from,
        "effective_to": ruleset.effective_to,
        "basis": ruleset.basis,
        "origin": origin,
        "published_by": version.created_by.display_name if version else None,
        "published_at": version.created_at if version else None,
        "reason": version.reason if version else "",
    }


def _rule(r) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "kind": r.kind,
        "kind_label": RULE_KINDS.get(r.kind, r.kind),
        "legal_basis": r.legal_basis,
        "confidence": r.confidence,
        "confidence_label": CONFIDENCE.get(r.confidence, r.confidence),
        "awards": None if r.applies_to is None else sorted(r.applies_to),
        "effective_from": r.effective_from,
        "effective_to": r.effective_to,
        "parameters": json.loads(json.dumps(dict(r.parameters), default=str)),
    }


def _ruleset_detail(set_id: str) -> dict[str, Any]:
    found = ruleset_by_id(set_id)
    if found is None:
        raise Http404("Không tìm thấy bộ quy tắc.")
    ruleset, origin = found
    version = RuleSetVersion.objects.select_related("created_by").filter(set_id=set_id).first()
    return {
        **_ruleset(ruleset, origin, version),
        "note": ruleset.note,
        "rules": [_rule(r) for r in ruleset.rules],
        "data": ruleset.to_dict(),
    }


@router.get(
    "/rulesets",
    response={200: list[RuleSetOut], **COMMON_ERRORS},
    summary="Các phiên bản bộ quy tắc xét khen thưởng (year: chỉ bộ áp dụng cho năm đó)",
)
def list_rulesets(request, year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX)):
    published = {v.set_id: v for v in RuleSetVersion.objects.select_related("created_by")}
    pool = rulesets()
    if year is not None:
        try:
            wanted = ruleset_for(year).id
        except LookupError as exc:
            raise ValidationError({"year": str(exc)}) from None
        pool = [(s, o) for s, o in pool if s.id == wanted]
    return [_ruleset(s, origin, published.get(s.id)) for s, origin in pool]


@router.get(
    "/rulesets/{set_id}",
    response={200: RuleSetDetailOut, **COMMON_ERRORS},
    summary="Một bộ quy tắc: từng quy tắc với căn cứ pháp lý, hiệu lực, tham số",
)
def get_ruleset(request, set_id: str):
    return _ruleset_detail(set_id)


@router.post(
    "/rulesets",
    response={201: RuleSetDetailOut, **WRITE_ERRORS},
    summary="Ban hành phiên bản bộ quy tắc mới (chỉ cán bộ phê duyệt của Bộ)",
)
def publish_ruleset(request, payload: RuleSetIn):
    require(
        can_publish_rules(request.user), "Chỉ cán bộ phê duyệt của Bộ được ban hành bộ quy tắc."
    )
    version = RuleSetVersion.publish(by=request.user, **payload.dict())
    return Status(201, _ruleset_detail(version.set_id))
