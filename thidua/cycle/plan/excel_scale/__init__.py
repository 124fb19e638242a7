"""The scale (thang điểm) as an Excel workbook, both ways.

:func:`scale_workbook` writes a scale document (``thidua.scale/1``, see docs/scale-schema.md) as a
workbook the secretariat can edit: general settings, groups, criteria with their rule parameters one
per column, and the tie-breaks. Without a document it is the blank template. :func:`parse_scale_workbook`
reads such a workbook back into a scale document and checks it with the engine's own validation
(``thidua.engine.scale.validate_scale``); every problem is reported on its cell
(“Trang “Tiêu chí”, dòng 7, cột E (Điểm tối đa): …”) and nothing is returned unless there is none.

Round trip: for every valid document, ``parse_scale_workbook(scale_workbook(doc))`` is the same
document (same fingerprint). A blank cell means "the key is absent"; numbers are exact decimals
(integers as such, others as text, as the forms store them). Parameters that do not fit in one cell
have a cell syntax, explained on the instructions sheet: threshold steps ``95: 6; 90: 5`` and the
awards a veto bars ``CO_CP; CO_BCA``.

The workbook's parts live in three modules: :mod:`.columns` (vocabularies, cells, the columns of
each sheet), :mod:`.write` and :mod:`.read`.
"""

from thidua.cycle.plan.excel_scale.columns import (
    CRITERIA_SHEET,
    CRITERION_COLUMNS,
    FIRST,
    GENERAL_SHEET,
    GROUPS_SHEET,
    KINDS,
    TIES_SHEET,
    json_number,
)
from thidua.cycle.plan.excel_scale.read import parse_scale_workbook
from thidua.cycle.plan.excel_scale.write import scale_workbook
from thidua.cycle.results.excel import HEADER_ROW, HELP_SHEET

__all__ = [
    "CRITERIA_SHEET",
    "CRITERION_COLUMNS",
    "FIRST",
    "GENERAL_SHEET",
    "GROUPS_SHEET",
    "HEADER_ROW",
    "HELP_SHEET",
    "KINDS",
    "TIES_SHEET",
    "json_number",
    "parse_scale_workbook",
    "scale_workbook",
]
