"""Whether a unit's figures look right: warnings (never refusals) and the criteria left empty.

A figure outside the plausible range of its criterion — a rate below 0 % or above 100 %, a change
beyond ±100 %, a count or a plan figure below 0, ten times the plan — or far from what the same
unit reported last year is accepted, but shown to the unit beside the field, in the Excel import
report and before sending; the officer confirms it. Nothing here stores or refuses anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Subquery

from thidua.cycle.models import Cycle, MethodVersion, ResultSheet
from thidua.cycle.scales import input_kind, parse_number, scale_of
from thidua.engine.numbers import fmt_number
from thidua.engine.rules import effective_target
from thidua.engine.scale import Criterion
from thidua.org.models import Unit

HUNDRED = Decimal(100)
CHANGE_WORDS = ("so với", "kéo giảm", "tăng", "giảm")
FAR_POINTS = Decimal(50)  # a rate that moved more than 50 percentage points in a year
FAR_FACTOR = Decimal(10)  # a figure ten times (or a tenth of) last year's
PLAN_FACTOR = Decimal(10)


@dataclass(frozen=True)
class Empty:
    code: str
    name: str
    counts_as: str  # what the scale's missing policy makes of it, in words

    @property
    def text(self) -> str:
        return f"{self.code} ({self.name}): {self.counts_as}"


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_number(value)
    except (ValueError, InvalidOperation):
        return None


def _pct(value: Decimal) -> str:
    return f"{fmt_number(value)}%"


def plausible_range(criterion: Criterion) -> tuple[Decimal | None, Decimal | None, str]:
    """(low, high, what it is) of a measured criterion; (None, None, "") when anything goes."""
    rule = criterion.rule
    if input_kind(criterion) != "number":
        return None, None, ""
    if criterion.plausible_min is not None or criterion.plausible_max is not None:
        return criterion.plausible_min, criterion.plausible_max, "giá trị thang điểm cho phép"
    unit = getattr(rule, "unit", "") or ""
    if unit == "%":
        name = criterion.name.casefold()
        if getattr(rule, "direction", "higher") == "lower" or any(w in name for w in CHANGE_WORDS):
            return -HUNDRED, HUNDRED, "mức tăng, giảm theo phần trăm"
        return Decimal(0), HUNDRED, "tỷ lệ phần trăm"
    return Decimal(0), None, "số lượng"


def _range_warning(criterion: Criterion, number: Decimal) -> str | None:
    low, high, what = plausible_range(criterion)
    if low is None and high is None:
        return None
    unit = getattr(criterion.rule, "unit", "") or ""
    if (low is not None and number < low) or (high is not None and number > high):
        shown = f"{fmt_number(number)}{'%' if unit == '%' else ' ' + unit}".rstrip()
        if high is None and low == 0:
            return f"{what} không thể âm ({fmt_number(number)} {unit})".replace(" )", ")")
        if high is None:
            return f"{shown} thấp hơn {what} (từ {fmt_number(low)} trở lên)"
        if low is None:
            return f"{shown} cao hơn {what} (đến {fmt_number(high)})"
        return (
            f"{fmt_number(number)}{'%' if unit == '%' else ' ' + unit} nằm ngoài khoảng hợp lý "
            f"của {what} (từ {fmt_number(low)} đến {fmt_number(high)}{'%' if unit == '%' else ''})"
        )
    return None


def _plan_warning(criterion: Criterion, number: Decimal, own_target: Any) -> str | None:
    rule = criterion.rule
    if rule.kind != "plan":
        return None
    plan = effective_target(rule, _number(own_target))
    if plan and plan > 0 and number > plan * PLAN_FACTOR:
        return (
            f"{fmt_number(number)} gấp hơn {fmt_number(PLAN_FACTOR)} lần kế hoạch "
            f"({fmt_number(plan)} {rule.unit})".rstrip()
        )
    return None


def _far_warning(criterion: Criterion, number: Decimal, last: Any) -> str | None:
    before = _number(last)
    if before is None:
        return None
    unit = getattr(criterion.rule, "unit", "") or ""
    if unit == "%":
        if abs(number - before) > FAR_POINTS:
            return f"khác xa năm trước ({_pct(before)}): chênh {_pct(abs(number - before))}"
        return None
    if before > 0 and (number > before * FAR_FACTOR or number * FAR_FACTOR < before):
        return f"khác xa năm trước ({fmt_number(before)} {unit})".replace(" )", ")")
    return None


def value_warnings(
    method: MethodVersion,
    unit: Unit,
    values: dict[str, Any],
    previous: dict[str, Any] | None = None,
) -> dict[str, str]:
    """{criterion code: "Name: what looks wrong — kiểm tra lại"} for the figures given."""
    scale = scale_of(method)
    targets = (method.targets or {}).get(unit.code, {})
    previous = previous or {}
    warnings: dict[str, str] = {}
    for criterion in scale.criteria:
        number = _number(values.get(criterion.code))
        if number is None or input_kind(criterion) != "number":
            continue
        found = [
            w
            for w in (
                _range_warning(criterion, number),
                _plan_warning(criterion, number, targets.get(criterion.code)),
                _far_warning(criterion, number, previous.get(criterion.code)),
            )
            if w
        ]
        if found:
            warnings[criterion.code] = (
                f"{criterion.name}: {'; '.join(found)}. Kiểm tra lại; nếu đúng, xác nhận khi gửi."
            )
    return warnings


def previous_values(cycle: Cycle, unit: Unit) -> dict[str, Any]:
    """What the same unit reported in the cluster's previous year ({} if it did not)."""
    from thidua.cycle.plan.next_year import previous_cycle

    before = previous_cycle(cycle)
    if before is None:
        return {}
    return (
        ResultSheet.objects.filter(cycle=before, unit__code=unit.code)
        .values_list("values", flat=True)
        .first()
        or {}
    )


