"""The scale workbook's vocabularies, cell readers and columns (one per document key)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from thidua.cycle.plan.rule_kinds import RULE_KIND_ROWS
from thidua.cycle.results.excel import (
    HEADER_ROW,
    NO,
    YES,
)
from thidua.cycle.scoring import parse_number
from thidua.engine.numbers import NumberError, to_decimal
from thidua.engine.text import normalize
from thidua.lib.cells import CellError

GENERAL_SHEET = "Thông tin chung"
GROUPS_SHEET = "Nhóm"
CRITERIA_SHEET = "Tiêu chí"
TIES_SHEET = "Khi bằng điểm"
FIRST = HEADER_ROW + 1  # the first data row of every sheet
INPUT_ROWS = 300  # rows prepared with validation lists below the data
MAX_ROWS = 2000  # more than any scale has: a sheet longer than this is not a scale

# -- the vocabularies (label shown in Excel ↔ value in the document) ---------------------------------

KINDS = {kind: row.label for kind, row in RULE_KIND_ROWS.items()}
MISSING = {"zero": "Tính 0 điểm", "block": "Bắt buộc có số liệu"}
DIRECTIONS = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt"}
METHODS = {"linear": "Tuyến tính", "thresholds": "Theo mức", "all_or_nothing": "Đạt hoặc không"}
SCOPES = {"ranking": "Không xếp hạng", "awards": "Không xét khen thưởng"}
ROLES = {"numerator": "Tử số", "denominator": "Mẫu số"}
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


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool | dt.date | dt.datetime | dt.time):
        raise CellError(message="phải là số.")
    try:
        value = parse_number(raw)
        to_decimal(value)  # the engine's bounds: 15 significant digits, at most 10¹²
    except NumberError as exc:
        raise CellError(message=f"{exc}.") from None
    except (ValueError, ArithmeticError):
        raise CellError(
            message=f"“{raw}” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 92,5)."
        ) from None
    return value


def _read_number(raw: Any) -> int | str:
    return json_number(_number(raw))


def _read_integer(raw: Any) -> int:
    value = _number(raw)
    if value != value.to_integral_value():
        raise CellError(message="phải là số nguyên.")
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
        raise CellError(
            message=f"“{_line(raw)}” không có trong danh sách; chọn một trong: {shown}."
        )

    return read


def _read_list(raw: Any) -> list[str]:
    items = [_line(part) for part in _free_text(raw).replace("\n", ";").split(";")]
    items = [item for item in items if item]
    if not items:
        raise CellError(message="cần ít nhất một mục, các mục cách nhau bởi dấu chấm phẩy (;).")
    return items


def _read_steps(raw: Any) -> list[dict[str, Any]]:
    steps = []
    for part in _free_text(raw).replace("\n", ";").split(";"):
        if not part.strip():
            continue
        value, colon, points = part.partition(":")
        if not colon or not value.strip() or not points.strip():
            raise CellError(
                message=f"mức “{part.strip()}” phải viết dạng giá trị: điểm, các mức cách nhau bởi dấu "
                "chấm phẩy, ví dụ 95: 6; 90: 5; 85: 3."
            )
        try:
            steps.append(
                {"value": _read_number(value.strip()), "points": _read_number(points.strip())}
            )
        except CellError as exc:
            raise CellError(message=f"mức “{part.strip()}”: {exc}") from None
    if not steps:
        raise CellError(message="cần ít nhất một mức, ví dụ 95: 6; 90: 5.")
    return steps


def _write_steps(steps: Any) -> str:
    return "; ".join(f"{_vi_number(s['value'])}: {_vi_number(s['points'])}" for s in steps)


def _read_text(raw: Any) -> str:
    text = _free_text(raw)
    if not text:
        raise CellError(message="không được để trống.")
    return text


def _read_day(raw: Any) -> str:
    """A day as the officer writes it (12/03/2025, or a date cell) kept in the document as
    2025-03-12; any other wording is kept as written, as before."""
    if isinstance(raw, dt.datetime | dt.date):
        return (raw.date() if isinstance(raw, dt.datetime) else raw).isoformat()
    text = _read_text(raw)
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        day, month, year = parts
        try:
            return dt.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            raise CellError(message=f"ngày “{text}” không có trong lịch.") from None
    return text


def _write_day(value: Any) -> str:
    """The document's 2025-03-12 shown as 12/03/2025."""
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _read_line(raw: Any) -> str:
    text = _line(raw)
    if not text:
        raise CellError(message="không được để trống.")
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
    optional: bool = False  # a file made before the column existed may lack it
    help: str = ""


