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

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .batch import score_batch
from .numbers import NumberError, to_decimal
from .reconcile import Consolidation, Discrepancy, reconcile, reconcile_all
from .rules import (
    ValueProblem,
    check_target,
    check_value,
    effective_target,
    evaluate,
    kind_of,
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
from .unit_inputs import InputError, InputProblem, Judgement, UnitInput, check_unit

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


def _split_judged(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, Judgement):
        return value.points, value.remark
    if isinstance(value, Mapping):
        return value.get("points"), value.get("remark")
    return value, None


def _score_reference(scale: Scale, unit: UnitInput, index: int) -> ScoreSheet:
    problems = check_unit(scale, unit, index, require_name=False)
    if any(p.code == "" for p in problems):  # not even mappings: nothing else to check
        raise InputError(problems)
    rounding = scale.rounding
    out = []
    for crit in scale.criteria:
        raw = unit.results.get(crit.code)
        remark = unit.remarks.get(crit.code)
        if kind_of(crit.rule).input == "judged":
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
                if kind_of(crit.rule).input == "bool" or isinstance(raw, bool)
                else to_decimal(raw)
            )
            check_value(crit.rule, crit.max_points, value, rounding.places)
            if not target_ok:  # the value on its own is checked; what needs the target is not
                continue
            check_target(crit.rule, target)
            kind_of(crit.rule).check_remark(crit.rule, crit.max_points, value, remark)
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
    return score_batch(scale, [as_unit_input(u) for u in units], kernel=kernel)
