"""A bad cell or row of any uploaded file, and the refusal of an upload that has some (issue #12).

:class:`CellError` is the one type for a problem in an uploaded workbook or file, whoever reads it
(the year's workbooks in ``thidua.cycle.results.excel``/``excel_scale``, the register's import in
``thidua.honours.importers``, the engine's JSON and CSV files). It is defined in
:mod:`thidua.engine.cells` because the engine (the lowest layer, no Django) reads files too and may
import nothing above itself; this module is where the apps take it from.
"""

from __future__ import annotations

from collections.abc import Iterable

from thidua.engine.cells import CellError, Layout, column_letter

__all__ = ["CellError", "Layout", "UploadError", "column_letter"]


class UploadError(Exception):
    """The upload cannot be accepted; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[CellError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]
