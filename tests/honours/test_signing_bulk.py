"""Signing a decision with many recipients stays bulk work (issue 16, bench/bench_decision.py):
the recipients' records are read by the decision, not by a list of every recipient's id; the
lines are linked in bulk; PostgreSQL's array parameters are escaped without a per-quote regex."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from psycopg.adapt import PyFormat
from psycopg.types.array import ListDumper

from tests.honours.test_decisions import BK, draft, officer, sign
from thidua.audit.models import AuditRecord
from thidua.honours.models import Decision
from thidua.lib.pg_arrays import FastListDumper

pytestmark = pytest.mark.django_db

TRICKY = [
    "",
    "null",
    "NULL",
    "plain",
    'say "xin chào"',
    "back\\slash",
    '\\"both\\"',
    "a,b",
    "{braces}",
    " spaced ",
    "tab\there\nnewline",
    "Nguyễn Thị Hòa — “Bằng khen”",
    "\u3000ideographic space",
    json.dumps({"ghi chú": 'x"y\\z', "n": [1, None, "a\\\\b"]}, ensure_ascii=False),
    None,
]


def test_the_fast_array_dumper_writes_exactly_what_psycopg_writes():
    for values in (TRICKY, [TRICKY[4:7], TRICKY[:3]], [], [None, None], ["x"]):
        assert FastListDumper(list).dump(values) == ListDumper(list).dump(values), values


def test_signing_reads_the_recipients_records_by_the_decision_not_by_their_ids(world):
    people = [officer(world, f"QD-{i:03d}", f"Trần Văn Số {i}") for i in range(12)]
    decision = draft(world, people)
    seen: list[tuple[str, int]] = []

    def spy(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, len(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        sign(world, decision, 1)

    assert Decision.objects.get(pk=decision.pk).state == Decision.State.SIGNED
    assert seen
    # Twelve recipients of one unit: no read carries a parameter per recipient (before: the
    # register and each of the six record queries listed all twelve ids).
    widest = max(seen, key=lambda s: s[1])
    assert widest[1] < len(people), widest[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array parameters")
def test_on_postgresql_the_lines_are_linked_in_one_statement_and_quotes_survive(world):
    people = [officer(world, f"QD-{i:03d}", f'Lê "Văn" \\ Số {i}') for i in range(3)]
    decision = draft(world, people, ref='thành tích "A" \\ 1')
    updates: list[str] = []

    def spy(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "honours_decisionline" in sql:
            updates.append(sql)
        return execute(sql, params, many, context)

    audit_before = AuditRecord.objects.count()
    with connection.execute_wrapper(spy):
        sign(world, decision, 1, day=dt.date(2025, 3, 1))

    assert len(updates) == 1
    assert connection.connection.adapters.get_dumper(list, PyFormat.AUTO) is FastListDumper
    lines = list(decision.lines.select_related("commendation", "person"))
    assert all(line.commendation_id for line in lines)
    for line in lines:
        assert line.commendation.achievement_ref == 'thành tích "A" \\ 1'
        assert line.commendation.award_code == BK
    ids = [str(line.commendation_id) for line in lines]
    created = list(AuditRecord.objects.filter(model="honours.commendation", object_pk__in=ids))
    assert len(created) == 3 and AuditRecord.objects.count() == audit_before + 4
    assert {r.after["achievement_ref"] for r in created} == {'thành tích "A" \\ 1'}
    assert {r.object_repr for r in created} == {str(line.commendation) for line in lines}
