"""Scores with explanations: points per criterion, group subtotals and the total of a unit.

Public API::

    sheet = score_unit(scale, targets, results, judged=None, unit="Yên Bái")   # reference path
    sheets = score_units(scale, [UnitInput(...), ...])                         # batch (NumPy)
    rec = reconcile(self_sheet, [inspection_1, inspection_2])                   # consolidated sheet

Each criterion yields an :class:`Explanation`: inputs, the rule, the formula in Vietnamese words and
the points (a ``Decimal`` rounded by the scale's rule). A group subtotal and the total explain
themselves too. Results are explicit: ``None`` (or a NaN float) means *missing*, never zero; the
scale decides whether a missing result scores zero or blocks the total (``total is None``).

The two paths give identical sheets: :func:`score_unit` evaluates each criterion with the Decimal
reference (:func:`thidua.engine.rules.evaluate`); :func:`score_units` computes all units with
:class:`thidua.engine.kernel.Kernel` and falls back to the reference for the rare cells where a float
might round differently. Property tests hold them together.

Input problems (a value that is not a number, a judged score without its remark…) raise
:class:`InputError` listing every problem with its unit and criterion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .formulas import describe, describe_rule
from .numbers import NumberError, fmt_number, fmt_points, to_decimal
from .rules import (
    CountRule,
    JudgedRule,
    PlanRule,
    TargetRule,
    ValueProblem,
    VetoRule,
    check_target,
    check_value,
    effective_target,
    evaluate,
)
from .scale import Criterion, Scale

__all__ = [
    "Consolidated",
    "Explanation",
    "GroupScore",
    "InputError",
    "InputProblem",
    "Judgement",
    "ScoreSheet",
    "UnitInput",
    "Veto",
    "score_unit",
    "score_units",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Judgement:
    """An inspector's points for a judged criterion, with the remark required below max."""

    points: Any
    remark: str | None = None


@dataclass(frozen=True, slots=True)
class UnitInput:
    """One unit's inputs for one sheet.

    ``results`` maps criterion codes to numbers (target, plan, count, judged points) or booleans
    (veto: the event occurred; yes/no); a judged value may also be a :class:`Judgement` or a mapping
    ``{"points": …, "remark": …}``. ``targets`` holds the unit's own targets or plans, overriding the
    scale's defaults. ``remarks`` holds judged remarks by code.
    """

    unit: str
    results: Mapping[str, Any]
    targets: Mapping[str, Any] = field(default_factory=dict)
    remarks: Mapping[str, str] = field(default_factory=dict)
    stage: str = "self"  # "self" | "inspection" | "consolidated"
    source: str = ""  # who scored: the unit itself, or the inspection team


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A problem in one unit's inputs; ``index`` is the unit's position in the batch."""

    index: int
    unit: str
    field: str  # "results" | "targets" | "remarks" | "unit"
    code: str
    message: str

    @property
    def path(self) -> str:
        return f"units[{self.index}].{self.field}" + (f".{self.code}" if self.code else "")

    def __str__(self) -> str:
        return f"{self.path} (đơn vị {self.unit}): {self.message}"


class InputError(ValueError):
    """Results or targets that cannot be scored; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems[:50])
        more = f"\n… và {len(self.problems) - 50} lỗi khác" if len(self.problems) > 50 else ""
        super().__init__(f"Số liệu không hợp lệ:\n{lines}{more}")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class Explanation(NamedTuple):
    """How one criterion of one unit got its points.

    A named tuple rather than a frozen dataclass: a national batch creates two million of them, and a
    tuple is built four times faster while staying immutable. Derived fields (``code``, ``name``,
    ``rule``, ``inputs``, ``formula``, ``missing``) are computed when read.
    """

    criterion: Criterion
    value: Any  # the result as given (None: missing)
    target: Any  # the effective target or plan (None: the rule has none)
    points: Decimal
    remark: str | None = None
    basis: Consolidated | None = None  # set on a consolidated sheet where the sheets disagreed

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def name(self) -> str:
        return self.criterion.name

    @property
    def group(self) -> str:
        return self.criterion.group

    @property
    def rule(self) -> str:
        return self.criterion.rule.code

    @property
    def rule_text(self) -> str:
        return describe_rule(self.criterion.rule, self.criterion.max_points)

    @property
    def max_points(self) -> Decimal:
        return self.criterion.max_points

    @property
    def missing(self) -> bool:
        if self.basis is not None:
            return all(e.missing for _, e in self.basis.parts)
        return _missing(self.value)

    @property
    def at_max(self) -> bool:
        return self.criterion.max_points > 0 and self.points >= self.criterion.max_points

    @property
    def inputs(self) -> dict[str, Any]:
        if self.basis is not None:
            return {
                "method": self.basis.method,
                "sheets": [
                    {"source": source, "points": e.points, "missing": e.missing, **e.inputs}
                    for source, e in self.basis.parts
                ],
            }
        rule = self.criterion.rule
        value = None if self.missing else _canonical(self.value)
        target = None if self.target is None else _canonical(self.target)
        if isinstance(rule, TargetRule):
            return {"value": value, "target": target, "unit": rule.unit}
        if isinstance(rule, PlanRule):
            return {"value": value, "plan": target, "unit": rule.unit}
        if isinstance(rule, CountRule):
            return {"count": value}
        if isinstance(rule, JudgedRule):
            return {"points": value, "remark": self.remark}
        if isinstance(rule, VetoRule):
            return {"occurred": value}
        return {"answer": value}

    @property
    def formula(self) -> str:
        if self.basis is not None:
            return self.basis.describe(self)
        value = None if self.missing else _canonical(self.value)
        target = None if self.target is None else _canonical(self.target)
        return describe(self.criterion, value, target, self.remark, self.criterion.rounding)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "group": self.group,
            "rule": self.rule,
            "inputs": _jsonable(self.inputs),
            "formula": self.formula,
            "points": str(self.points),
            "max_points": str(self.max_points),
            "missing": self.missing,
        }


