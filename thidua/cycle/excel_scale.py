"""The scale (thang điểm) as an Excel workbook, both ways.

:func:`scale_workbook` writes a scale document (``thidua.scale/1``, see docs/scale-schema.md) as a
workbook the secretariat can edit: general settings, groups, criteria with their rule parameters one
per column, and the tie-breaks. Without a document it is the blank template. :func:`parse_scale_workbook`
reads such a workbook back into a scale document and checks it with the engine's own validation
(``thidua.engine.scale.validate_scale``); every problem is reported on its cell
(“Trang “Tiêu chí”, dòng 7, cột E (Điểm tối đa): …”) and nothing is returned unless there is none.

Round trip: for every valid document, ``parse_scale_workbook(scale_workbook(doc))`` is the same
document (same fingerprint). A blank cell means "the key is absent"; numbers are exact decimals
(integers as such, others as text, as the forms store them). Parameters that do not fit in one cell
have a cell syntax, explained on the instructions sheet: threshold steps ``95: 6; 90: 5`` and the
awards a veto bars ``CO_CP; CO_BCA``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.cycle.excel import (
    HEADER_FILL,
    HEADER_FONT,
    HEADER_ROW,
    HELP_SHEET,
    INPUT_FILL,
    LOCKED,
    NO,
    UNLOCKED,
    YES,
    CellError,
    UploadError,
    _protect,
    _save,
    open_workbook,
)
from thidua.cycle.scoring import parse_number
from thidua.engine.formulas import describe_rule
from thidua.engine.numbers import NumberError, to_decimal
from thidua.engine.scale import SCHEMA, Problem, parse_scale, validate_scale
from thidua.engine.text import normalize
from thidua.untrusted import put

GENERAL_SHEET = "Thông tin chung"
GROUPS_SHEET = "Nhóm"
CRITERIA_SHEET = "Tiêu chí"
TIES_SHEET = "Khi bằng điểm"
FIRST = HEADER_ROW + 1  # the first data row of every sheet
INPUT_ROWS = 300  # rows prepared with validation lists below the data
MAX_ROWS = 2000  # more than any scale has: a sheet longer than this is not a scale
WORDS_FILL = PatternFill("solid", fgColor="EEF1F5")

# -- the vocabularies (label shown in Excel ↔ value in the document) ---------------------------------

KINDS = {
    "target": "Chỉ tiêu",
    "plan": "Kế hoạch",
    "count": "Cộng/trừ theo lần",
    "judged": "Chấm điểm",
    "veto": "Điểm liệt",
    "yes_no": "Có/Không",
}
MISSING = {"zero": "Tính 0 điểm", "block": "Bắt buộc có số liệu"}
DIRECTIONS = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt"}
METHODS = {"linear": "Tuyến tính", "thresholds": "Theo mức", "all_or_nothing": "Đạt hoặc không"}
SCOPES = {"ranking": "Không xếp hạng", "awards": "Không xét khen thưởng"}
ROUNDING = {
    "half_up": "Làm tròn nửa lên",
    "half_even": "Làm tròn nửa về số chẵn",
    "down": "Cắt bỏ phần thừa",
}
RECONCILE = {"mean": "Trung bình", "median": "Trung vị", "min": "Thấp nhất"}
TIES = {
    "group": "Điểm nhóm cao hơn",
    "criterion": "Điểm tiêu chí cao hơn",
    "criteria_at_max": "Nhiều tiêu chí đạt điểm tối đa hơn",
    "fewer_deductions": "Bị trừ ít điểm hơn",
}
BOOLS = {True: YES, False: NO}


def _choice_list(labels: Iterable[str]) -> str:
    return '"' + ",".join(labels) + '"'


# -- cells -----------------------------------------------------------------------------------------


def _free_text(value: Any) -> str:
    """Free text (notes, descriptions): NFC, trimmed; line breaks are kept."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _line(value: Any) -> str:
    """A name or a code: one line, normalised like every name in the system."""
    return normalize(_free_text(value))


def json_number(value: Decimal) -> int | str:
    """A number as the stored documents carry it: integers as such, decimals as exact text."""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else format(value, "f")


