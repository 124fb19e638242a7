"""The cluster's spread (thidua.engine.spread): the others' median and middle range, and when a
figure is far outside them. Properties over any figures, and a few worked cases."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.engine.spread import MIN_OTHERS, quartiles, spread_of

figure = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)
figures = st.lists(figure, min_size=MIN_OTHERS, max_size=40)
floor = st.decimals(min_value=0, max_value=100, places=2)
factor = st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2)


@given(figures, floor, st.data())
def test_a_figure_inside_the_middle_range_never_warns(values, least, data):
    spread = spread_of(values)
    inside = data.draw(st.decimals(min_value=spread.low, max_value=spread.high, allow_nan=False))
    assert spread.side(inside, least) is None
    assert spread.side(spread.median, least) is None


@given(figures, floor, factor)
def test_scaling_every_figure_scales_the_median_the_range_and_the_bounds(values, least, c):
    spread, scaled = spread_of(values), spread_of([v * c for v in values])
    assert (scaled.low, scaled.median, scaled.high) == (
        spread.low * c,
        spread.median * c,
        spread.high * c,
    )
    low, high = spread.bounds(least)
    assert scaled.bounds(least * c) == (low * c, high * c)
    for value in values:
        assert scaled.side(value * c, least * c) == spread.side(value, least)


@given(figures, floor, figure)
def test_a_negative_factor_turns_low_into_high(values, least, value):
    spread, mirrored = spread_of(values), spread_of([-v for v in values])
    flip = {"low": "high", "high": "low", None: None}
    assert mirrored.side(-value, least) == flip[spread.side(value, least)]


@given(figures, st.randoms())
def test_the_order_of_the_figures_does_not_matter(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert spread_of(shuffled) == spread_of(values)


@given(figures)
def test_the_quartiles_are_those_of_the_standard_library(values):
    q1, median, q3 = quartiles(values)
    expected = statistics.quantiles([float(v) for v in values], n=4, method="inclusive")
    assert [float(q1), float(median), float(q3)] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert median == statistics.median(values)


@given(st.lists(figure, min_size=MIN_OTHERS, max_size=40, unique=True))
def test_neither_the_lowest_nor_the_highest_figure_is_ever_shown(values):
    """Least privilege: the figures shown are the median and the middle range; with four or more
    distinct figures the middle range lies strictly inside the lowest and highest one."""
    spread = spread_of(values)
    assert min(values) < spread.low <= spread.median <= spread.high < max(values)


@given(st.lists(figure, max_size=MIN_OTHERS - 1))
def test_fewer_than_four_figures_give_no_spread(values):
    assert spread_of(values) is None


def test_the_worked_example_of_a_rate():
    # Four others at 78, 84, 86 and 92 %: median 85 %, middle range 82,5–87,5 %.
    spread = spread_of([Decimal(v) for v in ("92", "78", "86", "84")])
    assert (spread.low, spread.median, spread.high, spread.count) == (
        Decimal("82.5"),
        Decimal("85"),
        Decimal("87.5"),
        4,
    )
    # Width 8,5 (a tenth of 85 %): far below 87,5 − 3 × 8,5 = 57 %.
    assert spread.bounds(Decimal(5)) == (Decimal("57.0"), Decimal("113.0"))
    assert spread.side(Decimal(12)) == "low"
    assert spread.side(Decimal(60)) is None
    # All others at 100 %: 99 % is no warning, 12 % is.
    level = spread_of([Decimal(100)] * 5)
    assert level.side(Decimal(99)) is None and level.side(Decimal(12)) == "low"


def test_counts_all_at_zero_warn_only_beyond_the_floor():
    nothing = spread_of([Decimal(0)] * 6)
    assert nothing.side(Decimal(3), Decimal(1)) is None
    assert nothing.side(Decimal(4), Decimal(1)) == "high"
