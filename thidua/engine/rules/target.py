"""``target``: a measured value against a target (chỉ tiêu).

``direction`` ``higher`` (clearance rate, crime reduction) or ``lower`` (change in traffic
accidents), scored ``linear`` (proportionally between a zero point and the target), by
``thresholds`` (steps) or ``all_or_nothing``; optional ``bonus`` per unit above the target, up to
a cap.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..docreader import DocReader, join_path
from ..numbers import CONTEXT, Rounding, fmt_number, fmt_points
from .base import (
    ZERO,
    Bonus,
    Outcome,
    ScaleRuleKind,
    Step,
    ValueProblem,
    describe_bonus,
    linear,
    operand,
    parse_bonus,
    result_text,
    rounded,
    with_bonus,
    with_unit,
)

__all__ = ["TargetKind", "TargetRule"]


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


class TargetKind(ScaleRuleKind):
    kind = "target"
    rule_type = TargetRule
    target_field = "target"
    keys = frozenset({"kind", "direction", "method", "target", "zero_at", "steps", "bonus", "unit"})
    example: ClassVar[Mapping[str, Any]] = {
        "max_points": 10,
        "rule": {"kind": "target", "direction": "higher", "method": "linear", "target": 80},
    }

    def parse(
        self, r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
    ) -> TargetRule:
        r.keys(spec, path, set(self.keys))
        direction = r.choice(spec, "direction", path, ("higher", "lower"), "higher")
        method = r.choice(
            spec, "method", path, ("linear", "thresholds", "all_or_nothing"), "linear"
        )
        target = r.number(spec, "target", path, required=False)
        zero_at = r.number(spec, "zero_at", path, required=False)
        higher = direction == "higher"
        if method == "linear":
            if not higher and zero_at is None:
                r.add(
                    join_path(path, "zero_at"),
                    "bắt buộc với chỉ tiêu càng thấp càng tốt tính tuyến tính",
                )
            zero = zero_at if zero_at is not None else ZERO
            if target is not None and higher and target <= zero:
                r.add(join_path(path, "target"), f"phải lớn hơn mốc 0 điểm ({zero})")
            if target is not None and not higher and zero_at is not None and target >= zero_at:
                r.add(join_path(path, "target"), f"phải nhỏ hơn mốc 0 điểm ({zero_at})")
        elif zero_at is not None:
            r.add(join_path(path, "zero_at"), "chỉ dùng với method linear")
        steps: list[Step] = []
        if method == "thresholds":
            steps = self._steps(r, spec, path, max_points, higher)
        elif "steps" in spec:
            r.add(join_path(path, "steps"), "chỉ dùng với method thresholds")
        bonus = parse_bonus(r, spec["bonus"], join_path(path, "bonus")) if "bonus" in spec else None
        return TargetRule(
            direction=direction,
            method=method,
            target=target,
            zero_at=zero_at,
            steps=tuple(steps),
            bonus=bonus,
            unit=str(spec.get("unit", "")),
        )

    @staticmethod
    def _steps(
        r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None, higher: bool
    ) -> list[Step]:
        steps: list[Step] = []
        raw_steps = spec.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            r.add(join_path(path, "steps"), "cần danh sách các mức [{value, points}, …]")
            return steps
        for i, item in enumerate(raw_steps):
            spath = join_path(join_path(path, "steps"), i)
            step = r.obj(item, spath)
            if step is None:
                continue
            r.keys(step, spath, {"value", "points"})
            value = r.number(step, "value", spath)
            points = r.number(step, "points", spath, minimum=ZERO)
            if points is not None and max_points is not None and points > max_points:
                r.add(join_path(spath, "points"), f"vượt điểm tối đa của tiêu chí ({max_points})")
            if value is not None and points is not None:
                steps.append(Step(value, points))
        # best first: a better value must never score fewer points
        steps.sort(key=lambda s: s.value, reverse=higher)
        for a, b in itertools.pairwise(steps):
            if a.value == b.value:
                r.add(join_path(path, "steps"), f"hai mức trùng giá trị {a.value}")
            elif a.points < b.points:
                r.add(
                    join_path(path, "steps"),
                    f"mức tốt hơn ({a.value}) lại ít điểm hơn mức {b.value}",
                )
        return steps

    def default_target(self, rule: TargetRule) -> Decimal | None:
        return rule.target

    def check_target(self, rule: TargetRule, target: Decimal | None) -> None:
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

    def evaluate(
        self,
        rule: TargetRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        rounding: Rounding,
    ) -> Outcome:
        v, t = value, target
        higher = rule.direction == "higher"
        met = None if t is None else (v >= t if higher else v <= t)
        step = None
        if rule.method == "linear":
            assert t is not None
            zero = rule.zero_at if rule.zero_at is not None else ZERO
            base = linear(max_points, v, zero, t)
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
        return rounded(
            Outcome(points=raw, raw=raw, base=base, bonus=bonus, met=met, step=step), rounding
        )

    def explain(
        self,
        name: str,
        rule: TargetRule,
        max_points: Decimal,
        value: Decimal,
        target: Decimal | None,
        remark: str | None,
        out: Outcome,
        rounding: Rounding,
    ) -> str:
        v, t, u = value, target, rule.unit
        higher = rule.direction == "higher"
        head = f"{name} {with_unit(v, u)}"
        if t is not None:
            cmp = ("≥" if higher else "≤") if out.met else ("<" if higher else ">")
            head += f" {cmp} chỉ tiêu {with_unit(t, u)}{'' if higher else ' (càng thấp càng tốt)'}"
        if rule.method == "linear":
            assert t is not None
            zero = rule.zero_at if rule.zero_at is not None else Decimal(0)
            if out.met:
                body = f"đạt tối đa {fmt_points(max_points)}"
            elif out.base == 0:
                body = f"không vượt mốc 0 điểm ({with_unit(zero, u)}) → 0 điểm"
            elif higher:
                body = (
                    f"{fmt_number(max_points)} × ({operand(v)} − {operand(zero)}) / "
                    f"({operand(t)} − {operand(zero)}) {result_text(out, rounding)}"
                )
            else:
                body = (
                    f"{fmt_number(max_points)} × ({operand(zero)} − {operand(v)}) / "
                    f"({operand(zero)} − {operand(t)}) {result_text(out, rounding)}"
                )
        elif rule.method == "all_or_nothing":
            body = f"đạt → {fmt_points(max_points)}" if out.met else "không đạt → 0 điểm"
        elif out.step is not None:
            body = (
                f"đạt mức {'≥' if higher else '≤'} {with_unit(out.step.value, u)} → "
                f"{fmt_points(out.step.points)}"
            )
        else:
            worst = rule.steps[-1].value
            body = (
                f"chưa đạt mức thấp nhất ({'≥' if higher else '≤'} {with_unit(worst, u)}) → 0 điểm"
            )
        excess = (
            None if t is None else (CONTEXT.subtract(v, t) if higher else CONTEXT.subtract(t, v))
        )
        return with_bonus(f"{head}: {body}", rule.bonus, out, excess, u, rounding)

    def describe(self, rule: TargetRule, max_points: Decimal) -> str:
        sense = "càng cao càng tốt" if rule.direction == "higher" else "càng thấp càng tốt"
        how = {"linear": "tính tỷ lệ", "thresholds": "theo mức", "all_or_nothing": "đạt hoặc không"}
        text = f"Chỉ tiêu ({sense}), {how[rule.method]}, tối đa {fmt_points(max_points)}"
        if rule.target is not None:
            text += f", chỉ tiêu {with_unit(rule.target, rule.unit)}"
        return text + describe_bonus(rule.bonus, rule.unit)

    def inputs(self, rule: TargetRule, value: Any, target: Any, remark: str | None) -> dict:
        return {"value": value, "target": target, "unit": rule.unit}

    def family(self, rule: TargetRule) -> str:
        if rule.method == "linear":
            return "linb" if rule.bonus is not None else "lin"
        return {"all_or_nothing": "aon", "thresholds": "thr"}[rule.method]
