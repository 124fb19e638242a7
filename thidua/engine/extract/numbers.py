"""Vietnamese numbers as reports write them: ``3.264`` and ``3000`` (thousands), ``86,2``
(decimal), ``07`` (a leading zero), ``1.234.567,5``, and common written-out words ("hai",
"mười", "hai mươi lăm", "ba trăm").

Pure Python. The conventions are Vietnamese: the dot groups thousands (always by three digits),
the comma marks the decimals. A dot followed by anything other than groups of three digits is read
as a decimal point ("3.5%" typed the English way), a comma never groups thousands.

Public API::

    parse_number("3.264")        # Decimal("3264")
    parse_number("86,2")         # Decimal("86.2")
    format_number(Decimal("1234.5"))  # "1.234,5"
    parse_words(["hai", "mươi", "lăm"])  # (Decimal("25"), 3)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

__all__ = ["NUMBER_PATTERN", "WORD_DIGITS", "format_number", "parse_number", "parse_words"]

# One number as written: grouped thousands with optional decimals, or plain digits with optional
# decimals (comma, or a dot not followed by exactly three digits).
NUMBER_PATTERN = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?(?:\.\d+)?"
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_PLAIN = re.compile(r"^\d+(?:,\d+)?$")
_DOTTED = re.compile(r"^\d+\.\d+$")


def parse_number(token: str) -> Decimal | None:
    """The value of one number token written the Vietnamese way, or None if it is not one."""
    token = token.strip()
    try:
        if _GROUPED.match(token):
            return Decimal(token.replace(".", "").replace(",", "."))
        if _PLAIN.match(token):
            return Decimal(token.replace(",", "."))
        if _DOTTED.match(token):  # "3.5" typed the English way (not three digits after the dot)
            return Decimal(token)
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        return None
    return None


def format_number(value: Decimal, *, group: bool = True) -> str:
    """``value`` written the Vietnamese way: dots between thousands (if ``group``), comma decimals."""
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _, frac = text.partition(".")
    if group:
        parts = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        parts.insert(0, whole)
        whole = ".".join(parts)
    return sign + whole + ("," + frac if frac else "")


# Written-out numbers. "năm" (five) is also "year": the finder accepts words only before a unit.
WORD_DIGITS: dict[str, int] = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_TEN = {"mười": 10}
_TENS = {"mươi"}
_MULTIPLIERS = {"trăm": 100, "nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
_ONLY_AFTER_TENS = {"mốt", "tư", "lăm", "nhăm"}
WORDS = set(WORD_DIGITS) | set(_TEN) | _TENS | set(_MULTIPLIERS) | {"linh", "lẻ"}


def parse_words(words: Sequence[str]) -> tuple[Decimal, int] | None:
    """The number spelled by the longest prefix of ``words`` (lower case), and how many words it
    used; None when the first word does not start a number. "hai mươi lăm" → 25, "mười hai" → 12,
    "ba trăm linh năm" → 305, "hai nghìn" → 2000."""
    total = 0  # completed thousands/millions
    current = 0  # below the current multiplier
    used = 0
    last: str | None = None  # "digit" | "ten" | "tens" | "mult" | "linh"
    for i, word in enumerate(words):
        if word in WORD_DIGITS:
            if last == "digit" or word == "không":
                break
            if word in _ONLY_AFTER_TENS and not (
                last == "tens" or (last == "ten" and word in ("lăm", "nhăm"))
            ):
                break
            current += WORD_DIGITS[word]
            last = "digit"
        elif word in _TEN:
            if last in ("digit", "ten", "tens"):
                break
            current += 10
            last = "ten"
        elif word in _TENS:
            if last != "digit" or current % 100 >= 10:
                break
            digit = current % 10
            current = current - digit + digit * 10
            last = "tens"
        elif word in _MULTIPLIERS:
            mult = _MULTIPLIERS[word]
            if last in (None, "linh") or current == 0:
                break
            if mult == 100:
                if current >= 10:
                    break
                current *= 100
            else:
                total += current * mult
                current = 0
            last = "mult"
        elif word in ("linh", "lẻ"):
            if last != "mult":
                break
            last = "linh"
        else:
            break
        used = i + 1
    if not used:
        return None
    if last == "linh":  # "trăm linh" with nothing after: give the "linh" back
        used -= 1
    return Decimal(total + current), used
