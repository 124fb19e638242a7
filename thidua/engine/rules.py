"""Rule kinds of a scoring scale and their reference (Decimal) semantics.

Each criterion of a scale has exactly one rule. This module defines the rule dataclasses and
:func:`evaluate`, the *reference* computation of one criterion for one unit, in exact Decimal
arithmetic. The vectorised NumPy path in :mod:`thidua.engine.kernel` must give the same points; where
floating point could disagree (a value within a hair of a rounding boundary) it calls back into
:func:`evaluate`, and the property tests compare the two on random inputs.

Rule kinds (the ``kind`` key in the scale document):

``target``  target attainment: a measured value against a target, ``direction`` ``higher`` (clearance
            rate, crime reduction) or ``lower`` (change in traffic accidents), scored ``linear``
            (proportionally between a zero point and the target), by ``thresholds`` (steps) or
            ``all_or_nothing``; optional ``bonus`` per unit above the target, up to a cap.
``plan``    percentage of plan: actual / plan (e.g. ID cards issued against the plan), full points at
            ``full_at`` % of plan, optional bonus above it.
``count``   ± points per event (per serious violation, per outstanding feat), limited to a cap.
``judged``  points entered by an inspector within 0..max; a remark is required below max.
``veto``    điểm liệt: the event disqualifies the unit from the ranking, or from named awards.
``yes_no``  full points when the answer is the expected one.

Only one rounding happens: the criterion's exact points are rounded with the scale's rule, and all
sums (groups, total) are then exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any, ClassVar

from .numbers import CONTEXT, Rounding

__all__ = [
    "RULE_KINDS",
    "Bonus",
    "CountRule",
    "JudgedRule",
    "Outcome",
    "PlanRule",
    "Rule",
    "Step",
    "TargetRule",
    "ValueProblem",
    "VetoRule",
    "YesNoRule",
    "evaluate",
]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class ValueProblem(ValueError):
    """A result or target that this rule cannot score (Vietnamese message, no path yet)."""


@dataclass(frozen=True, slots=True)
class Bonus:
    """``points`` per ``per`` units above the target, at most ``cap`` points in all."""

    per: Decimal
    points: Decimal
    cap: Decimal
    whole_steps: bool = False  # True: only complete steps count ("mỗi 1% vượt" read strictly)

    def amount(self, excess: Decimal) -> Decimal:
        if excess <= 0:
            return ZERO
        steps = CONTEXT.divide(excess, self.per)
        if self.whole_steps:
            steps = steps.to_integral_value(rounding=ROUND_FLOOR, context=CONTEXT)
        return min(CONTEXT.multiply(self.points, steps), self.cap)


@dataclass(frozen=True, slots=True)
class Step:
    """Thresholds: reaching ``value`` (≥ for higher-better, ≤ for lower-better) gives ``points``."""

    value: Decimal
    points: Decimal


@dataclass(frozen=True, slots=True)
class TargetRule:
    kind: ClassVar[str] = "target"
    direction: str  # "higher" | "lower"
    method: str  # "linear" | "thresholds" | "all_or_nothing"
    target: Decimal | None = None  # default target; a unit's own target overrides it
    zero_at: Decimal | None = None  # linear: the value that scores 0 (higher: default 0)
    steps: tuple[Step, ...] = ()  # thresholds, best first
    bonus: Bonus | None = None
    unit: str = ""  # "%", "vụ", … (display only)

    @property
    def code(self) -> str:
        return f"target/{self.direction}/{self.method}" + ("+bonus" if self.bonus else "")


@dataclass(frozen=True, slots=True)
class PlanRule:
    kind: ClassVar[str] = "plan"
    full_at: Decimal = HUNDRED  # % of plan that earns the maximum
    zero_at: Decimal = ZERO  # % of plan that earns 0
    plan: Decimal | None = None  # default plan; usually each unit has its own
    bonus: Bonus | None = None  # per percentage point above full_at
    unit: str = ""

    @property
    def code(self) -> str:
        return "plan" + ("+bonus" if self.bonus else "")


@dataclass(frozen=True, slots=True)
class CountRule:
    kind: ClassVar[str] = "count"
    per_event: Decimal  # negative: deduction per event; positive: bonus per event
    limit: Decimal  # at most this many points deducted (or added) in all
    unit: str = ""

    @property
    def code(self) -> str:
        return "count/deduction" if self.per_event < 0 else "count/bonus"


@dataclass(frozen=True, slots=True)
class JudgedRule:
    kind: ClassVar[str] = "judged"

    @property
    def code(self) -> str:
        return "judged"


@dataclass(frozen=True, slots=True)
class VetoRule:
    kind: ClassVar[str] = "veto"
    scope: str = "ranking"  # "ranking": not ranked at all; "awards": barred from ``awards``
    awards: tuple[str, ...] = ()  # award codes or names (scope "awards")

    @property
    def code(self) -> str:
        return f"veto/{self.scope}"


@dataclass(frozen=True, slots=True)
class YesNoRule:
    kind: ClassVar[str] = "yes_no"
    expected: bool = True

    @property
    def code(self) -> str:
        return "yes_no"


Rule = TargetRule | PlanRule | CountRule | JudgedRule | VetoRule | YesNoRule
RULE_KINDS = ("target", "plan", "count", "judged", "veto", "yes_no")


@dataclass(frozen=True, slots=True)
class Outcome:
    """The reference result of one criterion, with the parts a sentence needs."""

    points: Decimal  # rounded with the scale's rule
    raw: Decimal  # exact, before rounding
    base: Decimal = ZERO
    bonus: Decimal = ZERO
    met: bool | None = None  # target / plan reached
    step: Step | None = None  # thresholds: the step reached
    rate: Decimal | None = None  # plan: % of plan
    clamped: bool = False  # count: the cap applied
    veto: bool = False


def _linear(max_points: Decimal, value: Decimal, zero: Decimal, full: Decimal) -> Decimal:
    """Proportional points between ``zero`` (0 points) and ``full`` (max), either direction."""
    if (full > zero and value >= full) or (full < zero and value <= full):
        return max_points
    if (full > zero and value <= zero) or (full < zero and value >= zero):
        return ZERO
    return CONTEXT.divide(
        CONTEXT.multiply(max_points, CONTEXT.subtract(value, zero)), CONTEXT.subtract(full, zero)
    )


def _target(rule: TargetRule, max_points: Decimal, v: Decimal, t: Decimal | None) -> Outcome:
    higher = rule.direction == "higher"
    met = None if t is None else (v >= t if higher else v <= t)
    step = None
    if rule.method == "linear":
        assert t is not None
        zero = rule.zero_at if rule.zero_at is not None else ZERO
        base = _linear(max_points, v, zero, t)
    elif rule.method == "all_or_nothing":
        base = max_points if met else ZERO
    else:
        for candidate in rule.steps:
            if (v >= candidate.value) if higher else (v <= candidate.value):
                step = candidate
                break
        base = step.points if step else ZERO
    bonus = ZERO
    if rule.bonus is not None and met and t is not None:
        bonus = rule.bonus.amount(CONTEXT.subtract(v, t) if higher else CONTEXT.subtract(t, v))
    raw = CONTEXT.add(base, bonus)
    return Outcome(points=raw, raw=raw, base=base, bonus=bonus, met=met, step=step)


def _plan(rule: PlanRule, max_points: Decimal, v: Decimal, plan: Decimal) -> Outcome:
    rate = CONTEXT.divide(CONTEXT.multiply(v, HUNDRED), plan)
    met = rate >= rule.full_at
    base = _linear(max_points, rate, rule.zero_at, rule.full_at)
    bonus = rule.bonus.amount(CONTEXT.subtract(rate, rule.full_at)) if rule.bonus else ZERO
    raw = CONTEXT.add(base, bonus)
    return Outcome(points=raw, raw=raw, base=base, bonus=bonus, met=met, rate=rate)


def check_value(rule: Rule, max_points: Decimal, value: Any, places: int) -> None:
    """Raise :class:`ValueProblem` if ``value`` (already a Decimal or bool) does not fit the rule."""
    if isinstance(rule, VetoRule | YesNoRule):
        if not isinstance(value, bool):
            raise ValueProblem("cần giá trị có/không (true/false)")
        return
    if isinstance(value, bool):
        raise ValueProblem("cần một số, không phải giá trị có/không")
    if isinstance(rule, CountRule):
        if value < 0 or value != value.to_integral_value():
            raise ValueProblem("số lần phải là số nguyên không âm")
    elif isinstance(rule, JudgedRule):
        if value < 0 or value > max_points:
            raise ValueProblem(f"điểm chấm phải trong khoảng 0..{max_points}")
        if value.as_tuple().exponent < -places and value != value.quantize(
            Decimal(1).scaleb(-places), context=CONTEXT
        ):
            raise ValueProblem(f"điểm chấm có quá {places} chữ số thập phân")
    elif isinstance(rule, PlanRule) and value < 0:
        raise ValueProblem("số thực hiện không được âm")


def check_target(rule: Rule, target: Decimal | None) -> None:
    """Raise :class:`ValueProblem` if the (effective) target cannot be used by the rule."""
    if isinstance(rule, TargetRule):
        if target is None:
            if rule.method != "thresholds":
                raise ValueProblem(
                    "thiếu chỉ tiêu (không có trong thang điểm, đơn vị cũng không có)"
                )
            return
        if rule.method == "linear":
            zero = rule.zero_at if rule.zero_at is not None else ZERO
            if rule.direction == "higher" and target <= zero:
                raise ValueProblem(f"chỉ tiêu phải lớn hơn mốc 0 điểm ({zero})")
            if rule.direction == "lower" and target >= zero:
                raise ValueProblem(f"chỉ tiêu phải nhỏ hơn mốc 0 điểm ({zero})")
    elif isinstance(rule, PlanRule):
        if target is None:
            raise ValueProblem("thiếu kế hoạch (chỉ tiêu) của đơn vị")
        if target <= 0:
            raise ValueProblem("kế hoạch phải lớn hơn 0")


def effective_target(rule: Rule, unit_target: Decimal | None) -> Decimal | None:
    if unit_target is not None:
        return unit_target
    if isinstance(rule, TargetRule):
        return rule.target
    if isinstance(rule, PlanRule):
        return rule.plan
    return None


def evaluate(
    rule: Rule, max_points: Decimal, value: Any, target: Decimal | None, rounding: Rounding
) -> Outcome:
    """Reference points of one criterion for one (present, checked) value.

    ``value`` is a Decimal (bool for veto and yes/no); ``target`` is the effective target (see
    :func:`effective_target`). Call :func:`check_value` and :func:`check_target` first.
    """
    if isinstance(rule, TargetRule):
        out = _target(rule, max_points, value, target)
    elif isinstance(rule, PlanRule):
        assert target is not None
        out = _plan(rule, max_points, value, target)
    elif isinstance(rule, CountRule):
        raw = CONTEXT.multiply(rule.per_event, value)
        low, high = (rule.limit.copy_negate(), ZERO) if rule.per_event < 0 else (ZERO, rule.limit)
        clamped = min(max(raw, low), high)
        return Outcome(points=rounding.apply(clamped), raw=raw, clamped=clamped != raw)
    elif isinstance(rule, JudgedRule):
        return Outcome(points=rounding.apply(value), raw=value)
    elif isinstance(rule, VetoRule):
        return Outcome(points=rounding.apply(ZERO), raw=ZERO, veto=bool(value))
    else:
        raw = max_points if value == rule.expected else ZERO
        return Outcome(points=rounding.apply(raw), raw=raw, met=value == rule.expected)
    return Outcome(
        points=rounding.apply(out.raw),
        raw=out.raw,
        base=out.base,
        bonus=out.bonus,
        met=out.met,
        step=out.step,
        rate=out.rate,
    )
