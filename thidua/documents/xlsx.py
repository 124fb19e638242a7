"""Bảng tổng hợp điểm → XLSX bytes (openpyxl).

One row per ranked unit (group subtotals, total, rank), the units excluded by a veto apart under
their own heading, notes below. Scores are real numbers (the sheet can sum and sort them) shown
with two decimals; the number formats carry the Vietnamese locale tag [$-42A], so LibreOffice shows
98,11 whatever the machine's locale, and Excel follows the reader's regional settings. Frozen
header and unit column, landscape A4 print setup with NĐ 30 margins, the header row repeated on
every printed page. The widths and the saving are the house style's (thidua.lib.workbook_style);
the typography is the official document's (NĐ 30: Times New Roman, a grey header on a grid).
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from thidua.documents import compose
from thidua.documents import numbers as vn
from thidua.documents.context import PARENT_BODY, DocumentContext
from thidua.documents.layout import MARGINS, MOTTO, NATIONAL_TITLE
from thidua.lib import workbook_style as style
from thidua.untrusted import put

FONT = "Times New Roman"
SCORE_FORMAT = "[$-42A]0.00"
RANK_FORMAT = "[$-42A]0"
MM_PER_INCH = 25.4
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
SHEET_TITLE = "Bảng tổng hợp điểm"


def _font(size: float = 12, *, bold: bool = False, italic: bool = False, underline=None):
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline)


def _merge(ws, row: int, first: int, last: int, value, *, font, align="center", wrap=False):
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = put(ws, row, first, value)
    cell.font = font
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    return cell


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def render(ctx: DocumentContext) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    groups = ctx.groups
    headers = [
        "STT",
        "Đơn vị",
        *(compose.group_title(g) for g in groups),
        "Tổng điểm",
        "Xếp hạng",
        "Ghi chú",
    ]
    ncols = len(headers)
    left_last = 2  # issuing body over the STT and unit columns
    right_first = 3

    # Header blocks (NĐ 30): issuing body left, national title and motto right.
    _merge(ws, 1, 1, left_last, PARENT_BODY, font=_font(12))
    _merge(ws, 1, right_first, ncols, NATIONAL_TITLE, font=_font(12, bold=True))
    _merge(ws, 2, 1, left_last, ctx.issuer, font=_font(12, bold=True, underline="single"))
    _merge(ws, 2, right_first, ncols, MOTTO, font=_font(13, bold=True, underline="single"))
    _merge(ws, 3, right_first, ncols, ctx.place_date, font=_font(12, italic=True))
    movement = f"Phong trào thi đua {compose.MOVEMENT} năm {ctx.year}"
    _merge(ws, 5, 1, ncols, "BẢNG TỔNG HỢP ĐIỂM, XẾP HẠNG", font=_font(14, bold=True))
    _merge(ws, 6, 1, ncols, movement, font=_font(14, bold=True))
    _merge(
        ws,
        7,
        1,
        ncols,
        f"(Kèm theo Báo cáo số …/BC-{ctx.symbol} ngày {vn.short_date(ctx.date)} của {ctx.title})",
        font=_font(12, italic=True),
    )
    row = 8
    if ctx.demo_note:
        _merge(ws, row, 1, ncols, ctx.demo_note, font=_font(11, italic=True), wrap=True)
        ws.row_dimensions[row].height = 30
        row += 1
    row += 1

    header_row = row
    for col, title in enumerate(headers, start=1):
        cell = put(ws, row, col, title)
        cell.font = _font(12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border, cell.fill = GRID, HEADER_FILL
    ws.row_dimensions[row].height = 66

    def unit_row(r: int, number: int, unit_row) -> None:
        values = [
            number,
            unit_row.name,
            *(_number(p) for p in unit_row.groups),
            _number(unit_row.total),
            unit_row.rank,
            compose.marker(ctx, unit_row),
        ]
        for col, value in enumerate(values, start=1):
            cell = put(ws, r, col, value)
            cell.font = _font(12)
            cell.border = GRID
            is_score = 3 <= col <= 2 + len(groups) + 1
            if is_score:
                cell.number_format = SCORE_FORMAT
                cell.alignment = Alignment(horizontal="right", vertical="center", indent=1)
            elif col == 2:
                cell.alignment = Alignment(horizontal="left", vertical="center", indent=1)
            else:
                cell.alignment = Alignment(horizontal="center", vertical="center")
                if col in (1, ncols - 1):
                    cell.number_format = RANK_FORMAT
        if unit_row.rank is None:
            put(ws, r, ncols - 1, "—")

    row += 1
    for number, unit in enumerate(ctx.ranked, start=1):
        unit_row(row, number, unit)
        row += 1
    if ctx.excluded:
        cell = _merge(
            ws,
            row,
            1,
            ncols,
            "Đơn vị không xếp hạng (vi phạm điểm liệt)",
            font=_font(12, bold=True),
            align="left",
        )
        for col in range(1, ncols + 1):
            ws.cell(row=row, column=col).border = GRID
            ws.cell(row=row, column=col).fill = SECTION_FILL
        row += 1
        for number, unit in enumerate(ctx.excluded, start=len(ctx.ranked) + 1):
            unit_row(row, number, unit)
            row += 1
    last_data_row = row - 1

    row += 1
    put(ws, row, 1, "Ghi chú:").font = _font(12, bold=True, italic=True)
    row += 1
    notes = [
        f"({n}) {r.name}: {r.note.rstrip('.')}."
        for n, r in enumerate(compose.noted_rows(ctx), start=1)
    ]
    for line in [*notes, compose.SCORE_FOOTNOTE]:
        _merge(ws, row, 1, ncols, line, font=_font(11, italic=True), align="left", wrap=True)
        ws.row_dimensions[row].height = 30
        row += 1

    # Column widths (characters): numbers narrow, names and group titles wide enough to read.
    style.column_widths(ws, [5, 27, *([12.5] * len(groups)), 9.5, 8.5, 7])

    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(ncols)}{row}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{last_data_row}"
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(
        left=MARGINS["left"] / MM_PER_INCH,
        right=MARGINS["right"] / MM_PER_INCH,
        top=MARGINS["top"] / MM_PER_INCH,
        bottom=MARGINS["bottom"] / MM_PER_INCH,
        header=0.3,
        footer=0.3,
    )
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT

    props = wb.properties
    props.title = f"Bảng tổng hợp điểm, xếp hạng năm {ctx.year} — {ctx.title}"
    props.creator = ctx.title
    props.subject = movement
    props.language = "vi-VN"
    props.keywords = "thi đua, Vì an ninh Tổ quốc"
    if ctx.demo_note:
        props.description = ctx.demo_note
    return style.to_bytes(wb)
