"""A list exported as a workbook in the house style (thidua.lib.workbook_style), and its download.

Used by every app's list pages (units and clusters in org, the register in honours, the year's lists
in cycle): below all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment

from thidua.lib import workbook_style as style
from thidua.untrusted import put

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT, HEADER_FILL, HEADER_FONT = style.DATE_FORMAT, style.HEADER_FILL, style.HEADER_FONT
TOP = Alignment(vertical="top")


def workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    subtitle: str = "",
    widths: Sequence[int] | None = None,
    sheet: str = "Danh sách",
) -> bytes:
    """One list in the house style (thidua.lib.workbook_style): title, who exported it, a frozen,
    filterable header, real dates; user text through `put`, never a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    style.title(ws, title)
    style.note(ws, subtitle)
    head = 3
    style.header_row(ws, head, headers)
    widths = list(widths or [])
    widths += [18] * (len(headers) - len(widths))
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row, start=1):
            cell = put(ws, head + count, col, value)  # user text stays text, without controls
            cell.alignment = TOP  # a row made tall by wrapped text reads from its top line
            if isinstance(value, dt.datetime):
                cell.number_format = style.DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, float):
                cell.number_format = style.DECIMAL_FORMAT
            elif isinstance(value, str) and len(value) > min(
                widths[col - 1] if col <= len(widths) else 18, 60
            ):
                cell.alignment = style.TEXT_ALIGNMENT  # wider than its column: wrapped
    style.column_widths(ws, widths)
    style.filter_header(ws, head, len(headers), count)
    style.row_heights(ws, head, head + count)
    style.printable(ws, head)
    return style.to_bytes(wb)


def exported_by(user) -> str:
    when = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    return f"Xuất ngày {when} bởi {user.display_name} — Hệ thống Thi Đua"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    ascii_name = filename.encode("ascii", "ignore").decode() or "danh-sach.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
