"""The contract every scale rule kind implements, and the parts the kinds share.

A rule kind (``target``, ``plan``, …) is one :class:`ScaleRuleKind` object in the registry
(:data:`thidua.engine.rules.SCALE_RULE_KINDS`). It knows everything the engine asks of a kind:

- ``parse``: read its part of the scale document (every problem with its path);
- ``points_range``: the criterion's nominal maximum, lowest and highest points;
- ``check_value`` / ``check_target`` / ``check_remark``: whether a unit's inputs can be scored;
- ``evaluate``: the reference (Decimal) points of one unit;
- ``explain`` / ``describe``: the sentence for one unit's points, the rule in words;
- ``input`` and ``target_field``: what a unit brings (a number, a yes/no, judged points + remark;
  a target or a plan or nothing), ``inputs``: the explanation record's inputs;
- ``family``: which vectorised family of :mod:`thidua.engine.kernel` computes it;
- ``example``: a small valid criterion of the kind (registry tests build scales from it).

Only one rounding happens: the criterion's exact points are rounded with the scale's rule, and all
sums (groups, total) are then exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import CONTEXT, Rounding, fmt_number, fmt_points

__all__ = [
    "INPUTS",
    "Bonus",
    "Outcome",
    "ScaleRuleKind",
    "Step",
    "ValueProblem",
]

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
INPUTS = ("number", "bool", "judged")  # a measured number, a yes/no, points judged + a remark


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


class ScaleRuleKind:
    """One kind of scale rule. Subclasses set the class attributes and override what differs.

    The defaults describe a kind scored from a number against nothing (no target), with nominal
    points ``0..max_points``; every method is pure and Decimal-exact.
    """

    kind: ClassVar[str]
    rule_type: ClassVar[type]
    input: ClassVar[str] = "number"  # one of INPUTS
    target_field: ClassVar[str | None] = None  # "target" | "plan": the unit's own goal, if any
    nominal_points: ClassVar[bool] = True  # False: max_points is derived (0), not given
    scored: ClassVar[bool] = True  # False: information only (no points, a missing one never blocks)
    combine: ClassVar[str] = "points"  # inspections: "points" (the scale's method) | "any"
    keys: ClassVar[frozenset[str]] = frozenset({"kind"})
    example: ClassVar[Mapping[str, Any]]  # a valid criterion: {"max_points": …, "rule": {…}}

    # -- reading the scale -------------------------------------------------------------------

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> Any:
        """The rule from ``spec`` (``kind`` already checked), or None; problems go to ``r``."""
        raise NotImplementedError

    def points_range(
        self, r: DocReader, path: str, rule: Any, max_points: Decimal | None
    ) -> tuple[Decimal, Decimal, Decimal] | None:
        """``(max_points, floor, ceiling)`` of a criterion with this rule (None: unusable)."""
        if max_points is None:
            return None
        bonus = getattr(rule, "bonus", None)
        ceiling = CONTEXT.add(max_points, bonus.cap if bonus else ZERO)
        if max_points == 0:
            r.add(join_path(path, "max_points"), "phải lớn hơn 0")
        return max_points, ZERO, ceiling

    # -- a unit's inputs -----------------------------------------------------------------------

    def default_target(self, rule: Any) -> Decimal | None:
        """The scale's own target or plan (a unit's overrides it); None: the kind has none."""
        return None

    def check_value(self, rule: Any, max_points: Decimal, value: Any, places: int) -> None:
        """Raise :class:`ValueProblem` if ``value`` (a Decimal or bool) does not fit the rule."""
        if isinstance(value, bool):
            raise ValueProblem("cần một số, không phải giá trị có/không")

    def check_target(self, rule: Any, target: Decimal | None) -> None:
        """Raise :class:`ValueProblem` if the (effective) target cannot be used by the rule."""

    def check_remark(self, rule: Any, max_points: Decimal, value: Any, remark: Any) -> None:
        """Raise :class:`ValueProblem` if the value needs a remark that is not there."""

    # -- scoring and words ---------------------------------------------------------------------

    def evaluate(
        self, rule: Any, max_points: Decimal, value: Any, target: Decimal | None, rounding: Rounding
    ) -> Outcome:
        raise NotImplementedError

    def explain(
        self,
        name: str,
        rule: Any,
        max_points: Decimal,
        value: Any,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        """The sentence for one unit's points (``out`` is :meth:`evaluate`'s outcome)."""
        raise NotImplementedError

    def describe(self, rule: Any, max_points: Decimal) -> str:
        """The rule itself in words (no inputs)."""
        raise NotImplementedError

    def inputs(self, rule: Any, value: Any, target: Any, remark: str | None) -> dict[str, Any]:
        """The inputs of an explanation record (``value``/``target`` already canonical)."""
        raise NotImplementedError

    def family(self, rule: Any) -> str:
        """The vectorised family of :class:`thidua.engine.kernel.Kernel` that scores the rule
        (``"ref"``: cell by cell with :meth:`evaluate`, for a kind without a family of its own)."""
        return "ref"

    # -- what the rule means for the sheet -----------------------------------------------------

    def is_deduction(self, rule: Any) -> bool:
        """Points taken off (the ``fewer_deductions`` tie-break sums these)."""
        return False

    def veto(self, rule: Any, value: Any) -> tuple[str, tuple[str, ...]] | None:
        """``(scope, awards)`` when ``value`` disqualifies the unit, else None."""
        return None


# -- shared parts ------------------------------------------------------------------------------


def linear(max_points: Decimal, value: Decimal, zero: Decimal, full: Decimal) -> Decimal:
    """Proportional points between ``zero`` (0 points) and ``full`` (max), either direction."""
    if (full > zero and value >= full) or (full < zero and value <= full):
        return max_points
    if (full > zero and value <= zero) or (full < zero and value >= zero):
        return ZERO
    return CONTEXT.divide(
        CONTEXT.multiply(max_points, CONTEXT.subtract(value, zero)), CONTEXT.subtract(full, zero)
    )


def rounded(out: Outcome, rounding: Rounding) -> Outcome:
    """``out`` with its exact points rounded once with the scale's rule."""
    return Outcome(
        points=rounding.apply(out.raw),
        raw=out.raw,
        base=out.base,
        bonus=out.bonus,
        met=out.met,
        step=out.step,
        rate=out.rate,
    )


