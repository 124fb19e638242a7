"""A unit's roster counts by Excel: download the sheet (with the years already declared), fill or
correct it, upload it back. All rows or none: an error names the row and the column."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.honours.excel_rows import COUNTS, Column, at, read_rows
from thidua.honours.exports import exported_by, workbook
from thidua.honours.models import UnitYearRoster
from thidua.honours.models.common import year_error
from thidua.org.models import Unit, User

COLUMNS = (
    Column("Năm", "year", required=True, check=year_error),
    Column("Tổng quân số", "members", required=True),
    *COUNTS,
)
HEADERS = tuple(c.header for c in COLUMNS)
MAX_ROWS = 200


def sheet(unit: Unit, user: User) -> bytes:
    """The unit's declared rosters as a workbook to fill in (empty cell = not known)."""
    rows = UnitYearRoster.objects.filter(unit=unit).order_by("-year")
    return workbook(
        f"Quân số theo năm — {unit.name}",
        HEADERS,
        ([getattr(r, c.field) for c in COLUMNS] for r in rows),
        subtitle=f"{exported_by(user)}. Mỗi dòng một năm; ô để trống là chưa rõ.",
        widths=[8, 14, 18, 16, 18, 16, 20],
        sheet="Quân số",
    )


def read(source: bytes | IO[bytes]) -> tuple[list[tuple[int, dict[str, int | None]]], list[str]]:
    """(rows by sheet row number, errors) of an uploaded roster workbook."""
    found, errors = read_rows(source, COLUMNS, MAX_ROWS)
    years = [v["year"] for _, v in found if v["year"] is not None]
    errors += [
        f"Năm {y} có hơn một dòng." for y in sorted({y for y in years if years.count(y) > 1})
    ]
    return found, errors


@transaction.atomic
def import_rosters(*, by: User, unit: Unit, source: bytes | IO[bytes]) -> int:
    """Record every row (all or nothing); the number of years recorded."""
    rows, errors = read(source)
    if not errors:
        for row_no, values in rows:
            try:
                UnitYearRoster.set(by=by, unit=unit, **values)
            except ValidationError as exc:
                labels = {c.field: c.header for c in COLUMNS}
                for field, messages in exc.message_dict.items():
                    errors += [at(row_no, labels.get(field), m) for m in messages]
    if errors:  # raised inside the transaction: nothing of the file is kept
        raise ValidationError(errors)
    return len(rows)
