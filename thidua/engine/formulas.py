"""Vietnamese sentences that explain how a criterion got its points.

A sentence is built on demand from the criterion, the inputs and the reference outcome
(:func:`thidua.engine.rules.evaluate`), never stored: scoring 10,000 units keeps only the numbers, and a
sentence costs a few microseconds when somebody reads it. Numbers use the Vietnamese format (decimal
comma, dot thousands). Each rule kind words its own sentence (``explain`` and ``describe`` of its
:class:`~thidua.engine.rules.ScaleRuleKind`); this module adds what is common to every kind. Example::

    Tỷ lệ điều tra khám phá án 92% ≥ chỉ tiêu 76%: đạt tối đa 10 điểm, cộng 0,5 điểm mỗi 1% vượt,
    tối đa 2 điểm (vượt 16% → cộng 2 điểm); tổng 12 điểm
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .numbers import Rounding
from .rules import kind_of

__all__ = ["describe", "describe_rule"]


def describe_rule(rule: Any, max_points: Decimal) -> str:
    """The rule itself in words (no inputs), e.g. for a printed scale."""
    return kind_of(rule).describe(rule, max_points)


def describe(
    criterion: Any,
    value: Any,
    target: Decimal | None,
    remark: str | None,
    rounding: Rounding,
) -> str:
    """The sentence for one criterion of one unit. ``value`` None means the result is missing."""
    name = criterion.name
    if value is None:
        if criterion.missing == "block":
            return (
                f"{name}: chưa có số liệu — chưa thể tính tổng điểm "
                "(thang điểm yêu cầu đủ số liệu tiêu chí này)"
            )
        return f"{name}: chưa có số liệu — tính 0 điểm theo quy định của thang điểm"
    rule, max_points = criterion.rule, criterion.max_points
    kind = kind_of(rule)
    out = kind.evaluate(rule, max_points, value, target, rounding)
    return kind.explain(name, rule, max_points, value, target, remark, out, rounding)
