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

Hash: HMAC-SHA256, under the audit key named by `key_id` (thidua.audit.keys, kept outside the
database), of the canonical JSON (sorted keys, no spaces, UTF-8, ensure_ascii=False) of seq,
timestamp (UTC ISO with microseconds), actor id and label, action, model, object pk and repr,
before, after, reason, the previous record's hash and the key id. Records written before keyed
MACs (empty `key_id`) carry the plain SHA-256 of the same JSON without the key id; they verify
only as the first records of the chain. The hash is computed from exactly the values stored, after
`json_safe()` normalisation, so the database's JSON round trip cannot change it.

After each audited commit the new head is appended to the anchor file (thidua.audit.anchors),
outside the database, so rolling the chain back or emptying it is found too.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import math
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

from thidua.audit import anchors
from thidua.audit.hashing import _canonical_text, compute_hash, utc_iso
from thidua.audit.keys import keyring
from thidua.audit.models import (
    GENESIS_HASH,
    HEAD_PK,
    SEQ_NAME,
    AppendOnlyError,
    AuditChainError,
    AuditChainHead,
    AuditRecord,
)
from thidua.net import current_client_ip

__all__ = [
    "GENESIS_HASH",
    "REDACTED",
    "SYSTEM_LABEL",
    "AppendOnlyError",
    "AuditChainError",
    "VerifyResult",
    "chain_head",
    "check_against_anchors",
    "compute_hash",
    "json_safe",
    "lane_heads",
    "prepare",
    "record",
    "record_many",
    "root_hash",
    "snapshot",
    "sync_sequence",
    "utc_iso",
    "verify_chain",
]

# Lanes (parallel chains) writers spread over on PostgreSQL; AUDIT_LANES overrides. More lanes
# than writers at once never make anyone wait.
DEFAULT_LANES = 32

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


def _anchor_after_commit(alias: str, seq: int, digest: str) -> None:
    """Append the head to the anchor file once the transaction commits (the last record of the
    transaction only; nothing if it rolls back, nothing if no anchor file is configured)."""
    if anchors.anchor_path() is None:
        return
    conn = connections[alias]
    token = object()
    conn._audit_anchor_token = token  # type: ignore[attr-defined]

    def write() -> None:
        if getattr(conn, "_audit_anchor_token", None) is token:
            anchors.append("head", seq, digest)

    # robust: the change is committed already; a full disk must not turn it into an error page.
    transaction.on_commit(write, using=alias, robust=True)


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


def _lanes() -> int:
    return max(1, int(getattr(settings, "AUDIT_LANES", DEFAULT_LANES)))


def _held_lane(conn: Any) -> int | None:
    """The lane this transaction already holds (its lock lasts to the commit), if any."""
    held = getattr(conn, "_audit_lane", None)
    if held is None:
        return None
    marker, lane = held
    # The marker leaves run_on_commit when the transaction (or the savepoint that took the lane,
    # whose row lock PostgreSQL releases with it) ends: exactly when the lock goes.
    return lane if any(func is marker for _, func, _ in conn.run_on_commit) else None


def _hold_lane(conn: Any, alias: str, lane: int) -> None:
    def marker() -> None:
        pass

    conn._audit_lane = (marker, lane)
    transaction.on_commit(marker, using=alias)


def _head(alias: str, lane: int) -> AuditChainHead:
    """Lock (creating if needed) the head of `lane`, waiting for it if another writer holds it."""
    heads = AuditChainHead.objects.using(alias).select_for_update()
    # Two writers may race to create a lane: the unique key makes the later one wait for the
    # first to commit, then read (and lock) the head it made.
    head, created = heads.get_or_create(
        pk=lane, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    # Starting a lane afresh over its existing records would hide a truncated tail (the caller's
    # transaction is rolled back, the new head with it).
    if created and AuditRecord.objects.using(alias).filter(lane=lane).exists():
        raise AuditChainError(
            f"The audit chain head row of lane {lane} is missing although its records exist: "
            "run `manage.py verify_audit` and restore the head from a backup."
        )
    return head


def _lock_head(alias: str) -> AuditChainHead:
    """The head of the lane this transaction appends to, locked until its commit.

    PostgreSQL: the lane already held, else the first lane no other transaction holds (SKIP
    LOCKED: never waits), else a new lane up to AUDIT_LANES, else (all busy) wait for one.
    SQLite serialises writers itself: always lane 1."""
    conn = connections[alias]
    if not conn.features.has_select_for_update_skip_locked:
        return _head(alias, HEAD_PK)
    lane = _held_lane(conn)
    if lane is not None:
        return _head(alias, lane)
    limit = _lanes()
    free = (
        AuditChainHead.objects.using(alias)
        .filter(pk__lte=limit)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .first()
    )
    if free is not None:
        head = free
    else:
        taken = set(AuditChainHead.objects.using(alias).values_list("pk", flat=True))
        new = next((n for n in range(1, limit + 1) if n not in taken), None)
        head = _head(alias, new if new is not None else 1 + os.getpid() % limit)
    _hold_lane(conn, alias, head.pk)
    return head


def _next_seqs(alias: str, n: int) -> list[int]:
    """`n` new record numbers, ascending, unique across lanes. PostgreSQL: from a sequence (a
    rolled-back append leaves a gap: each lane's own links, not the numbers, show deletions);
    SQLite (one writer at a time): after the highest."""
    conn = connections[alias]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            if n == 1:
                cursor.execute("SELECT nextval(%s)", [SEQ_NAME])
            else:
                cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQ_NAME, n])
            return sorted(row[0] for row in cursor.fetchall())
    top = AuditRecord.objects.using(alias).aggregate(top=Max("seq"))["top"] or 0
    return list(range(top + 1, top + n + 1))


