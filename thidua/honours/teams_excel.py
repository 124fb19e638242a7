"""The year data of a unit's subordinate units by Excel: one row per team (name, level, parent,
rating, roster counts), downloaded with the teams already registered, filled, uploaded back.

Rows go through the page's and the API's step (teams.set_rosters): a new team is registered from
its row, a bad value is refused with the same sentence, prefixed by its row number and column. All
rows or none."""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.honours.excel_rows import COUNTS, Column, at, read_rows
from thidua.honours.exports import exported_by, workbook
from thidua.honours.models import RatingLevel, UnitRating, UnitYearRoster
from thidua.honours.teams import TEAM_LEVELS, RowsRefused, set_rosters, teams_of
from thidua.org.models import Unit, User

COLUMNS = (
    Column("Năm", "year"),
    Column("Tên đơn vị trực thuộc", "name", numeric=False),
    Column("Cấp", "level", numeric=False),
    Column("Thuộc (đơn vị cấp trên)", "parent", numeric=False),
    Column("Xếp loại đơn vị", "rating", numeric=False),
    Column("Tổng quân số", "members"),
    *COUNTS,
)
HEADERS = tuple(c.header for c in COLUMNS)
HEADER_OF = {c.field: c.header for c in COLUMNS}
MAX_ROWS = 2000


def sheet(unit: Unit, year: int, user: User) -> bytes:
    """Every team of the unit with its data of ``year`` (empty cell = not known yet)."""
    teams = teams_of(unit)
    rosters = {r.unit_id: r for r in UnitYearRoster.objects.filter(unit__in=teams, year=year)}
    ratings = {r.unit_id: r for r in UnitRating.objects.filter(unit__in=teams, year=year)}

    def row(team: Unit) -> list[Any]:
        roster, rating = rosters.get(team.pk), ratings.get(team.pk)
        parent = "" if team.parent_id == unit.pk else team.parent.name
        counts = [getattr(roster, c.field) if roster else None for c in COLUMNS[5:]]
        label = rating.get_rating_display() if rating else ""
        return [year, team.name, team.get_level_display(), parent, label, *counts]

    data = workbook(
        f"Quân số đơn vị trực thuộc năm {year} — {unit.name}",
        HEADERS,
        (row(t) for t in teams),
        subtitle=(
            f"{exported_by(user)}. Mỗi dòng một đơn vị trực thuộc (phòng, đội, Công an xã, "
            "phường) trong một năm; dòng mới là đơn vị mới (ghi cấp: “Cấp cơ sở” hoặc “Cấp dưới "
            "cơ sở”). Ô để trống là chưa rõ."
        ),
        widths=[8, 34, 16, 28, 26, 12, 16, 14, 16, 14, 18],
        sheet="Đơn vị trực thuộc",
    )
    return _with_choices(data)


def _with_choices(data: bytes) -> bytes:
    """Drop-down lists on the level and rating columns (typing stays allowed: the step reads
    codes and labels alike and says what it accepts)."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    for column, labels in (
        ("C", [Unit.Level(code).label for code in TEAM_LEVELS]),
        ("E", [label for _, label in RatingLevel.choices]),
    ):
        rule = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        rule.showErrorMessage = False
        ws.add_data_validation(rule)
        rule.add(f"{column}4:{column}{MAX_ROWS + 3}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(source: bytes | IO[bytes]) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """(rows by sheet row number, errors) of an uploaded workbook; values are checked by the
    step, only what is no number at all is refused here."""
    return read_rows(source, COLUMNS, MAX_ROWS)


@transaction.atomic
def import_rosters(*, by: User, unit: Unit, source: bytes | IO[bytes]) -> int:
    """Record every row (all or nothing); the number of rows recorded."""
    rows, errors = read(source)
    if errors:
        raise ValidationError(errors)
    try:
        set_rosters(by=by, unit=unit, rows=[values for _, values in rows])
    except RowsRefused as exc:
        raise ValidationError(
            [at(rows[index][0], HEADER_OF[field], message) for index, field, message in exc.rows]
        ) from None
    return len(rows)
