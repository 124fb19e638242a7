"""Ranking: order units by total, break ties by the scale's keys, list vetoed units apart.

Public API::

    ranking = rank(sheets)                    # tie-break order from the sheets' scale
    ranking = rank(sheets, tie_breaks=[...])  # or an explicit order (TieBreak or "group:DTPCTP")

Units are ordered by total, then by each tie-break key in turn (a group's subtotal, a criterion's
points, the number of criteria at maximum, fewer deduction points). Units equal on the total *and*
on every key are true ties and share a rank — competition ranking: 1, 2, 2, 4. The order of tied
units in the list follows their names, so the input order never matters.

A unit hit by a veto of scope ``ranking`` (điểm liệt) or whose total a missing result blocks is not
ranked: it is listed in :attr:`Ranking.excluded` with the reasons. Every entry says why it sits
below the one above it (``note``), which is what a committee asks at the year-end conference.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import fmt_number, fmt_points
from .scale import Scale, TieBreak
from .scoring import ScoreSheet
from .text import same_unit_key

__all__ = ["Excluded", "RankEntry", "Ranking", "parse_tie_breaks", "rank"]


@dataclass(frozen=True, slots=True)
class RankEntry:
    rank: int
    unit: str
    total: Decimal
    sort_keys: tuple[Decimal, ...]  # (total, *tie-break values)
    tied: bool  # shares its rank with another unit
    sheet: ScoreSheet
    above: str | None = None  # the unit listed just before
    above_keys: tuple[Decimal, ...] | None = None
    tie_breaks: tuple[TieBreak, ...] = ()

    @property
    def keys(self) -> tuple[Decimal, ...]:
        """The tie-break values, in order."""
        return self.sort_keys[1:]

    @property
    def note(self) -> str:
        """Why this unit is below the one listed before it (or tied with it), in words."""
        if self.above is None or self.above_keys is None:
            return "đứng đầu"
        if self.above_keys == self.sort_keys:
            return f"đồng hạng với {self.above}: bằng tổng điểm và mọi tiêu chí phụ"
        return _why_below(
            self.above, self.above_keys, self.sort_keys, self.tie_breaks, self.sheet.scale
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "unit": self.unit,
            "total": str(self.total),
            "tie_break_values": [str(k) for k in self.keys],
            "tied": self.tied,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Excluded:
    unit: str
    reasons: tuple[str, ...]
    kind: str  # "veto" | "missing"
    sheet: ScoreSheet

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "kind": self.kind, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class Ranking:
    entries: tuple[RankEntry, ...]
    excluded: tuple[Excluded, ...]
    tie_breaks: tuple[TieBreak, ...]

    @property
    def members(self) -> int:
        """Every unit given to :func:`rank`, ranked or not."""
        return len(self.entries) + len(self.excluded)

    def rank_of(self, unit: str) -> int | None:
        for entry in self.entries:
            if entry.unit == unit:
                return entry.rank
        return None

    def entry(self, unit: str) -> RankEntry | None:
        """The unit's entry, its name compared in canonical form (spaces, Unicode form)."""
        for entry in self.entries:
            if entry.unit == unit:
                return entry
        key = same_unit_key(unit)
        return next((e for e in self.entries if same_unit_key(e.unit) == key), None)

    def excluded_unit(self, unit: str) -> Excluded | None:
        for item in self.excluded:
            if item.unit == unit:
                return item
        key = same_unit_key(unit)
        return next((item for item in self.excluded if same_unit_key(item.unit) == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tie_breaks": [_tb_code(tb) for tb in self.tie_breaks],
            "entries": [e.to_dict() for e in self.entries],
            "excluded": [x.to_dict() for x in self.excluded],
        }


def _tb_code(tb: TieBreak) -> str:
    return f"{tb.by}:{tb.code}" if tb.code else tb.by


def parse_tie_breaks(
    items: Iterable[TieBreak | str], scale: Scale | None = None
) -> tuple[TieBreak, ...]:
    """Tie-breaks from objects or strings (``group:CODE``, ``criterion:CODE``, ``criteria_at_max``,
    ``fewer_deductions``); with a scale, codes are checked."""
    out = []
    for item in items:
        if isinstance(item, TieBreak):
            out.append(item)
            continue
        by, _, code = str(item).partition(":")
        if by not in ("group", "criterion", "criteria_at_max", "fewer_deductions"):
            raise ValueError(f"Tiêu chí phụ xếp hạng không hợp lệ: {item!r}")
        if by in ("group", "criterion") and not code:
            raise ValueError(f"Tiêu chí phụ {item!r} thiếu mã")
        if scale is not None and by == "group" and code not in {g.code for g in scale.groups}:
            raise ValueError(f"Không có nhóm mã {code!r} trong thang điểm")
        if scale is not None and by == "criterion" and not scale.has_criterion(code):
            raise ValueError(f"Không có tiêu chí mã {code!r} trong thang điểm")
        out.append(TieBreak(by, code))
    return tuple(out)


def _key_value(sheet: ScoreSheet, tb: TieBreak) -> Decimal:
    """A tie-break value; higher is always better."""
    if tb.by == "group":
        points = sheet.group_total(tb.code)
        return points if points is not None else Decimal("-Infinity")
    if tb.by == "criterion":
        return sheet.explanation(tb.code).points
    if tb.by == "criteria_at_max":
        return Decimal(sheet.criteria_at_max)
    return sheet.deductions  # ≤ 0: fewer deductions is higher


def _key_text(tb: TieBreak, scale: Scale, value: Decimal) -> str:
    if tb.by in ("group", "criterion"):
        return fmt_number(value)
    if tb.by == "criteria_at_max":
        return f"{value} tiêu chí"
    return fmt_points(value.copy_negate()) if value else "0 điểm"


def _name_key(name: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFC", name)
    return (text.casefold(), text)


def rank(
    sheets: Sequence[ScoreSheet], tie_breaks: Iterable[TieBreak | str] | None = None
) -> Ranking:
    """Rank sheets (one per unit, same scale) by total with the tie-break order.

    ``tie_breaks`` defaults to the scale's order. Raises ``ValueError`` for two sheets of one unit
    or sheets scored under different scales.
    """
    if not sheets:
        return Ranking((), (), tuple(parse_tie_breaks(tie_breaks or ())))
    scale = sheets[0].scale
    seen: set[str] = set()
    for sheet in sheets:
        key = same_unit_key(sheet.unit)  # "A" and "A " are one unit
        if key in seen:
            raise ValueError(f"Đơn vị “{key}” có hơn một phiếu điểm trong bảng xếp hạng")
        seen.add(key)
        if sheet.scale.fingerprint != scale.fingerprint:
            raise ValueError(f"Phiếu điểm của “{sheet.unit}” chấm theo thang điểm khác")
    tbs = scale.tie_breaks if tie_breaks is None else parse_tie_breaks(tie_breaks, scale)

    ranked: list[tuple[tuple[Decimal, ...], ScoreSheet]] = []
    excluded: list[Excluded] = []
    for sheet in sheets:
        vetoes = sheet.ranking_vetoes
        if vetoes or sheet.total is None:
            reasons = [v.reason for v in vetoes]
            if sheet.total is None:
                names = ", ".join(
                    f"{code} ({scale.criterion(code).name})" for code in sheet.blocked_by
                )
                reasons.append(f"Thiếu số liệu bắt buộc: {names}")
            kind = "veto" if vetoes else "missing"
            excluded.append(Excluded(sheet.unit, tuple(reasons), kind, sheet))
            continue
        keys = (sheet.total, *(_key_value(sheet, tb) for tb in tbs))
        ranked.append((keys, sheet))
    # best first; true ties by name (so that the input order never matters)
    ranked.sort(key=lambda item: item[0], reverse=True)
    start = 0
    while start < len(ranked):
        end = start + 1
        while end < len(ranked) and ranked[end][0] == ranked[start][0]:
            end += 1
        if end - start > 1:
            ranked[start:end] = sorted(ranked[start:end], key=lambda item: _name_key(item[1].unit))
        start = end

    entries: list[RankEntry] = []
    tbs = tuple(tbs)
    for pos, (keys, sheet) in enumerate(ranked):
        prev = ranked[pos - 1][0] if pos else None
        nxt = ranked[pos + 1][0] if pos + 1 < len(ranked) else None
        number = entries[-1].rank if prev is not None and prev == keys else pos + 1
        tied = (prev is not None and prev == keys) or (nxt is not None and nxt == keys)
        above = ranked[pos - 1][1].unit if pos else None
        entries.append(
            RankEntry(number, sheet.unit, sheet.total, keys, tied, sheet, above, prev, tbs)  # type: ignore[arg-type]
        )
    excluded.sort(key=lambda x: _name_key(x.unit))
    return Ranking(tuple(entries), tuple(excluded), tuple(tbs))


def _why_below(
    above: str,
    prev: tuple[Decimal, ...],
    keys: tuple[Decimal, ...],
    tbs: Sequence[TieBreak],
    scale: Scale,
) -> str:
    if prev[0] != keys[0]:
        return f"tổng điểm {fmt_number(keys[0])} thấp hơn {above} ({fmt_number(prev[0])})"
    for k, tb in enumerate(tbs, start=1):
        if prev[k] != keys[k]:
            return (
                f"bằng tổng điểm {fmt_number(keys[0])} với {above}; {above} xếp trên do "
                f"{tb.describe(scale)} ({_key_text(tb, scale, prev[k])} so với "
                f"{_key_text(tb, scale, keys[k])})"
            )
    return ""  # unreachable: equal keys are ties
