"""What the unit-data workbooks share (a unit's rosters by year, ``rosters_excel``; its subordinate
units' year data, ``teams_excel``): the rows under the header row of an uploaded sheet, read column by
column, whole numbers, and the row-and-column wording of every refusal ("Dòng 5, cột “Năm”: …")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, Any, NamedTuple

from thidua.engine.text import search_key
from thidua.untrusted import FileRefused, open_workbook, strip_control


class Column(NamedTuple):
    """A column of an uploaded sheet: its header, the field it fills, whether it holds a whole
    number (else text), whether a row must fill it, and a check of its value (a refusal or "")."""

    header: str
    field: str
    numeric: bool = True
    required: bool = False
    check: Callable[[Any], str | None] | None = None


# A roster year's counts after its total (UnitYearRoster's COUNT_FIELDS), as both sheets head them.
COUNTS = (
    Column("Hoàn thành nhiệm vụ trở lên", "completed"),
    Column("Chiến sĩ tiên tiến", "advanced"),
    Column("Chiến sĩ thi đua cơ sở", "emulation"),
    Column("Kỷ luật khiển trách", "reprimanded"),
    Column("Kỷ luật từ cảnh cáo trở lên", "warned"),
)


def at(row_no: int, header: str | None, message: str) -> str:
    """A refusal where it stands: "Dòng 5, cột “Năm”: …" (the row alone without a column)."""
    where = f", cột “{header}”" if header else ""
    return f"Dòng {row_no}{where}: {message}"


def filled(raw: Any) -> bool:
    return raw is not None and str(raw).strip() != ""


def number(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not raw.is_integer():  # 3.5 officers: not a count (never read as "35")
            raise ValueError
        return int(raw)
    written = strip_control(str(raw)).strip().replace(".", "").replace(" ", "")
    # A negative or huge number is a number: the model refuses it with the page's and the API's
    # message (rosters.count_errors); only what is no whole number at all is refused here.
    digits = written[1:] if written[:1] in ("-", "−") else written
    if not digits.isdigit() or len(digits) > 15:
        raise ValueError
    return -int(digits) if digits != written else int(digits)


def _sheet_rows(
    source: bytes | IO[bytes], first_header: str, width: int, max_rows: int
) -> tuple[list[tuple[int, list[Any]]], list[str]]:
    """The rows with something in them under the header row (found by its first header among the
    first ten rows), each with its sheet row number and ``width`` cells; or the file's refusal."""
    try:
        wb = open_workbook(source)
    except FileRefused as exc:
        return [], [str(exc)]
    try:
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=max_rows + 10))
    finally:
        wb.close()
    key = search_key(first_header)
    head = next(
        (i for i, row in enumerate(rows[:10]) if row and search_key(str(row[0] or "")) == key),
        None,
    )
    if head is None:
        return [], [f"Không thấy dòng tiêu đề (cột đầu là “{first_header}”): dùng tệp mẫu tải về."]
    found = []
    for row_no, row in enumerate(rows[head + 1 :], start=head + 2):
        cells = (list(row or ()) + [None] * width)[:width]
        if any(filled(c) for c in cells):
            found.append((row_no, cells))
    return found, []


def read_rows(
    source: bytes | IO[bytes], columns: Sequence[Column], max_rows: int
) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """(values by field of each row, by sheet row number; errors) of an uploaded sheet: an empty
    cell is None, text is kept without control characters, what is no whole number in a number
    column is refused here (the rest is checked by the step that records the rows)."""
    rows, errors = _sheet_rows(source, columns[0].header, len(columns), max_rows)
    found: list[tuple[int, dict[str, Any]]] = []
    for row_no, cells in rows:
        values: dict[str, Any] = {}
        for column, raw in zip(columns, cells, strict=True):
            values[column.field] = None
            if not filled(raw):
                if column.required:
                    errors.append(at(row_no, column.header, "bắt buộc, đang để trống."))
            elif not column.numeric:
                values[column.field] = strip_control(str(raw))
            else:
                try:
                    values[column.field] = number(raw)
                except ValueError:
                    errors.append(at(row_no, column.header, f"“{raw}” không phải số nguyên."))
        for column in columns:
            value = values[column.field]
            refusal = column.check(value) if column.check and value is not None else None
            if refusal:
                errors.append(at(row_no, column.header, refusal))
        found.append((row_no, values))
    if not found and not errors:
        errors.append("Tệp không có dòng số liệu nào.")
    return found, errors