_METHODS = {"mean": "trung bình", "median": "trung vị", "min": "thấp nhất"}


@dataclass(frozen=True, slots=True)
class Consolidated:
    """Why a consolidated criterion has its points: the inspection sheets it combines."""

    method: str  # "mean" | "median" | "min" | "any" (vetoes: any sheet finding the event)
    parts: tuple[tuple[str, Explanation], ...]  # (source, explanation) per inspection sheet

    def describe(self, e: Explanation) -> str:
        scored = [(s, x) for s, x in self.parts if not x.missing]
        listing = "; ".join(f"{s}: {fmt_number(x.points)}" for s, x in scored)
        if self.method == "any":
            return (
                f"{e.name}: tổng hợp {len(self.parts)} đoàn kiểm tra, có đoàn ghi nhận xảy ra "
                f"— điểm liệt ({listing})"
            )
        return (
            f"{e.name}: điểm tổng hợp = {_METHODS[self.method]} điểm của {len(scored)} đoàn "
            f"kiểm tra ({listing}) = {fmt_points(e.points)}"
        )


def _canonical(value: Any) -> Any:
    return value if isinstance(value, bool) else to_decimal(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Veto:
    code: str
    name: str
    scope: str  # "ranking" | "awards"
    awards: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        if self.scope == "ranking":
            return f"Điểm liệt “{self.name}”: không được xếp hạng"
        return f"Điểm liệt “{self.name}”: không được xét {', '.join(self.awards)}"


@dataclass(frozen=True, slots=True)
class GroupScore:
    code: str
    name: str
    max_points: Decimal
    points: Decimal | None  # None: blocked by a missing result
    items: tuple[Explanation, ...]

    @property
    def formula(self) -> str:
        if self.points is None:
            missing = ", ".join(
                e.code for e in self.items if e.missing and e.criterion.missing == "block"
            )
            return f"Nhóm “{self.name}”: chưa tính được do thiếu số liệu ({missing})"
        parts = " + ".join(
            f"({fmt_number(e.points)})" if e.points < 0 else fmt_number(e.points)
            for e in self.items
        )
        return (
            f"Nhóm “{self.name}”: {parts} = {fmt_points(self.points)} "
            f"(tối đa {fmt_points(self.max_points)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "points": None if self.points is None else str(self.points),
            "max_points": str(self.max_points),
            "formula": self.formula,
        }


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """One unit's scores under one scale: criteria, groups, total, vetoes."""

    unit: str
    scale: Scale
    explanations: tuple[Explanation, ...]
    groups: tuple[GroupScore, ...]
    total: Decimal | None  # None: a missing result blocks the total
    vetoes: tuple[Veto, ...] = ()
    deductions: Decimal = ZERO  # sum of deduction points (≤ 0)
    criteria_at_max: int = 0
    stage: str = "self"
    source: str = ""

    def explanation(self, code: str) -> Explanation:
        return self.explanations[self.scale.criterion(code).index]

    def group(self, code: str) -> GroupScore:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.explanations if e.missing)

    @property
    def blocked_by(self) -> tuple[str, ...]:
        return tuple(
            e.code for e in self.explanations if e.missing and e.criterion.missing == "block"
        )

    @property
    def ranking_vetoes(self) -> tuple[Veto, ...]:
        return tuple(v for v in self.vetoes if v.scope == "ranking")

    @property
    def formula(self) -> str:
        if self.total is None:
            return f"Tổng điểm: chưa tính được do thiếu số liệu ({', '.join(self.blocked_by)})"
        parts = " + ".join(fmt_number(g.points) for g in self.groups if g.points is not None)
        return f"Tổng điểm = {parts} = {fmt_points(self.total)}"

    def to_dict(self, explanations: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "unit": self.unit,
            "stage": self.stage,
            "source": self.source,
            "scale": self.scale.ident,
            "total": None if self.total is None else str(self.total),
            "total_formula": self.formula,
            "groups": [g.to_dict() for g in self.groups],
            "vetoes": [
                {
                    "code": v.code,
                    "name": v.name,
                    "scope": v.scope,
                    "awards": list(v.awards),
                    "reason": v.reason,
                }
                for v in self.vetoes
            ],
            "missing": list(self.missing),
            "blocked_by": list(self.blocked_by),
            "deductions": str(self.deductions),
            "criteria_at_max": self.criteria_at_max,
        }
        if explanations:
            doc["criteria"] = [e.to_dict() for e in self.explanations]
        return doc


