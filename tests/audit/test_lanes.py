"""Lanes: writers in different clusters do not wait on one audit head row (issue 17), and a
record broken in any lane is still named."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from thidua.audit.log import chain_head, lane_heads, record, root_hash, verify_chain
from thidua.audit.models import AuditRecord
from thidua.org.models import Movement

TABLE = AuditRecord._meta.db_table


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent connections: run with DATABASE_URL=postgres://…")


def _append_while_another_writer_holds_a_lane(movement: Movement) -> float:
    """Seconds the main thread's audited commit took while another transaction held a lane."""
    with transaction.atomic():  # the log exists already (its first lane made and committed)
        record(actor=None, action="update", obj=movement, after={"ai": "đầu tiên"})
    held, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                record(actor=None, action="update", obj=movement, after={"ai": "giữ"})
                held.set()
                release.wait(8)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(5)
    began = time.perf_counter()
    with transaction.atomic():
        record(actor=None, action="update", obj=movement, after={"ai": "không chờ"})
    took = time.perf_counter() - began
    release.set()
    thread.join()
    assert errors == []
    return took


@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_holding_the_log(movement: Movement) -> None:
    _needs_postgres()
    took = _append_while_another_writer_holds_a_lane(movement)

    assert took < 2  # the old single head row made it wait for the other's commit (8 s)
    heads = lane_heads()
    assert len(heads) == 2
    result = verify_chain()
    assert result.ok, result.reason
    assert (result.count, result.lanes) == (3, 2)
    assert chain_head() == (max(s for s, _ in heads.values()), root_hash(heads))
    assert result.last_hash == root_hash(heads)


@pytest.mark.django_db(transaction=True)
def test_a_broken_record_in_a_second_lane_is_named(movement: Movement) -> None:
    _needs_postgres()
    _append_while_another_writer_holds_a_lane(movement)
    with transaction.atomic():  # lane 1 is free again: more records there
        for i in range(3):
            record(actor=None, action="update", obj=movement, after={"i": i})
    second = AuditRecord.objects.exclude(lane=1).get()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'giả' WHERE seq = %s", [second.seq])

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_seq == second.seq
    assert "nội dung bản ghi đã bị sửa" in result.reason


def test_records_from_before_lanes_still_verify_and_the_chain_goes_on(make_records: Any) -> None:
    made = make_records(3)
    with connection.cursor() as cursor:  # as the migration leaves them: no predecessor number
        cursor.execute(f"UPDATE {TABLE} SET prev_seq = NULL")
    assert verify_chain().ok
    [fourth] = make_records(1)

    result = verify_chain()
    assert result.ok, result.reason
    assert fourth.prev_seq == made[-1].seq and fourth.lane == 1
    assert chain_head() == (fourth.seq, fourth.hash)
