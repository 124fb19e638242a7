"""Numbers and dates written the way Vietnamese official documents write them.

Numbers: dot thousands, decimal comma (3.264; 86,2%) — built on thidua.engine.numbers.fmt_number,
plus a fixed-places form for score tables (94,60 beside 98,11, not 94,6). Dates follow Nghị định
30/2020/NĐ-CP, Phụ lục I: a day below 10 and the months 1 and 2 take a leading zero
("ngày 03 tháng 12 năm 2021", "ngày 15 tháng 02 năm 2022", "ngày 05 tháng 7 năm 2021").
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

from thidua.engine.numbers import CONTEXT, fmt_number, to_decimal

DASH = "—"


def number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """``3264 → '3.264'``, ``Decimal('86.20') → '86,2'``; None → an em dash."""
    if value is None:
        return DASH
    return fmt_number(value, places)


def fixed(value: Decimal | int | float | None, places: int = 2) -> str:
    """Always ``places`` decimals: ``Decimal('94.6') → '94,60'``; None → an em dash."""
    if value is None:
        return DASH
    d = value if isinstance(value, Decimal) else to_decimal(value)
    d = d.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP, context=CONTEXT)
    sign = "-" if d < 0 else ""
    whole, _, frac = format(abs(d), "f").partition(".")
    text = fmt_number(Decimal(whole))
    return f"{sign}{text},{frac}" if places else f"{sign}{text}"


def percent(value: Decimal | int | float | None, places: int | None = 1) -> str:
    """``Decimal('86.24') → '86,2%'`` (rounded half-up for display)."""
    if value is None:
        return DASH
    return f"{fmt_number(value, places)}%"


def two_digits(count: int) -> str:
    """Counts below 10 in official lists are written with two digits: ``1 → '01'``."""
    return f"{count:02d}" if 0 <= count < 10 else number(count)


def date_words(day: dt.date) -> str:
    """``date(2021, 12, 3) → 'ngày 03 tháng 12 năm 2021'`` (NĐ 30/2020, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: dt.date) -> str:
    """``'Yên Bái, ngày 03 tháng 12 năm 2021'``."""
    return f"{place}, {date_words(day)}"


def short_date(day: dt.date) -> str:
    """``date(2021, 12, 3) → '03/12/2021'``."""
    return day.strftime("%d/%m/%Y")


def ratio(part: int, whole: int) -> Decimal | None:
    """A percentage as an exact Decimal (None when the whole is zero)."""
    if not whole:
        return None
    return CONTEXT.divide(Decimal(part) * 100, Decimal(whole))
