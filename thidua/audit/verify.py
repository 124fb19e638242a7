"""Checking the audit log: every lane's chain, the lane heads, the root and the anchors.

Records are read in number order (`seq`), each checked against the state of its own lane: its
predecessor's number (`prev_seq`: a deleted record is named), the predecessor's MAC (`prev_hash`)
and its own keyed MAC. So the first broken record is the lowest-numbered one, whatever its lane.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import router

from thidua.audit import anchors
from thidua.audit.hashing import compute_hash
from thidua.audit.keys import UnknownKeyError, keyring
from thidua.audit.models import GENESIS_HASH, AuditChainHead, AuditRecord

__all__ = [
    "VerifyResult",
    "chain_head",
    "check_against_anchors",
    "lane_heads",
    "root_hash",
    "verify_chain",
]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int  # records verified (up to the first break)
    first_broken_seq: int | None
    reason: str  # Vietnamese, empty when ok
    last_hash: str = GENESIS_HASH  # the root of the verified lanes: compare with a backup's head
    legacy: int = 0  # records from before keyed MACs (plain SHA-256), all at the chain's start
    anchored: anchors.Anchor | None = None  # the highest anchor the database was checked against
    last_seq: int = 0  # the highest record number verified
    lanes: int = 0  # lanes holding verified records


def root_hash(heads: Mapping[int, tuple[int, str]]) -> str:
    """The root of the lanes {lane: (last seq, last hash)}: with one lane its head's hash (the log
    as it was before lanes), else the SHA-256 of the canonical list of every lane's head (each
    a keyed MAC already; the root is what a signed backup manifest records)."""
    live = {lane: head for lane, head in heads.items() if head[0] > 0}
    if not live:
        return GENESIS_HASH
    if len(live) == 1:
        return next(iter(live.values()))[1]
    text = json.dumps(sorted([lane, seq, digest] for lane, (seq, digest) in live.items()))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def lane_heads(*, using: str | None = None) -> dict[int, tuple[int, str]]:
    """{lane: (last seq, last hash)} as stored in the head rows."""
    alias = using or router.db_for_read(AuditChainHead)
    rows = AuditChainHead.objects.using(alias).values_list("pk", "last_seq", "last_hash")
    return {lane: (seq, digest) for lane, seq, digest in rows}


def chain_head(*, using: str | None = None) -> tuple[int, str]:
    """(highest record number, root hash) from the head rows; (0, genesis) if none yet."""
    heads = lane_heads(using=using)
    return max((seq for seq, _ in heads.values()), default=0), root_hash(heads)


@dataclass
class _Lane:
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    count: int = 0


@dataclass
class _Walk:
    lanes: dict[int, _Lane] = field(default_factory=dict)
    count: int = 0
    legacy: int = 0
    last_seq: int = 0

    def root(self) -> str:
        return root_hash({n: (s.last_seq, s.last_hash) for n, s in self.lanes.items()})


def _missing(expected: int, before: int) -> str:
    which = f"số {expected}" if before == expected + 1 else f"từ số {expected} đến {before - 1}"
    return f"thiếu bản ghi {which} (đã bị xoá); bản ghi kế tiếp là số {before}."


def _check_record(
    rec: AuditRecord, walk: _Walk, ring: Any, compute_hash: Any
) -> tuple[int, str] | None:
    """(broken seq, reason) if `rec` does not follow its lane as walked so far."""
    lane = walk.lanes.setdefault(rec.lane, _Lane())
    if rec.seq < 1:
        return rec.seq, f"số thứ tự {rec.seq} không hợp lệ (chuỗi bắt đầu từ 1)."
    prev_seq = rec.seq - 1 if rec.prev_seq is None else rec.prev_seq
    if prev_seq >= rec.seq or prev_seq < lane.last_seq:
        return rec.seq, (
            f"bản ghi số {rec.seq} không nối tiếp bản ghi số {lane.last_seq} của luồng "
            f"{rec.lane}: bản ghi đã bị sửa hoặc chèn vào."
        )
    if prev_seq > lane.last_seq:
        # The lane's records between were deleted. With no other lane's record between either,
        # the first missing number is known exactly; else the predecessor named is.
        if walk.last_seq == lane.last_seq:
            return lane.last_seq + 1, _missing(lane.last_seq + 1, rec.seq)
        return prev_seq, (
            f"thiếu bản ghi số {prev_seq} của luồng {rec.lane} (đã bị xoá); bản ghi kế tiếp "
            f"của luồng là số {rec.seq}."
        )
    if rec.prev_hash != lane.last_hash:
        return rec.seq, (
            f"liên kết với bản ghi số {prev_seq} bị đứt: mã băm bản ghi trước không khớp "
            f"(bản ghi số {prev_seq} hoặc số {rec.seq} đã bị sửa)."
        )
    # Written before keyed MACs (no key id): only the log's first records may be like this.
    if not rec.key_id and walk.legacy != walk.count:
        return rec.seq, (
            "bản ghi không có chữ ký khoá nằm sau bản ghi đã ký: bản ghi đã bị sửa hoặc chèn vào."
        )
    try:
        genuine = compute_hash(rec, ring) == rec.hash
    except UnknownKeyError as exc:
        return rec.seq, (
            f"bản ghi được ký bằng khoá {exc.key_id}, không có trong các khoá nhật ký của "
            "máy này (bản ghi giả, hoặc thiếu khoá cũ trong AUDIT_KEY_FILE)."
        )
    if not genuine:
        return rec.seq, "nội dung bản ghi đã bị sửa (mã băm không khớp)."
    return None


def _check_heads(walk: _Walk, heads: Mapping[int, tuple[int, str]]) -> list[tuple[int | None, str]]:
    """Problems of the lane heads read before the walk against the lanes as walked."""
    problems: list[tuple[int | None, str]] = []
    for number, (seq, digest) in heads.items():
        lane = walk.lanes.get(number, _Lane())
        if seq != lane.last_seq:
            problems.append(
                (
                    lane.last_seq + 1,
                    f"thiếu các bản ghi cuối chuỗi: đầu chuỗi ghi số {seq}, bản ghi cuối cùng "
                    f"còn lại là số {lane.last_seq}"
                    + (f" (luồng {number})." if len(heads) > 1 else "."),
                )
            )
        elif digest != lane.last_hash:
            problems.append(
                (
                    lane.last_seq or None,
                    "mã băm ở đầu chuỗi không khớp mã băm của bản ghi cuối cùng.",
                )
            )
    return problems


def verify_chain(
    *, chunk_size: int = 2000, using: str | None = None, check_anchors: bool = True
) -> VerifyResult:
    """Recompute every MAC in number order and check each lane's links, continuity and head,
    and the anchors written outside the database.

    Streams the records so memory stays flat at any size (plus one small state per lane), and
    never locks: appends may go on meanwhile. The anchors are read first and the heads next (an
    anchor is written after its commit, so a head read later is never behind it); only records
    up to their lane's head are checked (later ones are concurrent appends), then a final check
    that no record lies beyond its lane's current head.
    """
    alias = using or router.db_for_read(AuditRecord)
    anchor_log = anchors.read() if check_anchors else anchors.AnchorLog()
    ring = keyring()
    heads = lane_heads(using=alias)
    anchored_seqs = {a.count for a in anchor_log.anchors if a.count > 0}
    hashes_at: dict[int, str] = {}
    beyond: dict[int, int] = {}  # lane: lowest record number past the head read at the start
    walk = _Walk()

    def broken(seq: int | None, reason: str) -> VerifyResult:
        return VerifyResult(
            False, walk.count, seq, reason, walk.root(), walk.legacy, None, walk.last_seq,
            len(walk.lanes),
        )  # fmt: skip

    records = AuditRecord.objects.using(alias).order_by("seq")
    for rec in records.iterator(chunk_size=chunk_size):
        head = heads.get(rec.lane)
        if head is None or rec.seq > head[0]:
            beyond.setdefault(rec.lane, rec.seq)
            continue
        problem = _check_record(rec, walk, ring, compute_hash)
        if problem is not None:
            return broken(*problem)
        lane = walk.lanes[rec.lane]
        lane.last_seq, lane.last_hash = rec.seq, rec.hash
        lane.count += 1
        walk.count += 1
        walk.legacy += not rec.key_id
        walk.last_seq = rec.seq
        if rec.seq in anchored_seqs:
            hashes_at[rec.seq] = rec.hash

    walk.lanes = {n: lane for n, lane in walk.lanes.items() if lane.count}
    problems = _check_heads(walk, heads)
    if beyond:
        # A record past the head read at the start, not covered by the head now, was written
        # around record() (or its lane's head row is gone).
        now = lane_heads(using=alias)
        for number, seq in beyond.items():
            if now.get(number, (0, ""))[0] < seq:
                problems.append(
                    (
                        seq,
                        f"có bản ghi nằm ngoài đầu chuỗi (số {seq}), không được ghi qua nhật ký."
                        if number in now
                        else f"thiếu bản ghi đầu chuỗi (AuditChainHead) của luồng {number} dù "
                        "đã có nhật ký.",
                    )
                )
    if problems:
        return broken(*min(problems, key=lambda p: (p[0] is not None, p[0] or 0)))
    problem = check_against_anchors(anchor_log, walk.last_seq, hashes_at)
    if problem is not None:
        return broken(*problem)
    return VerifyResult(
        True, walk.count, None, "", walk.root(), walk.legacy, anchor_log.highest, walk.last_seq,
        len(walk.lanes),
    )  # fmt: skip


def check_against_anchors(
    anchor_log: anchors.AnchorLog, last_seq: int, hashes_at: Mapping[int, str]
) -> tuple[int | None, str] | None:
    """(first broken seq, Vietnamese reason) if a verified log ending at record `last_seq`
    contradicts the anchors written outside the database (each names a record's number and MAC);
    None if it agrees with all of them."""
    if anchor_log.problems:
        return None, "tệp mốc neo ngoài cơ sở dữ liệu bị sửa: " + "; ".join(
            anchor_log.problems
        ) + "."
    for anchor in sorted(anchor_log.anchors, key=lambda a: a.count):
        if 0 < anchor.count <= last_seq and hashes_at.get(anchor.count) != anchor.head:
            if anchor.count not in hashes_at:
                return anchor.count, (
                    f"bản ghi đã bị xoá dù có mốc neo ngoài cơ sở dữ liệu lúc {anchor.time}."
                )
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
