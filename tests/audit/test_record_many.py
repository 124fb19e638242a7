"""Appending a batch of audit records at once (large imports): the same chain as one record() per
change, each record describing its object as it was when prepared."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from thidua.audit.log import (
    chain_head,
    compute_hash,
    prepare,
    record,
    record_many,
    snapshot,
    verify_chain,
)
from thidua.audit.models import AuditRecord
from thidua.org.models import Movement

pytestmark = pytest.mark.django_db


def test_a_batch_continues_the_chain_in_order_and_verifies(officer: Any, movement: Movement):
    with transaction.atomic():
        first = record(actor=None, action="create", obj=movement, after=snapshot(movement))
        batch = []
        for name in ("Tên thứ nhất", "Tên thứ hai", "Tên thứ ba"):
            before = snapshot(movement, ["name"])
            movement.name = name
            movement.save()
            batch.append(
                prepare(
                    actor=officer,
                    action="update",
                    obj=movement,
                    before=before,
                    after=snapshot(movement, ["name"]),
                )
            )
        stored = record_many(batch)
        last = record(actor=None, action="update", obj=movement, reason="sau lô")

    assert [r.seq for r in stored] == [2, 3, 4] and last.seq == 5
    rows = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[1].prev_hash == first.hash and last.prev_hash == rows[3].hash
    assert all(r.hash == compute_hash(r) for r in rows)
    # Each record kept the object as it was at its step, not as it ended.
    assert [r.object_repr for r in rows[1:4]] == ["Tên thứ nhất", "Tên thứ hai", "Tên thứ ba"]
    assert [r.after["name"] for r in rows[1:4]] == ["Tên thứ nhất", "Tên thứ hai", "Tên thứ ba"]
    assert rows[1].actor == officer and rows[1].actor_label == "Nguyễn Văn An (can-bo-a)"
    assert chain_head() == (5, last.hash)
    assert verify_chain().ok and verify_chain().count == 5


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused(movement: Movement):
    with pytest.raises(TransactionManagementError):
        record_many([prepare(actor=None, action="create", obj=movement)])
    assert AuditRecord.objects.filter(model="org.movement").count() == 0


def test_a_record_given_twice_is_refused(movement: Movement):
    rec = prepare(actor=None, action="create", obj=movement)
    with transaction.atomic():
        record_many([rec])
        with pytest.raises(ValueError, match="each only once"):
            record_many([rec])
    assert AuditRecord.objects.count() == 1 and verify_chain().ok


def test_prepare_checks_like_record(movement: Movement):
    with pytest.raises(ValueError, match="action"):
        prepare(actor=None, action=" ", obj=movement)
    with pytest.raises(ValueError, match="unsaved"):
        prepare(actor=None, action="create", obj=Movement(code="x", name="x"))
    with transaction.atomic():
        assert record_many([]) == []
    assert AuditRecord.objects.count() == 0
