"""``veto`` (điểm liệt): the event disqualifies the unit from the ranking, or from named awards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import Rounding
from .base import ZERO, Outcome, ScaleRuleKind, ValueProblem

__all__ = ["VetoKind", "VetoRule"]


@dataclass(frozen=True, slots=True)
class VetoRule:
    kind: ClassVar[str] = "veto"
    scope: str = "ranking"  # "ranking": not ranked at all; "awards": barred from ``awards``
    awards: tuple[str, ...] = ()  # award codes or names (scope "awards")

    @property
    def code(self) -> str:
        return f"veto/{self.scope}"


class VetoKind(ScaleRuleKind):
    kind = "veto"
    rule_type = VetoRule
    input = "bool"
    nominal_points = False
    combine = "any"  # inspections: it occurred if any sheet says so
    keys = frozenset({"kind", "scope", "awards"})
    example: ClassVar[Mapping[str, Any]] = {"rule": {"kind": "veto", "scope": "ranking"}}

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> VetoRule:
        r.keys(spec, path, set(self.keys))
        scope = r.choice(spec, "scope", path, ("ranking", "awards"), "ranking")
        awards = spec.get("awards", [])
        if not isinstance(awards, list) or not all(isinstance(a, str) and a for a in awards):
            r.add(join_path(path, "awards"), "phải là danh sách mã hoặc tên hình thức khen thưởng")
            awards = []
        if scope == "awards" and not awards:
            r.add(
                join_path(path, "awards"),
                "điểm liệt theo khen thưởng phải nêu các hình thức bị loại",
            )
        return VetoRule(scope=scope, awards=tuple(awards))

    def points_range(
        self, r: DocReader, path: str, rule: VetoRule, max_points: Decimal | None
    ) -> tuple[Decimal, Decimal, Decimal]:
        if max_points:
            r.add(join_path(path, "max_points"), "điểm liệt không có điểm: max_points phải là 0")
        return ZERO, ZERO, ZERO

    def check_value(self, rule: VetoRule, max_points: Decimal, value: Any, places: int) -> None:
        if not isinstance(value, bool):
            raise ValueProblem("cần giá trị có/không (true/false)")

    def evaluate(
        self,
        rule: VetoRule,
        max_points: Decimal,
        value: bool,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        return Outcome(points=rounding.apply(ZERO), raw=ZERO, veto=bool(value))

    def explain(
        self,
        name: str,
        rule: VetoRule,
        max_points: Decimal,
        value: bool,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        if not value:
            return f"{name}: không xảy ra — 0 điểm"
        if rule.scope == "ranking":
            return f"{name}: có xảy ra — điểm liệt, đơn vị không được xếp hạng"
        return f"{name}: có xảy ra — điểm liệt, không được xét: {', '.join(rule.awards)}"

    def describe(self, rule: VetoRule, max_points: Decimal) -> str:
        if rule.scope == "ranking":
            return "Điểm liệt: không xếp hạng"
        return f"Điểm liệt: không xét {', '.join(rule.awards)}"

    def inputs(self, rule: VetoRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"occurred": value}

    def family(self, rule: VetoRule) -> str:
        return "veto"

    def veto(self, rule: VetoRule, value: Any) -> tuple[str, tuple[str, ...]] | None:
        return (rule.scope, rule.awards) if value is True else None
