"""One error type for a bad cell, row or place of any uploaded file (issue #12).

A :class:`CellError` says where its author finds the problem (the sheet, row and column of a
workbook; or a file and a place in it, such as a JSON path or a CSV line) and what is wrong, in
Vietnamese. It is also raised by a cell reader that does not know yet where the cell is
(``raise CellError(message="phải là số.")``); the caller places it with :meth:`CellError.at`.

It lives in the engine, the lowest layer, because the engine's own file readers use it and the
engine imports nothing above it; the Django apps use it through :mod:`thidua.lib.cells`.

Three ways to write the place, each kept word for word from the screens and files that show them:

- ``sheet`` (the year's workbooks): ``Trang “Số liệu”, dòng 7, cột F (Số liệu): …``
- ``register`` (the honours register's import): ``Trang “Khen thưởng” — Dòng 7, cột D (Năm): …``
- a file (the engine's command line): ``tệp 'kq.csv', dòng 5, cột 3 ('TP1'): …``
"""

from __future__ import annotations

from typing import Any, Literal

Layout = Literal["sheet", "register"]

__all__ = ["CellError", "Layout", "column_letter"]


def column_letter(column: int) -> str:
    """Excel's name of a 1-based column: 1 → A, 27 → AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class CellError(ValueError):
    """A bad cell or row of an uploaded file, located as a user finds it; ``message`` in Vietnamese.

    ``column`` is 1-based; ``header`` is the column's title as the file shows it; ``value`` the raw
    value read (optional). ``file`` and ``where`` place a problem in a plain file (``where`` a JSON
    path or a CSV place); ``layout`` chooses how a workbook place is written (see the module).
    """

    __slots__ = ("column", "file", "header", "layout", "message", "row", "sheet", "value", "where")

    def __init__(
        self,
        sheet: str = "",
        row: int | None = None,
        column: int | None = None,
        header: str = "",
        message: str = "",
        *,
        value: Any = None,
        file: str = "",
        where: str = "",
        layout: Layout = "sheet",
    ) -> None:
        super().__init__(sheet, row, column, header, message)
        self.sheet = sheet
        self.row = row
        self.column = column
        self.header = header
        self.message = message
        self.value = value
        self.file = file
        self.where = where
        self.layout: Layout = layout

    @classmethod
    def in_file(cls, file: str, where: str, message: str) -> CellError:
        """A problem at a place of a plain file (the engine's JSON and CSV inputs)."""
        return cls(message=message, file=file, where=where)

    def at(
        self,
        sheet: str,
        row: int | None,
        column: int | None = None,
        header: str = "",
        *,
        layout: Layout = "sheet",
    ) -> CellError:
        """This problem placed in a workbook (a reader raised it without knowing where)."""
        return CellError(sheet, row, column, header, self.message, value=self.value, layout=layout)

    @property
    def letter(self) -> str:
        """The column's Excel letter, or ``""``."""
        return column_letter(self.column) if self.column else ""

    def _key(self) -> tuple:
        return tuple(getattr(self, name) for name in _KEY)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CellError):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple:
        return (_rebuild, (self._key(), self.value))

    def __repr__(self) -> str:
        return f"CellError({str(self)!r})"

    def __str__(self) -> str:
        if self.file:
            return (
                f"tệp '{self.file}'"
                + (f", {self.where}" if self.where else "")
                + (f": {self.message}")
            )
        if not self.sheet:
            return self.message
        if self.layout == "register":
            where = f"Trang “{self.sheet}” — Dòng {self.row}"
            if self.column:
                where += f", cột {self.letter} ({self.header})"
            return f"{where}: {self.message}"
        parts = [f"Trang “{self.sheet}”"]
        if self.row:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(
                f"cột {self.letter} ({self.header})" if self.header else f"cột {self.letter}"
            )
        return ", ".join(parts) + f": {self.message}"


_KEY = ("sheet", "row", "column", "header", "message", "file", "where", "layout")


def _rebuild(key: tuple, value: Any) -> CellError:
    return CellError(**dict(zip(_KEY, key, strict=True)), value=value)
