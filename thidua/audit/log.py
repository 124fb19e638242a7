"""Writing and checking the audit log.

    from thidua.audit.log import record, snapshot

    @transaction.atomic
    def submit(self, *, by: User) -> None:
        before = snapshot(self, ["state"])
        self.state = self.State.SUBMITTED
        self.save(update_fields=["state"])
        record(actor=by, action="submit", obj=self, before=before, after=snapshot(self, ["state"]))

`record()` must run inside the caller's `transaction.atomic()`: the audit row then commits or rolls
back with the change it describes, and the chain-head lock it takes is held until that commit, so
concurrent appends queue instead of forking the chain. Take the lock late: call `record()` after the
change's own queries, not at the start of a long transaction.

Hash: SHA-256 over canonical JSON (sorted keys, no spaces, UTF-8, ensure_ascii=False) of seq,
timestamp (UTC ISO with microseconds), actor id and label, action, model, object pk and repr,
before, after, reason and the previous record's hash. The hash is computed from exactly the values
stored, after `json_safe()` normalisation, so the database's JSON round trip cannot change it.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

from thidua.audit.models import (
    GENESIS_HASH,
    HEAD_PK,
    AppendOnlyError,
    AuditChainError,
    AuditChainHead,
    AuditRecord,
)

__all__ = [
    "GENESIS_HASH",
    "REDACTED",
    "SYSTEM_LABEL",
    "AppendOnlyError",
    "AuditChainError",
    "VerifyResult",
    "chain_head",
    "compute_hash",
    "json_safe",
    "prepare",
    "record",
    "record_many",
    "snapshot",
    "utc_iso",
    "verify_chain",
]

# The actor label of changes made by the system itself (imports, commands, recomputations).
SYSTEM_LABEL = "Hệ thống"

_REPR_MAX = AuditRecord._meta.get_field("object_repr").max_length
_LABEL_MAX = AuditRecord._meta.get_field("actor_label").max_length
_ACTION_MAX = AuditRecord._meta.get_field("action").max_length
_PK_MAX = AuditRecord._meta.get_field("object_pk").max_length


# What snapshot() stores instead of a password hash, token digest or other secret.
REDACTED = "[đã ẩn]"
_SECRET_NAMES = frozenset({"password", "digest", "secret", "token"})
_SECRET_SUFFIXES = ("_hash", "_digest", "_secret", "_token")


# --- JSON-safe values ------------------------------------------------------------------------


def json_safe(value: Any) -> Any:
    """`value` as plain JSON data that survives a database JSON round trip unchanged.

    Integral floats become ints because PostgreSQL's jsonb prints 1e16 as 10000000000000000, which
    would read back as an int and change the hash; NaN and infinities are refused (jsonb has none).
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):  # before str/int: TextChoices members are both
        return json_safe(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Nhật ký không lưu được số {value!r}.")
        return int(value) if value.is_integer() else value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):  # datetime is a date: one branch
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Promise):  # lazy translation strings
        return str(value)
    if isinstance(value, models.Model):
        return json_safe(value.pk)
    if isinstance(value, Mapping):
        return {str(json_safe(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        # Sets have no order; sort so the same set always hashes the same.
        return sorted((json_safe(v) for v in value), key=_canonical_text)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    raise TypeError(f"snapshot/record: cannot store {type(value).__name__} as JSON: {value!r}")


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The model's concrete field values as JSON-safe data, optionally only `fields`.

    Foreign keys appear as their id under "<name>_id" (either spelling is accepted in `fields`),
    dates and datetimes as ISO strings, Decimals as strings, files as their stored name.
    Secrets (password hashes, token digests) are replaced by REDACTED.
    """
    concrete = list(obj._meta.concrete_fields)
    if fields is not None:
        wanted = {obj._meta.pk.name if name == "pk" else name for name in fields}
        known = {f.name for f in concrete} | {f.attname for f in concrete}
        unknown = wanted - known
        if unknown:
            raise ValueError(
                f"{obj._meta.label} has no field(s) {', '.join(sorted(unknown))} to snapshot."
            )
        concrete = [f for f in concrete if f.name in wanted or f.attname in wanted]
    values = {}
    for f in concrete:
        value = f.value_from_object(obj)
        values[f.attname] = REDACTED if value and _is_secret(f.name) else json_safe(value)
    return values


def _is_secret(name: str) -> bool:
    # The log can never be purged, so credentials must never enter it, even by a bare snapshot(user).
    return name in _SECRET_NAMES or name.endswith(_SECRET_SUFFIXES)


# --- Hashing -----------------------------------------------------------------------------------


def _canonical_text(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def utc_iso(moment: dt.datetime) -> str:
    if timezone.is_naive(moment):
        raise ValueError("Audit timestamps must be timezone-aware.")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def compute_hash(rec: AuditRecord) -> str:
    """SHA-256 (hex) of the record's canonical JSON; covers every stored field but `hash`."""
    payload = {
        "seq": rec.seq,
        "timestamp": utc_iso(rec.timestamp),
        "actor_id": rec.actor_id,
        "actor_label": rec.actor_label,
        "action": rec.action,
        "model": rec.model,
        "object_pk": rec.object_pk,
        "object_repr": rec.object_repr,
        "before": rec.before,
        "after": rec.after,
        "reason": rec.reason,
        "prev_hash": rec.prev_hash,
    }
    return hashlib.sha256(_canonical_text(payload).encode("utf-8")).hexdigest()


# --- Appending ---------------------------------------------------------------------------------


def _actor_label(actor: Any) -> str:
    if actor is None:
        return SYSTEM_LABEL
    username = actor.get_username()
    shown = str(actor)
    label = shown if shown == username else f"{shown} ({username})"
    return label[:_LABEL_MAX]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lock_head(alias: str) -> AuditChainHead:
    heads = AuditChainHead.objects.using(alias).select_for_update()
    # The first writers of a fresh database race to create the head: the unique key makes the
    # later ones wait for the first to commit, then read (and lock) the head it made.
    head, created = heads.get_or_create(
        pk=HEAD_PK, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    # Starting afresh over existing records would renumber from 1 and hide a truncated tail (the
    # caller's transaction is rolled back, the new head with it).
    if created and AuditRecord.objects.using(alias).exists():
        raise AuditChainError(
            "The audit chain head row is missing although records exist: "
            "run `manage.py verify_audit` and restore the head from a backup."
        )
    return head


def prepare(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    """An unsaved record of a change to `obj`, checked and with its content fixed now (the
    object's repr included); `record_many()` numbers, chains and stores it.

    For a batch whose records must describe each object as it was at that step: prepare each
    record at its step, append them all at the end with `record_many()`.
    """
    action = (action or "").strip()
    if not action or len(action) > _ACTION_MAX:
        raise ValueError(f"Audit action must be 1–{_ACTION_MAX} characters, got {action!r}.")
    if actor is not None and getattr(actor, "pk", None) is None:
        raise ValueError("Audit actor must be a saved user, or None for the system.")

    before_data = None if before is None else json_safe(dict(before))
    after_data = None if after is None else json_safe(dict(after))
    pk = obj.pk
    if pk is None and before_data is not None:
        pk = before_data.get(obj._meta.pk.attname)
    if pk is None:
        raise ValueError(
            f"Cannot audit an unsaved {obj._meta.label}: save it first, or for a deletion record "
            "before delete() or pass before=snapshot(obj)."
        )
    object_pk = str(json_safe(pk))
    if len(object_pk) > _PK_MAX:
        raise ValueError(f"Primary key too long for the audit log: {object_pk!r}.")
    return AuditRecord(
        actor=actor,
        actor_label=_actor_label(actor),
        action=action,
        model=obj._meta.label_lower,
        object_pk=object_pk,
        object_repr=_truncate(str(obj), _REPR_MAX),
        before=before_data,
        after=after_data,
        reason=str(reason or ""),
    )


def _require_atomic(alias: str, what: str) -> None:
    if not connections[alias].in_atomic_block:
        # Outside a transaction the change would commit even if its audit row failed, and on
        # PostgreSQL the head lock would be released at once: refuse on every database alike.
        raise TransactionManagementError(
            f"thidua.audit.log.{what}() must be called inside the caller's transaction.atomic()."
        )


def _stamp() -> dt.datetime:
    # Taken after the lock, so timestamps follow seq order on one database server. Milliseconds
    # only: dumpdata's JSON encoder drops microseconds, and a backup must restore the same hashes.
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    """Append one audit record for a change to `obj`, inside the caller's transaction.

    `actor` is the user who acted, or None for the system. For a deletion, call it before
    `obj.delete()` or pass `before=snapshot(obj)` (its primary key names the object).
    """
    alias = router.db_for_write(AuditRecord)
    _require_atomic(alias, "record")
    rec = prepare(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)

    head = _lock_head(alias)
    rec.seq = head.last_seq + 1
    rec.timestamp = _stamp()
    rec.prev_hash = head.last_hash
    rec.hash = compute_hash(rec)
    rec._via_record = True
    rec.save(using=alias)
    head.last_seq = rec.seq
    head.last_hash = rec.hash
    head.save(using=alias, update_fields=["last_seq", "last_hash", "updated_at"])
    return rec


def record_many(records: Sequence[AuditRecord], *, batch_size: int = 500) -> list[AuditRecord]:
    """Append records made by `prepare()`, in their order, inside the caller's transaction.

    The same chain as that many `record()` calls in a row: the head is locked once (late: call
    this after the changes' own queries), each record gets the next seq and the previous record's
    hash, and the head names the last one. Stored with bulk inserts.
    """
    alias = router.db_for_write(AuditRecord)
    _require_atomic(alias, "record_many")
    records = list(records)
    for rec in records:
        if not rec._state.adding or rec.pk is not None or rec.seq is not None:
            raise ValueError("record_many() takes new records from prepare(), each only once.")
    if not records:
        return []
    head = _lock_head(alias)
    now = _stamp()
    seq, prev = head.last_seq, head.last_hash
    for rec in records:
        seq += 1
        rec.seq, rec.timestamp, rec.prev_hash = seq, now, prev
        rec.hash = prev = compute_hash(rec)
    # The model's manager refuses bulk inserts to everyone else: rows made there would skip the
    # head and the hashing done just above.
    models.QuerySet(AuditRecord, using=alias).bulk_create(records, batch_size=batch_size)
    head.last_seq, head.last_hash = seq, prev
    head.save(using=alias, update_fields=["last_seq", "last_hash", "updated_at"])
    return records


# --- Verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # records verified (up to the first break)
    first_broken_seq: int | None
    reason: str  # Vietnamese, empty when ok
    last_hash: str = GENESIS_HASH  # hash of the last verified record: compare with a backup's head


def chain_head(*, using: str | None = None) -> tuple[int, str]:
    """(last seq, last hash) of the chain, as stored in the head row; (0, genesis) if none yet."""
    alias = using or router.db_for_read(AuditChainHead)
    head = AuditChainHead.objects.using(alias).filter(pk=HEAD_PK).first()
    return (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)


def verify_chain(*, chunk_size: int = 2000, using: str | None = None) -> VerifyResult:
    """Recompute every hash in seq order and check links, continuity and the head row.

    Streams the records so memory stays flat at any size, and never locks: appends may go on
    meanwhile. The head is read first and only records up to it are checked (later ones are
    concurrent appends), then a final check that no record lies beyond the current head.
    """
    alias = using or router.db_for_read(AuditRecord)
    head = AuditChainHead.objects.using(alias).filter(pk=HEAD_PK).first()
    records = AuditRecord.objects.using(alias).order_by("seq")
    if head is not None:
        records = records.filter(seq__lte=head.last_seq)

    expected = 1
    prev_hash = GENESIS_HASH
    count = 0

    def broken(seq: int | None, reason: str) -> VerifyResult:
        return VerifyResult(False, count, seq, reason, prev_hash)

    for rec in records.iterator(chunk_size=chunk_size):
        if rec.seq < expected:
            return broken(rec.seq, f"số thứ tự {rec.seq} không hợp lệ (chuỗi bắt đầu từ 1).")
        if rec.seq > expected:
            missing = (
                f"số {expected}"
                if rec.seq == expected + 1
                else f"từ số {expected} đến {rec.seq - 1}"
            )
            return broken(
                expected, f"thiếu bản ghi {missing} (đã bị xoá); bản ghi kế tiếp là số {rec.seq}."
            )
        if rec.prev_hash != prev_hash:
            return broken(
                rec.seq,
                f"liên kết với bản ghi số {rec.seq - 1} bị đứt: mã băm bản ghi trước không khớp "
                f"(bản ghi số {rec.seq - 1} hoặc số {rec.seq} đã bị sửa).",
            )
        if compute_hash(rec) != rec.hash:
            return broken(rec.seq, "nội dung bản ghi đã bị sửa (mã băm không khớp).")
        prev_hash = rec.hash
        expected += 1
        count += 1

    last_seq = expected - 1
    if head is None:
        if count:
            return broken(None, "thiếu bản ghi đầu chuỗi (AuditChainHead) dù đã có nhật ký.")
        return VerifyResult(True, 0, None, "", GENESIS_HASH)
    if head.last_seq != last_seq:
        return broken(
            last_seq + 1,
            f"thiếu các bản ghi cuối chuỗi: đầu chuỗi ghi số {head.last_seq}, "
            f"bản ghi cuối cùng còn lại là số {last_seq}.",
        )
    if head.last_hash != prev_hash:
        return broken(
            last_seq or None, "mã băm ở đầu chuỗi không khớp mã băm của bản ghi cuối cùng."
        )
    # A record beyond the head not covered by a newer head was written around record().
    newest = AuditRecord.objects.using(alias).aggregate(newest=Max("seq"))["newest"] or 0
    if newest > head.last_seq and chain_head(using=alias)[0] < newest:
        return broken(
            head.last_seq + 1,
            f"có bản ghi nằm ngoài đầu chuỗi (đến số {newest}), không được ghi qua nhật ký.",
        )
    return VerifyResult(True, count, None, "", prev_hash)
