"""The register's yearly reports: commendation statistics and the reward fund (page and XLSX).

Both read the register rows the user may see (`CommendationQuerySet.visible_to`): the Ministry sees
every row; a unit's users see every collective row and the individual rows of their unit line.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from thidua.honours import money
from thidua.honours.exports import exported_by, xlsx_response
from thidua.honours.models import Commendation, by_name
from thidua.honours.report_filters import ReportFilterForm
from thidua.honours.statistics import Filters, sheets_workbook, statistics
from thidua.honours.statistics import statistics_workbook as stats_xlsx
from thidua.honours.views.common import wants_excel


def _form(request: HttpRequest) -> ReportFilterForm:
    params = request.GET.copy()
    params.pop("xuat", None)
    return ReportFilterForm(params or None)


def _rows(request: HttpRequest):
    return Commendation.objects.visible_to(request.user)


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    stats = statistics(_rows(request), filters)
    if wants_excel(request) and not form.errors:
        data = stats_xlsx(stats, filters, exported_by(request.user))
        return xlsx_response(data, "thong-ke-khen-thuong.xlsx")
    return render(
        request,
        "honours/statistics.html",
        {"form": form, "stats": stats, "described": filters.describe()},
        status=422 if form.errors else 200,
    )


@require_GET
def fund_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    rows = filters.apply(_rows(request)).select_related("person__current_unit", "unit")
    fund = money.fund(
        rows.order_by("decision_date", "decision_no", by_name("person"), "unit__sort_key", "pk")
    )
    if wants_excel(request) and not form.errors:
        return xlsx_response(
            fund_workbook(fund, filters, exported_by(request.user)), "quy-khen-thuong.xlsx"
        )
    table = money.salary_table()
    return render(
        request,
        "honours/fund.html",
        {
            "form": form,
            "fund": fund,
            "described": filters.describe(),
            "rates": [
                {"label": money.vnd(r.amount), "from": r.effective_from, "basis": r.basis}
                for r in reversed(table.rates)
            ],
            "rounding": table.rounding_basis,
            "decisions": [
                {
                    "no": no,
                    "date": date,
                    "issuer": issuer,
                    "total": t,
                    "amount": money.vnd(t.amount),
                }
                for (no, date, issuer), t in fund.by_decision.items()
            ],
            "units": [{"total": t, "amount": money.vnd(t.amount)} for t in fund.by_unit.values()],
            "years": [{"total": t, "amount": money.vnd(t.amount)} for t in fund.by_year.values()],
            "grand": money.vnd(fund.total.amount),
        },
        status=422 if form.errors else 200,
    )


def fund_workbook(fund: money.Fund, filters: Filters, subtitle: str) -> bytes:
    described = filters.describe()
    title = "Quỹ tiền thưởng thi đua, khen thưởng" + (f" ({described})" if described else "")
    heads = ["Số lượt khen", "Chưa có hệ số", "Tiền thưởng (đồng)"]

    def totals(items: dict, label: str) -> list[list]:
        rows = [[t.label, t.count, t.without_amount, int(t.amount)] for t in items.values()]
        total = fund.total
        return [*rows, [label, total.count, total.without_amount, int(total.amount)]]

    decisions = [
        [no, date, issuer, t.count, t.without_amount, int(t.amount)]
        for (no, date, issuer), t in fund.by_decision.items()
    ]
    decisions.append(
        ["Tổng cộng", None, "", fund.total.count, fund.total.without_amount, int(fund.total.amount)]
    )
    lines = [
        [
            ln.year,
            ln.decision_no,
            ln.decision_date,
            ln.award_name,
            ln.recipient,
            ln.recipient_kind,
            ln.unit_name,
            float(ln.multiple) if ln.multiple is not None else "chưa có hệ số",
            ln.base_salary,
            int(ln.amount) if ln.amount is not None else None,
        ]
        for ln in fund.lines
    ]
    return sheets_workbook(
        title,
        subtitle,
        [
            ("Theo năm", ["Năm", *heads], totals(fund.by_year, "Tổng cộng"), [16, 12, 14, 20]),
            (
                "Theo đơn vị",
                ["Đơn vị", *heads],
                totals(fund.by_unit, "Tổng cộng"),
                [44, 12, 14, 20],
            ),
            (
                "Theo quyết định",
                ["Số quyết định", "Ngày", "Cơ quan ban hành", *heads],
                decisions,
                [22, 12, 36, 12, 14, 20],
            ),
            (
                "Chi tiết",
                [
                    "Năm",
                    "Số quyết định",
                    "Ngày",
                    "Danh hiệu, hình thức",
                    "Người, đơn vị được khen",
                    "Đối tượng",
                    "Đơn vị",
                    "Hệ số (lần lương cơ sở)",
                    "Lương cơ sở (đồng)",
                    "Tiền thưởng (đồng)",
                ],
                lines,
                [8, 18, 12, 36, 30, 10, 36, 14, 16, 18],
            ),
        ],
    )
