"""How far a figure lies from those of the cluster's other members, robustly: their median and their
middle range (first to third quartile), and Tukey's "far out" fences around that range.

Pure statistics on Decimals (no Django): the cycle app reads the other members' figures and words
the warning (thidua.cycle.results.cluster_spread). Nothing here refuses a figure: a figure beyond
the fences is only worth a second look.

Least privilege: a unit is shown no other unit's figure. What leaves this module about the others
is their median and middle range (`Spread`), never the list of figures, and only when at least
`MIN_OTHERS` of them are known: fewer, and the summary would come too close to naming a figure.
The lowest and highest figures are never shown: with distinct figures and at least four of them,
the middle range lies strictly inside them (the quartiles are interpolated, never the extremes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

from thidua.engine.numbers import CONTEXT

__all__ = ["FAR", "MIN_OTHERS", "MIN_WIDTH_SHARE", "Spread", "quartiles", "spread_of"]

#: Fewer other figures than this and no spread is computed (so no warning, and nothing shown).
MIN_OTHERS = 4
#: "Far outside": beyond three middle ranges below the first or above the third quartile (Tukey's
#: "far out"; 1.5 would flag one honest figure in a handful among a cluster of eight).
FAR = Decimal(3)
#: A middle range narrower than a tenth of the median (all members at 100 %, say) counts as that
#: tenth, so that 99 % among a cluster at 100 % is no warning.
MIN_WIDTH_SHARE = Decimal("0.1")


@dataclass(frozen=True)
class Spread:
    """The others' median and middle range (first to third quartile), and how many they were."""

    median: Decimal
    low: Decimal
    high: Decimal
    count: int

    def width(self, floor: Decimal = Decimal(0)) -> Decimal:
        """The middle range's width, at least a tenth of the median and at least `floor` (the
        smallest difference that matters for the criterion, in its own unit)."""
        with localcontext(CONTEXT):
            return max(self.high - self.low, abs(self.median) * MIN_WIDTH_SHARE, floor)

    def bounds(self, floor: Decimal = Decimal(0)) -> tuple[Decimal, Decimal]:
        """(lowest, highest) figure that is not far outside the others'."""
        with localcontext(CONTEXT):
            far = FAR * self.width(floor)
            return self.low - far, self.high + far

    def side(self, value: Decimal, floor: Decimal = Decimal(0)) -> Literal["low", "high"] | None:
        """Whether `value` is far outside the others' figures: "low", "high", or None."""
        lowest, highest = self.bounds(floor)
        if value < lowest:
            return "low"
        if value > highest:
            return "high"
        return None


def quartiles(values: Iterable[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(first quartile, median, third quartile), interpolated linearly between the sorted figures
    ("inclusive" method: Python's statistics.quantiles(method="inclusive"), NumPy's default).
    Exact in Decimal."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no figures")
    last = len(ordered) - 1

    def at(quarter: int) -> Decimal:
        index, rest = divmod(last * quarter, 4)
        if not rest:
            return ordered[index]
        with localcontext(CONTEXT):
            return ordered[index] + (ordered[index + 1] - ordered[index]) * rest / 4

    return at(1), at(2), at(3)


def spread_of(values: Iterable[Decimal]) -> Spread | None:
    """The spread of the other members' figures; None for fewer than MIN_OTHERS of them."""
    figures = list(values)
    if len(figures) < MIN_OTHERS:
        return None
    low, median, high = quartiles(figures)
    return Spread(median=median, low=low, high=high, count=len(figures))
