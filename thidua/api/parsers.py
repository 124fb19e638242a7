"""Request bodies: a strict JSON object in UTF-8, refused with a Vietnamese reason naming where it went wrong.

django-ninja wraps any parser failure in a 400 "Cannot parse request body"; `api.py` turns that into
the API's 422 with the reason given here (`UnreadableBody.message`).
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

MAX_DEPTH = 32


class UnreadableBody(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _no_constant(name: str) -> Any:
    raise UnreadableBody(f"JSON không cho phép giá trị “{name}” (chỉ số hữu hạn).")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e400: too large for a number, stored as "Infinity"
        raise UnreadableBody(f"Số “{text[:20]}” quá lớn.")
    return value


def _where(path: list[str]) -> str:
    return f" (tại {'.'.join(path)})" if path else ""


def _text(value: str, path: list[str]) -> str:
    if "\x00" in value:
        raise UnreadableBody(f"Chuỗi ký tự chứa ký tự NUL (\\u0000){_where(path)}.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableBody(
            f"Chuỗi ký tự chứa mã Unicode không hợp lệ (nửa cặp surrogate){_where(path)}."
        ) from None
    return unicodedata.normalize("NFC", value)


def _clean(value: Any, path: list[str]) -> Any:
    """The same data with every string checked and NFC-normalised; at most MAX_DEPTH levels deep."""
    if len(path) >= MAX_DEPTH:
        raise UnreadableBody(f"Nội dung JSON lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp).")
    if isinstance(value, str):
        return _text(value, path)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = _text(key, path)
            out[name] = _clean(item, [*path, name])
        return out
    if isinstance(value, list):
        return [_clean(item, [*path, str(i)]) for i, item in enumerate(value)]
    return value


class StrictJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableBody(
                f"Nội dung không phải văn bản UTF-8 hợp lệ (byte thứ {exc.start + 1})."
            ) from None
        try:
            data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except UnreadableBody:
            raise
        except json.JSONDecodeError as exc:
            raise UnreadableBody(
                f"Nội dung JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}."
            ) from None
        except ValueError:  # e.g. an integer of more than 4300 digits
            raise UnreadableBody("Nội dung JSON có giá trị không đọc được.") from None
        except RecursionError:
            raise UnreadableBody(
                f"Nội dung JSON lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)."
            ) from None
        if data is not None and not isinstance(data, dict):
            # Every body of this API is an object. django-ninja's schemas would otherwise read a
            # list or a string attribute by attribute and take it for an object of defaults.
            raise UnreadableBody("Nội dung phải là một đối tượng JSON ({…}).")
        return _clean(data, [])