def _choice(key: str, header: str, options: Mapping[Any, str], **kw: Any) -> Column:
    return Column(key, header, read=_read_choice(options), write=options.get, options=options, **kw)


def _text_column(key: str, header: str, width: int, *, line: bool = False, **kw: Any) -> Column:
    return Column(key, header, width, read=_read_line if line else _read_text, write=str, **kw)


def _number_column(key: str, header: str, width: int = 14, **kw: Any) -> Column:
    return Column(key, header, width, number=True, **kw)


def _kinds(key: str) -> tuple[str, ...]:
    """The rule kinds whose row in the rule-kind table lists this criteria-sheet column."""
    return tuple(kind for kind, row in RULE_KIND_ROWS.items() if key in row.columns)


GENERAL = (
    _text_column("code", "Mã thang điểm", 0, line=True, help="Chữ không dấu, số, _ - . ≤ 64 ký tự"),
    _text_column("name", "Tên thang điểm", 0, line=True),
    Column("version", "Phiên bản", read=_read_version, write=str, help="Ví dụ 2025.1"),
    Column("year", "Năm", read=_read_integer, write=int),
    _text_column("cluster", "Cụm thi đua", 0),
    Column(
        "approved.on", "Ngày thông qua", read=_read_day, write=_write_day, help="Ví dụ 12/03/2025"
    ),
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
    _text_column("rule.unit", "Đơn vị tính", 12, line=True, kinds=_kinds("rule.unit")),
    _choice("rule.direction", "Chiều", DIRECTIONS, width=17, kinds=_kinds("rule.direction")),
    _choice("rule.method", "Cách tính", METHODS, width=15, kinds=_kinds("rule.method")),
    _number_column("rule.target", "Chỉ tiêu / kế hoạch", 12, kinds=_kinds("rule.target")),
    _number_column("rule.zero_at", "Mốc 0 điểm", 10, kinds=_kinds("rule.zero_at")),
    _number_column("rule.full_at", "Mốc đủ điểm (% kế hoạch)", 12, kinds=_kinds("rule.full_at")),
    Column(
        "rule.steps",
        "Các mức (giá trị: điểm)",
        26,
        read=_read_steps,
        write=_write_steps,
        kinds=_kinds("rule.steps"),
    ),
    _number_column("rule.bonus.per", "Điểm thưởng: mỗi", 10, kinds=_kinds("rule.bonus.per")),
    _number_column("rule.bonus.points", "Điểm thưởng: được", 10, kinds=_kinds("rule.bonus.points")),
    _number_column("rule.bonus.cap", "Điểm thưởng: tối đa", 10, kinds=_kinds("rule.bonus.cap")),
    _choice(
        "rule.bonus.whole_steps",
        "Điểm thưởng: chỉ tính bước trọn",
        BOOLS,
        width=12,
        kinds=_kinds("rule.bonus.whole_steps"),
    ),
    _number_column("rule.per_event", "Điểm mỗi lần", 10, kinds=_kinds("rule.per_event")),
    _number_column("rule.limit", "Cộng/trừ tối đa", 10, kinds=_kinds("rule.limit")),
    _choice("rule.scope", "Phạm vi điểm liệt", SCOPES, width=20, kinds=_kinds("rule.scope")),
    Column(
        "rule.awards",
        "Khen thưởng bị loại",
        24,
        read=_read_list,
        write="; ".join,
        kinds=_kinds("rule.awards"),
    ),
    _choice(
        "rule.expected", "Câu trả lời được điểm", BOOLS, width=12, kinds=_kinds("rule.expected")
    ),
    _text_column("rule.rate", "Thuộc tỷ lệ (mã)", 12, line=True, kinds=_kinds("rule.rate")),
    _choice("rule.role", "Tử số / mẫu số", ROLES, width=12, kinds=_kinds("rule.role")),
    _number_column(
        "min",
        "Giá trị hợp lý: thấp nhất",
        12,
        optional=True,
        help="Để trống: theo loại số liệu (tỷ lệ 0–100%, số lượng không âm)",
    ),
    _number_column("max", "Giá trị hợp lý: cao nhất", 12, optional=True),
    _text_column("description", "Mô tả", 40),
    _text_column("source", "Nguồn số liệu", 24),
)
WORDS_HEADER = "Cách tính (tự động diễn giải, không cần nhập)"
TIE_COLUMNS = (
    _choice("by", "Xét theo", TIES, width=36),
    _text_column("code", "Mã nhóm / tiêu chí", 20, line=True),
)
