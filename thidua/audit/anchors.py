"""Anchors: the chain head written outside the database, where a database administrator cannot
roll it back.

The anchor file (``AUDIT_ANCHOR_FILE``, default ``var/audit-anchors.log``; none in tests unless
set) is append-only: one line per audited commit and per `manage.py anchor_audit`, each

    head <count> <head MAC> <UTC time> <key id> <MAC of the line>

A restore starts a new epoch with a ``restore`` line (the restored count and head): earlier lines
describe the database that was replaced. `verify_audit` and `restore` check the database against
every line of the current epoch: a record count below an anchored count means the last records
were deleted and the head rolled back (or every record deleted); a record whose MAC differs from
the anchored one means the chain was rewritten. A line whose own MAC is wrong means the file
itself was edited. Protect the file at the operating-system level (owner-only 0600, and
``chattr +a`` so even its owner can only append; ship it to the log server if there is one).
With several application servers, point AUDIT_ANCHOR_FILE of all of them at one shared file
(lines are appended with O_APPEND, whole): a restore's epoch line must be seen by every server.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from thidua.audit.keys import UnknownKeyError, keyring

KINDS = ("head", "restore")


@dataclass(frozen=True)
class Anchor:
    line_no: int
    kind: str
    count: int
    head: str
    time: str


@dataclass
class AnchorLog:
    """The lines of the current epoch, and what is wrong with the file (Vietnamese)."""

    anchors: list[Anchor] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def highest(self) -> Anchor | None:
        return max(self.anchors, key=lambda a: a.count, default=None)


def anchor_path() -> Path | None:
    """The Django setting AUDIT_ANCHOR_FILE if defined, else the environment's, else
    ``var/audit-anchors.log`` (none under THIDUA_ENV=test: the suite's databases come and go).
    An empty value turns anchoring off."""
    value = getattr(settings, "AUDIT_ANCHOR_FILE", None)
    if value is None:
        value = os.environ.get("AUDIT_ANCHOR_FILE")
    if value is None:
        if getattr(settings, "ENVIRONMENT", "") == "test":
            return None
        return Path(settings.VAR_DIR) / "audit-anchors.log"
    return Path(value) if str(value).strip() else None


def _body(kind: str, count: int, head: str, time: str, key_id: str) -> str:
    return f"{kind} {count} {head} {time} {key_id}"


def append(kind: str, count: int, head: str) -> bool:
    """Append one signed line; False when no anchor file is configured."""
    if kind not in KINDS:
        raise ValueError(kind)
    path = anchor_path()
    if path is None:
        return False
    ring = keyring()
    time = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    body = _body(kind, count, head, time, ring.current_id)
    line = f"{body} {ring.sign(body.encode('utf-8'))}\n".encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND and a single write(): concurrent processes' lines never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return True


def read() -> AnchorLog:
    """The current epoch's anchors (after the last ``restore`` line), checked line by line."""
    log = AnchorLog()
    path = anchor_path()
    if path is None or not path.exists():
        return log
    ring = keyring()
    seen: set[tuple[int, str]] = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line_no, raw in enumerate(fh, start=1):
            parts = raw.split()
            if not parts:
                continue
            try:
                kind, count_text, head, time, key_id, mac = parts
                count = int(count_text)
                if kind not in KINDS or count < 0:
                    raise ValueError
            except ValueError:
                log.problems.append(f"dòng {line_no} của tệp mốc neo không đúng định dạng")
                continue
            try:
                genuine = ring.check(_body(kind, count, head, time, key_id).encode(), key_id, mac)
            except UnknownKeyError:
                log.problems.append(
                    f"dòng {line_no} của tệp mốc neo được ký bằng khoá {key_id} không có trên máy này"
                )
                continue
            if not genuine:
                log.problems.append(f"dòng {line_no} của tệp mốc neo đã bị sửa (chữ ký không khớp)")
                continue
            anchor = Anchor(line_no, kind, count, head, time)
            if kind == "restore":
                log.anchors, seen = [anchor], {(count, head)}
            elif (count, head) not in seen:  # `anchor_audit` on a quiet day repeats the head
                seen.add((count, head))
                log.anchors.append(anchor)
    return log
