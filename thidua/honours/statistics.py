"""The yearly commendation statistics the Ministry reports: how many collectives and individuals
received each form, at each level, in each unit and year (e.g. "3.356 tập thể và 7.918 cá nhân").

They are counted from the register (Commendation rows), whatever wrote them: a record typed in, an
import, or a signed decision. Revoked rows do not count. A collective counts for the honoured unit;
an individual for the unit of the person's current posting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from openpyxl import Workbook

from thidua.engine import text
from thidua.engine.eligibility_catalogue import ISSUERS
from thidua.engine.numbers import fmt_number
from thidua.honours.models import Commendation
from thidua.honours.models.common import catalogue
from thidua.lib import workbook_style as style
from thidua.org.models import Unit
from thidua.untrusted import put

COLLECTIVE = Commendation.Recipient.COLLECTIVE
INDIVIDUAL = Commendation.Recipient.INDIVIDUAL
LEVELS: dict[str, str] = {code: label[:1].upper() + label[1:] for code, label in ISSUERS.items()}


def level_of(award_code: str) -> str:
    """The level of a form: who confers it (unit head, Ministry, Government, State)."""
    cat = catalogue()
    return cat.get(award_code).issuer if award_code in cat else ""


@dataclass
class Pair:
    """Collectives and individuals counted for one key."""

    label: str
    collectives: int = 0
    individuals: int = 0

    @property
    def total(self) -> int:
        return self.collectives + self.individuals

    @property
    def text(self) -> dict[str, str]:
        """The counts in Vietnamese format (3.356), for the page."""
        return {
            "collectives": fmt_number(self.collectives),
            "individuals": fmt_number(self.individuals),
            "total": fmt_number(self.total),
        }

    def add(self, kind: str, n: int) -> None:
        if kind == COLLECTIVE:
            self.collectives += n
        else:
            self.individuals += n


@dataclass
class Stats:
    total: Pair = field(default_factory=lambda: Pair("Tổng cộng"))
    by_year: list[Pair] = field(default_factory=list)
    by_form: list[Pair] = field(default_factory=list)
    by_level: list[Pair] = field(default_factory=list)
    by_unit: list[Pair] = field(default_factory=list)
    # (year, form label, level label, collectives, individuals): the detail sheet
    detail: list[tuple[int, str, str, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    award: str = ""
    level: str = ""
    recipient: str = ""
    unit: Unit | None = None
    # A name search ("Lai Châu", "lai chau"): the units it found (Unit.objects.search).
    units: tuple[Unit, ...] = ()

    def unit_line(self) -> list[int]:
        """Primary keys of the units asked for and their predecessors (a unit's history)."""
        chosen = [*self.units, *([self.unit] if self.unit is not None else [])]
        return sorted({u.pk for unit in chosen for u in unit.current().lineage()})

    def apply(self, rows: QuerySet[Commendation]) -> QuerySet[Commendation]:
        rows = rows.filter(revoked=False)
        if self.year_from:
            rows = rows.filter(year__gte=self.year_from)
        if self.year_to:
            rows = rows.filter(year__lte=self.year_to)
        if self.award:
            rows = rows.filter(award_code=self.award)
        if self.level:
            rows = rows.filter(
                award_code__in=[k.code for k in catalogue() if k.issuer == self.level]
            )
        if self.recipient:
            rows = rows.filter(recipient_kind=self.recipient)
        if self.unit is not None or self.units:
            line = self.unit_line()
            rows = rows.filter(Q(unit__in=line) | Q(person__current_unit__in=line))
        return rows

    def describe(self) -> str:
        parts = []
        if self.year_from or self.year_to:
            if self.year_from == self.year_to:
                parts.append(f"năm {self.year_from}")
            else:
                parts.append(f"năm {self.year_from or '…'}–{self.year_to or 'nay'}")
        if self.award:
            parts.append(catalogue().name(self.award))
        if self.level:
            parts.append(LEVELS.get(self.level, self.level).lower())
        if self.recipient:
            parts.append(dict(Commendation.Recipient.choices)[self.recipient].lower())
        if self.unit is not None:
            parts.append(self.unit.short_name)
        if self.units:
            names = [u.short_name for u in self.units[:3]]
            more = len(self.units) - len(names)
            parts.append(", ".join(names) + (f" và {more} đơn vị khác" if more else ""))
        return ", ".join(parts)


def statistics(rows: QuerySet[Commendation], filters: Filters) -> Stats:
    """Counts by year, form, level and unit, from one grouped query over the filtered register."""
    grouped = (
        filters.apply(rows)
        .values("year", "award_code", "recipient_kind", "unit_id", "person__current_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cat = catalogue()
    stats = Stats()
    years: dict[int, Pair] = {}
    forms: dict[str, Pair] = {}
    levels: dict[str, Pair] = {}
    units: dict[int | None, Pair] = {}
    detail: dict[tuple[int, str], Pair] = defaultdict(lambda: Pair(""))
    for row in grouped:
        kind, n, code = row["recipient_kind"], row["n"], row["award_code"]
        unit_id = row["unit_id"] if kind == COLLECTIVE else row["person__current_unit_id"]
        level = level_of(code)
        stats.total.add(kind, n)
        years.setdefault(row["year"], Pair(f"Năm {row['year']}")).add(kind, n)
        forms.setdefault(code, Pair(cat.name(code))).add(kind, n)
        levels.setdefault(level, Pair(LEVELS.get(level, "(không rõ)"))).add(kind, n)
        units.setdefault(unit_id, Pair("")).add(kind, n)
        detail[(row["year"], code)].add(kind, n)
    names = dict(
        Unit.objects.filter(pk__in=[k for k in units if k is not None]).values_list("pk", "name")
    )
    for unit_id, pair in units.items():
        pair.label = names.get(unit_id, "(chưa rõ đơn vị)")
    rank = {k.code: k.rank for k in cat}
    stats.by_year = [years[y] for y in sorted(years)]
    stats.by_form = [forms[c] for c in sorted(forms, key=lambda c: rank.get(c, 0))]
    order = list(LEVELS)
    stats.by_level = [
        levels[lv] for lv in sorted(levels, key=lambda lv: order.index(lv) if lv in order else 99)
    ]
    stats.by_unit = sorted(units.values(), key=lambda p: text.sort_key_str(p.label))
    stats.detail = [
        (year, cat.name(code), LEVELS.get(level_of(code), ""), p.collectives, p.individuals)
        for (year, code), p in sorted(
            detail.items(), key=lambda kv: (kv[0][0], rank.get(kv[0][1], 0))
        )
    ]
    return stats


# -- the workbook ----------------------------------------------------------------------------------

Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]], Sequence[int]]


