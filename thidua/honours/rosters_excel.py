"""A unit's roster counts by Excel: download the sheet (with the years already declared), fill or
correct it, upload it back. All rows or none: an error names the row and the column."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.honours.exports import exported_by, workbook
from thidua.honours.models import UnitYearRoster
from thidua.honours.models.common import year_error
from thidua.org.models import Unit, User
from thidua.untrusted import FileRefused, open_workbook, strip_control

# (header, field, required)
COLUMNS = (
    ("Năm", "year", True),
    ("Tổng quân số", "members", True),
    ("Hoàn thành nhiệm vụ trở lên", "completed", False),
    ("Chiến sĩ tiên tiến", "advanced", False),
    ("Chiến sĩ thi đua cơ sở", "emulation", False),
    ("Kỷ luật khiển trách", "reprimanded", False),
    ("Kỷ luật từ cảnh cáo trở lên", "warned", False),
)
HEADERS = tuple(h for h, _, _ in COLUMNS)
MAX_ROWS = 200


def sheet(unit: Unit, user: User) -> bytes:
    """The unit's declared rosters as a workbook to fill in (empty cell = not known)."""
    rows = UnitYearRoster.objects.filter(unit=unit).order_by("-year")
    return workbook(
        f"Quân số theo năm — {unit.name}",
        HEADERS,
        ([getattr(r, f) for _, f, _ in COLUMNS] for r in rows),
        subtitle=f"{exported_by(user)}. Mỗi dòng một năm; ô để trống là chưa rõ.",
        widths=[8, 14, 18, 16, 18, 16, 20],
        sheet="Quân số",
    )


def number(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if not raw.is_integer():  # 3.5 officers: not a count (never read as "35")
            raise ValueError
        return int(raw)
    text = strip_control(str(raw)).strip().replace(".", "").replace(" ", "")
    # A negative or huge number is a number: the model refuses it with the page's and the API's
    # message (rosters.count_errors); only what is no whole number at all is refused here.
    digits = text[1:] if text[:1] in ("-", "−") else text
    if not digits.isdigit() or len(digits) > 15:
        raise ValueError
    return -int(digits) if digits != text else int(digits)


def read(source: bytes | IO[bytes]) -> tuple[list[tuple[int, dict[str, int | None]]], list[str]]:
    """(rows by sheet row number, errors) of an uploaded roster workbook."""
    try:
        wb = open_workbook(source)
    except FileRefused as exc:
        return [], [str(exc)]
    try:
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 10))
    finally:
        wb.close()
    head = next(
        (
            i
            for i, row in enumerate(rows[:10])
            if row and str(row[0] or "").strip().casefold() == HEADERS[0].casefold()
        ),
        None,
    )
    if head is None:
        return [], [f"Không thấy dòng tiêu đề (cột đầu là “{HEADERS[0]}”): dùng tệp mẫu tải về."]
    found, errors = [], []
    for offset, row in enumerate(rows[head + 1 :], start=head + 2):
        cells = list(row or ()) + [None] * len(COLUMNS)
        if all(c is None or str(c).strip() == "" for c in cells[: len(COLUMNS)]):
            continue
        values: dict[str, int | None] = {}
        for (header, field, required), raw in zip(COLUMNS, cells, strict=False):
            if raw is None or str(raw).strip() == "":
                if required:
                    errors.append(f"Dòng {offset}, cột “{header}”: bắt buộc, đang để trống.")
                values[field] = None
                continue
            try:
                values[field] = number(raw)
            except ValueError:
                errors.append(f"Dòng {offset}, cột “{header}”: “{raw}” không phải số nguyên.")
                values[field] = None
        if values.get("year") is not None and year_error(values["year"]):
            errors.append(f"Dòng {offset}, cột “Năm”: {year_error(values['year'])}")
        found.append((offset, values))
    years = [v["year"] for _, v in found if v.get("year") is not None]
    for year in sorted({y for y in years if years.count(y) > 1}):
        errors.append(f"Năm {year} có hơn một dòng.")
    if not found and not errors:
        errors.append("Tệp không có dòng số liệu nào.")
    return found, errors


@transaction.atomic
def import_rosters(*, by: User, unit: Unit, source: bytes | IO[bytes]) -> int:
    """Record every row (all or nothing); the number of years recorded."""
    rows, errors = read(source)
    if not errors:
        for row_no, values in rows:
            try:
                UnitYearRoster.set(by=by, unit=unit, **values)
            except ValidationError as exc:
                labels = {f: h for h, f, _ in COLUMNS}
                for field, messages in exc.message_dict.items():
                    where = f", cột “{labels[field]}”" if field in labels else ""
                    errors += [f"Dòng {row_no}{where}: {m}" for m in messages]
    if errors:  # raised inside the transaction: nothing of the file is kept
        raise ValidationError(errors)
    return len(rows)
