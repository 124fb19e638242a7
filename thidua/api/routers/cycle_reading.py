"""API for reading a unit's year-end report into its results sheet (issue 19; mounted under
/api/v1/clusters/). The same model methods and access helpers as the page "Đọc số liệu từ báo
cáo": the unit's officers upload a report and accept values; whoever may see the sheet may read
the readings. Nothing enters the sheet until ``…/accept`` is called with the values chosen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.cycle.access import CycleAccess, get_cycle_for_user, get_result_sheet_for_user
from thidua.cycle.models import ReportReading, ResultSheet
from thidua.cycle.scoring import scale_of
from thidua.cycle.views.results import NOT_REPORTER
from thidua.org.access import require

router = Router(tags=["Năm thi đua: số liệu, kiểm tra chéo"])

READINGS = "/{year}/{number}/units/{code}/results/readings"


class SuggestionOut(Schema):
    criterion: str
    criterion_name: str
    value: float | int
    figure: int
    confidence: float


class ReadingOut(Schema):
    id: int
    name: str
    uploaded_at: dt.datetime
    uploaded_by: str
    url: str
    figures: list[dict[str, Any]]
    suggestions: list[SuggestionOut]
    accepted: dict[str, dict[str, Any]]
    sheet_values: dict[str, Any]
    sheet_version: int


class AcceptIn(Schema):
    values: dict[str, str]  # criterion → value as written ("91,6"), suggested or corrected
    version: int | None = None


def _out(access: CycleAccess, sheet: ResultSheet, reading: ReportReading) -> dict[str, Any]:
    cluster = access.cycle.cluster
    scale = scale_of(access.cycle.method)
    return {
        "id": reading.pk,
        "name": reading.original_name,
        "uploaded_at": reading.uploaded_at,
        "uploaded_by": reading.uploaded_by.display_name,
        "url": reverse(
            "cycle_reading_download",
            args=[cluster.year, cluster.number, sheet.unit.code, reading.pk],
        ),
        "figures": reading.figures,
        "suggestions": [
            {**s, "criterion_name": scale.criterion(s["criterion"]).name}
            for s in reading.suggestions
            if scale.has_criterion(s["criterion"])
        ],
        "accepted": reading.accepted,
        "sheet_values": sheet.values,
        "sheet_version": sheet.version,
    }


def _sheet(request, year: int, number: int, code: str) -> tuple[CycleAccess, ResultSheet]:
    access = get_cycle_for_user(request.user, year, number)
    sheet, _ = get_result_sheet_for_user(access, code)
    return access, sheet


@router.get(
    READINGS,
    response={200: list[ReadingOut], **COMMON_ERRORS},
    summary="Các báo cáo đã đọc số liệu của một đơn vị, kèm gợi ý và giá trị đã nhận",
)
def list_readings(request, year: int, number: int, code: str):
    access, sheet = _sheet(request, year, number, code)
    readings = sheet.readings.select_related("uploaded_by").order_by("uploaded_at", "pk")
    return [_out(access, sheet, r) for r in readings]


@router.post(
    READINGS,
    response={201: ReadingOut, **WRITE_ERRORS},
    summary="Đọc số liệu từ báo cáo tổng kết (multipart, trường `file`: DOCX, PDF có lớp chữ, "
    "TXT); chưa đưa giá trị nào vào bảng số liệu",
)
def create_reading(request, year: int, number: int, code: str, file: File[UploadedFile] = None):
    access, sheet = _sheet(request, year, number, code)
    require(sheet.is_reporter(request.user), NOT_REPORTER)
    if file is None:
        raise ValidationError({"file": "Chọn tệp báo cáo để tải lên."})
    reading = ReportReading.read(sheet, by=request.user, upload=file)
    return Status(201, _out(access, sheet, reading))


@router.get(
    READINGS + "/{reading_id}",
    response={200: ReadingOut, **COMMON_ERRORS},
    summary="Một báo cáo đã đọc: mọi số liệu (câu, vị trí), gợi ý theo tiêu chí, giá trị đã nhận",
)
def get_reading(request, year: int, number: int, code: str, reading_id: int):
    access, sheet = _sheet(request, year, number, code)
    return _out(access, sheet, get_object_or_404(ReportReading, sheet=sheet, pk=reading_id))


@router.post(
    READINGS + "/{reading_id}/accept",
    response={200: ReadingOut, **WRITE_ERRORS},
    summary="Nhận giá trị vào bảng số liệu (nháp): `values` theo mã tiêu chí, như gợi ý hoặc đã "
    "sửa; tất cả hoặc không giá trị nào",
)
def accept_reading(request, year: int, number: int, code: str, reading_id: int, payload: AcceptIn):
    access, sheet = _sheet(request, year, number, code)
    reading = get_object_or_404(ReportReading, sheet=sheet, pk=reading_id)
    require(sheet.is_reporter(request.user), NOT_REPORTER)
    reading.accept(by=request.user, values=payload.values, expected_version=payload.version)
    return _out(access, reading.sheet, reading)
