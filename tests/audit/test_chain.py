"""The hash chain: tampering in the database is found and named; appends never fork it."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from thidua.audit.log import AuditChainError, chain_head, compute_hash, record, verify_chain
from thidua.audit.models import AuditChainHead, AuditRecord
from thidua.org.models import Movement

pytestmark = pytest.mark.django_db

TABLE = AuditRecord._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    """Change the database behind the ORM's back, as an intruder with database access would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def run_verify_audit() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_an_untouched_chain_verifies(make_records: Any) -> None:
    records = make_records(3)

    result = verify_chain()

    assert result.ok
    assert result.count == 3
    assert result.first_broken_seq is None
    assert result.last_hash == records[-1].hash == chain_head()[1]
    assert run_verify_audit().strip() == "Chuỗi nhật ký toàn vẹn: 3 bản ghi."


def test_an_empty_log_verifies() -> None:
    assert verify_chain().ok
    assert run_verify_audit().strip() == "Chuỗi nhật ký toàn vẹn: 0 bản ghi."


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("after", json.dumps({"name": "Tên đã bị sửa"}, ensure_ascii=False)),
        ("reason", "Lý do đã bị sửa"),
        ("actor_label", "Người khác"),
        ("timestamp", "2020-01-01 00:00:00"),
    ],
)
def test_changing_a_row_directly_in_the_database_is_detected(
    make_records: Any, column: str, value: str
) -> None:
    make_records(5)
    cast = "CAST(%s AS jsonb)" if column == "after" and connection.vendor == "postgresql" else "%s"
    raw_sql(f"UPDATE {TABLE} SET {column} = {cast} WHERE seq = 3", [value])

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_seq == 3
    assert result.count == 2
    assert "bị sửa" in result.reason
    with pytest.raises(CommandError, match="tại bản ghi số 3:") as failure:
        call_command("verify_audit")
    assert failure.value.returncode != 0


def test_rewriting_a_row_together_with_its_hash_is_detected_at_the_next_link(
    make_records: Any,
) -> None:
    # An intruder who knows the algorithm can fix the row's own hash, but not its successor's link.
    make_records(4)
    forged = AuditRecord.objects.get(seq=2)
    forged.reason = "Lý do giả"
    raw_sql(
        f"UPDATE {TABLE} SET reason = %s, hash = %s WHERE seq = 2",
        [forged.reason, compute_hash(forged)],
    )

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_seq == 3
    assert "số 2 hoặc số 3" in result.reason


def test_deleting_a_row_in_the_middle_is_detected(make_records: Any) -> None:
    make_records(100)
    raw_sql(f"DELETE FROM {TABLE} WHERE seq = 57")

    result = verify_chain(chunk_size=10)

    assert not result.ok
    assert result.first_broken_seq == 57
    assert result.count == 56
    assert "thiếu bản ghi số 57" in result.reason
    with pytest.raises(CommandError, match="Phát hiện sai lệch tại bản ghi số 57: thiếu"):
        call_command("verify_audit")


def test_deleting_the_last_rows_is_detected_through_the_chain_head(make_records: Any) -> None:
    make_records(6)
    raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_seq == 5
    assert "cuối chuỗi" in result.reason


def test_a_row_inserted_beyond_the_head_is_detected(make_records: Any) -> None:
    make_records(2)
    raw_sql(
        f"UPDATE {HEAD_TABLE} SET last_seq = 1, last_hash = %s",
        [AuditRecord.objects.get(seq=1).hash],
    )

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_seq == 2


def test_losing_the_chain_head_blocks_appends_and_is_detected(
    make_records: Any, movement: Movement
) -> None:
    make_records(2)
    raw_sql(f"DELETE FROM {HEAD_TABLE}")

    assert not verify_chain().ok
    with pytest.raises(CommandError, match="đầu chuỗi"):
        call_command("verify_audit")
    # Starting a fresh chain at 1 would hide whatever was cut off: refuse instead.
    with pytest.raises(AuditChainError), transaction.atomic():
        record(actor=None, action="update", obj=movement)
    assert not AuditChainHead.objects.exists()  # no fresh head left behind by the refusal
    assert AuditRecord.objects.count() == 2


def test_the_chain_survives_many_appends(officer: Any, make_records: Any) -> None:
    other = Movement.objects.create(code="khac", name="Phong trào khác")
    make_records(150, actor=officer)
    with transaction.atomic():
        for i in range(150):
            record(actor=None, action="approve", obj=other, after={"lần": i})

    result = verify_chain(chunk_size=7)

    assert result.ok
    assert result.count == 300
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 301))
    assert chain_head() == (300, AuditRecord.objects.get(seq=300).hash)


def test_the_verify_summary_groups_thousands_the_vietnamese_way(make_records: Any) -> None:
    make_records(1)
    with transaction.atomic():
        movement = Movement.objects.get(code="kiem-thu-nhat-ky")
        for _ in range(1233):
            record(actor=None, action="update", obj=movement)

    assert run_verify_audit().strip() == "Chuỗi nhật ký toàn vẹn: 1.234 bản ghi."


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain(movement: Movement) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs real concurrent connections: the SQLite test database is in memory. "
            "Run with DATABASE_URL=postgres://… to exercise the chain-head row lock."
        )
    writers, appends_each = 8, 10
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for i in range(appends_each):
                with transaction.atomic():
                    record(actor=None, action="update", obj=movement, after={"i": i})
        except BaseException as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    result = verify_chain()
    assert result.ok, result.reason
    assert result.count == writers * appends_each


def test_the_admin_lists_records_but_allows_no_change(admin_client: Any, make_records: Any) -> None:
    [rec] = make_records(1)

    changelist = admin_client.get(reverse("admin:audit_auditrecord_changelist"))
    assert changelist.status_code == 200
    assert admin_client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    detail = admin_client.get(reverse("admin:audit_auditrecord_change", args=[rec.pk]))
    assert detail.status_code == 200
    assert b'name="reason"' not in detail.content  # shown read-only, not as an input
    delete = admin_client.post(
        reverse("admin:audit_auditrecord_delete", args=[rec.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AuditRecord.objects.filter(pk=rec.pk).exists()
    filtered = admin_client.get(
        reverse("admin:audit_auditrecord_changelist"), {"action": "update", "q": "kiểm thử"}
    )
    assert filtered.status_code == 200
    assert "Phong trào kiểm thử" in filtered.content.decode()


def test_a_dumpdata_loaddata_round_trip_keeps_the_chain_valid(
    make_records: Any, officer: Any, tmp_path: Any
) -> None:
    # What backup/restore will do: the hashes must survive JSON serialisation of every field.
    make_records(3, actor=officer)
    with transaction.atomic():
        record(
            actor=None,
            action="recompute",
            obj=Movement.objects.get(code="kiem-thu-nhat-ky"),
            after={"điểm": 95.25, "hạng": 1, "ngày": "2025-07-01", "số lớn": 1e16},
        )
    head = chain_head()
    dump = tmp_path / "audit.json"
    call_command("dumpdata", "audit", output=str(dump), verbosity=0)
    raw_sql(f"DELETE FROM {TABLE}")
    raw_sql(f"DELETE FROM {HEAD_TABLE}")

    call_command("loaddata", str(dump), verbosity=0)

    result = verify_chain()
    assert result.ok, result.reason
    assert result.count == 4
    assert chain_head() == head == (4, result.last_hash)
