"""``count``: ± points per event (per serious violation, per outstanding feat), limited to a cap.

Bonus and deduction items sit outside the nominal maximum (the "100 points"): ``max_points`` is 0
and the limit is in ``rule.limit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import CONTEXT, Rounding, fmt_number, fmt_points
from .base import ZERO, Outcome, ScaleRuleKind, ValueProblem

__all__ = ["CountKind", "CountRule"]


@dataclass(frozen=True, slots=True)
class CountRule:
    kind: ClassVar[str] = "count"
    per_event: Decimal  # negative: deduction per event; positive: bonus per event
    limit: Decimal  # at most this many points deducted (or added) in all
    unit: str = ""

    @property
    def code(self) -> str:
        return "count/deduction" if self.per_event < 0 else "count/bonus"


class CountKind(ScaleRuleKind):
    kind = "count"
    rule_type = CountRule
    nominal_points = False
    keys = frozenset({"kind", "per_event", "limit", "unit"})
    example: ClassVar[Mapping[str, Any]] = {
        "rule": {"kind": "count", "per_event": -1, "limit": 5, "unit": "trường hợp"},
    }

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> CountRule | None:
        r.keys(spec, path, set(self.keys))
        per = r.number(spec, "per_event", path)
        limit = r.number(spec, "limit", path, positive=True)
        if per is not None and per == 0:
            r.add(join_path(path, "per_event"), "không được bằng 0")
        if per is None or limit is None or per == 0:
            return None
        return CountRule(per_event=per, limit=limit, unit=str(spec.get("unit", "")))

    def points_range(
        self, r: DocReader, path: str, rule: CountRule, max_points: Decimal | None
    ) -> tuple[Decimal, Decimal, Decimal]:
        if max_points:
            r.add(
                join_path(path, "max_points"),
                "điểm cộng, điểm trừ theo lần nằm ngoài điểm tối đa: max_points phải là 0 "
                "(mức cộng, trừ tối đa ghi ở rule.limit)",
            )
        low, high = self._bounds(rule)
        return ZERO, low, high

    @staticmethod
    def _bounds(rule: CountRule) -> tuple[Decimal, Decimal]:
        return (rule.limit.copy_negate(), ZERO) if rule.per_event < 0 else (ZERO, rule.limit)

    def check_value(self, rule: CountRule, max_points: Decimal, value: Any, places: int) -> None:
        super().check_value(rule, max_points, value, places)
        if value < 0 or value != value.to_integral_value():
            raise ValueProblem("số lần phải là số nguyên không âm")

    def evaluate(
        self,
        rule: CountRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        raw = CONTEXT.multiply(rule.per_event, value)
        low, high = self._bounds(rule)
        clamped = min(max(raw, low), high)
        return Outcome(points=rounding.apply(clamped), raw=raw, clamped=clamped != raw)

    def explain(
        self,
        name: str,
        rule: CountRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        unit = rule.unit or "lần"
        text = (
            f"{name}: {fmt_number(value)} {unit} × ({fmt_number(rule.per_event)} điểm) "
            f"= {fmt_points(out.raw)}"
        )
        if out.clamped:
            kind = "trừ" if rule.per_event < 0 else "cộng"
            text += (
                f"; áp dụng mức {kind} tối đa {fmt_points(rule.limit)} → {fmt_points(out.points)}"
            )
        return text

    def describe(self, rule: CountRule, max_points: Decimal) -> str:
        sign = "Trừ" if rule.per_event < 0 else "Cộng"
        return (
            f"{sign} {fmt_points(abs(rule.per_event))} mỗi {rule.unit or 'lần'}, "
            f"tối đa {fmt_points(rule.limit)}"
        )

    def inputs(self, rule: CountRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"count": value}

    def family(self, rule: CountRule) -> str:
        return "cnt"

    def is_deduction(self, rule: CountRule) -> bool:
        return rule.per_event < 0