# ---------------------------------------------------------------------------------------------
# Building sheets (shared by the reference and the batch path)


def build_sheet(
    scale: Scale,
    unit: str,
    explanations: tuple[Explanation, ...],
    *,
    stage: str = "self",
    source: str = "",
) -> ScoreSheet:
    """Assemble a sheet from its explanations: subtotals, total, vetoes (all exact Decimal sums)."""
    groups = []
    blocked = False
    for g in scale.groups:
        items = explanations[g.criteria[0].index : g.criteria[-1].index + 1]
        group_blocked = any(e.missing and e.criterion.missing == "block" for e in items)
        blocked |= group_blocked
        points = None if group_blocked else sum((e.points for e in items), ZERO)
        groups.append(GroupScore(g.code, g.name, g.max_points, points, items))
    total = None if blocked else sum((g.points for g in groups), ZERO)  # type: ignore[misc]
    vetoes = []
    deductions = ZERO
    at_max = 0
    for e in explanations:
        rule = e.criterion.rule
        if isinstance(rule, VetoRule) and e.value is True and not e.missing:
            vetoes.append(Veto(e.code, e.name, rule.scope, rule.awards))
        elif isinstance(rule, CountRule) and rule.per_event < 0:
            deductions += e.points
        if e.at_max:
            at_max += 1
    return ScoreSheet(
        unit=unit,
        scale=scale,
        explanations=explanations,
        groups=tuple(groups),
        total=total,
        vetoes=tuple(vetoes),
        deductions=deductions,
        criteria_at_max=at_max,
        stage=stage,
        source=source,
    )


def _split_judged(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, Judgement):
        return value.points, value.remark
    if isinstance(value, Mapping):
        return value.get("points"), value.get("remark")
    return value, None