def _cell_number(value: Any) -> int | float | None:
    """A document number as a real Excel number."""
    if value is None:
        return None
    number = to_decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _vi_number(value: Any) -> str:
    """A number inside a text cell, the Vietnamese way (decimal comma, no thousands dots)."""
    return format(to_decimal(value).normalize(), "f").replace(".", ",")


class CellProblem(ValueError):
    """A cell that cannot be read; the message is Vietnamese."""


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool | dt.date | dt.datetime | dt.time):
        raise CellProblem("phải là số.")
    try:
        value = parse_number(raw)
        to_decimal(value)  # the engine's bounds: 15 significant digits, at most 10¹²
    except NumberError as exc:
        raise CellProblem(f"{exc}.") from None
    except (ValueError, ArithmeticError):
        raise CellProblem(
            f"“{raw}” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 92,5)."
        ) from None
    return value


def _read_number(raw: Any) -> int | str:
    return json_number(_number(raw))


def _read_integer(raw: Any) -> int:
    value = _number(raw)
    if value != value.to_integral_value():
        raise CellProblem("phải là số nguyên.")
    return int(value)


def _read_choice(options: Mapping[Any, str]) -> Callable[[Any], Any]:
    by_label: dict[str, Any] = {}
    for value, label in options.items():
        by_label[label.casefold()] = value
        if isinstance(value, str):
            by_label[value.casefold()] = value  # the document's own word is accepted too

    def read(raw: Any) -> Any:
        if isinstance(raw, bool) and raw in options:
            return raw
        text = _line(raw).casefold()
        if text in by_label:
            return by_label[text]
        shown = ", ".join(f"“{label}”" for label in options.values())
        raise CellProblem(f"“{_line(raw)}” không có trong danh sách; chọn một trong: {shown}.")

    return read


def _read_list(raw: Any) -> list[str]:
    items = [_line(part) for part in _free_text(raw).replace("\n", ";").split(";")]
    items = [item for item in items if item]
    if not items:
        raise CellProblem("cần ít nhất một mục, các mục cách nhau bởi dấu chấm phẩy (;).")
    return items


def _read_steps(raw: Any) -> list[dict[str, Any]]:
    steps = []
    for part in _free_text(raw).replace("\n", ";").split(";"):
        if not part.strip():
            continue
        value, colon, points = part.partition(":")
        if not colon or not value.strip() or not points.strip():
            raise CellProblem(
                f"mức “{part.strip()}” phải viết dạng giá trị: điểm, các mức cách nhau bởi dấu "
                "chấm phẩy, ví dụ 95: 6; 90: 5; 85: 3."
            )
        try:
            steps.append(
                {"value": _read_number(value.strip()), "points": _read_number(points.strip())}
            )
        except CellProblem as exc:
            raise CellProblem(f"mức “{part.strip()}”: {exc}") from None
    if not steps:
        raise CellProblem("cần ít nhất một mức, ví dụ 95: 6; 90: 5.")
    return steps


def _write_steps(steps: Any) -> str:
    return "; ".join(f"{_vi_number(s['value'])}: {_vi_number(s['points'])}" for s in steps)


def _read_text(raw: Any) -> str:
    text = _free_text(raw)
    if not text:
        raise CellProblem("không được để trống.")
    return text


def _read_line(raw: Any) -> str:
    text = _line(raw)
    if not text:
        raise CellProblem("không được để trống.")
    return text


def _read_version(raw: Any) -> str:
    if isinstance(raw, float):
        return format(Decimal(repr(raw)).normalize(), "f")
    return _read_line(raw)


# -- the columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column (or, on “Thông tin chung”, one row) and the document key it holds."""

    key: str  # path inside the criterion, group or scale document, e.g. "rule.bonus.per"
    header: str
    width: int = 16
    read: Callable[[Any], Any] = _read_number
    write: Callable[[Any], Any] = _cell_number
    kinds: tuple[str, ...] = ()  # criteria sheet: the rule kinds that use this column (empty: all)
    options: Mapping[Any, str] = field(default_factory=dict)  # a validation list
    number: bool = False  # a number validation (text such as "92,5" stays accepted)
    help: str = ""