def sheets_workbook(title: str, subtitle: str, sheets: Sequence[Sheet]) -> bytes:
    """Several sheets in the house style (thidua.lib.workbook_style): title, who exported it, a
    frozen, filterable header; user text through `put`, never a formula."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows, widths in sheets:
        ws = wb.create_sheet(name[:31])
        style.title(ws, title)
        style.note(ws, subtitle)
        head = 3
        columns = style.header_row(ws, head, headers, widths)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row, start=1):
                cell = put(ws, head + count, col, value)
                if isinstance(value, dt.date):
                    cell.number_format = style.DATE_FORMAT
                elif isinstance(value, float):
                    cell.number_format = "0.0#"
                elif isinstance(value, int) and col > 1:
                    cell.number_format = "#,##0"
        style.filter_header(ws, head, columns, count)
        style.printable(ws, head)
    return style.to_bytes(wb)


def _pairs(pairs: list[Pair], total: Pair) -> list[list[Any]]:
    return [[p.label, p.collectives, p.individuals, p.total] for p in [*pairs, total]]


def statistics_workbook(stats: Stats, filters: Filters, subtitle: str) -> bytes:
    described = filters.describe()
    title = "Thống kê khen thưởng" + (f" ({described})" if described else "")
    heads = ["Tập thể", "Cá nhân", "Cộng"]
    return sheets_workbook(
        title,
        subtitle,
        [
            ("Theo năm", ["Năm", *heads], _pairs(stats.by_year, stats.total), [16, 12, 12, 12]),
            (
                "Theo hình thức",
                ["Danh hiệu, hình thức", *heads],
                _pairs(stats.by_form, stats.total),
                [48, 12, 12, 12],
            ),
            (
                "Theo cấp",
                ["Cấp khen", *heads],
                _pairs(stats.by_level, stats.total),
                [36, 12, 12, 12],
            ),
            (
                "Theo đơn vị",
                ["Đơn vị", *heads],
                _pairs(stats.by_unit, stats.total),
                [44, 12, 12, 12],
            ),
            (
                "Chi tiết",
                ["Năm", "Danh hiệu, hình thức", "Cấp khen", "Tập thể", "Cá nhân"],
                [list(row) for row in stats.detail],
                [8, 48, 30, 12, 12],
            ),
        ],
    )
