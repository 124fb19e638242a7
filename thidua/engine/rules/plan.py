"""``plan``: percentage of plan (e.g. ID cards issued against the plan).

Full points at ``full_at`` % of plan, scored linearly down to ``zero_at`` %, optional bonus per
percentage point above ``full_at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import CONTEXT, Rounding, fmt_number, fmt_points
from .base import (
    HUNDRED,
    ZERO,
    Bonus,
    Outcome,
    ScaleRuleKind,
    ValueProblem,
    describe_bonus,
    linear,
    parse_bonus,
    result_text,
    rounded,
    with_bonus,
    with_unit,
)

__all__ = ["PlanKind", "PlanRule"]


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


class PlanKind(ScaleRuleKind):
    kind = "plan"
    rule_type = PlanRule
    target_field = "plan"
    keys = frozenset({"kind", "full_at", "zero_at", "plan", "bonus", "unit"})
    example: ClassVar[Mapping[str, Any]] = {
        "max_points": 5,
        "rule": {"kind": "plan", "plan": 200, "unit": "hồ sơ"},
    }

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> PlanRule:
        r.keys(spec, path, set(self.keys))
        full = r.number(spec, "full_at", path, required=False, positive=True, default=HUNDRED)
        zero = r.number(spec, "zero_at", path, required=False, minimum=ZERO, default=ZERO)
        plan = r.number(spec, "plan", path, required=False, positive=True)
        if full is not None and zero is not None and zero >= full:
            r.add(join_path(path, "zero_at"), "mốc 0 điểm phải nhỏ hơn full_at")
        bonus = parse_bonus(r, spec["bonus"], join_path(path, "bonus")) if "bonus" in spec else None
        return PlanRule(
            full_at=full or HUNDRED,
            zero_at=zero or ZERO,
            plan=plan,
            bonus=bonus,
            unit=str(spec.get("unit", "")),
        )

    def default_target(self, rule: PlanRule) -> Decimal | None:
        return rule.plan

    def check_value(self, rule: PlanRule, max_points: Decimal, value: Any, places: int) -> None:
        super().check_value(rule, max_points, value, places)
        if value < 0:
            raise ValueProblem("số thực hiện không được âm")

    def check_target(self, rule: PlanRule, target: Decimal | None) -> None:
        if target is None:
            raise ValueProblem("thiếu kế hoạch (chỉ tiêu) của đơn vị")
        if target <= 0:
            raise ValueProblem("kế hoạch phải lớn hơn 0")

    def evaluate(
        self,
        rule: PlanRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        assert target is not None
        rate = CONTEXT.divide(CONTEXT.multiply(value, HUNDRED), target)
        met = rate >= rule.full_at
        base = linear(max_points, rate, rule.zero_at, rule.full_at)
        bonus = rule.bonus.amount(CONTEXT.subtract(rate, rule.full_at)) if rule.bonus else ZERO
        raw = CONTEXT.add(base, bonus)
        return rounded(
            Outcome(points=raw, raw=raw, base=base, bonus=bonus, met=met, rate=rate), rounding
        )

    def explain(
        self,
        name: str,
        rule: PlanRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        assert out.rate is not None and target is not None
        rate = out.rate
        exact = rate == rate.quantize(Decimal("0.01"))
        pct = f"{fmt_number(rate, 2)}%"
        head = (
            f"{name}: thực hiện {fmt_number(value)}/{with_unit(target, rule.unit)} theo kế hoạch "
            f"{'=' if exact else '≈'} {pct}"
        )
        if out.met:
            body = f"đạt từ {fmt_number(rule.full_at)}% kế hoạch → tối đa {fmt_points(max_points)}"
        elif out.base == 0:
            body = f"không vượt {fmt_number(rule.zero_at)}% kế hoạch → 0 điểm"
        elif rule.zero_at == 0 and rule.full_at == 100:
            body = (
                f"chưa đạt kế hoạch: {fmt_number(max_points)} × {pct} {result_text(out, rounding)}"
            )
        else:
            body = (
                f"chưa đạt {fmt_number(rule.full_at)}%: {fmt_number(max_points)} × "
                f"({fmt_number(rate, 2)} − {fmt_number(rule.zero_at)}) / "
                f"({fmt_number(rule.full_at)} − {fmt_number(rule.zero_at)}) "
                f"{result_text(out, rounding)}"
            )
        excess = CONTEXT.subtract(rate, rule.full_at)
        return with_bonus(f"{head} — {body}", rule.bonus, out, excess, "%", rounding)

    def describe(self, rule: PlanRule, max_points: Decimal) -> str:
        text = f"Tỷ lệ thực hiện kế hoạch, đủ {fmt_number(rule.full_at)}% được {fmt_points(max_points)}"
        return text + describe_bonus(rule.bonus, "%")

    def inputs(self, rule: PlanRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"value": value, "plan": target, "unit": rule.unit}

    def family(self, rule: PlanRule) -> str:
        return "plan"
