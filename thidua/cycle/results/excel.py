"""Excel exchange of a cluster's year: templates to fill in, uploads read back, lists exported.
(The scale, both ways: thidua.cycle.plan.excel_scale.)

Templates carry an instructions sheet in Vietnamese, Có/Không and number validation, locked
headers (the sheet is protected without a password: only the input cells are unlocked, so a user
cannot break the layout by accident), column widths and a frozen header.

Uploads are parsed in full before anything is written: every problem is reported by sheet, row
and column ("Trang “Số liệu”, dòng 7, cột F (Số liệu): …"), and the caller writes nothing if there
is any. Cells are parsed exactly as the form parses them (thidua.cycle.scoring), then the whole
sheet goes through the same validation as the form (clean_results), whose errors are mapped back
to the row of their criterion.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from thidua import untrusted
from thidua.cycle.plan.rule_kinds import goal_criteria, goal_label
from thidua.cycle.scales import NOT_A_NUMBER, parse_result_value
from thidua.cycle.scoring import clean_results, input_kind, parse_number, scale_of
from thidua.engine.numbers import NumberError, fmt_number, to_decimal
from thidua.engine.rules import ValueProblem, check_target, kind_of
from thidua.engine.scale import Criterion, Scale
from thidua.engine.text import normalize
from thidua.lib import workbook_style as style
from thidua.lib.cells import CellError, UploadError
from thidua.lib.workbook_style import (
    INPUT_FILL,
    LOCKED,
    TEXT_ALIGNMENT,
    UNLOCKED,
)
from thidua.untrusted import put

RESULTS_SHEET = "Số liệu"
TARGETS_SHEET = "Chỉ tiêu"
HELP_SHEET = "Hướng dẫn"
HEADER_ROW = 4  # rows 1–3: title, unit and a note; the data starts below the header
YES, NO = "Có", "Không"
KIND_LABELS = {"number": "Số liệu", "bool": "Có/Không", "judged": "Tự chấm điểm"}

RESULT_HEADERS = (
    "Mã",
    "Tiêu chí",
    "Nhóm",
    "Đơn vị tính / chỉ tiêu",
    "Loại",
    "Số liệu",
    "Giải trình",
)
RESULT_WIDTHS = (10, 60, 28, 24, 14, 16, 48)
COL_CODE, COL_VALUE, COL_REMARK = 1, 6, 7
UNIT_LINE = re.compile(r"\(mã ([^()\s]+)\)\s*$")


# -- helpers ---------------------------------------------------------------------------------------


def _header(ws, headers: Sequence[str], widths: Sequence[int], row: int = HEADER_ROW) -> None:
    style.header_row(ws, row, headers, widths, locked=True)
    ws.freeze_panes = ws.cell(row=row + 1, column=3)


def _help_sheet(wb: Workbook, title: str, lines: Iterable[str]) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    style.title(ws, title)
    for row, line in enumerate(lines, start=3):
        put(ws, row, 1, line).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 110
    style.protect_layout(ws)


def _text(value: Any) -> str:
    return "" if value is None else normalize(untrusted.strip_control(str(value)))


def _unit_label(criterion: Criterion) -> str:
    rule = criterion.rule
    if input_kind(criterion) == "judged":
        return f"điểm (0–{fmt_number(criterion.max_points)})"
    return getattr(rule, "unit", "") or ""


def _scale(method) -> Scale:
    """The method's parsed scale, kept on the method object: scale_of fingerprints the whole
    document on every call, which is most of the cost of parsing a 200-row sheet."""
    cached = getattr(method, "_excel_scale", None)
    if cached is None or cached[0] is not method.scale:
        cached = (method.scale, scale_of(method))
        method._excel_scale = cached
    return cached[1]


def target_criteria(scale: Scale) -> list[Criterion]:
    """The criteria measured against a unit's own target or plan."""
    return goal_criteria(scale.criteria)


def _target_text(criterion: Criterion, own: Any) -> str:
    rule = criterion.rule
    label = goal_label(criterion).lower()
    if not label:
        return _unit_label(criterion)
    default = kind_of(rule).default_target(rule)
    value = parse_number(own) if own is not None else default
    unit = rule.unit or ""
    if value is None:
        return unit
    number = fmt_number(value)
    return f"{unit}; {label} {number}" if unit else f"{label} {number}"