def previous_values_by_unit(cycle: Cycle) -> dict[str, dict[str, Any]]:
    """{unit code: what it reported in the cluster's previous year} in one query, whether or not
    there was a previous year (for lists: the same number of queries every year). The previous
    year as next_year.previous_cycle finds it."""
    cluster = cycle.cluster
    before = (
        Cycle.objects.filter(
            cluster__movement=cluster.movement_id,
            cluster__kind=cluster.kind,
            cluster__number=cluster.number,
            cluster__year__lt=cluster.year,
            methods__isnull=False,
        )
        .order_by("-cluster__year")
        .values("pk")[:1]
    )
    sheets = ResultSheet.objects.filter(cycle=Subquery(before))
    return dict(sheets.values_list("unit__code", "values"))


def sheet_warnings(sheet: ResultSheet, values: dict[str, Any] | None = None) -> dict[str, str]:
    """The warnings of a sheet's stored figures (or of the figures about to replace them)."""
    method = sheet.cycle.method
    if method is None or not method.scale:
        return {}
    return value_warnings(
        method,
        sheet.unit,
        sheet.values if values is None else values,
        previous_values(sheet.cycle, sheet.unit),
    )


def _counts_as(criterion: Criterion) -> str:
    if criterion.missing == "block":
        return "bắt buộc — chưa gửi được khi còn trống"
    if criterion.rule.kind == "veto":
        return "coi như không xảy ra"
    if criterion.max_points == 0:
        return "không cộng, không trừ điểm"
    return "tính 0 điểm"


def empty_criteria(method: MethodVersion, values: dict[str, Any]) -> list[Empty]:
    """The scale's criteria with no figure, each with what it will count as."""
    return [
        Empty(c.code, c.name, _counts_as(c))
        for c in scale_of(method).criteria
        if values.get(c.code) in (None, "")
    ]


def is_complete(method: MethodVersion, values: dict[str, Any]) -> bool:
    return not empty_criteria(method, values)
