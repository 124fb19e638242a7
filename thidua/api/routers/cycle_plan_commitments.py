"""API for the members' part of a cluster's year plan (mounted under /api/v1/clusters/): the
covenant and its signatures, title registrations and drives. (The year itself and its method:
thidua/api/routers/cycle_plan.py, split from it with issue #12; the operation ids are kept.)

The same access helpers and model steps as the pages (thidua/cycle/views/commitments.py): everyone in the
cluster's scope reads; the secretariat writes the covenant and runs the drives; each unit's officer
signs and registers for their own unit. Every write is one transaction, audited by the model step it
calls. The covenant, registrations and drives carry their `version` (0 when there was none yet): a
stale one is 409 and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.schemas import UnitRef
from thidua.cycle import workflow
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
from thidua.cycle.models import Covenant, Cycle, Drive, Registration
from thidua.cycle.models.plan import (
    COLLECTIVE_TITLES,
    INDIVIDUAL_TITLES,
    Rate,
    registration_rate,
)
from thidua.lib.workflow import WorkflowError
from thidua.org.access import require

router = Router(tags=["Năm thi đua: kế hoạch"])
OPERATION_ID = "thidua_api_routers_cycle_plan_"  # the ids from before the split

COVENANT = "/{year}/{number}/covenant"
REGISTRATIONS = "/{year}/{number}/registrations"
DRIVES = "/{year}/{number}/drives"


# -- schemas ---------------------------------------------------------------------------------------


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
    operation_id=OPERATION_ID + "get_covenant",
)
def get_covenant(request, year: int, number: int):
    return _covenant_out(get_cycle_for_user(request.user, year, number))


@router.put(
    COVENANT,
    response={200: CovenantOut, **WRITE_ERRORS},
    summary="Soạn hoặc sửa giao ước thi đua (Thường trực Cụm; đã có đơn vị ký thì không sửa được nội dung)",
    operation_id=OPERATION_ID + "put_covenant",
)
def put_covenant(request, year: int, number: int, payload: CovenantIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, workflow.WRITE_COVENANT.refusal)
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
    operation_id=OPERATION_ID + "sign_covenant",
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
    operation_id=OPERATION_ID + "list_registrations",
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
    operation_id=OPERATION_ID + "get_registration",
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
    operation_id=OPERATION_ID + "put_registration",
)
def put_registration(request, year: int, number: int, code: str, payload: RegistrationIn):
    access = get_cycle_for_user(request.user, year, number)
    unit, _, may_edit = get_registration_for_user(access, code)
    require(may_edit, workflow.REGISTER.refusal)
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
    operation_id=OPERATION_ID + "list_drives",
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
    operation_id=OPERATION_ID + "create_drive",
)
def create_drive(request, year: int, number: int, payload: DriveIn):
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, workflow.ADD_DRIVE.refusal)
    drive = Drive.save_drive(access.cycle, by=request.user, **_drive_values(payload))
    return Status(201, _drive_out(drive, True))


@router.get(
    DRIVES + "/{drive_id}",
    response={200: DriveOut, **COMMON_ERRORS},
    summary="Một đợt thi đua: thời gian, chỉ tiêu, kết quả",
    operation_id=OPERATION_ID + "get_drive",
)
def get_drive(request, year: int, number: int, drive_id: int):
    access = get_cycle_for_user(request.user, year, number)
    return _drive_out(*get_drive_for_user(access, drive_id))


@router.put(
    DRIVES + "/{drive_id}",
    response={200: DriveOut, **WRITE_ERRORS},
    summary="Sửa đợt thi đua, ghi kết quả (Thường trực Cụm; gửi kèm `version` đã đọc)",
    operation_id=OPERATION_ID + "put_drive",
)
def put_drive(request, year: int, number: int, drive_id: int, payload: DriveUpdateIn):
    access = get_cycle_for_user(request.user, year, number)
    drive, _ = get_drive_for_user(access, drive_id)
    require(access.is_secretariat, workflow.EDIT_DRIVE.refusal)
    drive = Drive.save_drive(
        access.cycle,
        by=request.user,
        drive=drive,
        expected_version=payload.version,
        **_drive_values(payload),
    )
    return _drive_out(*get_drive_for_user(access, drive.pk))
