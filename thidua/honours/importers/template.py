"""The import template: instructions, one sheet per kind of record with its header locked (a
required column's header in red), drop-down lists and checks, and the lists on a hidden sheet;
in the house style (thidua.lib.workbook_style)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.honours.importers.sheets import (
    DATA_ROWS,
    GUIDE_SHEET,
    LISTS_SHEET,
    SHEETS,
    SheetSpec,
)
from thidua.honours.models import YEAR_MAX, YEAR_MIN
from thidua.lib import workbook_style as style
from thidua.org.models import Unit
from thidua.untrusted import put


def template_workbook() -> bytes:
    """The import template: instructions, one locked-header sheet per record kind with
    drop-down lists and checks, and the lists themselves on a hidden sheet."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    ranges = _write_lists(lists)
    for spec in SHEETS:
        _data_sheet(wb.create_sheet(spec.name), spec, ranges)
    _write_guide(guide)
    lists.sheet_state = "hidden"
    return style.to_bytes(wb)


def _write_lists(ws) -> dict[tuple, str]:
    """One column per list; returns {choices: absolute range} for the data validations."""
    ranges: dict[tuple, str] = {}
    units = [u.name for u in Unit.objects.order_by("kind", "sort_key")]
    all_lists = [("Đơn vị", tuple((n, n) for n in dict.fromkeys(units)))]
    for spec in SHEETS:
        for col in spec.columns:
            if col.choices and col.choices not in [c for _, c in all_lists]:
                all_lists.append((col.header, col.choices))
    for i, (header, choices) in enumerate(all_lists, start=1):
        letter = get_column_letter(i)
        put(ws, 1, i, header).font = style.LABEL_FONT
        for j, (_, label) in enumerate(choices, start=2):
            put(ws, j, i, label)
        ranges[choices if header != "Đơn vị" else ("unit",)] = (
            f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
        )
    return ranges


def _data_sheet(ws, spec: SheetSpec, ranges: dict[tuple, str]) -> None:
    last = DATA_ROWS + 1
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        style.header_cell(ws, 1, i, col.title, required=col.required).protection = style.LOCKED
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        # The data area stays editable under the sheet protection that locks the header row.
        dim.protection = style.UNLOCKED
        if col.kind == "date":
            dim.number_format = "dd/mm/yyyy"
        area = f"{letter}2:{letter}{last}"
        validation = None
        if col.kind == "year":
            validation = DataValidation(
                type="whole", operator="between", formula1=str(YEAR_MIN), formula2=str(YEAR_MAX)
            )
            validation.error = f"Năm là số từ {YEAR_MIN} đến {YEAR_MAX}."
        elif col.kind == "date":
            validation = DataValidation(type="date", operator="greaterThan", formula1="1")
            validation.error = "Ngày dạng dd/mm/yyyy."
        elif col.choices:
            validation = DataValidation(type="list", formula1=ranges[col.choices])
            validation.error = "Chọn một giá trị trong danh sách."
        elif col.kind == "unit":
            # Names of every unit, as a suggestion only: a code or an old name is accepted too.
            validation = DataValidation(
                type="list", formula1=ranges[("unit",)], showErrorMessage=False
            )
        if validation is not None:
            validation.allow_blank = True
            validation.errorTitle = col.header
            validation.prompt = col.help or None
            validation.add(area)
            ws.add_data_validation(validation)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    # Editing, inserting, sorting and filtering the data stay allowed; only the header is locked.
    style.protect_layout(ws, format_rows=False, insert_rows=True)


def _write_guide(ws) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90
    lines: list[tuple[str, str, str]] = [
        ("NHẬP HỒ SƠ KHEN THƯỞNG TỪ EXCEL", "", ""),
        (
            "",
            "",
            "Điền dữ liệu vào các trang “Cán bộ”, “Xếp loại”, “Sáng kiến”, “Kỷ luật”, “Khen thưởng”; để trống trang không dùng.",
        ),
        ("", "", "Cột có dấu * (tiêu đề màu đỏ) là bắt buộc. Không sửa dòng tiêu đề (đã khóa)."),
        ("", "", "Ngày ghi dạng dd/mm/yyyy (ví dụ 03/12/2024); năm ghi 4 chữ số."),
        (
            "",
            "",
            "Đơn vị: ghi mã (ví dụ hoa-binh) hoặc tên đơn vị tại thời điểm đó (ví dụ “Công an tỉnh Hòa Bình” cho năm 2023, trước sáp nhập).",
        ),
        (
            "",
            "",
            "Nhập tất cả hoặc không nhập gì: nếu có một dòng lỗi, hệ thống báo từng lỗi (trang, dòng, cột) và không lưu dòng nào.",
        ),
        ("", "", "Cán bộ mới ở trang “Cán bộ” được dùng ngay ở các trang sau trong cùng tệp."),
        ("", "", ""),
    ]
    for spec in SHEETS:
        lines.append((f"Trang “{spec.name}”", "", spec.help))
        for i, col in enumerate(spec.columns, start=1):
            required = "bắt buộc" if col.required else ""
            lines.append(
                (
                    "",
                    f"{get_column_letter(i)}. {required}",
                    f"{col.header}: {col.help}".rstrip(": "),
                )
            )
        lines.append(("", "", ""))
    for r, (a, b, c) in enumerate(lines, start=1):
        put(ws, r, 1, a).font = style.TITLE_FONT if r == 1 else style.LABEL_FONT
        put(ws, r, 2, b).font = style.REQUIRED_FONT
        put(ws, r, 3, c).alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True
