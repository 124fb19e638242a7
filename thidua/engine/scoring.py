"""Scores with explanations: points per criterion, group subtotals and the total of a unit.

Public API::

    sheet = score_unit(scale, targets, results, judged=None, unit="Yên Bái")   # reference path
    sheets = score_units(scale, [UnitInput(...), ...])                         # batch (NumPy)
    rec = reconcile(self_sheet, [inspection_1, inspection_2])   # rec.sheet, rec.flags

Each criterion yields an :class:`Explanation`: inputs, the rule, the formula in Vietnamese words and
the points (a ``Decimal`` rounded by the scale's rule). A group subtotal and the total explain
themselves too. Results are explicit: ``None`` (or a NaN) means *missing*, never zero; the
scale decides whether a missing result scores zero or blocks the total (``total is None``).

The two paths give identical sheets: :func:`score_unit` evaluates each criterion with the Decimal
reference (:func:`thidua.engine.rules.evaluate`); :func:`score_units` computes all units with
:class:`thidua.engine.kernel.Kernel` and falls back to the reference for the rare cells where a float
might round differently. Property tests hold them together.

Input problems (a value that is not a number, a judged score without its remark…) raise
:class:`InputError` listing every problem with its unit and criterion.

Reconciliation of a self-assessment with inspection sheets lives in
:mod:`thidua.engine.reconcile` and is re-exported here (:func:`reconcile`, :func:`reconcile_all`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .numbers import NumberError, to_decimal
from .reconcile import Consolidation, Discrepancy, reconcile, reconcile_all
from .rules import (
    JudgedRule,
    ValueProblem,
    VetoRule,
    YesNoRule,
    check_target,
    check_value,
    effective_target,
    evaluate,
)
from .scale import Scale
from .sheets import (
    Consolidated,
    Explanation,
    GroupScore,
    ScoreSheet,
    Veto,
    build_sheet,
    is_missing,
)

__all__ = [
    "Consolidated",
    "Consolidation",
    "Discrepancy",
    "Explanation",
    "GroupScore",
    "InputError",
    "InputProblem",
    "Judgement",
    "ScoreSheet",
    "UnitInput",
    "Veto",
    "reconcile",
    "reconcile_all",
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


def _split_judged(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, Judgement):
        return value.points, value.remark
    if isinstance(value, Mapping):
        return value.get("points"), value.get("remark")
    return value, None


def check_unit(
    scale: Scale, unit: UnitInput, index: int = 0, require_name: bool = True
) -> list[InputProblem]:
    """Problems with the shape of a unit's input: keys that are not criteria, a missing name."""
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
    if require_name and (not isinstance(unit.unit, str) or not unit.unit.strip()):
        problems.append(InputProblem(index, str(unit.unit), "unit", "", "thiếu tên đơn vị"))
    return problems


def _score_reference(scale: Scale, unit: UnitInput, index: int) -> ScoreSheet:
    problems = check_unit(scale, unit, index, require_name=False)
    if any(p.code == "" for p in problems):  # not even mappings: nothing else to check
        raise InputError(problems)
    rounding = scale.rounding
    out = []
    for crit in scale.criteria:
        raw = unit.results.get(crit.code)
        remark = unit.remarks.get(crit.code)
        if isinstance(crit.rule, JudgedRule):
            raw, inline = _split_judged(raw)
            remark = inline if inline is not None else remark
        target_ok = True
        try:
            target = unit.targets.get(crit.code)
            target = effective_target(crit.rule, None if target is None else to_decimal(target))
        except NumberError as exc:
            problems.append(InputProblem(index, unit.unit, "targets", crit.code, str(exc)))
            target, target_ok = None, False
        if is_missing(raw):
            if target_ok:
                out.append(Explanation(crit, None, target, rounding.apply(ZERO), remark))
            continue
        try:
            value = (
                raw
                if isinstance(crit.rule, VetoRule | YesNoRule) or isinstance(raw, bool)
                else to_decimal(raw)
            )
            check_value(crit.rule, crit.max_points, value, rounding.places)
            if not target_ok:  # the value on its own is checked; what needs the target is not
                continue
            check_target(crit.rule, target)
            if (
                isinstance(crit.rule, JudgedRule)
                and value < crit.max_points
                and not (isinstance(remark, str) and remark.strip())
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
