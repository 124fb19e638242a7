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
import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

from thidua.audit import anchors
from thidua.audit.keys import KeyRing, UnknownKeyError, keyring
from thidua.audit.models import (
    GENESIS_HASH,
    HEAD_PK,
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


def compute_hash(rec: AuditRecord, ring: KeyRing | None = None) -> str:
    """The record's MAC (hex): HMAC-SHA256 of its canonical JSON under the key `rec.key_id`, or
    for a legacy record (no key id) the plain SHA-256. Covers every stored field but `hash`.

    Raises UnknownKeyError if the record names a key that is not configured."""
    payload: dict[str, Any] = {
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
    if not rec.key_id:
        return hashlib.sha256(_canonical_text(payload).encode("utf-8")).hexdigest()
    payload["key_id"] = rec.key_id
    if rec.client_ip:  # covered when kept (records from before it was kept hash as they did)
        payload["client_ip"] = rec.client_ip
    return (ring or keyring()).sign(_canonical_text(payload).encode("utf-8"), rec.key_id)


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

    head = _lock_head(alias)
    rec.seq = head.last_seq + 1
    rec.timestamp = _stamp()
    rec.prev_hash = head.last_hash
    ring = keyring()
    rec.key_id = ring.current_id
    rec.hash = compute_hash(rec, ring)
    rec._via_record = True
    rec.save(using=alias)
    head.last_seq = rec.seq
    head.last_hash = rec.hash
    head.save(using=alias, update_fields=["last_seq", "last_hash", "updated_at"])
    _anchor_after_commit(alias, rec.seq, rec.hash)
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
    ring = keyring()
    head = _lock_head(alias)
    now = _stamp()
    seq, prev = head.last_seq, head.last_hash
    for rec in records:
        seq += 1
        rec.seq, rec.timestamp, rec.prev_hash, rec.key_id = seq, now, prev, ring.current_id
        rec.hash = prev = compute_hash(rec, ring)
    # The model's manager refuses bulk inserts to everyone else: rows made there would skip the
    # head and the hashing done just above.
    models.QuerySet(AuditRecord, using=alias).bulk_create(records, batch_size=batch_size)
    head.last_seq, head.last_hash = seq, prev
    head.save(using=alias, update_fields=["last_seq", "last_hash", "updated_at"])
    _anchor_after_commit(alias, seq, prev)
    return records


# --- Verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # records verified (up to the first break)
    first_broken_seq: int | None
    reason: str  # Vietnamese, empty when ok
    last_hash: str = GENESIS_HASH  # hash of the last verified record: compare with a backup's head
    legacy: int = 0  # records from before keyed MACs (plain SHA-256), all at the chain's start
    anchored: anchors.Anchor | None = None  # the highest anchor the database was checked against


def chain_head(*, using: str | None = None) -> tuple[int, str]:
    """(last seq, last hash) of the chain, as stored in the head row; (0, genesis) if none yet."""
    alias = using or router.db_for_read(AuditChainHead)
    head = AuditChainHead.objects.using(alias).filter(pk=HEAD_PK).first()
    return (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)


def verify_chain(
    *, chunk_size: int = 2000, using: str | None = None, check_anchors: bool = True
) -> VerifyResult:
    """Recompute every MAC in seq order and check links, continuity, the head row and the
    anchors written outside the database.

    Streams the records so memory stays flat at any size, and never locks: appends may go on
    meanwhile. The anchors are read first and the head next (an anchor is written after its
    commit, so the head read later is never behind it); only records up to the head are checked
    (later ones are concurrent appends), then a final check that no record lies beyond the
    current head.
    """
    alias = using or router.db_for_read(AuditRecord)
    anchor_log = anchors.read() if check_anchors else anchors.AnchorLog()
    ring = keyring()
    head = AuditChainHead.objects.using(alias).filter(pk=HEAD_PK).first()
    records = AuditRecord.objects.using(alias).order_by("seq")
    if head is not None:
        records = records.filter(seq__lte=head.last_seq)

    anchored_seqs = {a.count for a in anchor_log.anchors if a.count > 0}
    hashes_at: dict[int, str] = {}
    expected = 1
    prev_hash = GENESIS_HASH
    count = 0
    legacy = 0

    def broken(seq: int | None, reason: str) -> VerifyResult:
        return VerifyResult(False, count, seq, reason, prev_hash, legacy)

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
        if not rec.key_id:
            # Written before keyed MACs: only the chain's first records may be like this.
            if legacy != count:
                return broken(
                    rec.seq,
                    "bản ghi không có chữ ký khoá nằm sau bản ghi đã ký: bản ghi đã bị sửa "
                    "hoặc chèn vào.",
                )
            legacy += 1
        try:
            genuine = compute_hash(rec, ring) == rec.hash
        except UnknownKeyError as exc:
            return broken(
                rec.seq,
                f"bản ghi được ký bằng khoá {exc.key_id}, không có trong các khoá nhật ký của "
                "máy này (bản ghi giả, hoặc thiếu khoá cũ trong AUDIT_KEY_FILE).",
            )
        if not genuine:
            return broken(rec.seq, "nội dung bản ghi đã bị sửa (mã băm không khớp).")
        if rec.seq in anchored_seqs:
            hashes_at[rec.seq] = rec.hash
        prev_hash = rec.hash
        expected += 1
        count += 1

    last_seq = expected - 1
    if head is None:
        if count:
            return broken(None, "thiếu bản ghi đầu chuỗi (AuditChainHead) dù đã có nhật ký.")
    elif head.last_seq != last_seq:
        return broken(
            last_seq + 1,
            f"thiếu các bản ghi cuối chuỗi: đầu chuỗi ghi số {head.last_seq}, "
            f"bản ghi cuối cùng còn lại là số {last_seq}.",
        )
    elif head.last_hash != prev_hash:
        return broken(
            last_seq or None, "mã băm ở đầu chuỗi không khớp mã băm của bản ghi cuối cùng."
        )
    problem = check_against_anchors(anchor_log, last_seq, hashes_at)
    if problem is not None:
        return broken(*problem)
    if head is not None:
        # A record beyond the head not covered by a newer head was written around record().
        newest = AuditRecord.objects.using(alias).aggregate(newest=Max("seq"))["newest"] or 0
        if newest > head.last_seq and chain_head(using=alias)[0] < newest:
            return broken(
                head.last_seq + 1,
                f"có bản ghi nằm ngoài đầu chuỗi (đến số {newest}), không được ghi qua nhật ký.",
            )
    return VerifyResult(True, count, None, "", prev_hash, legacy, anchor_log.highest)


def check_against_anchors(
    anchor_log: anchors.AnchorLog, last_seq: int, hashes_at: Mapping[int, str]
) -> tuple[int | None, str] | None:
    """(first broken seq, Vietnamese reason) if a verified chain ending at `last_seq` contradicts
    the anchors written outside the database; None if it agrees with all of them."""
    if anchor_log.problems:
        return None, "tệp mốc neo ngoài cơ sở dữ liệu bị sửa: " + "; ".join(
            anchor_log.problems
        ) + "."
    for anchor in sorted(anchor_log.anchors, key=lambda a: a.count):
        if 0 < anchor.count <= last_seq and hashes_at.get(anchor.count) != anchor.head:
            return anchor.count, (
                f"mã băm khác mốc neo ngoài cơ sở dữ liệu lúc {anchor.time}: chuỗi đến bản ghi "
                f"này đã bị viết lại."
            )
    beyond = anchor_log.highest
    if beyond is not None and beyond.count > last_seq:
        if last_seq == 0:
            return 1, (
                f"toàn bộ nhật ký đã bị xoá: mốc neo ngoài cơ sở dữ liệu lúc {beyond.time} "
                f"ghi {beyond.count} bản ghi, cơ sở dữ liệu không còn bản ghi nào."
            )
        return last_seq + 1, (
            f"các bản ghi cuối chuỗi đã bị xoá và đầu chuỗi bị lùi lại: mốc neo ngoài cơ sở "
            f"dữ liệu lúc {beyond.time} ghi đến số {beyond.count}, cơ sở dữ liệu chỉ còn "
            f"đến số {last_seq}."
        )
    return None
