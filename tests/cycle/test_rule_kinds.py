"""Every scale rule kind has its Django row: a label in the workbook's list, the workbook columns
that hold each of its document keys, the printed scale's words, the goal word its forms use, and
the report's sentence — so a new kind cannot be half added."""

from __future__ import annotations

import pytest

from thidua.cycle.plan.excel_scale import CRITERION_COLUMNS, KINDS
from thidua.cycle.plan.rule_kinds import (
    RULE_KIND_ROWS,
    goal_label,
    input_kind,
    kind_label,
    rule_words,
)
from thidua.documents.indicators import INDICATORS
from thidua.engine.rules import SCALE_RULE_KINDS
from thidua.engine.scale import parse_scale
from thidua.engine.testing import example, group, scale_doc

# a document key the workbook keeps in a shared column: a plan's default plan is in "rule.target"
SHARED_COLUMN = {("plan", "plan"): "rule.target"}


def parsed(kind: str):
    return parse_scale(scale_doc([group("G", [example(kind)])])).criterion("X")


def test_the_django_table_and_the_report_have_a_row_for_every_engine_kind_and_no_other() -> None:
    assert list(RULE_KIND_ROWS) == list(SCALE_RULE_KINDS)
    assert INDICATORS.keys() == SCALE_RULE_KINDS.keys()
    assert list(KINDS) == list(SCALE_RULE_KINDS)  # the workbook's “Loại” list


@pytest.mark.parametrize("kind", list(SCALE_RULE_KINDS))
def test_every_kind_has_all_its_django_parts(kind: str) -> None:
    row, entry = RULE_KIND_ROWS[kind], SCALE_RULE_KINDS[kind]
    criterion = parsed(kind)
    assert row.label and KINDS[kind] == row.label
    assert kind_label(criterion)
    assert rule_words(criterion, {})
    assert input_kind(criterion) == entry.input
    assert bool(goal_label(criterion)) == (entry.target_field is not None)
    sheet_keys = {c.key for c in CRITERION_COLUMNS}
    assert set(row.columns) <= sheet_keys, "a listed column is missing from the criteria sheet"
    for key in entry.keys - {"kind", "bonus"}:  # each key of the document has its column
        column = SHARED_COLUMN.get((kind, key), f"rule.{key}")
        assert column in row.columns, f"{kind}: no workbook column for rule.{key}"
    if "bonus" in entry.keys:
        assert {"rule.bonus.per", "rule.bonus.points", "rule.bonus.cap"} <= set(row.columns)
    for column in CRITERION_COLUMNS:  # the sheet refuses a column the kind does not use
        if column.key.startswith("rule.") and column.key != "rule.kind":
            assert (kind in column.kinds) == (column.key in row.columns)
