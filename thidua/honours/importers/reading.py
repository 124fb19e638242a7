"""Reading the uploaded workbook: each cell parsed by its column's kind, every problem placed by
sheet, row and column; sheets the template does not know; how many rows a file holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from thidua import untrusted
from thidua.engine import text
from thidua.engine.eligibility_catalogue import load_catalogue
from thidua.honours.importers.sheets import (
    GUIDE_SHEET,
    LISTS_SHEET,
    SHEETS,
    SheetSpec,
    problem,
)
from thidua.honours.models import YEAR_MAX, YEAR_MIN
from thidua.lib.cells import CellError
from thidua.untrusted import strip_control


def plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return text.normalize(strip_control(str(value)))  # a cell may carry _x0001_ escapes


def _parse_year(value: Any) -> int:
    raw = plain(value)
    if not raw.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        raise CellError(message=f"phải là số năm (ví dụ 2024), không phải “{raw}”.")
    year = int(raw) if len(raw) <= 9 else None  # int() refuses more than 4300 digits
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise CellError(message=f"năm {raw[:12]} ngoài khoảng {YEAR_MIN}–{YEAR_MAX}.")
    return year


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = plain(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(message=f"ngày không hợp lệ “{raw}” (dạng dd/mm/yyyy, ví dụ 03/12/2024).")


def _parse_choice(value: Any, choices: tuple[tuple[str, str], ...]) -> str:
    raw = plain(value)
    key = text.search_key(raw)
    for code, label in choices:
        if key in (text.search_key(label), text.search_key(code.replace("_", " "))):
            return code
    shown = "; ".join(label for _, label in choices[:8])
    more = "…" if len(choices) > 8 else ""
    raise CellError(message=f"“{raw}” không có trong danh sách ({shown}{more}).")


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = text.search_key(plain(value))
    if key in ("co", "x", "true", "1", "dung"):
        return True
    if key in ("khong", "false", "0", "sai"):
        return False
    raise CellError(message=f"ghi “Có” hoặc “Không”, không phải “{plain(value)}”.")


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": plain,
    "year": _parse_year,
    "date": _parse_date,
    "bool": _parse_bool,
    "unit": plain,  # resolved later: it needs the year
}


@dataclass
class Row:
    spec: SheetSpec
    number: int
    values: dict[str, Any]

    def error(self, key: str | None, message: str, *, value: Any = None) -> CellError:
        """A problem of this row, in the column of the field `key` (None: the whole row)."""
        if key is None or key not in {c.key for c in self.spec.columns}:
            return problem(self.spec.name, self.number, message)
        col = self.spec.column(key)
        return CellError(
            self.spec.name,
            self.number,
            self.spec.number(key),
            col.header,
            message,
            value=value,
            layout="register",
        )


def read_rows(ws, spec: SheetSpec, errors: list[CellError]) -> Iterator[Row]:
    headers = [plain(c.value).rstrip(" *") for c in ws[1]][: len(spec.columns)]
    for i, col in enumerate(spec.columns):
        got = headers[i] if i < len(headers) else ""
        if text.search_key(got) != text.search_key(col.header):
            errors.append(
                CellError(
                    spec.name,
                    1,
                    i + 1,
                    col.header,
                    f"tiêu đề cột phải là “{col.header}” (đang là “{got}”): dùng đúng tệp mẫu.",
                    value=got,
                    layout="register",
                )
            )
            return
    for number, cells in enumerate(
        ws.iter_rows(min_row=2, max_col=len(spec.columns), values_only=True), start=2
    ):
        if all(plain(v) == "" for v in cells):
            continue
        values: dict[str, Any] = {}
        row = Row(spec, number, values)
        for col, raw in zip(spec.columns, cells, strict=False):
            if plain(raw) == "":
                if col.required:
                    errors.append(row.error(col.key, "bắt buộc, đang để trống."))
                values[col.key] = None
                continue
            try:
                if col.key == "award_code":
                    # The catalogue's names and aliases, accent-, case- and variant-insensitive
                    # (“Bằng khen của Bộ Công an”, “chiến sỹ”): the engine's one resolver.
                    values[col.key] = load_catalogue().resolve(plain(raw))
                elif col.kind == "choice":
                    values[col.key] = _parse_choice(raw, col.choices)
                else:
                    values[col.key] = _PARSERS[col.kind](raw)
            except ValueError as exc:
                errors.append(row.error(col.key, str(exc), value=raw))
                values[col.key] = None
        yield row


def unknown_sheets(wb) -> list[CellError]:
    """A sheet of data the import does not know (renamed, say "Khen thưởng (2)") would otherwise be
    skipped without a word, and its rows lost: it is reported instead."""
    known = {spec.name for spec in SHEETS} | {GUIDE_SHEET, LISTS_SHEET}
    names = "; ".join(f"“{spec.name}”" for spec in SHEETS)
    errors = []
    for name in wb.sheetnames:
        if name in known:
            continue
        ws = wb[name]
        if any(plain(v) for row in ws.iter_rows(max_row=50, values_only=True) for v in row):
            errors.append(
                problem(
                    name,
                    1,
                    "trang này không có trong tệp mẫu nên chưa được nhập; đặt lại đúng "
                    f"tên trang ({names}) hoặc chép dữ liệu sang trang đúng.",
                )
            )
    return errors


def count_rows(upload) -> int:
    """How many data rows (not blank) the workbook's sheets hold; 0 for a file that is not one.

    Decides whether an upload is imported at once or as a background job."""
    count = 0
    try:
        wb = untrusted.open_workbook(upload)
        for spec in SHEETS:
            if spec.name in wb.sheetnames:
                for cells in wb[spec.name].iter_rows(
                    min_row=2, max_col=len(spec.columns), values_only=True
                ):
                    if any(v is not None and str(v).strip() for v in cells):
                        count += 1
        wb.close()
    except Exception:  # not a workbook: the import itself reports it, row 1
        count = 0
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    return count
