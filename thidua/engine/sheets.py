"""Score sheets and their explanation records (the output of scoring).

- :class:`Explanation` — how one criterion of one unit got its points: inputs, rule, the formula in
  Vietnamese words (built on demand), the points, whether the result is missing.
- :class:`GroupScore` — a group subtotal with its sum in words.
- :class:`ScoreSheet` — one unit under one scale: explanations, groups, total, vetoes.

Memory and speed: a national batch has two million criterion results. A sheet built by the batch
path keeps them as four aligned columns (values, targets, points, remarks) and its
``explanations`` is an :class:`ExplanationRow` that creates each :class:`Explanation` record when it
is read; a formula sentence is formatted each time it is read. Scoring and ranking never pay for
records nobody reads, and two million long-lived records (seconds of garbage-collector scans,
hundreds of megabytes) are never held at once. The numbers in a record are the stored ones:
reading computes nothing new.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import Any, NamedTuple

from .formulas import describe, describe_rule
from .numbers import CONTEXT, dsum, fmt_number, fmt_points, to_decimal
from .rules import kind_of
from .scale import Criterion, Scale

__all__ = [
    "Consolidated",
    "Explanation",
    "GroupScore",
    "ScoreSheet",
    "Veto",
    "build_sheet",
]

ZERO = Decimal(0)


def is_missing(value: Any) -> bool:
    """None, or a NaN (float or Decimal): a missing result."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, Decimal) and value.is_nan()


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
        return is_missing(self.value)

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
        return kind_of(rule).inputs(rule, value, target, self.remark)

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


class GroupScore(NamedTuple):
    """A group subtotal; ``points`` is None when a missing result blocks it."""

    code: str
    name: str
    max_points: Decimal
    points: Decimal | None
    items: Sequence[Explanation]

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
            f"(tối đa {fmt_points(self.max_points)}{self._extra()})"
        )

    def _extra(self) -> str:
        if any(e.criterion.ceiling > e.criterion.max_points for e in self.items):
            return ", chưa kể điểm cộng"
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "points": None if self.points is None else str(self.points),
            "max_points": str(self.max_points),
            "formula": self.formula,
        }


_new_explanation = partial(tuple.__new__, Explanation)
_MISSING_CELL = object()