def _choice(key: str, header: str, options: Mapping[Any, str], **kw: Any) -> Column:
    return Column(key, header, read=_read_choice(options), write=options.get, options=options, **kw)


def _text_column(key: str, header: str, width: int, *, line: bool = False, **kw: Any) -> Column:
    return Column(key, header, width, read=_read_line if line else _read_text, write=str, **kw)


def _number_column(key: str, header: str, width: int = 14, **kw: Any) -> Column:
    return Column(key, header, width, number=True, **kw)


TARGET_PLAN = ("target", "plan")
GENERAL = (
    _text_column("code", "Mã thang điểm", 0, line=True, help="Chữ không dấu, số, _ - . ≤ 64 ký tự"),
    _text_column("name", "Tên thang điểm", 0, line=True),
    Column("version", "Phiên bản", read=_read_version, write=str, help="Ví dụ 2025.1"),
    Column("year", "Năm", read=_read_integer, write=int),
    _text_column("cluster", "Cụm thi đua", 0),
    Column("approved.on", "Ngày thông qua", read=_read_text, write=str, help="Ví dụ 2025-03-12"),
    _text_column("approved.by", "Thông qua tại", 0),
    _text_column("supersedes", "Thay thế phiên bản", 0),
    _text_column("note", "Ghi chú", 0),
    _text_column("basis", "Căn cứ", 0),
    Column(
        "rounding.places",
        "Làm tròn: số chữ số thập phân",
        read=_read_integer,
        write=int,
        help="0 đến 6; để trống: 2",
    ),
    _choice(
        "rounding.mode", "Làm tròn: cách làm tròn", ROUNDING, help="Để trống: làm tròn nửa lên"
    ),
    _choice("missing", "Thiếu số liệu (mặc định)", MISSING, help="Để trống: tính 0 điểm"),
    _choice(
        "reconciliation.method",
        "Tổng hợp điểm các đoàn kiểm tra",
        RECONCILE,
        help="Để trống: trung bình",
    ),
    _number_column(
        "reconciliation.threshold", "Chênh lệch cần xem xét (điểm)", help="Để trống: 0,5 điểm"
    ),
    _number_column(
        "total_points", "Tổng điểm tối đa", help="Nếu ghi: phải bằng tổng điểm tối đa các nhóm"
    ),
)
GROUP_COLUMNS = (
    _text_column("code", "Mã nhóm", 12, line=True),
    _text_column("name", "Tên nhóm", 50, line=True),
    _number_column("max_points", "Điểm tối đa", 12),
    _text_column("description", "Mô tả", 60),
)
CRITERION_COLUMNS = (
    _text_column("code", "Mã tiêu chí", 12, line=True),
    _text_column("group", "Mã nhóm", 11, line=True),
    _text_column("name", "Tên tiêu chí", 50, line=True),
    _choice("rule.kind", "Loại", KINDS, width=17),
    _number_column("max_points", "Điểm tối đa", 10),
    _choice("missing", "Thiếu số liệu", MISSING, width=17),
    _text_column("rule.unit", "Đơn vị tính", 12, line=True, kinds=("target", "plan", "count")),
    _choice("rule.direction", "Chiều", DIRECTIONS, width=17, kinds=("target",)),
    _choice("rule.method", "Cách tính", METHODS, width=15, kinds=("target",)),
    _number_column("rule.target", "Chỉ tiêu / kế hoạch", 12, kinds=TARGET_PLAN),
    _number_column("rule.zero_at", "Mốc 0 điểm", 10, kinds=TARGET_PLAN),
    _number_column("rule.full_at", "Mốc đủ điểm (% kế hoạch)", 12, kinds=("plan",)),
    Column(
        "rule.steps",
        "Các mức (giá trị: điểm)",
        26,
        read=_read_steps,
        write=_write_steps,
        kinds=("target",),
    ),
    _number_column("rule.bonus.per", "Điểm thưởng: mỗi", 10, kinds=TARGET_PLAN),
    _number_column("rule.bonus.points", "Điểm thưởng: được", 10, kinds=TARGET_PLAN),
    _number_column("rule.bonus.cap", "Điểm thưởng: tối đa", 10, kinds=TARGET_PLAN),
    _choice(
        "rule.bonus.whole_steps",
        "Điểm thưởng: chỉ tính bước trọn",
        BOOLS,
        width=12,
        kinds=TARGET_PLAN,
    ),
    _number_column("rule.per_event", "Điểm mỗi lần", 10, kinds=("count",)),
    _number_column("rule.limit", "Cộng/trừ tối đa", 10, kinds=("count",)),
    _choice("rule.scope", "Phạm vi điểm liệt", SCOPES, width=20, kinds=("veto",)),
    Column(
        "rule.awards",
        "Khen thưởng bị loại",
        24,
        read=_read_list,
        write="; ".join,
        kinds=("veto",),
    ),
    _choice("rule.expected", "Câu trả lời được điểm", BOOLS, width=12, kinds=("yes_no",)),
    _text_column("description", "Mô tả", 40),
    _text_column("source", "Nguồn số liệu", 24),
)
WORDS_HEADER = "Cách tính (tự động diễn giải, không cần nhập)"
TIE_COLUMNS = (
    _choice("by", "Xét theo", TIES, width=36),
    _text_column("code", "Mã nhóm / tiêu chí", 20, line=True),
)


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
    put(ws, 1, 1, title)
    ws["A1"].font = Font(bold=True, size=13)
    put(ws, 2, 1, note)
    ws["A2"].font = Font(italic=True, color="555555")


