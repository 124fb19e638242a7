"""Recording changes, snapshots, and the ORM's refusal to change the log."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

import pytest
from django.db import connection, models, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import isolate_apps
from django.utils import timezone

from thidua.audit.log import (
    GENESIS_HASH,
    REDACTED,
    SYSTEM_LABEL,
    AppendOnlyError,
    compute_hash,
    json_safe,
    record,
    snapshot,
    verify_chain,
)
from thidua.audit.models import AuditChainHead, AuditRecord
from thidua.org.models import Movement

pytestmark = pytest.mark.django_db


def test_record_writes_a_row_with_who_when_what_and_before_after(
    officer: Any, movement: Movement
) -> None:
    before = snapshot(movement)
    movement.name = "Phong trào kiểm thử năm 2025"
    movement.save()
    started = timezone.now()

    with transaction.atomic():
        rec = record(
            actor=officer,
            action="update",
            obj=movement,
            before=before,
            after=snapshot(movement, ["name"]),
            reason="Đổi tên theo kế hoạch",
        )

    stored = AuditRecord.objects.get(pk=rec.pk)
    assert stored.actor == officer
    assert stored.actor_label == "Nguyễn Văn An (can-bo-a)"
    assert timezone.is_aware(stored.timestamp)
    assert started <= stored.timestamp <= timezone.now()
    assert stored.action == "update"
    assert stored.model == "org.movement"
    assert stored.object_pk == str(movement.pk)
    assert stored.object_repr == "Phong trào kiểm thử năm 2025"
    assert stored.before == {
        "id": movement.pk,
        "code": "kiem-thu-nhat-ky",
        "name": "Phong trào kiểm thử",
    }
    assert stored.after == {"name": "Phong trào kiểm thử năm 2025"}
    assert stored.reason == "Đổi tên theo kế hoạch"
    assert stored.seq == 1
    assert stored.prev_hash == GENESIS_HASH
    assert stored.hash == compute_hash(stored)
    assert AuditChainHead.objects.get().last_hash == stored.hash


def test_system_changes_are_recorded_without_an_actor(movement: Movement) -> None:
    with transaction.atomic():
        rec = record(actor=None, action="create", obj=movement, after=snapshot(movement))

    rec.refresh_from_db()
    assert rec.actor is None
    assert rec.actor_label == SYSTEM_LABEL
    assert rec.before is None


def test_a_rolled_back_transaction_leaves_no_audit_row(officer: Any, movement: Movement) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        movement.name = "Tên mới"
        movement.save()
        record(actor=officer, action="update", obj=movement, after={"name": "Tên mới"})
        raise RuntimeError("the workflow step failed after auditing")

    assert not AuditRecord.objects.exists()
    movement.refresh_from_db()
    assert movement.name == "Phong trào kiểm thử"


def test_a_rolled_back_append_does_not_advance_the_chain(
    make_records: Any, movement: Movement
) -> None:
    make_records(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="update", obj=movement)
        raise RuntimeError

    [third] = make_records(1)
    # PostgreSQL numbers records from a sequence, so the rolled-back number stays a gap; the
    # lane's link (prev_seq, prev_hash) still goes to record 2 and the chain verifies.
    assert third.seq == (4 if connection.vendor == "postgresql" else 3)
    assert third.prev_seq == 2
    assert third.prev_hash == AuditRecord.objects.get(seq=2).hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(movement: Movement) -> None:
    with pytest.raises(TransactionManagementError):
        record(actor=None, action="update", obj=movement)
    assert not AuditRecord.objects.exists()


def test_recording_with_an_empty_action_or_unsaved_object_is_refused(movement: Movement) -> None:
    with transaction.atomic():
        with pytest.raises(ValueError):
            record(actor=None, action=" ", obj=movement)
        with pytest.raises(ValueError):
            record(actor=None, action="create", obj=Movement(code="x", name="x"))


def test_a_deletion_is_recorded_under_the_deleted_objects_pk(
    officer: Any, movement: Movement
) -> None:
    pk = movement.pk
    with transaction.atomic():
        before = snapshot(movement)
        movement.delete()
        rec = record(actor=officer, action="delete", obj=movement, before=before)

    assert rec.object_pk == str(pk)
    assert rec.after is None


def test_history_of_an_object_lists_its_records_newest_first(
    officer: Any, movement: Movement, make_records: Any
) -> None:
    other = Movement.objects.create(code="khac", name="Phong trào khác")
    make_records(2, actor=officer)
    with transaction.atomic():
        record(actor=officer, action="update", obj=other, after={"name": "x"})
    make_records(1)

    history = AuditRecord.objects.for_object(movement)
    assert [r.seq for r in history] == [4, 2, 1]
    assert [r.seq for r in AuditRecord.objects.for_object(other)] == [3]


def test_saving_an_existing_record_again_is_refused(make_records: Any) -> None:
    [rec] = make_records(1)
    rec.reason = "sửa lén"
    with pytest.raises(AppendOnlyError):
        rec.save()
    reloaded = AuditRecord.objects.get(pk=rec.pk)
    with pytest.raises(AppendOnlyError):
        reloaded.save(update_fields=["reason"])
    assert AuditRecord.objects.get(pk=rec.pk).reason == "Sửa lần 1"


def test_deleting_a_record_is_refused(make_records: Any) -> None:
    [rec] = make_records(1)
    with pytest.raises(AppendOnlyError):
        rec.delete()
    assert AuditRecord.objects.filter(pk=rec.pk).exists()


@pytest.mark.parametrize(
    "bulk_change",
    [
        pytest.param(lambda qs: qs.update(reason="x"), id="update"),
        pytest.param(lambda qs: qs.delete(), id="delete"),
        pytest.param(
            lambda qs: AuditRecord.objects.bulk_update(list(qs), ["reason"]), id="bulk_update"
        ),
        pytest.param(
            lambda qs: AuditRecord.objects.bulk_create([AuditRecord(seq=99)]), id="bulk_create"
        ),
    ],
)
def test_queryset_bulk_changes_are_refused(make_records: Any, bulk_change: Any) -> None:
    make_records(2)
    with pytest.raises(AppendOnlyError):
        bulk_change(AuditRecord.objects.all())
    assert AuditRecord.objects.count() == 2
    assert set(AuditRecord.objects.values_list("reason", flat=True)) == {"Sửa lần 1", "Sửa lần 2"}


def test_the_stored_hash_survives_the_databases_json_round_trip(movement: Movement) -> None:
    # jsonb prints 1e16 as an integer and keeps only numbers; json_safe() stores what reads back.
    awkward = {
        "big": 1e16,
        "whole": 3.0,
        "tenth": 0.1,
        "tiny": 1.5e-7,
        "money": decimal.Decimal("1.50"),
        "day": dt.date(2025, 7, 1),
        "nested": {"b": [1, 2.5, None, True], "a": "Hòa Bình"},
        3: "int key",
    }
    with transaction.atomic():
        rec = record(actor=None, action="recompute", obj=movement, after=awkward)

    stored = AuditRecord.objects.get(pk=rec.pk)
    assert stored.after == {
        "big": 10**16,
        "whole": 3,
        "tenth": 0.1,
        "tiny": 1.5e-7,
        "money": "1.50",
        "day": "2025-07-01",
        "nested": {"b": [1, 2.5, None, True], "a": "Hòa Bình"},
        "3": "int key",
    }
    assert compute_hash(stored) == rec.hash == stored.hash


def test_json_safe_refuses_values_the_database_cannot_store() -> None:
    with pytest.raises(ValueError):
        json_safe({"x": float("nan")})
    with pytest.raises(TypeError):
        json_safe({"x": object()})


def test_snapshot_handles_dates_decimals_fks_and_files(movement: Movement) -> None:
    class State(models.TextChoices):
        DRAFT = "draft", "Nháp"

    with isolate_apps("thidua.audit"):

        class Sample(models.Model):
            movement = models.ForeignKey(Movement, on_delete=models.PROTECT)
            day = models.DateField()
            moment = models.DateTimeField()
            at = models.TimeField()
            score = models.DecimalField(max_digits=6, decimal_places=2)
            ratio = models.FloatField()
            span = models.DurationField()
            ref = models.UUIDField()
            evidence = models.FileField()
            state = models.CharField(max_length=8)
            data = models.JSONField()

            class Meta:
                app_label = "audit"

            def __str__(self) -> str:
                return f"Mẫu {self.pk}"

        moment = dt.datetime(2025, 7, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
        sample = Sample(
            pk=7,
            movement=movement,
            day=dt.date(2025, 7, 1),
            moment=moment,
            at=dt.time(14, 5),
            score=decimal.Decimal("95.50"),
            ratio=0.25,
            span=dt.timedelta(days=1, hours=2),
            ref=uuid.UUID("12345678-1234-5678-1234-567812345678"),
            evidence="minh-chung/bao-cao.pdf",
            state=State.DRAFT,
            data={"ngày": dt.date(2024, 12, 31), "điểm": decimal.Decimal("1.5")},
        )

        assert snapshot(sample) == {
            "id": 7,
            "movement_id": movement.pk,
            "day": "2025-07-01",
            "moment": "2025-07-01T08:30:15.123456+00:00",
            "at": "14:05:00",
            "score": "95.50",
            "ratio": 0.25,
            "span": "P1DT02H00M00S",
            "ref": "12345678-1234-5678-1234-567812345678",
            "evidence": "minh-chung/bao-cao.pdf",
            "state": "draft",
            "data": {"ngày": "2024-12-31", "điểm": "1.5"},
        }
        # Either spelling of a foreign key selects it; the key is always "<name>_id".
        assert snapshot(sample, ["movement", "score"]) == {
            "movement_id": movement.pk,
            "score": "95.50",
        }
        assert snapshot(sample, ["movement_id"]) == {"movement_id": movement.pk}


def test_snapshot_of_an_unknown_field_is_an_error(movement: Movement) -> None:
    with pytest.raises(ValueError, match="nme"):
        snapshot(movement, ["nme"])


def test_snapshot_never_stores_a_password_hash(officer: Any) -> None:
    taken = snapshot(officer)

    assert taken["password"] == REDACTED
    assert officer.password not in str(taken)
    assert taken["username"] == "can-bo-a"


def test_creating_a_record_around_record_is_refused(movement: Movement) -> None:
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.create(
            seq=1, timestamp=timezone.now(), action="create", model="org.movement", object_pk="1"
        )
    assert not AuditRecord.objects.exists()
