"""``info``: an information-only indicator — reported, shown and summed, never scored.

A scale may ask units for figures that are not scores ("số vụ phạm tội về trật tự xã hội", "số thẻ
căn cước đã cấp"): the results sheet shows them, the cluster report sums them, and they give no
points and never block a total (a missing one is only missing). Two of them may be the numerator
and the denominator of a rate criterion (``"rate": "TP1", "role": "numerator"``): the cluster's
rate is then the pooled one, Σ numerators / Σ denominators, not the mean of the units' rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import CONTEXT, Rounding, fmt_number
from .base import ZERO, Outcome, ScaleRuleKind, ValueProblem

__all__ = ["ROLES", "InfoKind", "InfoRule", "pooled_rate"]

#: what an information figure is to the rate it feeds
ROLES = ("numerator", "denominator")


@dataclass(frozen=True, slots=True)
class InfoRule:
    kind: ClassVar[str] = "info"
    unit: str = ""
    rate: str | None = None  # the rate criterion this figure is a part of
    role: str | None = None  # "numerator" | "denominator" of that rate

    @property
    def code(self) -> str:
        return "info"


class InfoKind(ScaleRuleKind):
    kind = "info"
    rule_type = InfoRule
    nominal_points = False
    scored = False
    keys = frozenset({"kind", "unit", "rate", "role"})
    example: ClassVar[Mapping[str, Any]] = {
        "rule": {"kind": "info", "unit": "vụ"},
    }

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> InfoRule | None:
        r.keys(spec, path, set(self.keys))
        rate, role = spec.get("rate"), spec.get("role")
        if rate is not None and (not isinstance(rate, str) or not rate.strip()):
            r.add(join_path(path, "rate"), "phải là mã của tiêu chí tỷ lệ")
            return None
        if role is not None and role not in ROLES:
            r.add(
                join_path(path, "role"), "phải là “numerator” (tử số) hoặc “denominator” (mẫu số)"
            )
            return None
        if (rate is None) != (role is None):
            r.add(join_path(path, "role" if role is None else "rate"), "rate và role đi cùng nhau")
            return None
        return InfoRule(unit=str(spec.get("unit", "")), rate=rate, role=role)

    def points_range(
        self, r: DocReader, path: str, rule: InfoRule, max_points: Decimal | None
    ) -> tuple[Decimal, Decimal, Decimal]:
        if max_points:
            r.add(
                join_path(path, "max_points"),
                "chỉ tiêu thông tin không tính điểm: max_points phải là 0 hoặc bỏ trống",
            )
        return ZERO, ZERO, ZERO

    def check_value(self, rule: InfoRule, max_points: Decimal, value: Any, places: int) -> None:
        super().check_value(rule, max_points, value, places)
        if rule.role == "denominator" and value < 0:
            raise ValueProblem("mẫu số của tỷ lệ không được âm")

    def evaluate(
        self,
        rule: InfoRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        return Outcome(points=ZERO, raw=ZERO)

    def explain(
        self,
        name: str,
        rule: InfoRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        unit = f" {rule.unit}" if rule.unit and rule.unit != "%" else rule.unit
        return f"{name}: {fmt_number(value)}{unit} (chỉ tiêu thông tin, không tính điểm)"

    def describe(self, rule: InfoRule, max_points: Decimal) -> str:
        part = ""
        if rule.rate:
            part = f"; {'tử số' if rule.role == 'numerator' else 'mẫu số'} của tỷ lệ {rule.rate}"
        return f"Chỉ tiêu thông tin: báo cáo, tổng hợp, không tính điểm{part}"

    def inputs(self, rule: InfoRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"value": value, "unit": rule.unit}


def pooled_rate(
    scale: Any, code: str, units: Iterable[Mapping[str, Decimal | None]]
) -> tuple[Decimal, Decimal, Decimal, str] | None:
    """The cluster's rate of criterion ``code`` pooled from its information parts:
    ``(Σ numerators / Σ denominators × 100, Σ numerators, Σ denominators, the parts' unit)`` over
    the units (each a mapping code → value) that reported both parts with a denominator ≠ 0;
    None when the scale gives the rate no numerator and denominator, or nobody reported them."""
    parts = {
        c.rule.role: c.code for c in scale.criteria if c.rule.kind == "info" and c.rule.rate == code
    }
    if set(parts) != set(ROLES):
        return None
    top = bottom = ZERO
    for values in units:
        n, d = values.get(parts["numerator"]), values.get(parts["denominator"])
        if n is not None and d:
            top, bottom = CONTEXT.add(top, n), CONTEXT.add(bottom, d)
    if not bottom:
        return None
    unit = scale.criterion(parts["denominator"]).rule.unit
    return CONTEXT.divide(CONTEXT.multiply(top, Decimal(100)), bottom), top, bottom, unit
