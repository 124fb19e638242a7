"""The house style of every workbook the application writes (issue #12), defined once.

Templates to fill in, lists exported and statistics share it: a bold title in A1 and a grey
italic note under it (who exported it, which scale), a dark header row in white bold letters
(a required column's header in red), cream input cells, column widths in characters, a frozen
header and a filter on it, dates as dd/mm/yyyy. The official documents (``thidua.documents.xlsx``,
NĐ 30: Times New Roman, grey grid) take the widths and the saving from here and keep their own
typography.

Every value goes through :func:`thidua.untrusted.put` (user text stays text, never a formula).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from thidua.untrusted import put

HEADER_FILL = PatternFill("solid", fgColor="0F2747")
REQUIRED_FILL = PatternFill("solid", fgColor="A8191F")  # the header of a required column
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")  # a cell the user fills in
WORDS_FILL = PatternFill(
    "solid", fgColor="EEF1F5"
)  # written by the system, to read (a rule in words)
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="555555")
LABEL_FONT = Font(bold=True)
REQUIRED_FONT = Font(italic=True, color="A8191F")  # "bắt buộc" written next to a field
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TEXT_ALIGNMENT = Alignment(wrap_text=True, vertical="top")  # long text in a data cell
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"  # a moment ("Gửi lúc"): the day alone hides the hour
DECIMAL_FORMAT = "#,##0.00"  # scores: 94,60 beside 98,11 (separators from the reader's locale)

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "DECIMAL_FORMAT",
    "HEADER_ALIGNMENT",
    "HEADER_FILL",
    "HEADER_FONT",
    "INPUT_FILL",
    "LABEL_FONT",
    "LOCKED",
    "NOTE_FONT",
    "REQUIRED_FILL",
    "REQUIRED_FONT",
    "TEXT_ALIGNMENT",
    "TITLE_FONT",
    "UNLOCKED",
    "WORDS_FILL",
    "column_widths",
    "filter_header",
    "header_cell",
    "header_row",
    "note",
    "printable",
    "protect_layout",
    "row_heights",
    "title",
    "to_bytes",
]


def title(ws, text: str, row: int = 1) -> Cell:
    """The sheet's title, in A1 unless told."""
    cell = put(ws, row, 1, text)
    cell.font = TITLE_FONT
    return cell


def note(ws, text: str, row: int = 2) -> Cell:
    """The grey line under the title: who exported it and when, or which scale it follows."""
    cell = put(ws, row, 1, text)
    cell.font = NOTE_FONT
    return cell


def header_cell(ws, row: int, column: int, text: str, *, required: bool = False) -> Cell:
    cell = put(ws, row, column, text)
    cell.fill = REQUIRED_FILL if required else HEADER_FILL
    cell.font = HEADER_FONT
    cell.alignment = HEADER_ALIGNMENT
    return cell


def header_row(
    ws,
    row: int,
    headers: Iterable[str],
    widths: Sequence[float] | None = None,
    *,
    locked: bool = False,
) -> int:
    """The column headers on ``row`` (locked if the sheet will be protected) and the widths;
    returns how many columns there are."""
    count = 0
    for count, text in enumerate(headers, start=1):
        cell = header_cell(ws, row, count, text)
        if locked:
            cell.protection = LOCKED
    if widths is not None:
        column_widths(ws, widths)
    return count


def column_widths(ws, widths: Iterable[float], first: int = 1) -> None:
    """Widths in characters, from column ``first`` on."""
    for col, width in enumerate(widths, start=first):
        ws.column_dimensions[get_column_letter(col)].width = width


def filter_header(ws, row: int, columns: int, rows: int, *, freeze_col: int = 1) -> None:
    """Freeze everything above the data (and the columns left of ``freeze_col``) and put a filter
    on the header over ``rows`` data rows (at least one)."""
    ws.freeze_panes = ws.cell(row=row + 1, column=freeze_col)
    if columns:
        ws.auto_filter.ref = f"A{row}:{get_column_letter(columns)}{row + max(rows, 1)}"


def printable(ws, header_row: int) -> None:
    """Printed on A4 as one page wide (landscape when the columns are wide), the header row on
    every page and "Trang 1/3" at the foot: an officer prints the list to sign or file it."""
    widths = [d.width or 9 for d in ws.column_dimensions.values()]
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if sum(widths) > 90 else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "Trang &P/&N"


def row_heights(ws, first: int, last: int) -> None:
    """Rows tall enough for their wrapped text (a reader that does not fit rows on opening would
    print the lines over the next row): the longest cell's lines at 15 points a line."""
    widths = {k: (d.width or 9) for k, d in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=first, max_row=last):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                room = max(widths.get(cell.column_letter, 9) - 1, 1)
                wrapped = sum(
                    math.ceil(max(len(p), 1) * 1.1 / room) for p in cell.value.split("\n")
                )
                lines = max(lines, wrapped)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * min(lines, 20)


def protect_layout(ws, *, format_rows: bool = True, insert_rows: bool = False) -> None:
    """Protect the sheet without a password: locked cells (headers, labels) cannot be changed by
    accident; formatting cells and columns, sorting and filtering stay allowed, and formatting
    rows or inserting and deleting rows as told."""
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    if format_rows:
        ws.protection.formatRows = False
    if insert_rows:
        ws.protection.insertRows = False
        ws.protection.deleteRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def to_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