def _cell_value(value: Any) -> Any:
    """A stored value as a cell: Có/Không, a real number, or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return YES if value else NO
    try:
        number = Decimal(str(value))
    except ArithmeticError:  # a value with its qualifier ("hơn 98") stays as written
        return str(value)
    return int(number) if number == number.to_integral_value() else float(number)


# -- a unit's results ------------------------------------------------------------------------------


def results_template(
    method,
    unit,
    *,
    values: dict[str, Any] | None = None,
    remarks: dict[str, str] | None = None,
) -> bytes:
    """The unit's results sheet for the method in force, with its current draft filled in."""
    scale = _scale(method)
    values, remarks = values or {}, remarks or {}
    targets = (method.targets or {}).get(unit.code, {})
    wb = Workbook()
    ws = wb.active
    ws.title = RESULTS_SHEET
    style.title(ws, f"SỐ LIỆU KẾT QUẢ THI ĐUA NĂM {method.cycle.year}")
    put(ws, 2, 1, f"Đơn vị: {unit.name} (mã {unit.code})")
    ws["A2"].protection = LOCKED
    style.note(ws, f"Thang điểm: {scale.name} — phiên bản {scale.version}", row=3)
    _header(ws, RESULT_HEADERS, RESULT_WIDTHS)
    yes_no = DataValidation(
        type="list",
        formula1=f'"{YES},{NO}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Có hoặc Không",
        error="Chọn Có hoặc Không.",
    )
    number = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="-1000000000000",
        allow_blank=True,
        showErrorMessage=False,  # text such as "92,5" is accepted and parsed on upload
        promptTitle="Số liệu",
        prompt="Nhập số; phần thập phân dùng dấu phẩy (92,5) hoặc để ô số.",
        showInputMessage=True,
    )
    ws.add_data_validation(yes_no)
    ws.add_data_validation(number)
    groups = {g.code: g.name for g in scale.groups}
    for row, criterion in enumerate(scale.criteria, start=HEADER_ROW + 1):
        kind = input_kind(criterion)
        cells = (
            criterion.code,
            criterion.name,
            groups.get(criterion.group, criterion.group),
            _target_text(criterion, targets.get(criterion.code)),
            KIND_LABELS[kind],
        )
        for col, text in enumerate(cells, start=1):
            put(ws, row, col, text).protection = LOCKED
        ws.cell(row=row, column=2).alignment = TEXT_ALIGNMENT
        value = put(ws, row, COL_VALUE, _cell_value(values.get(criterion.code)))
        remark = put(ws, row, COL_REMARK, remarks.get(criterion.code) or None)
        for cell in (value, remark):
            cell.protection, cell.fill = UNLOCKED, INPUT_FILL
        (yes_no if kind == "bool" else number).add(value.coordinate)
    style.protect_layout(ws)
    _help_sheet(
        wb,
        "HƯỚNG DẪN NHẬP SỐ LIỆU KẾT QUẢ",
        [
            f"1. Nhập số liệu vào trang “{RESULTS_SHEET}”, cột F (Số liệu); giải trình (nếu có) "
            "ở cột G. Các cột khác đã khóa, không sửa.",
            "2. Tiêu chí loại “Có/Không”: chọn Có hoặc Không trong danh sách.",
            "3. Số: nhập ô số, hoặc chữ theo cách viết Việt Nam — 92,5 (dấu phẩy thập phân), "
            "520.000 (dấu chấm phân cách hàng nghìn).",
            "4. Tiêu chí “Tự chấm điểm”: nhập số điểm tự chấm; dưới điểm tối đa phải giải trình.",
            "5. Để trống: chưa có số liệu. Không thêm, xóa hay đổi thứ tự dòng, không đổi mã.",
            "6. Tải tệp lên ở trang số liệu của đơn vị. Nếu có lỗi, hệ thống báo từng lỗi theo "
            "trang, dòng, cột và không lưu gì; sửa hết rồi tải lên lại.",
        ],
    )
    wb.active = 1
    return style.to_bytes(wb)


