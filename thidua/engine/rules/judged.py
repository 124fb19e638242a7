"""``judged``: points entered by an inspector within 0..max; a remark is required below max."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader
from ..numbers import CONTEXT, Rounding, fmt_number, fmt_points
from .base import Outcome, ScaleRuleKind, ValueProblem

__all__ = ["JudgedKind", "JudgedRule"]


@dataclass(frozen=True, slots=True)
class JudgedRule:
    kind: ClassVar[str] = "judged"

    @property
    def code(self) -> str:
        return "judged"


class JudgedKind(ScaleRuleKind):
    kind = "judged"
    rule_type = JudgedRule
    input = "judged"
    example: ClassVar[Mapping[str, Any]] = {"max_points": 4, "rule": {"kind": "judged"}}

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> JudgedRule:
        r.keys(spec, path, set(self.keys))
        return JudgedRule()

    def check_value(self, rule: JudgedRule, max_points: Decimal, value: Any, places: int) -> None:
        super().check_value(rule, max_points, value, places)
        if value < 0 or value > max_points:
            raise ValueProblem(f"điểm chấm phải trong khoảng 0..{max_points}")
        if value.as_tuple().exponent < -places and value != value.quantize(
            Decimal(1).scaleb(-places), context=CONTEXT
        ):
            raise ValueProblem(f"điểm chấm có quá {places} chữ số thập phân")

    def check_remark(self, rule: JudgedRule, max_points: Decimal, value: Any, remark: Any) -> None:
        if value < max_points and not (isinstance(remark, str) and remark.strip()):
            raise ValueProblem("chấm dưới điểm tối đa phải có nhận xét của đoàn kiểm tra")

    def evaluate(
        self,
        rule: JudgedRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        return Outcome(points=rounding.apply(value), raw=value)

    def explain(
        self,
        name: str,
        rule: JudgedRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        text = f"{name}: chấm {fmt_number(value)}/{fmt_points(max_points)}"
        return f"{text}. Nhận xét: {remark}" if remark else text

    def describe(self, rule: JudgedRule, max_points: Decimal) -> str:
        return f"Đoàn kiểm tra chấm từ 0 đến {fmt_points(max_points)}, dưới tối đa phải có nhận xét"

    def inputs(self, rule: JudgedRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"points": value, "remark": remark}

    def family(self, rule: JudgedRule) -> str:
        return "jdg"
