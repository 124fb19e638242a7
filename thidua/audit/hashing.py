"""The audit record's MAC: shared by appending (thidua.audit.log) and checking (verify)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.utils import timezone

from thidua.audit.keys import KeyRing, keyring
from thidua.audit.models import HEAD_PK, AuditRecord


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
    # The lane and the predecessor's number, where they are not what a record from before lanes
    # implies (lane 1, seq - 1): such records hash as they always did, and no other can pass
    # for one, since leaving these out is only possible when they hold exactly those values.
    if rec.lane != HEAD_PK:
        payload["lane"] = rec.lane
    if rec.prev_seq is not None and rec.prev_seq != rec.seq - 1:
        payload["prev_seq"] = rec.prev_seq
    if not rec.key_id:
        return hashlib.sha256(_canonical_text(payload).encode("utf-8")).hexdigest()
    payload["key_id"] = rec.key_id
    if rec.client_ip:  # covered when kept (records from before it was kept hash as they did)
        payload["client_ip"] = rec.client_ip
    return (ring or keyring()).sign(_canonical_text(payload).encode("utf-8"), rec.key_id)