def _rows(ws, first: int) -> Iterable[tuple[int, tuple]]:
    for offset, row in enumerate(ws.iter_rows(min_row=first, values_only=True)):
        yield first + offset, row


def _find_sheet(wb, name: str) -> Any:
    if name in wb.sheetnames:
        return wb[name]
    raise UploadError(
        [CellError(name, None, None, "", "không tìm thấy trang này trong tệp (dùng đúng tệp mẫu).")]
    )


def open_workbook(data: bytes):
    """The uploaded bytes as a read-only workbook (values, not formulas), checked first for a
    zip bomb, a DTD or a damaged part (thidua.untrusted)."""
    try:
        return untrusted.open_workbook(data)
    except untrusted.FileRefused as exc:
        raise UploadError([CellError("—", None, None, "", exc.message)]) from None


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).casefold()
    if text in {"có", "co", "x", "1", "đạt"}:
        return True
    if text in {"không", "khong", "0", "không đạt"}:
        return False
    raise ValueError(raw)


def _cell_number(raw: Any, criterion: Criterion | None = None) -> str:
    """A value cell as the form reads it: a number, or text such as "92,5", "hơn 98", "92%"
    (read by the same parse_result_value as the page and the API; the qualifier stays in the
    text, for the sheet to keep)."""
    if isinstance(raw, float) and not math.isfinite(raw):  # a NaN/∞ cell (written by a program)
        raise ValueError(NOT_A_NUMBER.format(raw=raw))
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A numeric cell: Excel's float, read back as the figure the user typed (not 92.50000001).
        return str(Decimal(repr(raw)).normalize()) if isinstance(raw, float) else str(raw)
    if not isinstance(raw, str) or criterion is None:  # a target: a plain number
        return str(parse_number(raw))
    text = normalize(raw)
    number, qualifier = parse_result_value(criterion, text)
    return text if qualifier else str(number)


def _qualified(text: str) -> bool:
    """Whether a value read by _cell_number kept its qualifier (a plain number never does)."""
    try:
        parse_number(text)
    except ValueError:
        return True
    return False


