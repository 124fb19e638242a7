"""Whether a unit's figures look right: warnings the officer confirms, and the criteria left empty.

A figure outside its criterion's valid range (a rate below 0 % or above 100 %, a fall of more than
100 %, a negative count or plan figure, or outside the scale's own "min"/"max") is no warning: it
is refused where values are read, once for the page, the API and the Excel import
(thidua.cycle.scales.range_error). What is only unlikely is warned here — a rise above 100 %, ten
times the plan, far from what the same unit reported last year, far outside what the cluster's
other members sent this year (cluster_spread) — beside the field, in the Excel import report, in
the API's answer and before sending; the officer confirms it. Nothing here stores or refuses anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Subquery

from thidua.cycle.models import Cycle, MethodVersion, ResultSheet
from thidua.cycle.results.cluster_spread import ClusterFigures, cluster_figures, spread_warning
from thidua.cycle.scales import HUNDRED, input_kind, is_change, parse_number, range_error, scale_of
from thidua.engine.numbers import fmt_number
from thidua.engine.rules import effective_target
from thidua.engine.scale import Criterion
from thidua.org.models import Unit

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


def _rise_warning(criterion: Criterion, number: Decimal) -> str | None:
    """A change above +100 %: possible (the valid range has no top), but rarely true."""
    if criterion.plausible_max is not None or not is_change(criterion) or number <= HUNDRED:
        return None
    return f"mức tăng {_pct(number)} vượt quá 100%"


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
    *,
    out_of_range: bool = False,
    cluster: ClusterFigures | None = None,
) -> dict[str, str]:
    """{criterion code: "Name: what looks wrong — kiểm tra lại"} for the figures given. With
    `out_of_range`, a figure outside its valid range is flagged too: one stored before the range
    was checked (figures being entered are refused instead, by the same sentence). With
    `cluster` (cluster_figures), a figure far outside the other members' is flagged too."""
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
                (range_error(criterion, number) or "").rstrip(".") if out_of_range else None,
                _rise_warning(criterion, number),
                _plan_warning(criterion, number, targets.get(criterion.code)),
                _far_warning(criterion, number, previous.get(criterion.code)),
                spread_warning(criterion, number, cluster, unit.code),
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
    """The warnings of a sheet's stored figures, those out of range included (or of the figures
    about to replace them, which are refused when out of range)."""
    method = sheet.cycle.method
    if method is None or not method.scale:
        return {}
    return value_warnings(
        method,
        sheet.unit,
        sheet.values if values is None else values,
        previous_values(sheet.cycle, sheet.unit),
        out_of_range=values is None,
        cluster=cluster_figures(sheet.cycle),
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
