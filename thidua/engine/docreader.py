"""Reading a JSON document while collecting every problem with its path (scale and award rules).

A secretary fixing a document wants the whole list, e.g.
``groups[2].criteria[5].max_points: phải là số không âm``, so a reader never stops at the first
problem: each read records what is wrong and returns a default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import NumberError, to_decimal

__all__ = ["DocReader", "Problem", "join_path"]

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input document: where (a path such as ``groups[0].code``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class DocReader:
    """Reads a JSON document, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def keys(self, obj: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.add(join_path(path, key), "khóa không được hỗ trợ (gõ nhầm?)")

    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(path, "phải là một đối tượng JSON {…}")
            return None
        return value

    def text(self, obj: Mapping[str, Any], key: str, path: str, required: bool = True) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(join_path(path, key), "thiếu (bắt buộc)")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(join_path(path, key), "phải là chuỗi ký tự không rỗng")
            return ""
        return value.strip()

    def code(self, obj: Mapping[str, Any], path: str) -> str:
        value = self.text(obj, "code", path)
        if value and not _CODE.match(value):
            self.add(
                join_path(path, "code"),
                f"mã '{value}' chỉ được gồm chữ không dấu, số, '_', '-', '.' (tối đa 64 ký tự)",
            )
        return value

    def number(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        minimum: Decimal | None = None,
        positive: bool = False,
        default: Decimal | None = None,
    ) -> Decimal | None:
        if key not in obj or obj[key] is None:
            if required:
                self.add(join_path(path, key), "thiếu (bắt buộc)")
            return default
        try:
            value = to_decimal(obj[key])
        except NumberError as exc:
            self.add(join_path(path, key), str(exc))
            return default
        if positive and value <= 0:
            self.add(join_path(path, key), "phải là số dương")
            return default
        if minimum is not None and value < minimum:
            self.add(join_path(path, key), f"phải là số không nhỏ hơn {minimum}")
            return default
        return value

    def choice(
        self, obj: Mapping[str, Any], key: str, path: str, options: tuple[str, ...], default: str
    ) -> str:
        value = obj.get(key, default)
        if value not in options:
            self.add(join_path(path, key), f"phải là một trong: {', '.join(options)}")
            return default
        return value
