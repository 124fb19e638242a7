"""Reconciliation: a self-assessment and the inspection sheets become one consolidated sheet.

In cross-inspection (kiểm tra chéo) teams of other cluster members check each unit's self-assessment
against the evidence and score it themselves. The consolidated sheet takes, per criterion, the
inspection points combined by the scale's method (``mean``, ``median`` or ``min``, rounded by the
scale's rule); a veto found by any sheet stands. A criterion no inspection scored keeps the
self-assessed points, and says so.

Every criterion where the sheets differ by more than the scale's threshold is flagged with a
:class:`Discrepancy`, so the committee discusses those lines and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import CONTEXT, dsum, fmt_number, fmt_points
from .rules import kind_of
from .sheets import Consolidated, Explanation, ScoreSheet, build_sheet
from .text import same_unit_key

__all__ = ["Consolidation", "Discrepancy", "reconcile", "reconcile_all"]


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A criterion where the sheets disagree by more than the threshold (or no team scored it)."""

    unit: str
    code: str
    name: str
    self_points: Decimal | None  # None: missing in the self-assessment
    inspections: tuple[tuple[str, Decimal | None], ...]  # (source, points) per inspection sheet
    consolidated: Decimal
    difference: Decimal  # the largest gap between any two sheets
    threshold: Decimal
    not_inspected: bool = False

    @property
    def reason(self) -> str:
        if self.not_inspected:
            return (
                f"{self.name}: chưa được đoàn kiểm tra chấm, giữ điểm tự chấm "
                f"{fmt_points(self.consolidated)}"
            )
        own = "thiếu" if self.self_points is None else fmt_number(self.self_points)
        others = "; ".join(
            f"{s}: {'thiếu' if p is None else fmt_number(p)}" for s, p in self.inspections
        )
        return (
            f"{self.name}: tự chấm {own}; {others} — chênh lệch {fmt_points(self.difference)}, "
            f"vượt ngưỡng {fmt_points(self.threshold)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "code": self.code,
            "name": self.name,
            "self_points": None if self.self_points is None else str(self.self_points),
            "inspections": [
                {"source": s, "points": None if p is None else str(p)} for s, p in self.inspections
            ],
            "consolidated": str(self.consolidated),
            "difference": str(self.difference),
            "not_inspected": self.not_inspected,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Consolidation:
    unit: str
    sheet: ScoreSheet  # the consolidated sheet (stage "consolidated")
    self_sheet: ScoreSheet
    inspections: tuple[ScoreSheet, ...]
    flags: tuple[Discrepancy, ...]


def _combine(method: str, points: list[Decimal], rounding) -> Decimal:
    if method == "min":
        return min(points)
    ordered = sorted(points)
    if method == "median":
        mid = len(ordered) // 2
        value = (
            ordered[mid]
            if len(ordered) % 2
            else CONTEXT.divide(CONTEXT.add(ordered[mid - 1], ordered[mid]), 2)
        )
    else:
        value = CONTEXT.divide(dsum(ordered), len(ordered))
    return rounding.apply(value)


def reconcile(
    self_sheet: ScoreSheet,
    inspections: Sequence[ScoreSheet],
    *,
    method: str | None = None,
    threshold: Decimal | None = None,
) -> Consolidation:
    """Consolidate one unit's self-assessment with its inspection sheets (same scale, same unit)."""
    scale = self_sheet.scale
    method = method or scale.reconciliation.method
    threshold = scale.reconciliation.threshold if threshold is None else threshold
    for sheet in inspections:
        if sheet.scale.fingerprint != scale.fingerprint:
            raise ValueError(f"Phiếu của {sheet.source or sheet.unit} chấm theo thang điểm khác")
        if same_unit_key(sheet.unit) != same_unit_key(self_sheet.unit):
            raise ValueError(
                f"Phiếu kiểm tra của đơn vị {sheet.unit}, không phải {self_sheet.unit}"
            )
    sources = [s.source or f"Phiếu kiểm tra {k + 1}" for k, s in enumerate(inspections)]
    out: list[Explanation] = []
    flags: list[Discrepancy] = []
    for k, own in enumerate(self_sheet.explanations):
        theirs = [
            (src, sheet.explanations[k]) for src, sheet in zip(sources, inspections, strict=True)
        ]
        scored = [e for _, e in theirs if not e.missing]
        crit = own.criterion
        if not scored:
            out.append(own)
            if inspections:
                flags.append(
                    Discrepancy(
                        self_sheet.unit,
                        crit.code,
                        crit.name,
                        None if own.missing else own.points,
                        tuple((s, None) for s, _ in theirs),
                        own.points,
                        Decimal(0),
                        threshold,
                        not_inspected=True,
                    )
                )
            continue
        if kind_of(crit.rule).combine == "any":
            occurred = any(e.value is True for e in scored)
            same = all(e.value == scored[0].value for e in scored)
            chosen = (
                scored[0]
                if same
                else Explanation(
                    crit, occurred, None, scored[0].points, None, Consolidated("any", tuple(theirs))
                )
            )
        else:
            points = [e.points for e in scored]
            combined = _combine(method, points, crit.rounding)
            if len(scored) == 1 or all(p == points[0] for p in points):
                chosen = scored[0]
            else:
                chosen = Explanation(
                    crit, None, None, combined, None, Consolidated(method, tuple(theirs))
                )
        out.append(chosen)
        compared = [
            p
            for p in [None if own.missing else own.points, *[e.points for e in scored]]
            if p is not None
        ]
        gap = CONTEXT.subtract(max(compared), min(compared))
        if gap > threshold or (
            kind_of(crit.rule).combine == "any" and any(e.value != own.value for e in scored)
        ):
            flags.append(
                Discrepancy(
                    self_sheet.unit,
                    crit.code,
                    crit.name,
                    None if own.missing else own.points,
                    tuple((s, None if e.missing else e.points) for s, e in theirs),
                    chosen.points,
                    gap,
                    threshold,
                )
            )
    label = "Tổng hợp: " + ", ".join(sources) if inspections else "Tự chấm (chưa kiểm tra)"
    sheet = build_sheet(scale, self_sheet.unit, tuple(out), stage="consolidated", source=label)
    return Consolidation(self_sheet.unit, sheet, self_sheet, tuple(inspections), tuple(flags))


def reconcile_all(
    self_sheets: Sequence[ScoreSheet], inspection_sheets: Sequence[ScoreSheet], **options: Any
) -> list[Consolidation]:
    """Consolidate every unit: inspection sheets are matched to self-assessments by unit name."""
    by_unit: dict[str, list[ScoreSheet]] = {same_unit_key(s.unit): [] for s in self_sheets}
    for sheet in inspection_sheets:  # names compared in canonical form (spaces, Unicode form)
        key = same_unit_key(sheet.unit)
        if key not in by_unit:
            raise ValueError(f"Phiếu kiểm tra cho đơn vị “{sheet.unit}” không có phiếu tự chấm")
        by_unit[key].append(sheet)
    return [reconcile(s, by_unit[same_unit_key(s.unit)], **options) for s in self_sheets]
