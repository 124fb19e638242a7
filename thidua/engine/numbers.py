"""Exact numbers for the engine: Decimal conversion, the scale's rounding rule, Vietnamese formatting.

Every score in the engine is a `Decimal`. Inputs may arrive as `int`, `float`, `Decimal` or (from
files) strings; :func:`to_decimal` turns each into one canonical Decimal so that the same input gives
the same points in the reference (Decimal) path and in the vectorised (NumPy) path:

- a `float` is read as the shortest decimal that round-trips to it (``repr``), so ``86.2`` means
  86,2 and not 86,2000000000000028421709…; distinct floats give distinct, equally ordered decimals,
  so the float comparisons of the vectorised path agree with the Decimal ones;
- a Decimal, int or string with more than :data:`MAX_DIGITS` significant digits is refused: no
  indicator needs them, and below that bound every such number has its own float, which keeps the
  vectorised path exact for them too.

Arithmetic runs in a private :data:`CONTEXT` so that a caller changing ``decimal.getcontext()`` cannot
change anybody's points.

Vietnamese number format (used in every sentence a user reads): decimal comma and dot thousands, e.g.
``3.264`` (three thousand…), ``86,2%``, ``-5%``.
"""

from __future__ import annotations

import decimal
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "CONTEXT",
    "MAX_ABS",
    "MAX_DIGITS",
    "NOT_FINITE",
    "ROUNDING_MODES",
    "NumberError",
    "Rounding",
    "dsum",
    "fmt_number",
    "fmt_percent",
    "fmt_points",
    "to_decimal",
]

#: Private arithmetic context: generous precision, errors raise instead of yielding NaN.
CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

#: Largest number of significant digits accepted in an input (a float holds 15 exactly).
MAX_DIGITS = 15
#: Largest magnitude accepted in an input: far above any indicator (ID cards issued ≈ 10⁷).
MAX_ABS = Decimal(10) ** 12

#: Rounding modes a scale may choose, by their names in the scale document.
ROUNDING_MODES: dict[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,  # the school rule: 0,125 → 0,13; what committees expect
    "half_even": decimal.ROUND_HALF_EVEN,  # banker's rounding
    "down": decimal.ROUND_DOWN,  # truncate towards zero
}


#: The one message for NaN and infinities, on every path (JSON, CSV, results, targets, API).
NOT_FINITE = "không phải là số (NaN hoặc vô cực)"


class NumberError(ValueError):
    """An input that is not an acceptable number; the message is Vietnamese."""


def to_decimal(value: Any) -> Decimal:
    """Canonical Decimal for an input number (int, float, Decimal or numeric string).

    Raises :class:`NumberError` (Vietnamese message) for booleans, non-numbers, NaN/∞, more than
    :data:`MAX_DIGITS` significant digits or a magnitude above :data:`MAX_ABS`.
    """
    if isinstance(value, bool):
        raise NumberError("cần một số, không phải giá trị đúng/sai")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
        if not d.is_finite():
            raise NumberError(NOT_FINITE)
        if abs(d) > MAX_ABS:
            raise NumberError(f"số quá lớn (giới hạn {fmt_number(MAX_ABS)})")
        return d  # any float: its repr is exact and unique
    elif isinstance(value, numbers.Integral):  # NumPy integers and the like
        d = Decimal(int(value))
    elif isinstance(value, str):
        text = value.strip()
        try:
            d = Decimal(text)
        except decimal.InvalidOperation:
            raise NumberError(f"'{value}' không phải là số") from None
    else:
        raise NumberError(f"cần một số, nhận được {type(value).__name__}")
    if not d.is_finite():
        raise NumberError(NOT_FINITE)
    if abs(d) > MAX_ABS:
        raise NumberError(f"số quá lớn (giới hạn {fmt_number(MAX_ABS)})")
    if d and len(d.normalize(CONTEXT).as_tuple().digits) > MAX_DIGITS:
        raise NumberError(f"số có quá {MAX_DIGITS} chữ số có nghĩa")
    return d


@dataclass(frozen=True, slots=True)
class Rounding:
    """The scale's rounding rule: points per criterion are rounded to ``places`` decimals."""

    places: int = 2
    mode: str = "half_up"

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    def apply(self, value: Decimal) -> Decimal:
        """Round ``value`` to the scale's places with the scale's mode (context-independent)."""
        return value.quantize(self.quantum, rounding=ROUNDING_MODES[self.mode], context=CONTEXT)

    def describe(self) -> str:
        names = {
            "half_up": "làm tròn nửa lên",
            "half_even": "làm tròn nửa về số chẵn",
            "down": "cắt bỏ phần thừa",
        }
        return f"{names[self.mode]} đến {self.places} chữ số thập phân"


def dsum(values: Iterable[Decimal]) -> Decimal:
    """Exact sum in the private context (``sum()`` would use the caller's context)."""
    total = Decimal(0)
    for value in values:
        total = CONTEXT.add(total, value)
    return total


def fmt_number(value: Decimal | int | float, places: int | None = None) -> str:
    """Vietnamese format: ``Decimal('3264') → '3.264'``, ``Decimal('86.20') → '86,2'``.

    Trailing zeros after the comma are dropped; with ``places`` the number is first rounded half-up
    to that many decimals (for display only, never for scoring).
    """
    d = value if isinstance(value, Decimal) else to_decimal(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP, context=CONTEXT)
    text = format(d, "f")
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    groups.append(whole)
    whole = ".".join(reversed(groups))
    if whole == "0" and not frac:
        sign = ""  # never print "-0"
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def fmt_points(value: Decimal) -> str:
    """``Decimal('9.50') → '9,5 điểm'``."""
    return f"{fmt_number(value)} điểm"


def fmt_percent(value: Decimal, places: int | None = None) -> str:
    """``Decimal('86.2') → '86,2%'``."""
    return f"{fmt_number(value, places)}%"