def check_unit(scale: Scale, unit: UnitInput, index: int = 0) -> list[InputProblem]:
    """Problems with keys that are not criteria of the scale."""
    problems = []
    for fld in ("results", "targets", "remarks"):
        mapping = getattr(unit, fld)
        if not isinstance(mapping, Mapping):
            problems.append(
                InputProblem(index, unit.unit, fld, "", "phải là một bảng mã → giá trị")
            )
            continue
        for code in mapping:
            if not scale.has_criterion(code):
                problems.append(
                    InputProblem(
                        index,
                        unit.unit,
                        fld,
                        str(code),
                        "không có tiêu chí mã này trong thang điểm",
                    )
                )
    if not isinstance(unit.unit, str) or not unit.unit.strip():
        problems.append(InputProblem(index, str(unit.unit), "unit", "", "thiếu tên đơn vị"))
    return problems


def _score_reference(scale: Scale, unit: UnitInput, index: int) -> ScoreSheet:
    problems = check_unit(scale, unit, index)
    if problems:
        raise InputError(problems)
    rounding = scale.rounding
    out = []
    for crit in scale.criteria:
        raw = unit.results.get(crit.code)
        remark = unit.remarks.get(crit.code)
        if isinstance(crit.rule, JudgedRule):
            raw, inline = _split_judged(raw)
            remark = inline if inline is not None else remark
        try:
            target = unit.targets.get(crit.code)
            target = effective_target(crit.rule, None if target is None else to_decimal(target))
        except NumberError as exc:
            problems.append(InputProblem(index, unit.unit, "targets", crit.code, str(exc)))
            continue
        if _missing(raw):
            out.append(Explanation(crit, None, target, rounding.apply(ZERO), remark))
            continue
        try:
            value = (
                raw if isinstance(crit.rule, VetoRule) or isinstance(raw, bool) else to_decimal(raw)
            )
            check_value(crit.rule, crit.max_points, value, rounding.places)
            check_target(crit.rule, target)
            if (
                isinstance(crit.rule, JudgedRule)
                and value < crit.max_points
                and not (remark or "").strip()
            ):
                raise ValueProblem("chấm dưới điểm tối đa phải có nhận xét của đoàn kiểm tra")
        except (NumberError, ValueProblem) as exc:
            problems.append(InputProblem(index, unit.unit, "results", crit.code, str(exc)))
            continue
        points = evaluate(crit.rule, crit.max_points, value, target, rounding).points
        out.append(Explanation(crit, raw, target, points, remark))
    if problems:
        raise InputError(problems)
    return build_sheet(scale, unit.unit, tuple(out), stage=unit.stage, source=unit.source)


def score_unit(
    scale: Scale,
    targets: Mapping[str, Any] | None,
    results: Mapping[str, Any],
    judged: Mapping[str, Any] | None = None,
    *,
    unit: str = "",
    remarks: Mapping[str, str] | None = None,
    stage: str = "self",
    source: str = "",
) -> ScoreSheet:
    """Score one unit with the Decimal reference.

    ``judged`` maps judged criteria to points, :class:`Judgement` or ``{"points", "remark"}``; it is
    merged over ``results``. Raises :class:`InputError` listing every input problem.
    """
    merged = dict(results)
    notes = dict(remarks or {})
    for code, value in (judged or {}).items():
        points, remark = _split_judged(value)
        merged[code] = points
        if remark is not None:
            notes[code] = remark
    data = UnitInput(unit or "", merged, dict(targets or {}), notes, stage, source)
    return _score_reference(scale, data, 0)


def as_unit_input(item: UnitInput | Mapping[str, Any]) -> UnitInput:
    if isinstance(item, UnitInput):
        return item
    return UnitInput(
        unit=item.get("unit", ""),
        results=item.get("results", {}),
        targets=item.get("targets") or {},
        remarks=item.get("remarks") or {},
        stage=item.get("stage", "self"),
        source=item.get("source", ""),
    )


def score_units(
    scale: Scale,
    units: Iterable[UnitInput | Mapping[str, Any]],
    *,
    kernel: Any = None,
) -> list[ScoreSheet]:
    """Score many units at once (vectorised), identical to :func:`score_unit` for each.

    Pass a prebuilt :class:`thidua.engine.kernel.Kernel` to skip compiling the scale again.
    """
    from .batch import score_batch  # local import: batch imports this module

    return score_batch(scale, [as_unit_input(u) for u in units], kernel=kernel)