class ExplanationRow(Sequence):
    """The explanation records of a batch sheet, created when read.

    Keeping two million records alive costs seconds of garbage-collector scans and hundreds of
    megabytes; a row keeps only its columns (values, targets, points, remarks) and creates an
    :class:`Explanation` per access. Records are immutable and equal when their data are equal,
    so a fresh record is as good as a stored one. Slicing returns another row.
    """

    __slots__ = ("_criteria", "_points", "_remarks", "_start", "_stop", "_targets", "_values")

    def __init__(
        self, criteria, values, targets, points, remarks, start: int = 0, stop: int | None = None
    ):
        self._criteria = criteria
        self._values = values
        self._targets = targets
        self._points = points
        self._remarks = remarks
        self._start = start
        self._stop = len(criteria) if stop is None else stop

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                return tuple(self)[key]
            return ExplanationRow(
                self._criteria,
                self._values,
                self._targets,
                self._points,
                self._remarks,
                self._start + start,
                self._start + max(start, stop),
            )
        k = key + len(self) if key < 0 else key
        if not 0 <= k < len(self):
            raise IndexError(key)
        k += self._start
        return Explanation(
            self._criteria[k], self._values[k], self._targets[k], self._points[k], self._remarks[k]
        )

    def __iter__(self) -> Iterator[Explanation]:
        a, b = self._start, self._stop
        return map(
            _new_explanation,
            zip(
                self._criteria[a:b],
                self._values[a:b],
                self._targets[a:b],
                self._points[a:b],
                self._remarks[a:b],
                repeat(None, b - a),
                strict=False,
            ),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(x == y for x, y in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ExplanationRow({len(self)} records)"


class ScoreSheet:
    """One unit's scores under one scale: criteria, groups, total, vetoes. Read-only.

    Build it with :func:`build_sheet` (from explanation records) or let the batch path build it
    from columns; both give equal sheets (``==`` compares the unit, scale, stage, source, totals
    and every explanation).
    """

    __slots__ = (
        "_cells",
        "_explanations",
        "_groups",
        "criteria_at_max",
        "deductions",
        "group_points",
        "scale",
        "source",
        "stage",
        "total",
        "unit",
        "vetoes",
    )

    unit: str
    scale: Scale
    total: Decimal | None  # None: a missing result blocks the total
    group_points: tuple[Decimal | None, ...]  # per group, in scale order
    vetoes: tuple[Veto, ...]
    deductions: Decimal  # sum of deduction points (≤ 0)
    criteria_at_max: int
    stage: str  # "self" | "inspection" | "consolidated"
    source: str  # who scored

    def __init__(
        self,
        unit: str,
        scale: Scale,
        *,
        total: Decimal | None,
        group_points: Sequence[Decimal | None],
        vetoes: Sequence[Veto] = (),
        deductions: Decimal = ZERO,
        criteria_at_max: int = 0,
        stage: str = "self",
        source: str = "",
        explanations: tuple[Explanation, ...] | None = None,
        cells: tuple[Sequence[Any], Sequence[Any], Sequence[Decimal], Sequence[Any]] | None = None,
    ) -> None:
        if (explanations is None) == (cells is None):
            raise TypeError("give explanations or cells, not both")
        setter = object.__setattr__
        setter(self, "unit", unit)
        setter(self, "scale", scale)
        setter(self, "total", total)
        setter(self, "group_points", tuple(group_points))
        setter(self, "vetoes", tuple(vetoes))
        setter(self, "deductions", deductions)
        setter(self, "criteria_at_max", criteria_at_max)
        setter(self, "stage", stage)
        setter(self, "source", source)
        setter(self, "_explanations", explanations)
        setter(self, "_cells", cells)
        setter(self, "_groups", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ScoreSheet is read-only; score again to change it")

    def __repr__(self) -> str:
        return (
            f"ScoreSheet(unit={self.unit!r}, scale={self.scale.code!r}/{self.scale.version!r}, "
            f"stage={self.stage!r}, total={self.total!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoreSheet):
            return NotImplemented
        return (
            self.unit == other.unit
            and self.scale.fingerprint == other.scale.fingerprint
            and self.stage == other.stage
            and self.source == other.source
            and self.total == other.total
            and self.group_points == other.group_points
            and self.vetoes == other.vetoes
            and self.deductions == other.deductions
            and self.criteria_at_max == other.criteria_at_max
            and tuple(self.explanations) == tuple(other.explanations)
        )

    __hash__ = None  # type: ignore[assignment]

    # -- explanations ---------------------------------------------------------------------------

    @property
    def explanations(self) -> Sequence[Explanation]:
        """One record per criterion, in scale order.

        A tuple for sheets built from records; for batch sheets an :class:`ExplanationRow`, a
        read-only sequence that creates each record when it is read (indexing, iterating,
        slicing all work as on a tuple).
        """
        if self._explanations is not None:
            return self._explanations
        return ExplanationRow(self.scale.criteria, *self._cells)

    def explanation(self, code: str) -> Explanation:
        """The record of one criterion (without building the others)."""
        return self.explanations[self.scale.criterion(code).index]

    def _values(self) -> Sequence[Any]:
        if self._explanations is None:
            return self._cells[0]
        return [_MISSING_CELL if e.missing else e.value for e in self._explanations]

    @property
    def missing(self) -> tuple[str, ...]:
        """Codes of the criteria whose result is missing."""
        crits = self.scale.criteria
        return tuple(
            crits[k].code
            for k, v in enumerate(self._values())
            if v is _MISSING_CELL or is_missing(v)
        )

    @property
    def blocked_by(self) -> tuple[str, ...]:
        """Codes of the missing results that block the total."""
        return tuple(c for c in self.missing if self.scale.criterion(c).missing == "block")

    # -- groups ---------------------------------------------------------------------------------

    @property
    def groups(self) -> tuple[GroupScore, ...]:
        cached = self._groups
        if cached is None:
            expl = self.explanations
            cached = tuple(
                GroupScore(
                    g.code,
                    g.name,
                    g.max_points,
                    points,
                    expl[g.criteria[0].index : g.criteria[-1].index + 1],
                )
                for g, points in zip(self.scale.groups, self.group_points, strict=True)
            )
            object.__setattr__(self, "_groups", cached)
        return cached

    def group(self, code: str) -> GroupScore:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def group_total(self, code: str) -> Decimal | None:
        """A group's subtotal without building explanation records (used by tie-breaks)."""
        for g, points in zip(self.scale.groups, self.group_points, strict=True):
            if g.code == code:
                return points
        raise KeyError(code)

    @property
    def ranking_vetoes(self) -> tuple[Veto, ...]:
        return tuple(v for v in self.vetoes if v.scope == "ranking")

    @property
    def formula(self) -> str:
        if self.total is None:
            return f"Tổng điểm: chưa tính được do thiếu số liệu ({', '.join(self.blocked_by)})"
        parts = " + ".join(
            f"({fmt_number(p)})" if p < 0 else fmt_number(p)
            for p in self.group_points
            if p is not None
        )
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


def build_sheet(
    scale: Scale,
    unit: str,
    explanations: tuple[Explanation, ...],
    *,
    stage: str = "self",
    source: str = "",
) -> ScoreSheet:
    """Assemble a sheet from its explanations: subtotals, total, vetoes (all exact Decimal sums)."""
    group_points = []
    blocked = False
    for g in scale.groups:
        items = explanations[g.criteria[0].index : g.criteria[-1].index + 1]
        group_blocked = any(e.missing and e.criterion.missing == "block" for e in items)
        blocked |= group_blocked
        group_points.append(None if group_blocked else dsum(e.points for e in items))
    total = None if blocked else dsum(group_points)  # type: ignore[arg-type]
    vetoes = []
    deductions = ZERO
    at_max = 0
    for e in explanations:
        rule = e.criterion.rule
        kind = kind_of(rule)
        veto = None if e.missing else kind.veto(rule, e.value)
        if veto is not None:
            vetoes.append(Veto(e.code, e.name, *veto))
        elif kind.is_deduction(rule):
            deductions = CONTEXT.add(deductions, e.points)
        if e.at_max:
            at_max += 1
    return ScoreSheet(
        unit,
        scale,
        total=total,
        group_points=group_points,
        vetoes=vetoes,
        deductions=deductions,
        criteria_at_max=at_max,
        stage=stage,
        source=source,
        explanations=explanations,
    )
