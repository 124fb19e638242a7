"""API: the register's statistics and a decision's certificates (mounted at /api/v1/).

Same filters, access helpers and code as the pages: the statistics read the register rows the
user may see (`Commendation.objects.visible_to`, as /khen-thuong/thong-ke/) with the page's filter
form (a unit found by its name, accents aside); the certificates PDF is the one the certificate
page prints (`get_decision_lines_for_user`: the Ministry prints every line, a unit its own line's),
offset by the user's saved calibration of the printer, or by `x`/`y` given for a try.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema, Status
from pydantic import Field

from thidua.api.errors import COMMON_ERRORS, ErrorOut
from thidua.documents import certificates as C
from thidua.documents.models import DEFAULT_PRINTER, PrinterCalibration
from thidua.documents.views_certificates import CalibrationForm, get_decision_lines_for_user
from thidua.honours.models import Commendation
from thidua.honours.report_filters import ReportFilterForm
from thidua.honours.statistics import Pair, statistics

router = Router(tags=["Thống kê, in bằng khen"])


class StatisticsQuery(Schema):
    year_from: int | None = Field(None, description="Từ năm thành tích.")
    year_to: int | None = Field(None, description="Đến năm thành tích.")
    award: str = Field("", max_length=60, description="Mã danh hiệu, hình thức (danh mục).")
    level: str = Field("", max_length=40, description="Cấp khen: don_vi, bo_cong_an, …")
    recipient: str = Field("", max_length=8, description="tap_the hoặc ca_nhan.")
    unit: str = Field(
        "",
        max_length=80,
        description="Tên đơn vị, có dấu hay không dấu (“Lai Châu”, “lai chau”): mọi đơn vị khớp "
        "và các đơn vị tiền thân; không khớp đơn vị nào: 422.",
    )


class PairOut(Schema):
    label: str
    collectives: int
    individuals: int
    total: int


class DetailOut(Schema):
    year: int
    award_name: str
    level: str
    collectives: int
    individuals: int


class StatisticsOut(Schema):
    described: str = Field(description="Bộ lọc đã áp dụng, bằng lời.")
    total: PairOut
    by_year: list[PairOut]
    by_form: list[PairOut]
    by_level: list[PairOut]
    by_unit: list[PairOut]
    detail: list[DetailOut]


def _pair(p: Pair) -> dict:
    return {
        "label": p.label,
        "collectives": p.collectives,
        "individuals": p.individuals,
        "total": p.total,
    }


@router.get(
    "/statistics",
    response={200: StatisticsOut, **COMMON_ERRORS},
    summary="Thống kê khen thưởng theo năm, hình thức, cấp khen, đơn vị (như trang Thống kê)",
    description=(
        "Đếm từ sổ khen thưởng các hồ sơ còn hiệu lực mà người dùng được xem: Bộ xem tất cả; "
        "đơn vị xem mọi hồ sơ tập thể và hồ sơ cá nhân của đơn vị mình. Bộ lọc như trang: năm, "
        "hình thức, cấp khen, đối tượng, đơn vị (tìm theo tên). Bộ lọc sai (năm chữ, năm kết thúc "
        "trước năm bắt đầu, hình thức không có, đơn vị không tìm thấy): 422 nêu từng trường."
    ),
)
def get_statistics(request, filters: Query[StatisticsQuery]):
    form = ReportFilterForm({k: "" if v is None else str(v) for k, v in filters.dict().items()})
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    chosen = form.filters()
    stats = statistics(Commendation.objects.visible_to(request.user), chosen)
    return {
        "described": chosen.describe(),
        "total": _pair(stats.total),
        "by_year": [_pair(p) for p in stats.by_year],
        "by_form": [_pair(p) for p in stats.by_form],
        "by_level": [_pair(p) for p in stats.by_level],
        "by_unit": [_pair(p) for p in stats.by_unit],
        "detail": [
            {
                "year": year,
                "award_name": award,
                "level": level,
                "collectives": collectives,
                "individuals": individuals,
            }
            for year, award, level, collectives, individuals in stats.detail
        ],
    }


class CertificateQuery(Schema):
    printer: str = Field(
        "", max_length=100, description="Tên máy in: dùng căn chỉnh đã lưu của máy in đó."
    )
    x: str = Field("", max_length=8, description="Dịch ngang (mm) để thử, thay căn chỉnh đã lưu.")
    y: str = Field("", max_length=8, description="Dịch dọc (mm) để thử, thay căn chỉnh đã lưu.")


_PDF = {
    "200": {
        "description": "Tệp PDF, mỗi trang một tập thể, cá nhân, đặt đúng vị trí trên phôi.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _offsets(user, query: CertificateQuery) -> tuple[Decimal, Decimal]:
    if query.x or query.y:
        form = CalibrationForm(
            {"printer": query.printer or DEFAULT_PRINTER, "x": query.x, "y": query.y}
        )
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        return form.cleaned_data["x"], form.cleaned_data["y"]
    saved = PrinterCalibration.for_user(user, query.printer)
    return saved.offset_x_mm, saved.offset_y_mm


@router.get(
    "/decisions/{decision_id}/certificates.pdf",
    response={**COMMON_ERRORS, 409: ErrorOut},
    summary="Tải tệp in bằng khen, giấy khen, cờ thi đua của một quyết định đã ký (PDF, in phôi)",
    description=(
        "Như trang In bằng khen: Bộ in mọi dòng; đơn vị chỉ các dòng của đơn vị mình (404 nếu "
        "quyết định không liên quan). Dòng đã hủy bỏ không in. 409 nếu quyết định chưa ký hoặc "
        "không có dòng nào in trên phôi; 422 nếu `x`, `y` không phải số mm hợp lệ (tối đa ±50)."
    ),
    openapi_extra={"responses": _PDF},
)
def decision_certificates(request, decision_id: int, query: Query[CertificateQuery]):
    decision, lines = get_decision_lines_for_user(request.user, decision_id)
    dx, dy = _offsets(request.user, query)
    try:
        printed, _ = C.pages(decision, lines)
    except C.CertificateError as exc:
        return Status(409, {"detail": str(exc)})
    response = HttpResponse(C.render(printed, dx=dx, dy=dy), content_type="application/pdf")
    name = f"phoi-qd-{decision.seq}-{decision.authority}-{decision.number_year}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
