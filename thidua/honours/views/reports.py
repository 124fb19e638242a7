"""The register's yearly reports: commendation statistics and the reward fund (page and XLSX).

Both read the register rows the user may see (`CommendationQuerySet.visible_to`): the Ministry sees
every row; a unit's users see every collective row and the individual rows of their unit line.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from thidua.engine import text
from thidua.honours import money
from thidua.honours.exports import exported_by, xlsx_response
from thidua.honours.forms import year_field
from thidua.honours.models import Commendation, award_choices
from thidua.honours.statistics import LEVELS, Filters, sheets_workbook, statistics
from thidua.honours.statistics import statistics_workbook as stats_xlsx
from thidua.honours.views.common import wants_excel
from thidua.org.models import Unit


class ReportFilterForm(forms.Form):
    year_from = year_field("Từ năm", required=False)
    year_to = year_field("Đến năm", required=False)
    award = forms.ChoiceField(
        label="Hình thức", required=False, choices=[("", "Tất cả"), *award_choices()]
    )
    level = forms.ChoiceField(
        label="Cấp khen", required=False, choices=[("", "Tất cả"), *LEVELS.items()]
    )
    recipient = forms.ChoiceField(
        label="Đối tượng",
        required=False,
        choices=[("", "Tất cả"), *Commendation.Recipient.choices],
    )
    unit = forms.CharField(
        label="Đơn vị",
        required=False,
        max_length=80,
        # Accents and spelling aside: "Lai Châu", "lai chau".
        widget=forms.TextInput(attrs={"placeholder": "Tên đơn vị, ví dụ: Lai Châu"}),
    )

    def clean_unit(self) -> tuple[Unit, ...]:
        """The units whose name, code or recorded alias matches, accents and spelling variants
        aside (Unit.objects.search, as everywhere in the app)."""
        query = text.normalize(self.cleaned_data["unit"])
        if not query:
            return ()
        found = tuple(Unit.objects.search(query).order_by("sort_key", "pk"))
        if not found:
            raise forms.ValidationError(f"Không có đơn vị nào có tên “{query}”.")
        return found

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", f"Năm kết thúc ({end}) trước năm bắt đầu ({start}).")
        return data

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        d = self.cleaned_data
        return Filters(
            year_from=d["year_from"],
            year_to=d["year_to"],
            award=d["award"],
            level=d["level"],
            recipient=d["recipient"],
            units=d["unit"],
        )


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
    fund = money.fund(rows.order_by("decision_date", "decision_no", "pk"))
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
