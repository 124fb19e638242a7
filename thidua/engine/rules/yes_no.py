"""``yes_no``: full points when the answer is the expected one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import Rounding, fmt_points
from .base import ZERO, Outcome, ScaleRuleKind, ValueProblem

__all__ = ["YesNoKind", "YesNoRule"]


@dataclass(frozen=True, slots=True)
class YesNoRule:
    kind: ClassVar[str] = "yes_no"
    expected: bool = True

    @property
    def code(self) -> str:
        return "yes_no"


class YesNoKind(ScaleRuleKind):
    kind = "yes_no"
    rule_type = YesNoRule
    input = "bool"
    keys = frozenset({"kind", "expected"})
    example: ClassVar[Mapping[str, Any]] = {
        "max_points": 2,
        "rule": {"kind": "yes_no", "expected": True},
    }

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> YesNoRule:
        r.keys(spec, path, set(self.keys))
        expected = spec.get("expected", True)
        if not isinstance(expected, bool):
            r.add(join_path(path, "expected"), "phải là true hoặc false")
            expected = True
        return YesNoRule(expected=expected)

    def check_value(self, rule: YesNoRule, max_points: Decimal, value: Any, places: int) -> None:
        if not isinstance(value, bool):
            raise ValueProblem("cần giá trị có/không (true/false)")

    def evaluate(
        self,
        rule: YesNoRule,
        max_points: Decimal,
        value: bool,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        raw = max_points if value == rule.expected else ZERO
        return Outcome(points=rounding.apply(raw), raw=raw, met=value == rule.expected)

    def explain(
        self,
        name: str,
        rule: YesNoRule,
        max_points: Decimal,
        value: bool,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        answer = "có" if value else "không"
        if out.met:
            return f"{name}: {answer} → {fmt_points(out.points)}"
        return f"{name}: {answer} (yêu cầu: {'có' if rule.expected else 'không'}) → 0 điểm"

    def describe(self, rule: YesNoRule, max_points: Decimal) -> str:
        return f"Có/không: {'có' if rule.expected else 'không'} được {fmt_points(max_points)}"

    def inputs(self, rule: YesNoRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"answer": value}

    def family(self, rule: YesNoRule) -> str:
        return "yn"