def parse_bonus(r: DocReader, obj: Any, path: str) -> Bonus | None:
    spec = r.obj(obj, path)
    if spec is None:
        return None
    r.keys(spec, path, {"per", "points", "cap", "whole_steps"})
    per = r.number(spec, "per", path, positive=True)
    points = r.number(spec, "points", path, positive=True)
    cap = r.number(spec, "cap", path, positive=True)
    whole = spec.get("whole_steps", False)
    if not isinstance(whole, bool):
        r.add(join_path(path, "whole_steps"), "phải là true hoặc false")
    if per is None or points is None or cap is None:
        return None
    return Bonus(per=per, points=points, cap=cap, whole_steps=whole is True)


def with_unit(value: Decimal, unit: str) -> str:
    text = fmt_number(value)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def operand(value: Decimal) -> str:
    """A number inside arithmetic: negatives in brackets, ``5 − (-2,1)``."""
    text = fmt_number(value)
    return f"({text})" if value < 0 else text


def result_text(out: Outcome, rounding: Rounding) -> str:
    """``= 4,6 điểm`` or ``≈ 9,2105 → 9,21 điểm (làm tròn …)``."""
    if out.raw == out.points:
        return f"= {fmt_points(out.points)}"
    return (
        f"≈ {fmt_number(out.raw, rounding.places + 2)} → {fmt_points(out.points)} "
        f"({rounding.describe()})"
    )


def with_bonus(
    text: str,
    bonus: Bonus | None,
    out: Outcome,
    excess: Decimal | None,
    unit: str,
    rounding: Rounding,
) -> str:
    """``text`` followed by the bonus earned above the target (if the rule has one)."""
    if bonus is None or not out.met or excess is None:
        return text
    words = (
        f"cộng {fmt_points(bonus.points)} mỗi {with_unit(bonus.per, unit)} vượt"
        f"{' (chỉ tính phần trọn)' if bonus.whole_steps else ''}, tối đa {fmt_points(bonus.cap)}"
    )
    if excess <= 0:
        words = f"{words}: không vượt"
    else:
        capped = " (mức tối đa)" if out.bonus == bonus.cap else ""
        words = f"{words}: vượt {with_unit(excess, unit)} → cộng {fmt_number(out.bonus, 4)} điểm{capped}"
    text = f"{text}, {words}"
    if out.bonus:
        total = result_text(out, rounding)
        text += f"; tổng {total[2:] if total.startswith('= ') else total}"
    return text


def describe_bonus(bonus: Bonus | None, unit: str) -> str:
    if bonus is None:
        return ""
    return (
        f"; cộng {fmt_points(bonus.points)} mỗi {with_unit(bonus.per, unit)} vượt, "
        f"tối đa {fmt_points(bonus.cap)}"
    )