def sync_sequence(*, using: str | None = None) -> None:
    """Move the PostgreSQL record-number sequence past the highest record (after loading records
    with their numbers, as a restore does); nothing on other databases."""
    alias = using or router.db_for_write(AuditRecord)
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(%s, GREATEST(COALESCE(MAX(seq), 0), 1), MAX(seq) IS NOT NULL) "
            f"FROM {AuditRecord._meta.db_table}",
            [SEQ_NAME],
        )


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
        client_ip=(current_client_ip() or "")[:45],  # the request being answered, if any
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

    conn = connections[alias]
    fast = _pg_take_lane(conn, alias) if conn.vendor == "postgresql" else None
    if fast is not None:
        rec.lane, rec.prev_seq, rec.prev_hash, rec.seq = fast
    else:
        head = _lock_head(alias)
        (rec.seq,) = _next_seqs(alias, 1)
        rec.lane, rec.prev_seq, rec.prev_hash = head.pk, head.last_seq, head.last_hash
    rec.timestamp = _stamp()
    ring = keyring()
    rec.key_id = ring.current_id
    rec.hash = compute_hash(rec, ring)
    _pg_store(conn, alias, rec)
    _anchor_after_commit(alias, rec.seq, rec.hash)
    return rec


_LANE_SQL = (
    "WITH lane AS (SELECT id, last_seq, last_hash FROM {head} WHERE {where} ORDER BY id "
    "LIMIT 1 FOR UPDATE{skip}) SELECT id, last_seq, last_hash, nextval(%s) FROM lane"
)


def _pg_take_lane(conn: Any, alias: str) -> tuple[int, int, str, int] | None:
    """PostgreSQL, one round trip: (lane, its last seq, its last hash, the new record's number)
    of the lane held or the first free one, locked; None when a lane must be made or waited for
    (then `_lock_head` does it)."""
    held = _held_lane(conn)
    head = AuditChainHead._meta.db_table
    if held is not None:
        sql, params = _LANE_SQL.format(head=head, where="id = %s", skip=""), [held, SEQ_NAME]
    else:
        sql = _LANE_SQL.format(head=head, where="id <= %s", skip=" SKIP LOCKED")
        params = [_lanes(), SEQ_NAME]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if held is None:
        _hold_lane(conn, alias, row[0])
    return row[0], row[1], row[2], row[3]


def _pg_store(conn: Any, alias: str, rec: AuditRecord) -> None:
    """Insert the record and move its lane's head to it: one statement on PostgreSQL."""
    if conn.vendor != "postgresql":
        rec._via_record = True
        rec.save(using=alias)
        AuditChainHead.objects.using(alias).filter(pk=rec.lane).update(
            last_seq=rec.seq, last_hash=rec.hash, updated_at=timezone.now()
        )
        return
    fields = [f for f in AuditRecord._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(rec, f.attname), conn) for f in fields]
    sql = (
        f"WITH ins AS (INSERT INTO {AuditRecord._meta.db_table} ({columns}) VALUES "
        f"({', '.join(['%s'] * len(fields))}) RETURNING id), "
        f"head AS (UPDATE {AuditChainHead._meta.db_table} SET last_seq = %s, last_hash = %s, "
        "updated_at = now() WHERE id = %s) SELECT id FROM ins"
    )
    with conn.cursor() as cursor:
        cursor.execute(sql, [*values, rec.seq, rec.hash, rec.lane])
        rec.pk = cursor.fetchone()[0]
    rec._state.adding, rec._state.db = False, alias


def record_many(records: Sequence[AuditRecord], *, batch_size: int = 500) -> list[AuditRecord]:
    """Append records made by `prepare()`, in their order, inside the caller's transaction.

    The same chain as that many `record()` calls in a row: one lane's head is locked once (late:
    call this after the changes' own queries), each record gets the next number and the previous
    record's hash, and the head names the last one. Stored with bulk inserts.
    """
    alias = router.db_for_write(AuditRecord)
    _require_atomic(alias, "record_many")
    records = list(records)
    for rec in records:
        if not rec._state.adding or rec.pk is not None or rec.seq is not None:
            raise ValueError("record_many() takes new records from prepare(), each only once.")
    if not records:
        return []
    ring = keyring()
    head = _lock_head(alias)
    now = _stamp()
    seq, prev = head.last_seq, head.last_hash
    for rec, number in zip(records, _next_seqs(alias, len(records)), strict=True):
        rec.lane, rec.prev_seq, rec.seq = head.pk, seq, number
        rec.timestamp, rec.prev_hash, rec.key_id = now, prev, ring.current_id
        rec.hash = prev = compute_hash(rec, ring)
        seq = number
    # The model's manager refuses bulk inserts to everyone else: rows made there would skip the
    # head and the hashing done just above.
    models.QuerySet(AuditRecord, using=alias).bulk_create(records, batch_size=batch_size)
    head.last_seq, head.last_hash = seq, prev
    head.save(using=alias, update_fields=["last_seq", "last_hash", "updated_at"])
    _anchor_after_commit(alias, seq, prev)
    return records


# --- Verifying (thidua.audit.verify; imported here, where callers have always found it) -------

from thidua.audit.verify import (  # noqa: E402
    VerifyResult,
    chain_head,
    check_against_anchors,
    lane_heads,
    root_hash,
    verify_chain,
)
