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
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "CONTEXT",
    "MAX_ABS",
    "MAX_DIGITS",
    "NOT_FINITE",
    "QUALIFIERS",
    "ROUNDING_MODES",
    "NumberError",
    "Qualified",
    "Rounding",
    "dsum",
    "fmt_number",
    "fmt_percent",
    "fmt_points",
    "read_number",
    "read_qualified",
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


# -- a value as a person writes it -----------------------------------------------------------------

#: Words and signs that qualify a stated value, as written before the number ("hơn 98", "≥ 95").
#: The value is scored on its number; the qualifier is kept beside it and shown.
QUALIFIERS: tuple[str, ...] = (
    "xấp xỉ",
    "ít nhất",
    "tối thiểu",
    "tối đa",
    "khoảng",
    "hơn",
    "trên",
    "gần",
    "dưới",
    "≥",
    "≤",
    ">",
    "<",
    "~",
)
_SIGN_SPELLINGS = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤"}
#: Words that say nothing about the number ("đạt 92%" is 92%): accepted and dropped.
_NEUTRAL = ("đạt", "=")
_THOUSANDS_RE = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_QUALIFIED_RE = re.compile(
    r"^(?P<qualifier>(?:"
    + "|".join(re.escape(q) for q in (*QUALIFIERS, *_SIGN_SPELLINGS))
    + r")\s*)?(?P<number>[-+−]?\s*\d[\d.,\s]*)(?P<unit>\D.*)?$"
)


#: A unit written after a number: "%" or words ("vụ", "tin, bài", "tỷ đồng"); never digits.
_UNIT_RE = re.compile(r"^[^\W\d_]+(?:[ ,/]+[^\W\d_]+)*$")


@dataclass(frozen=True, slots=True)
class Qualified:
    """A written value: its number, its qualifier (None for a plain number) and its unit as
    written after the number ("%", "vụ"; "" when none)."""

    number: Decimal
    qualifier: str | None = None
    unit: str = ""

    def text(self) -> str:
        """Back in Vietnamese notation: ``hơn 98%``, ``gần 3.100 thẻ``."""
        shown = fmt_number(self.number)
        if self.unit:
            shown = f"{shown}{self.unit}" if self.unit == "%" else f"{shown} {self.unit}"
        return f"{self.qualifier} {shown}" if self.qualifier else shown


def read_number(text: str) -> Decimal:
    """A number as Vietnamese users write it: "92,5" and "520.000", as well as "92.5" and "-5".

    A comma is the decimal mark (dots before it group thousands); without a comma, dots in
    groups of three are thousands ("3.264"), any other dot a decimal point ("92.5"); the rest is
    read as Python's Decimal reads it (so a stored "1E+2" is read back).
    Raises :class:`NumberError` for anything else, NaN or infinity.
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "").replace("−", "-")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif _THOUSANDS_RE.match(raw):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except decimal.InvalidOperation:
        raise NumberError(f"'{text}' không phải là số") from None
    if not value.is_finite():
        raise NumberError(NOT_FINITE)
    return value


def read_qualified(text: str) -> Qualified:
    """A value as written in a report or typed in a form: ``hơn 98``, ``92%``, ``≥ 95 %``,
    ``gần 3.100 thẻ``, ``đạt 86,2%``. The number is read by :func:`read_number`; a qualifier
    (:data:`QUALIFIERS`, ``>=`` spelled ``≥``) is kept, "đạt" dropped; the unit is returned as
    written for the caller to check against the criterion's. Raises :class:`NumberError`."""
    raw = " ".join(unicodedata.normalize("NFC", text).split())
    low = raw.casefold()
    for word in _NEUTRAL:
        if low.startswith(word) and not low[len(word) : len(word) + 1].isalpha():
            raw, low = raw[len(word) :].lstrip(), low[len(word) :].lstrip()
            break
    match = _QUALIFIED_RE.match(low)
    if match is None:
        raise NumberError(f"'{text}' không phải là số")
    qualifier = (match.group("qualifier") or "").strip() or None
    qualifier = _SIGN_SPELLINGS.get(qualifier, qualifier) if qualifier else None
    number = read_number(match.group("number"))
    unit = raw[match.start("unit") :].strip() if match.group("unit") else ""
    if unit and not (unit == "%" or _UNIT_RE.match(unit)):
        raise NumberError(f"'{text}' không phải là số")
    return Qualified(number, qualifier, unit)
