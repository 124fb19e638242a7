"""API for a cluster's results and cross-inspection (mounted under /api/v1/clusters/).

The same access helpers and model methods as the pages: a unit's sheet is read and written by its
own officers, submitted once; inspections by the assigned teams. Refusals are JSON in Vietnamese:
404 out of scope, 403 forbidden, 409 wrong state or a concurrent edit (send the `version` you
read), 422 invalid values, named per criterion (`loc` = the criterion code).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Router, Schema

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.schemas import UnitRef
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_inspection_for_user,
    get_result_sheet_for_user,
    inspections_for_user,
)
from thidua.cycle.models import Inspection, ResultSheet
from thidua.cycle.models.reading import source_out, value_sources
from thidua.cycle.results.plausibility import sheet_warnings

router = Router(tags=["Năm thi đua: số liệu, kiểm tra chéo"])

RESULTS = "/{year}/{number}/units/{code}/results"
INSPECTIONS = "/{year}/{number}/inspections"


class ScoreOut(Schema):
    total: str | None  # None: a missing required value blocks the total
    total_formula: str
    groups: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    vetoes: list[dict[str, Any]]
    missing: list[str]


class EvidenceOut(Schema):
    id: int
    criterion: str
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str


class ResultsOut(Schema):
    unit: UnitRef
    state: str
    state_label: str
    values: dict[str, Any]
    # the word written with a value ("hơn" of "hơn 98"): shown, not scored; send it back in the
    # value's text ("hơn 98") to keep it
    qualifiers: dict[str, str]
    remarks: dict[str, str]
    version: int
    revision: int
    can_edit: bool
    submitted_at: dt.datetime | None
    submitted_by: str | None
    return_reason: str
    evidence: list[EvidenceOut]
    self_assessment: ScoreOut | None
    # code → why the figure looks unlikely (a rise above 100 %, ten times the plan, far from last
    # year): accepted, but submitting asks `confirm_warnings`; a figure outside its criterion's
    # valid range is refused (422) instead
    warnings: dict[str, str]


class ResultsIn(Schema):
    values: dict[str, Any]
    remarks: dict[str, str] = {}
    version: int


class SubmitIn(Schema):
    version: int | None = None
    # true: the officer has checked the figures listed in `warnings` and sends them as they are
    confirm_warnings: bool = False


class InspectionSummaryOut(Schema):
    id: int
    team: str
    unit: UnitRef
    state: str
    state_label: str
    submitted_at: dt.datetime | None


class InspectionOut(InspectionSummaryOut):
    values: dict[str, Any]
    remarks: dict[str, str]
    reported: dict[str, Any]
    version: int
    can_edit: bool
    submitted_by: str | None
    score: ScoreOut | None
    discrepancies: list[dict[str, Any]]


class InspectionIn(Schema):
    values: dict[str, Any]
    remarks: dict[str, str] = {}
    version: int


def _score(stored, sources: dict[str, dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """A stored score sheet; with ``sources`` (value_sources of the unit's sheet) each criterion
    whose value was accepted from a report carries ``source``: the sentence it came from."""
    if stored is None:
        return None
    sheet = stored.sheet
    criteria = sheet.get("criteria", [])
    if sources:
        criteria = [
            {**c, "source": source_out(sources[c["code"]])} if c.get("code") in sources else c
            for c in criteria
        ]
    return {
        "total": sheet.get("total"),
        "total_formula": sheet.get("total_formula", ""),
        "groups": sheet.get("groups", []),
        "criteria": criteria,
        "vetoes": sheet.get("vetoes", []),
        "missing": sheet.get("missing", []),
    }


def _results_out(access: CycleAccess, sheet: ResultSheet, can_edit: bool) -> dict[str, Any]:
    cluster = access.cycle.cluster
    return {
        "unit": sheet.unit,
        "state": sheet.state,
        "state_label": sheet.get_state_display(),
        "values": sheet.values,
        "qualifiers": sheet.qualifiers,
        "remarks": sheet.remarks,
        "version": sheet.version,
        "revision": sheet.revision,
        "can_edit": can_edit,
        "submitted_at": sheet.submitted_at,
        "submitted_by": sheet.submitted_by.display_name if sheet.submitted_by else None,
        "return_reason": sheet.return_reason,
        "evidence": [
            {
                "id": e.pk,
                "criterion": e.criterion,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "uploaded_at": e.uploaded_at,
                "url": reverse(
                    "cycle_evidence_download",
                    args=[cluster.year, cluster.number, sheet.unit.code, e.pk],
                ),
            }
            for e in sheet.evidence.order_by("uploaded_at")
        ],
        "self_assessment": _score(sheet.self_assessment(), value_sources(sheet)),
        "warnings": sheet_warnings(sheet) if sheet.editable_by_unit else {},
    }


def _load_sheet(request, year: int, number: int, code: str):
    access = get_cycle_for_user(request.user, year, number)
    sheet, _ = get_result_sheet_for_user(access, code)
    return access, sheet


@router.get(
    RESULTS,
    response={200: ResultsOut, **COMMON_ERRORS},
    summary="Số liệu kết quả của một đơn vị (giá trị, giải trình, trạng thái, phiên bản)",
)
def get_results(request, year: int, number: int, code: str):
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    return _results_out(access, sheet, can_edit)


@router.put(
    RESULTS,
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="Lưu nháp số liệu (gửi kèm `version` đã đọc; 409 nếu người khác đã sửa)",
)
def put_results(request, year: int, number: int, code: str, payload: ResultsIn):
    access, sheet = _load_sheet(request, year, number, code)
    sheet.save_values(
        by=request.user,
        values=payload.values,
        remarks=payload.remarks,
        expected_version=payload.version,
    )
    return _results_out(access, *get_result_sheet_for_user(access, code))


@router.post(
    RESULTS + "/submit",
    response={200: ResultsOut, **WRITE_ERRORS},
    summary="Gửi số liệu tới Thường trực Cụm; hệ thống chấm điểm tự đánh giá ngay",
)
def submit_results(request, year: int, number: int, code: str, payload: SubmitIn | None = None):
    access, sheet = _load_sheet(request, year, number, code)
    warnings = sheet_warnings(sheet) if sheet.editable_by_unit else {}
    if warnings and not (payload and payload.confirm_warnings):
        raise ValidationError(
            {
                "confirm_warnings": [
                    f"{text} Gửi lại với confirm_warnings: true nếu số liệu đúng."
                    for text in warnings.values()
                ]
            }
        )
    confirmed = "Đã xác nhận số liệu được cảnh báo: " + " | ".join(warnings.values())
    sheet.submit(
        by=request.user,
        expected_version=payload.version if payload else None,
        confirmed=confirmed if warnings else "",
    )
    return _results_out(access, *get_result_sheet_for_user(access, code))


# -- cross-inspection --------------------------------------------------------------------------


def _summary(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "team": inspection.team.name,
        "unit": inspection.unit,
        "state": inspection.state,
        "state_label": inspection.get_state_display(),
        "submitted_at": inspection.submitted_at,
    }


def _inspection_out(access: CycleAccess, inspection: Inspection, can_edit: bool) -> dict:
    reported = (
        ResultSheet.objects.filter(cycle=access.cycle, unit=inspection.unit)
        .values_list("values", flat=True)
        .first()
    )
    return {
        **_summary(inspection),
        "values": inspection.values,
        "remarks": inspection.remarks,
        "reported": reported or {},
        "version": inspection.version,
        "can_edit": can_edit,
        "submitted_by": inspection.submitted_by.display_name if inspection.submitted_by else None,
        "score": _score(inspection.score_sheet()),
        "discrepancies": inspection.discrepancies(),
    }


@router.get(
    INSPECTIONS,
    response={200: list[InspectionSummaryOut], **COMMON_ERRORS},
    summary="Các cuộc kiểm tra chéo người dùng được xem (đoàn được phân công, Thường trực Cụm, Bộ)",
)
def list_inspections(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    inspections = inspections_for_user(access).select_related("team", "unit").order_by("team", "pk")
    return [_summary(i) for i in inspections]


@router.get(
    INSPECTIONS + "/{inspection_id}",
    response={200: InspectionOut, **COMMON_ERRORS},
    summary="Một cuộc kiểm tra chéo: số liệu đơn vị báo cáo, số liệu đoàn xác minh, nhận xét",
)
def get_inspection(request, year: int, number: int, inspection_id: int):
    access = get_cycle_for_user(request.user, year, number)
    return _inspection_out(access, *get_inspection_for_user(access, inspection_id))


@router.put(
    INSPECTIONS + "/{inspection_id}",
    response={200: InspectionOut, **WRITE_ERRORS},
    summary="Lưu kết quả kiểm tra (giá trị khác số liệu báo cáo phải có nhận xét)",
)
def put_inspection(request, year: int, number: int, inspection_id: int, payload: InspectionIn):
    access = get_cycle_for_user(request.user, year, number)
    inspection, _ = get_inspection_for_user(access, inspection_id)
    inspection.save_scores(
        by=request.user,
        values=payload.values,
        remarks=payload.remarks,
        expected_version=payload.version,
    )
    return _inspection_out(access, *get_inspection_for_user(access, inspection_id))


@router.post(
    INSPECTIONS + "/{inspection_id}/submit",
    response={200: InspectionOut, **WRITE_ERRORS},
    summary="Gửi kết quả kiểm tra; hệ thống chấm điểm theo số liệu đoàn xác minh",
)
def submit_inspection(
    request, year: int, number: int, inspection_id: int, payload: SubmitIn | None = None
):
    access = get_cycle_for_user(request.user, year, number)
    inspection, _ = get_inspection_for_user(access, inspection_id)
    inspection.submit(by=request.user, expected_version=payload.version if payload else None)
    return _inspection_out(access, *get_inspection_for_user(access, inspection_id))