def _headers(ws, columns: Iterable[Column | str], freeze_col: int, rows: int = 0) -> int:
    count = 0
    for count, column in enumerate(columns, start=1):
        header = column if isinstance(column, str) else column.header
        width = 50 if isinstance(column, str) else column.width
        cell = put(ws, HEADER_ROW, count, header)
        cell.fill, cell.font, cell.protection = HEADER_FILL, HEADER_FONT, LOCKED
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(count)
        ws.column_dimensions[letter].width = width
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.freeze_panes = ws.cell(row=FIRST, column=freeze_col)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(count)}{HEADER_ROW + max(rows, 1)}"
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
        label.font, label.protection = Font(bold=True), LOCKED
        value = put(ws, row, 2, _show(column, _get(doc, column.key)))
        value.fill, value.protection = INPUT_FILL, UNLOCKED
        value.alignment = Alignment(wrap_text=True, vertical="top")
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
    _protect(ws)


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
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    _input_columns(ws, GROUP_COLUMNS, FIRST + INPUT_ROWS)
    _protect(ws)

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
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
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
    _protect(ws)

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
    _protect(ws)

    _help(wb)
    wb.active = wb.sheetnames.index(CRITERIA_SHEET)
    return _save(wb)


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
    ws["A1"] = "HƯỚNG DẪN LẬP THANG ĐIỂM BẰNG EXCEL"
    ws["A1"].font = Font(bold=True, size=13)
    for row, line in enumerate(HELP_LINES, start=3):
        cell = put(ws, row, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line.isupper() or line.startswith(("TRANG", "CÚ PHÁP", "TẢI LÊN")):
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 120
    _protect(ws)


# -- reading ---------------------------------------------------------------------------------------


@dataclass
class _Reader:
    """Collects the problems of the upload and where each document path lives in the workbook."""

    errors: list[CellError] = field(default_factory=list)
    places: dict[str, tuple[str, int | None, int | None, str]] = field(default_factory=dict)
    marked: set[tuple[str, int | None, int | None]] = field(default_factory=set)
    dropped: bool = False  # a criterion row was left out: sums of maxima would mislead

    def error(self, sheet: str, row: int | None, col: int | None, header: str, msg: str) -> None:
        self.errors.append(CellError(sheet, row, col, header, msg))
        self.marked.add((sheet, row, col))

    def sorted_errors(self) -> list[CellError]:
        order = [GENERAL_SHEET, GROUPS_SHEET, CRITERIA_SHEET, TIES_SHEET]
        return sorted(
            self.errors,
            key=lambda e: (
                order.index(e.sheet) if e.sheet in order else -1,
                e.row or 0,
                e.column or 0,
            ),
        )

    def place(self, path: str, sheet: str, row: int | None, col: int | None, header: str) -> None:
        self.places[path] = (sheet, row, col, header)

    def locate(self, problem: Problem) -> None:
        path = problem.path
        sums = path == "total_points" or (path.endswith("].max_points") and "criteria[" not in path)
        if self.dropped and sums:
            return
        while True:
            if path in self.places:
                sheet, row, col, header = self.places[path]
                break
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                sheet, row, col, header = self.places.get("", (GENERAL_SHEET, None, None, ""))
                break
            path = path[:cut]
        if (sheet, row, col) in self.marked:
            return  # the cell already has its own (more precise) error
        self.errors.append(CellError(sheet, row, col, header, _plain(problem.message) + "."))


PLAIN = (
    ("mốc 0 điểm phải nhỏ hơn full_at", "mốc 0 điểm phải nhỏ hơn mốc đủ điểm"),
    ("chỉ dùng với method linear", "chỉ dùng với cách tính “Tuyến tính”"),
    ("chỉ dùng với method thresholds", "chỉ dùng với cách tính “Theo mức”"),
    ("cần danh sách các mức [{value, points}, …]", "cần các mức, ví dụ 95: 6; 90: 5"),
    (
        "max_points phải là 0 (mức cộng, trừ tối đa ghi ở rule.limit)",
        "để trống Điểm tối đa (mức cộng, trừ tối đa ghi ở cột “Cộng/trừ tối đa”)",
    ),
    ("max_points phải là 0", "để trống Điểm tối đa"),
    ("thiếu (bắt buộc)", "không được để trống"),
    ("cần ít nhất một tiêu chí", f"nhóm chưa có tiêu chí nào ở trang “{CRITERIA_SHEET}”"),
)


def _plain(message: str) -> str:
    for jargon, words in PLAIN:
        message = message.replace(jargon, words)
    return message


def _header_map(r: _Reader, sheet: str, ws, columns: Iterable[Column]) -> dict[str, int]:
    """Column of each known header (by its text), or the error that one is missing."""
    head = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    found = {_line(text).casefold(): col for col, text in enumerate(head, start=1) if text}
    where: dict[str, int] = {}
    for column in columns:
        col = found.get(column.header.casefold())
        if col is None:
            r.error(
                sheet,
                HEADER_ROW,
                None,
                "",
                f"thiếu cột “{column.header}” (dùng đúng tệp mẫu, không đổi tên cột).",
            )
        else:
            where[column.key] = col
    return where


def _data_rows(r: _Reader, sheet: str, ws) -> Iterable[tuple[int, tuple]]:
    for offset, cells in enumerate(ws.iter_rows(min_row=FIRST, values_only=True)):
        row = FIRST + offset
        if row >= FIRST + MAX_ROWS:
            if any(_free_text(c) for c in cells):
                r.error(sheet, row, None, "", f"trang có quá {MAX_ROWS} dòng dữ liệu.")
                return
            continue
        yield row, tuple(cells)


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    node = target
    *parents, last = key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _read_cells(
    r: _Reader,
    sheet: str,
    row: int,
    cells: tuple,
    columns: Iterable[Column],
    where: Mapping[str, int],
    path: str,
    skip: Callable[[Column], str | None] = lambda column: None,
    out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The document of one row (or into ``out``): each filled cell read by its column."""
    out = {} if out is None else out
    for column in columns:
        col = where.get(column.key)
        if col is None:
            continue
        r.place(f"{path}.{column.key}" if path else column.key, sheet, row, col, column.header)
        raw = cells[col - 1] if col - 1 < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        refused = skip(column)
        if refused:
            r.error(sheet, row, col, column.header, refused)
            continue
        try:
            _set(out, column.key, column.read(raw))
        except CellProblem as exc:
            r.error(sheet, row, col, column.header, str(exc))
    return out


def _sheet(r: _Reader, wb, name: str):
    if name in wb.sheetnames and hasattr(wb[name], "iter_rows"):
        return wb[name]
    r.error(name, None, None, "", "không tìm thấy trang này trong tệp (dùng đúng tệp mẫu).")
    return None


def _read_general(r: _Reader, ws, doc: dict[str, Any]) -> None:
    by_label = {c.header.casefold(): c for c in GENERAL}
    seen: set[str] = set()
    for row, cells in _data_rows(r, GENERAL_SHEET, ws):
        label = _line(cells[0] if cells else None).casefold()
        column = by_label.get(label)
        if column is None:
            continue
        seen.add(column.key)
        _read_cells(r, GENERAL_SHEET, row, cells, [column], {column.key: 2}, "", out=doc)
    for column in GENERAL:
        if column.key not in seen:
            r.error(
                GENERAL_SHEET, None, None, "", f"thiếu dòng “{column.header}” (dùng đúng tệp mẫu)."
            )
    if "code" in r.places:
        r.place("", *r.places["code"][:2], None, "")


def _blank(cells: tuple, where: Mapping[str, int]) -> bool:
    return not any(_free_text(cells[col - 1]) for col in where.values() if col - 1 < len(cells))


def _read_groups(r: _Reader, ws, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    where = _header_map(r, GROUPS_SHEET, ws, GROUP_COLUMNS)
    groups: dict[str, dict[str, Any]] = {}
    r.place("groups", GROUPS_SHEET, None, None, "")
    for row, cells in _data_rows(r, GROUPS_SHEET, ws):
        if _blank(cells, where):
            continue
        path = f"groups[{len(doc['groups'])}]"
        r.place(path, GROUPS_SHEET, row, where.get("code"), "Mã nhóm")
        group = _read_cells(r, GROUPS_SHEET, row, cells, GROUP_COLUMNS, where, path)
        code = group.get("code", "")
        if code in groups:
            r.error(
                GROUPS_SHEET,
                row,
                where.get("code"),
                "Mã nhóm",
                f"nhóm “{code}” đã có ở dòng {groups[code]['_row']}.",
            )
            continue
        r.place(f"{path}.criteria", GROUPS_SHEET, row, where.get("code"), "Mã nhóm")
        group["criteria"] = []
        doc["groups"].append(group)
        if code:
            groups[code] = {"_row": row, "doc": group, "path": path}
    return groups


def _kind_check(kind: str | None) -> Callable[[Column], str | None]:
    def skip(column: Column) -> str | None:
        if kind is None or not column.kinds or kind in column.kinds:
            return None
        uses = ", ".join(f"“{KINDS[k]}”" for k in column.kinds)
        return f"cột này chỉ dùng cho loại {uses}; tiêu chí loại “{KINDS[kind]}” để trống ô này."

    return skip


def _read_criteria(r: _Reader, ws, groups: dict[str, dict[str, Any]]) -> None:
    where = _header_map(r, CRITERIA_SHEET, ws, CRITERION_COLUMNS)
    kind_col, group_col = where.get("rule.kind"), where.get("group")
    seen: dict[str, int] = {}
    for row, cells in _data_rows(r, CRITERIA_SHEET, ws):
        if _blank(cells, where):
            continue
        kind = None
        if kind_col is not None and kind_col - 1 < len(cells) and _free_text(cells[kind_col - 1]):
            try:
                kind = _read_choice(KINDS)(cells[kind_col - 1])
            except CellProblem:
                kind = None  # reported with the row's cells below
        group_code = _line(cells[group_col - 1]) if group_col and group_col - 1 < len(cells) else ""
        target = groups.get(group_code)
        path = (
            f"{target['path']}.criteria[{len(target['doc']['criteria'])}]"
            if target
            else f"_row{row}"
        )
        r.place(path, CRITERIA_SHEET, row, where.get("code"), "Mã tiêu chí")
        item = _read_cells(
            r, CRITERIA_SHEET, row, cells, CRITERION_COLUMNS, where, path, _kind_check(kind)
        )
        item.pop("group", None)
        if kind_col is not None:
            r.place(f"{path}.rule", CRITERIA_SHEET, row, kind_col, "Loại")
        if kind is not None and "rule" not in item:
            item["rule"] = {"kind": kind}
        elif (
            "rule" in item
            and "kind" not in item["rule"]
            and kind_col is not None
            and (CRITERIA_SHEET, row, kind_col) not in r.marked
        ):
            r.error(CRITERIA_SHEET, row, kind_col, "Loại", "chọn loại của tiêu chí.")
        if item.get("rule", {}).get("kind") == "plan" and "target" in item["rule"]:
            item["rule"]["plan"] = item["rule"].pop("target")
            r.place(f"{path}.rule.plan", *r.places[f"{path}.rule.target"])
        code = item.get("code", "")
        if code and code in seen:
            r.error(
                CRITERIA_SHEET,
                row,
                where.get("code"),
                "Mã tiêu chí",
                f"tiêu chí “{code}” đã có ở dòng {seen[code]}.",
            )
            r.dropped = True
            continue
        if code:
            seen[code] = row
        if group_col is None or target is None:
            r.dropped = True
        if group_col is None:
            continue
        if not group_code:
            r.error(CRITERIA_SHEET, row, group_col, "Mã nhóm", "chưa chọn nhóm của tiêu chí.")
        elif target is None:
            r.error(
                CRITERIA_SHEET,
                row,
                group_col,
                "Mã nhóm",
                f"không có nhóm mã “{group_code}” ở trang “{GROUPS_SHEET}”.",
            )
        else:
            target["doc"]["criteria"].append(item)


def _read_ties(r: _Reader, ws, doc: dict[str, Any]) -> None:
    where = _header_map(r, TIES_SHEET, ws, TIE_COLUMNS)
    ties: list[str] = []
    for row, cells in _data_rows(r, TIES_SHEET, ws):
        if _blank(cells, where):
            continue
        path = f"tie_breaks[{len(ties)}]"
        r.place(path, TIES_SHEET, row, where.get("code"), "Mã nhóm / tiêu chí")
        item = _read_cells(r, TIES_SHEET, row, cells, TIE_COLUMNS, where, path)
        by, code = item.get("by"), item.get("code", "")
        if by is None:
            if (TIES_SHEET, row, where.get("by")) not in r.marked:
                r.error(TIES_SHEET, row, where.get("by"), "Xét theo", "chọn tiêu chí phụ.")
            continue
        if by in ("group", "criterion") and not code:
            what = "nhóm" if by == "group" else "tiêu chí"
            r.error(TIES_SHEET, row, where.get("code"), "Mã nhóm / tiêu chí", f"ghi mã {what}.")
            continue
        if by not in ("group", "criterion") and code:
            r.error(
                TIES_SHEET,
                row,
                where.get("code"),
                "Mã nhóm / tiêu chí",
                f"“{TIES[by]}” không cần mã; để trống ô này.",
            )
            continue
        ties.append(f"{by}:{code}" if code else by)
    if ties:
        doc["tie_breaks"] = ties


def _read_document(data: bytes) -> tuple[dict[str, Any], _Reader]:
    """The workbook as a scale document, not yet checked by the engine, and what was found."""
    wb = open_workbook(data)
    r = _Reader()
    doc: dict[str, Any] = {"schema": SCHEMA}
    try:
        sheets = {
            name: _sheet(r, wb, name)
            for name in (GENERAL_SHEET, GROUPS_SHEET, CRITERIA_SHEET, TIES_SHEET)
        }
        if r.errors:
            raise UploadError(r.errors)
        doc["groups"] = []
        reading = GENERAL_SHEET
        try:
            _read_general(r, sheets[GENERAL_SHEET], doc)
            reading = GROUPS_SHEET
            groups = _read_groups(r, sheets[GROUPS_SHEET], doc)
            reading = CRITERIA_SHEET
            _read_criteria(r, sheets[CRITERIA_SHEET], groups)
            reading = TIES_SHEET
            _read_ties(r, sheets[TIES_SHEET], doc)
        except Exception:  # a damaged sheet inside a readable zip: openpyxl raises many kinds
            raise UploadError(
                [
                    CellError(
                        reading,
                        None,
                        None,
                        "",
                        "trang bị hỏng, không đọc được (lưu lại tệp bằng Excel rồi tải lên lại).",
                    )
                ]
            ) from None
    finally:
        wb.close()
    return doc, r


def parse_scale_workbook(data: bytes) -> dict[str, Any]:
    """The scale document of an uploaded workbook, valid for the engine; or UploadError."""
    doc, r = _read_document(data)
    for problem in validate_scale(doc):
        r.locate(problem)
    if r.errors:
        raise UploadError(r.sorted_errors())
    return doc
