"""The cluster's spread warning: a figure far outside what the cluster's other members sent for the
same criterion this year (thidua.engine.spread does the statistics; this module reads the figures
and words the warning for thidua.cycle.results.plausibility).

Only sent sheets count (a draft may still change; a returned sheet is being corrected), never the
unit's own, and only when at least four other members sent a figure for the criterion.

Least privilege: the warning is read by the unit's officers, who may not see another unit's sheet.
It names no other unit and shows none of their figures: only the others' median and middle range
(first to third quartile), rounded, and only from four figures or more (engine.spread.MIN_OTHERS).
The figures read here never leave this module in any other form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from thidua.cycle.models import Cycle, ResultSheet
from thidua.cycle.scales import parse_number
from thidua.engine.numbers import fmt_number
from thidua.engine.scale import Criterion
from thidua.engine.spread import Spread, spread_of

#: The smallest middle range that matters, in the criterion's unit: five percentage points for a
#: rate or a change, one for anything counted.
MIN_WIDTH = {"%": Decimal(5)}
MIN_WIDTH_OTHER = Decimal(1)
PLACES = 1  # the median and range are shown rounded to one decimal (never more than the figures)


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return parse_number(value)
    except (ValueError, ArithmeticError):
        return None


@dataclass(frozen=True)
class ClusterFigures:
    """The figures the cluster's members sent this year, by unit code (read once for every
    criterion and every unit of the cluster), and the cluster's word ("Cụm" or "Khối")."""

    word: str
    by_unit: dict[str, dict[str, Any]]

    def spread(self, code: str, *, without: str) -> Spread | None:
        """The spread of the other members' figures for criterion `code` (None for fewer than
        four); `without` is the unit whose figure is being checked."""
        figures = (
            _number(values.get(code)) for unit, values in self.by_unit.items() if unit != without
        )
        return spread_of(f for f in figures if f is not None)


def cluster_figures(
    cycle: Cycle, sheets: Mapping[str, ResultSheet | None] | None = None
) -> ClusterFigures:
    """The sent figures of the cycle's members, in one query for all criteria and units — or
    none, from `sheets` ({unit code: sheet}) when the caller already holds every sheet."""
    sent = ResultSheet.State.SUBMITTED
    if sheets is None:
        rows = (
            ResultSheet.objects.filter(cycle=cycle, state=sent)
            .values_list("unit__code", "values")
            .order_by()
        )
        by_unit = {code: values or {} for code, values in rows}
    else:
        by_unit = {
            code: s.values or {} for code, s in sheets.items() if s is not None and s.state == sent
        }
    return ClusterFigures(word=cycle.cluster.kind_word, by_unit=by_unit)


def _shown(criterion: Criterion, value: Decimal, places: int | None = None) -> str:
    unit = getattr(criterion.rule, "unit", "") or ""
    number = fmt_number(value, places)
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".rstrip()


def spread_warning(
    criterion: Criterion, number: Decimal, figures: ClusterFigures | None, unit_code: str
) -> str | None:
    """The warning, as "12% thấp hơn nhiều so với các đơn vị khác trong Cụm (trung vị 85%, khoảng
    một nửa số đơn vị từ 82,5% đến 87,5%)"; None when the figure is not far outside the others' figures, or
    fewer than four others sent one."""
    if figures is None:
        return None
    spread = figures.spread(criterion.code, without=unit_code)
    if spread is None:
        return None
    unit = getattr(criterion.rule, "unit", "") or ""
    side = spread.side(number, MIN_WIDTH.get(unit, MIN_WIDTH_OTHER))
    if side is None:
        return None
    where = "thấp hơn nhiều" if side == "low" else "cao hơn nhiều"
    # The middle range holds about half the others' figures (exactly half of four, three of five…):
    # said so rather than "most", which it is not.
    low = fmt_number(spread.low, PLACES) + ("%" if unit == "%" else "")
    high = _shown(criterion, spread.high, PLACES)
    # Half the others or more at one figure: the median says it ("từ 100% đến 100%" would not).
    middle = f", khoảng một nửa số đơn vị từ {low} đến {high}" if spread.low != spread.high else ""
    return (
        f"{_shown(criterion, number)} {where} so với các đơn vị khác trong {figures.word} "
        f"(trung vị {_shown(criterion, spread.median, PLACES)}{middle})"
    )