def parse_results(data: bytes, method, unit) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, remarks) for ResultSheet.save_values, or UploadError with every problem."""
    wb = open_workbook(data)
    try:
        return parse_results_sheet(_find_sheet(wb, RESULTS_SHEET), method, unit)
    finally:
        wb.close()


def _unit_code_of(ws) -> str | None:
    """The unit the template was made for, from its line "Đơn vị: … (mã …)" (None if erased)."""
    for cells in ws.iter_rows(min_row=2, max_row=2, max_col=1, values_only=True):
        match = UNIT_LINE.search(_text(cells[0]))
        return match.group(1) if match else None
    return None


def parse_results_sheet(ws, method, unit) -> tuple[dict[str, Any], dict[str, str]]:
    scale = _scale(method)
    errors: list[CellError] = []
    made_for = _unit_code_of(ws)
    if made_for is not None and made_for != unit.code:
        # The easy mistake: another unit's file (or last year's) uploaded to this unit's sheet.
        errors.append(
            CellError(
                RESULTS_SHEET,
                2,
                1,
                "",
                f"tệp là mẫu của đơn vị mã “{made_for}”, không phải của {unit.name} "
                f"(mã {unit.code}). Tải mẫu của đơn vị mình.",
            )
        )
    values: dict[str, Any] = {}
    remarks: dict[str, str] = {}
    row_of: dict[str, int] = {}

    def error(row: int, col: int, message: str) -> None:
        errors.append(CellError(RESULTS_SHEET, row, col, RESULT_HEADERS[col - 1], message))

    for row, cells in _rows(ws, HEADER_ROW + 1):
        cells = tuple(cells) + (None,) * (COL_REMARK - len(cells))
        code, raw, remark = _text(cells[0]), cells[COL_VALUE - 1], _text(cells[COL_REMARK - 1])
        if not code:
            if raw not in (None, "") or remark:
                error(row, COL_CODE, "thiếu mã tiêu chí.")
            continue
        if not scale.has_criterion(code):
            error(row, COL_CODE, f"thang điểm không có tiêu chí mã “{code}”.")
            continue
        if code in row_of:
            error(row, COL_CODE, f"tiêu chí “{code}” đã có ở dòng {row_of[code]}.")
            continue
        row_of[code] = row
        if remark:
            remarks[code] = remark
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        criterion = scale.criterion(code)
        kind = input_kind(criterion)
        try:
            values[code] = _parse_bool(raw) if kind == "bool" else _cell_number(raw, criterion)
        except (ValueError, ArithmeticError) as exc:
            error(
                row,
                COL_VALUE,
                "chọn Có hoặc Không."
                if kind == "bool"
                else str(exc)
                if isinstance(raw, str)
                else NOT_A_NUMBER.format(raw=raw),
            )
    # The form's own validation (engine checks included) of the cells that did parse, mapped back
    # to their rows: every problem of the file in one pass, not the parse errors first.
    # A qualified value ("hơn 98") goes on as written, for the sheet to keep its qualifier.
    qualified = {c: v for c, v in values.items() if isinstance(v, str) and _qualified(v)}
    try:
        values, remarks = clean_results(method, unit, values, remarks)
        values.update(qualified)
    except ValidationError as exc:
        for code, messages in exc.message_dict.items():
            for message in messages:
                error(row_of.get(code, HEADER_ROW + 1), COL_VALUE, message)
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        raise UploadError(errors)
    return values, remarks


def result_warnings(method, warnings: dict[str, str]) -> list[str]:
    """The import report's warnings (implausible figures, accepted; the sentences of
    plausibility.sheet_warnings, as on the page and in the API): one per row, as
    "Trang …, dòng N, cột Số liệu: …", in the order of the sheet."""
    lines = []
    for row, criterion in enumerate(_scale(method).criteria, start=HEADER_ROW + 1):
        if criterion.code in warnings:
            cell = CellError(
                RESULTS_SHEET,
                row,
                COL_VALUE,
                RESULT_HEADERS[COL_VALUE - 1],
                warnings[criterion.code],
            )
            lines.append(str(cell))
    return lines


# -- targets per unit ------------------------------------------------------------------------------

TARGET_FIXED = ("Mã đơn vị", "Đơn vị")


def targets_template(method, units: Sequence) -> bytes:
    """Units × target criteria, with the targets in force filled in."""
    scale = _scale(method)
    criteria = target_criteria(scale)
    targets = method.targets or {}
    wb = Workbook()
    ws = wb.active
    ws.title = TARGETS_SHEET
    style.title(ws, f"CHỈ TIÊU, KẾ HOẠCH RIÊNG CỦA TỪNG ĐƠN VỊ NĂM {method.cycle.year}")
    style.note(ws, f"Thang điểm: {scale.name} — phiên bản {scale.version}")
    headers = [*TARGET_FIXED, *(c.code for c in criteria)]
    _header(ws, headers, [16, 36, *([18] * len(criteria))])
    for col, criterion in enumerate(criteria, start=len(TARGET_FIXED) + 1):
        cell = put(ws, 3, col, f"{criterion.name} ({_target_text(criterion, None)})")
        cell.alignment, cell.protection = TEXT_ALIGNMENT, LOCKED
    ws.row_dimensions[3].height = 90
    positive = DataValidation(
        type="decimal",
        operator="greaterThan",
        formula1="0",
        allow_blank=True,
        showErrorMessage=False,
        promptTitle="Chỉ tiêu",
        prompt="Số dương; để trống: dùng chỉ tiêu chung của thang điểm.",
        showInputMessage=True,
    )
    ws.add_data_validation(positive)
    for row, unit in enumerate(units, start=HEADER_ROW + 1):
        put(ws, row, 1, unit.code).protection = LOCKED
        put(ws, row, 2, unit.name).protection = LOCKED
        own = targets.get(unit.code, {})
        for col, criterion in enumerate(criteria, start=len(TARGET_FIXED) + 1):
            cell = put(ws, row, col, _cell_value(own.get(criterion.code)))
            cell.protection, cell.fill = UNLOCKED, INPUT_FILL
            positive.add(cell.coordinate)
    style.protect_layout(ws)
    _help_sheet(
        wb,
        "HƯỚNG DẪN NHẬP CHỈ TIÊU THEO ĐƠN VỊ",
        [
            f"1. Trang “{TARGETS_SHEET}”: mỗi dòng một đơn vị, mỗi cột một tiêu chí tính theo "
            "chỉ tiêu hoặc kế hoạch (tên tiêu chí ở dòng 3, mã ở dòng 4).",
            "2. Nhập chỉ tiêu riêng của đơn vị (số dương; 92,5 hoặc 520.000 đều được). "
            "Để trống: đơn vị dùng chỉ tiêu chung của thang điểm.",
            "3. Tệp tải lên thay toàn bộ bảng chỉ tiêu riêng hiện hành. Không đổi mã đơn vị, "
            "mã tiêu chí.",
            "4. Nếu có lỗi, hệ thống báo từng lỗi theo trang, dòng, cột và không lưu gì.",
        ],
    )
    wb.active = 1
    return style.to_bytes(wb)


def parse_targets(data: bytes, method, unit_codes: Iterable[str]) -> dict[str, dict[str, str]]:
    """{unit code: {criterion code: target}} for scoring.set_method(cycle, targets=…), or UploadError."""
    wb = open_workbook(data)
    try:
        ws = _find_sheet(wb, TARGETS_SHEET)
        return _parse_targets_sheet(ws, method, set(unit_codes))
    finally:
        wb.close()


def _parse_targets_sheet(ws, method, members: set[str]) -> dict[str, dict[str, str]]:
    scale = _scale(method)
    errors: list[CellError] = []
    header = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    columns: dict[int, Criterion] = {}
    for col, text in enumerate(header, start=1):
        code = _text(text)
        if col <= len(TARGET_FIXED) or not code:
            continue
        if not scale.has_criterion(code):
            errors.append(
                CellError(
                    TARGETS_SHEET, HEADER_ROW, col, code, "thang điểm không có tiêu chí mã này."
                )
            )
        elif not goal_label(scale.criterion(code)):
            errors.append(
                CellError(
                    TARGETS_SHEET,
                    HEADER_ROW,
                    col,
                    code,
                    "tiêu chí này không tính theo chỉ tiêu, kế hoạch.",
                )
            )
        else:
            columns[col] = scale.criterion(code)
    targets: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    for row, cells in _rows(ws, HEADER_ROW + 1):
        code = _text(cells[0] if cells else None)
        if not code:
            if any(c not in (None, "") for c in cells[len(TARGET_FIXED) :]):
                errors.append(CellError(TARGETS_SHEET, row, 1, TARGET_FIXED[0], "thiếu mã đơn vị."))
            continue
        if code not in members:
            errors.append(
                CellError(
                    TARGETS_SHEET,
                    row,
                    1,
                    TARGET_FIXED[0],
                    f"“{code}” không phải đơn vị thành viên của Cụm.",
                )
            )
            continue
        if code in seen:
            errors.append(
                CellError(
                    TARGETS_SHEET, row, 1, TARGET_FIXED[0], f"đơn vị đã có ở dòng {seen[code]}."
                )
            )
            continue
        seen[code] = row
        own: dict[str, str] = {}
        for col, criterion in columns.items():
            raw = cells[col - 1] if col - 1 < len(cells) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                value = _cell_number(raw)
            except (ValueError, ArithmeticError):
                errors.append(
                    CellError(TARGETS_SHEET, row, col, criterion.code, f"“{raw}” không phải là số.")
                )
                continue
            try:  # the engine's own limits first (magnitude, digits): a recompute would refuse it
                check_target(criterion.rule, to_decimal(value))
            except (ValueProblem, NumberError) as exc:
                errors.append(CellError(TARGETS_SHEET, row, col, criterion.code, f"{exc}."))
                continue
            own[criterion.code] = value
        if own:
            targets[code] = own
    if errors:
        raise UploadError(errors)
    return targets


def target_problems(exc: ValidationError) -> UploadError:
    """The method's own refusal of the targets, on the sheet as a whole."""
    messages = [m for ms in exc.message_dict.values() for m in ms]
    return UploadError([CellError(TARGETS_SHEET, None, None, "", m) for m in messages])
