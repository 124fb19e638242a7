"""Excel import of existing records, with a downloadable template.

One workbook, one sheet per kind of record (people, ratings, initiatives, discipline,
commendations). Every row is checked and every problem is reported with its sheet, row and column
("Trang “Khen thưởng” — Dòng 7, cột D (Năm): …", a :class:`thidua.lib.cells.CellError`). The import
is all or nothing: one transaction, rolled back on the first problem found in the database step,
and not even started when the file itself has problems.

The parts, in the order an import runs them: ``sheets`` (the layout and the result), ``reading``
(cells parsed, problems placed), ``checking`` (each row as the model steps would check it),
``writing`` (bulk inserts and their audit records), ``importing`` (the transaction around them);
``template`` writes the workbook to fill in.
"""

from thidua.honours.importers.importing import BATCH, Progress, import_workbook
from thidua.honours.importers.reading import count_rows
from thidua.honours.importers.sheets import SHEET_BY_KEY, SHEETS, Column, ImportResult, SheetSpec
from thidua.honours.importers.template import template_workbook

__all__ = [
    "BATCH",
    "SHEETS",
    "SHEET_BY_KEY",
    "Column",
    "ImportResult",
    "Progress",
    "SheetSpec",
    "count_rows",
    "import_workbook",
    "template_workbook",
]
