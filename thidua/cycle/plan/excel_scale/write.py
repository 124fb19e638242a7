"""Writing a scale document as an editable workbook (or the blank template)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.cycle.plan.excel_scale.columns import (
    CRITERIA_SHEET,
    CRITERION_COLUMNS,
    FIRST,
    GENERAL,
    GENERAL_SHEET,
    GROUP_COLUMNS,
    GROUPS_SHEET,
    INPUT_ROWS,
    TIE_COLUMNS,
    TIES,
    TIES_SHEET,
    WORDS_HEADER,
    Column,
    _choice_list,
)
from thidua.cycle.results.excel import HEADER_ROW, HELP_SHEET
from thidua.engine.formulas import describe_rule
from thidua.engine.numbers import NumberError
from thidua.engine.scale import parse_scale
from thidua.lib import workbook_style as style
from thidua.lib.workbook_style import INPUT_FILL, LOCKED, UNLOCKED, WORDS_FILL
from thidua.untrusted import put

# -- writing ---------------------------------------------------------------------------------------


def _get(doc: Mapping[str, Any], key: str) -> Any:
    node: Any = doc
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _show(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    try:
        return column.write(value)
    except (NumberError, TypeError, ValueError, KeyError, AttributeError):
        return str(value)  # a stored oddity is shown as it is, and reported if uploaded back


def _title(ws, title: str, note: str) -> None:
    style.title(ws, title)
    style.note(ws, note)


def _headers(ws, columns: Iterable[Column | str], freeze_col: int, rows: int = 0) -> int:
    count = 0
    for count, column in enumerate(columns, start=1):
        header = column if isinstance(column, str) else column.header
        width = 50 if isinstance(column, str) else column.width
        style.header_cell(ws, HEADER_ROW, count, header).protection = LOCKED
        ws.column_dimensions[get_column_letter(count)].width = width
    ws.row_dimensions[HEADER_ROW].height = 45
    style.filter_header(ws, HEADER_ROW, count, rows, freeze_col=freeze_col)
    return count


def _input_columns(ws, columns: Iterable[Column], last_row: int) -> None:
    """Unlock the data area (whole columns, so added rows stay editable) and add the lists."""
    for col, column in enumerate(columns, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].protection = UNLOCKED
        area = f"{letter}{FIRST}:{letter}{last_row}"
        if column.options:
            dv = DataValidation(
                type="list",
                formula1=_choice_list(column.options.values()),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="Chọn một giá trị trong danh sách.",
            )
        elif column.number:
            dv = DataValidation(
                type="decimal",
                operator="between",
                formula1="-1000000000000",
                formula2="1000000000000",
                allow_blank=True,
                showErrorMessage=False,  # "92,5" as text is accepted and parsed on upload
                showInputMessage=True,
                promptTitle=column.header[:32],
                prompt="Nhập số; phần thập phân dùng dấu phẩy (0,5) hoặc để ô số.",
            )
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(area)


def _general_sheet(wb: Workbook, doc: Mapping[str, Any]) -> None:
    ws = wb.create_sheet(GENERAL_SHEET)
    _title(ws, "THÔNG TIN CHUNG CỦA THANG ĐIỂM", "Nhập ở cột B; cột A và C đã khóa.")
    _headers(ws, ("Mục", "Giá trị", "Ghi chú"), 1)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 70
    ws.column_dimensions["C"].width = 46
    ws.column_dimensions["B"].protection = UNLOCKED
    for row, column in enumerate(GENERAL, start=FIRST):
        label = put(ws, row, 1, column.header)
        label.font, label.protection = style.LABEL_FONT, LOCKED
        value = put(ws, row, 2, _show(column, _get(doc, column.key)))
        value.fill, value.protection = INPUT_FILL, UNLOCKED
        value.alignment = style.TEXT_ALIGNMENT
        if column.key == "version":
            value.number_format = "@"  # "2021.10" stays text, not the number 2021.1
        put(ws, row, 3, column.help).protection = LOCKED
        if column.options:
            dv = DataValidation(
                type="list", formula1=_choice_list(column.options.values()), allow_blank=True
            )
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
    ws.auto_filter.ref = None
    style.protect_layout(ws)


def _words(criterion) -> str:
    try:
        return describe_rule(criterion.rule, criterion.max_points)
    except Exception:  # a description is a courtesy: never fail the export for it
        return ""


def _criteria_rows(doc: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [
        (group.get("code", ""), item)
        for group in doc.get("groups") or []
        if isinstance(group, Mapping)
        for item in group.get("criteria") or []
        if isinstance(item, Mapping)
    ]


def scale_workbook(
    doc: Mapping[str, Any] | None, *, year: int | None = None, cluster: str = ""
) -> bytes:
    """The scale ``doc`` as an editable workbook; ``None``: the blank template for ``year``."""
    parsed = None
    if not doc:
        doc = {"year": year, "cluster": cluster or None}
    else:
        try:
            parsed = parse_scale(doc)
        except ValueError:  # a stored document is valid; an odd one is still shown as it is
            parsed = None
    wb = Workbook()
    wb.remove(wb.active)
    _general_sheet(wb, doc)

    ws = wb.create_sheet(GROUPS_SHEET)
    _title(ws, "CÁC NHÓM TIÊU CHÍ", "Mỗi dòng một nhóm, theo thứ tự trong thang điểm.")
    groups = [g for g in doc.get("groups") or [] if isinstance(g, Mapping)]
    _headers(ws, GROUP_COLUMNS, 2, len(groups))
    for row, group in enumerate(groups, start=FIRST):
        for col, column in enumerate(GROUP_COLUMNS, start=1):
            put(ws, row, col, _show(column, _get(group, column.key)))
        ws.cell(row=row, column=2).alignment = style.TEXT_ALIGNMENT
    _input_columns(ws, GROUP_COLUMNS, FIRST + INPUT_ROWS)
    style.protect_layout(ws)

    ws = wb.create_sheet(CRITERIA_SHEET)
    _title(
        ws,
        "CÁC TIÊU CHÍ VÀ CÁCH TÍNH ĐIỂM",
        "Mỗi dòng một tiêu chí; chỉ điền các cột dùng cho loại của tiêu chí (xem trang "
        f"“{HELP_SHEET}”).",
    )
    rows = _criteria_rows(doc)
    count = _headers(ws, [*CRITERION_COLUMNS, WORDS_HEADER], 3, len(rows))
    for row, (group_code, item) in enumerate(rows, start=FIRST):
        for col, column in enumerate(CRITERION_COLUMNS, start=1):
            key = column.key
            if key == "rule.target" and _get(item, "rule.kind") == "plan":
                key = "rule.plan"  # one column: the target of a target, the plan of a plan
            value = group_code if key == "group" else _get(item, key)
            put(ws, row, col, _show(column, value))
        code = item.get("code")
        if parsed is not None and parsed.has_criterion(str(code)):
            put(ws, row, count, _words(parsed.criterion(str(code))))
        for col in (3, count):
            ws.cell(row=row, column=col).alignment = style.TEXT_ALIGNMENT
    _input_columns(ws, CRITERION_COLUMNS, FIRST + max(INPUT_ROWS, len(rows) + 50))
    groups_list = DataValidation(
        type="list",
        formula1=f"'{GROUPS_SHEET}'!$A${FIRST}:$A${FIRST + INPUT_ROWS}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Mã nhóm",
        error=f"Chọn mã một nhóm đã khai báo ở trang “{GROUPS_SHEET}”.",
    )
    ws.add_data_validation(groups_list)
    groups_list.add(f"B{FIRST}:B{FIRST + INPUT_ROWS}")
    words = get_column_letter(count)
    ws.column_dimensions[words].width = 60
    for row in range(FIRST, FIRST + len(rows)):
        ws[f"{words}{row}"].fill = WORDS_FILL
    style.protect_layout(ws)

    ws = wb.create_sheet(TIES_SHEET)
    _title(
        ws,
        "THỨ TỰ XÉT KHI CÁC ĐƠN VỊ BẰNG TỔNG ĐIỂM",
        "Xét lần lượt từ dòng trên xuống; “Điểm nhóm”, “Điểm tiêu chí” cần mã ở cột B.",
    )
    ties = doc.get("tie_breaks") or []
    _headers(ws, TIE_COLUMNS, 1, len(ties))
    for row, item in enumerate(ties, start=FIRST):
        by, _, ref = str(item).partition(":")
        put(ws, row, 1, TIES.get(by, by))
        put(ws, row, 2, ref or None)
    _input_columns(ws, TIE_COLUMNS, FIRST + 50)
    style.protect_layout(ws)

    _help(wb)
    wb.active = wb.sheetnames.index(CRITERIA_SHEET)
    return style.to_bytes(wb)


HELP_LINES = (
    "Tệp gồm bốn trang: “Thông tin chung” (mã, tên, phiên bản, cách làm tròn…), “Nhóm” (các nhóm "
    "tiêu chí), “Tiêu chí” (mỗi dòng một tiêu chí) và “Khi bằng điểm” (thứ tự xét khi bằng điểm). "
    "Dòng tiêu đề đã khóa; thêm, xóa dòng dữ liệu thoải mái.",
    "Ô để trống nghĩa là không quy định (dùng mặc định ghi ở trang “Thông tin chung”). Số: nhập ô "
    "số, hoặc chữ theo cách viết Việt Nam — 0,5 (dấu phẩy thập phân).",
    "",
    "TRANG “TIÊU CHÍ” — các cột chung: Mã tiêu chí (không trùng), Mã nhóm (chọn trong danh sách "
    "các nhóm ở trang “Nhóm”), Tên tiêu chí, Loại, Điểm tối đa, Thiếu số liệu (để trống: theo mặc "
    "định chung), Mô tả, Nguồn số liệu. Thứ tự tiêu chí trong nhóm là thứ tự các dòng.",
    "Loại và các cột dùng cho từng loại (các cột khác để trống):",
    "• Chỉ tiêu — so kết quả với chỉ tiêu: Đơn vị tính; Chiều (càng cao / càng thấp càng tốt); "
    "Cách tính (Tuyến tính, Theo mức, Đạt hoặc không); Chỉ tiêu / kế hoạch (chỉ tiêu chung, mỗi "
    "đơn vị có thể có chỉ tiêu riêng); Mốc 0 điểm (chỉ với Tuyến tính; bắt buộc khi càng thấp càng "
    "tốt); Các mức (chỉ với Theo mức); Điểm thưởng (không bắt buộc).",
    "• Kế hoạch — tỷ lệ % thực hiện so với kế hoạch: Đơn vị tính; Chỉ tiêu / kế hoạch (kế hoạch "
    "chung, thường mỗi đơn vị có kế hoạch riêng); Mốc đủ điểm (% kế hoạch, để trống: 100); Mốc 0 "
    "điểm (% kế hoạch, để trống: 0); Điểm thưởng (không bắt buộc).",
    "• Cộng/trừ theo lần — Điểm mỗi lần (số âm: trừ điểm, ví dụ -1; số dương: cộng điểm, ví dụ "
    "0,5); Cộng/trừ tối đa (số dương); Đơn vị tính. Nằm ngoài điểm tối đa: để trống Điểm tối đa "
    "(hoặc ghi 0).",
    "• Chấm điểm — đơn vị tự chấm, đoàn kiểm tra chấm từ 0 đến Điểm tối đa; không có cột riêng.",
    "• Điểm liệt — Phạm vi điểm liệt: “Không xếp hạng” hoặc “Không xét khen thưởng” (khi đó ghi "
    "Khen thưởng bị loại: mã hoặc tên các hình thức, cách nhau bởi dấu chấm phẩy, ví dụ "
    "CO_CP; CO_BCA). Không có điểm: để trống Điểm tối đa.",
    "• Có/Không — Câu trả lời được điểm: Có (để trống cũng là Có) hoặc Không.",
    "",
    "CÚ PHÁP CÁC Ô NHIỀU GIÁ TRỊ:",
    "• Các mức (giá trị: điểm): mỗi mức “giá trị: điểm”, các mức cách nhau bởi dấu chấm phẩy, "
    "ví dụ 95: 6; 90: 5; 85: 3; 80: 1 — đạt 95 trở lên được 6 điểm, từ 90 được 5 điểm… (càng thấp "
    "càng tốt: đạt mức khi kết quả nhỏ hơn hoặc bằng giá trị). Mức tốt hơn không được ít điểm hơn.",
    "• Điểm thưởng: “mỗi” X đơn vị vượt chỉ tiêu (với Kế hoạch: mỗi X điểm phần trăm vượt mốc đủ "
    "điểm) “được” Y điểm, “tối đa” Z điểm; ba ô cùng ghi hoặc cùng để trống. “Chỉ tính bước trọn”: "
    "Có — chỉ tính các bước vượt trọn vẹn.",
    "• Khen thưởng bị loại: các mã hoặc tên, cách nhau bởi dấu chấm phẩy.",
    "",
    "TRANG “KHI BẰNG ĐIỂM”: mỗi dòng một tiêu chí phụ, xét lần lượt từ trên xuống: “Điểm nhóm cao "
    "hơn” (ghi mã nhóm ở cột B), “Điểm tiêu chí cao hơn” (ghi mã tiêu chí), “Nhiều tiêu chí đạt "
    "điểm tối đa hơn”, “Bị trừ ít điểm hơn”. Bằng nhau mọi mặt thì đồng hạng.",
    "",
    "TẢI LÊN: ở trang Phương pháp chấm → “Nhập thang điểm từ Excel”. Hệ thống kiểm tra toàn bộ tệp "
    "bằng đúng các quy tắc của thang điểm; có lỗi thì báo từng lỗi theo trang, dòng, cột và không "
    "áp dụng gì. Khi phương pháp chấm đã khóa (đã bắt đầu chấm điểm), phải nêu lý do; thang điểm "
    "mới thành phiên bản mới và điểm của mọi đơn vị được tính lại.",
    "Tệp xuất từ thang điểm hiện hành tải lên lại cho đúng thang điểm đó: muốn sửa, tải về, sửa "
    "rồi tải lên.",
)


def _help(wb: Workbook) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    style.title(ws, "HƯỚNG DẪN LẬP THANG ĐIỂM BẰNG EXCEL")
    for row, line in enumerate(HELP_LINES, start=3):
        cell = put(ws, row, 1, line)
        cell.alignment = style.TEXT_ALIGNMENT
        if line.isupper() or line.startswith(("TRANG", "CÚ PHÁP", "TẢI LÊN")):
            cell.font = style.LABEL_FONT
    ws.column_dimensions["A"].width = 120
    style.protect_layout(ws)
