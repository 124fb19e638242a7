"""One-file backups: database content, uploaded files and the audit chain head.

Archive layout (.tar.gz):

    manifest.json       format, creation time, counts per model, audit head, SHA-256 of each member,
                        and the HMAC of all of that under the audit key (thidua.audit.keys)
    data/db.json        every app in `dumpdata`'s JSON (natural foreign keys, dependency order),
                        but with datetimes to the microsecond (dumpdata cuts them to milliseconds)
    media/<path>        every file under MEDIA_ROOT

Content types and permissions are left out: `migrate` recreates them on the new database, and the
natural foreign keys in the dump find them again by name whatever their new primary keys are.
Sessions and login-attempt (axes) records are never written, nor restored from an older archive:
a session key in a backup would let whoever reads it sign in as that user.

The archive is created readable by its owner only (0600). Its manifest is signed with the audit
key, which is not in the archive: whoever changes the data and recomputes the checksums cannot
recompute the signature, and a restore refuses the archive.

Restoring goes into a freshly migrated, empty database only. The load, the count check and the
audit-chain check (keyed MACs, and the anchors written outside the database on this machine) run
in one transaction, so a restore that fails leaves the database empty again. A restore that
succeeds starts a new epoch in the anchor file at the restored head.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from thidua.audit import anchors
from thidua.audit.keys import UnknownKeyError, keyring
from thidua.audit.log import (
    chain_head,
    check_against_anchors,
    lane_heads,
    sync_sequence,
    verify_chain,
)
from thidua.audit.models import GENESIS_HASH, AuditRecord

FORMAT = "thidua-backup/2"
# Archives written before manifests were signed: restored only when asked to explicitly.
UNSIGNED_FORMAT = "thidua-backup/1"
SIGNATURE = "signature"
MANIFEST = "manifest.json"
DATA = "data/db.json"
MEDIA_PREFIX = "media/"
# Recreated by `migrate` on every database: neither dumped nor counted as "data".
RECREATED = ("contenttypes.contenttype", "auth.permission")
# Never backed up, never restored: live sign-ins and login-attempt records.
NEVER_BACKED_UP = (
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "axes.accesslog",
)
_CHUNK = 1 << 20


class BackupError(Exception):
    """The archive cannot be written or restored; the message is Vietnamese and names the problem."""


@dataclass
class BackupSummary:
    path: Path
    counts: dict[str, int]
    files: int
    audit_head: tuple[int, str]
    members: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for dirpath, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def data_models() -> list[Any]:
    """Every model whose rows a backup carries (all but those `migrate` recreates)."""
    return [
        m
        for m in apps.get_models()
        if m._meta.label_lower not in RECREATED
        and m._meta.label_lower not in NEVER_BACKED_UP
        and not m._meta.proxy  # a proxy's rows are its base's
    ]


class _PreciseEncoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds (it cuts them to ms)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time) and o.microsecond:
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _dump(out: Path) -> tuple[tuple[int, str], dict[str, int]]:
    """Dump every model into `out` (dumpdata's format and order); return the audit head and the
    counts per model, all from one consistent snapshot."""
    wanted = set(data_models())
    app_list = {
        config: [m for m in config.get_models() if m in wanted]
        for config in apps.get_app_configs()
        if config.models_module is not None
    }
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    counts: Counter[str] = Counter()

    def rows() -> Iterator[Any]:
        for model in ordered:
            for obj in model._base_manager.order_by(model._meta.pk.name).iterator(2000):
                counts[model._meta.label_lower] += 1
                yield obj

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Records appended while dumping must not appear without the head that names them.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        head = chain_head()
        with out.open("w", encoding="utf-8") as fh:
            serializers.serialize(
                "json", rows(), stream=fh, use_natural_foreign_keys=True, cls=_PreciseEncoder
            )
    return head, dict(sorted(counts.items()))


def _signed_text(manifest: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in manifest.items() if k != SIGNATURE}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with its signature (HMAC-SHA256 under the current audit key)."""
    ring = keyring()
    signature = {"key_id": ring.current_id, "mac": ring.sign(_signed_text(manifest))}
    return {**manifest, SIGNATURE: signature}


def _check_signature(manifest: dict[str, Any], *, allow_unsigned: bool) -> None:
    if manifest.get("format") == UNSIGNED_FORMAT:
        if allow_unsigned:
            return
        raise BackupError(
            "Tệp sao lưu được tạo bởi phiên bản cũ, không có chữ ký nên không chứng minh được "
            "là chưa bị sửa. Chỉ khôi phục nếu chắc chắn về nguồn gốc của tệp, bằng tuỳ chọn "
            "--allow-unsigned."
        )
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, dict) or not {"key_id", "mac"} <= set(signature):
        raise BackupError("Bản kê của tệp sao lưu không có chữ ký: tệp đã bị sửa.")
    try:
        genuine = keyring().check(
            _signed_text(manifest), str(signature["key_id"]), str(signature["mac"])
        )
    except UnknownKeyError as exc:
        raise BackupError(
            f"Tệp sao lưu được ký bằng khoá nhật ký {exc.key_id}, máy này không có khoá đó. "
            "Hãy đặt tệp khoá nhật ký của máy đã tạo bản sao lưu (AUDIT_KEY_FILE) rồi thử lại."
        ) from None
    if not genuine:
        raise BackupError(
            "Chữ ký của bản kê không khớp: dữ liệu hoặc bản kê của tệp sao lưu đã bị sửa."
        )


def _private_file(path: Path) -> Any:
    """`path` opened for binary writing, created (or narrowed) to mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode on open: narrow it too
    return os.fdopen(fd, "wb")


def create_backup(out: str | Path) -> BackupSummary:
    """Write the archive to `out` (written beside it first, then renamed: never half an archive)."""
    out = Path(out)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="thidua-backup-") as tmp:
        dump = Path(tmp) / "db.json"
        (last_seq, last_hash), counts = _dump(dump)
        members: dict[str, str] = {DATA: _sha256_file(dump)}
        media = list(_media_files(media_root))
        for rel, path in media:
            members[MEDIA_PREFIX + rel] = _sha256_file(path)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "counts": counts,
            "files": len(media),
            "audit_head": {"last_seq": last_seq, "last_hash": last_hash},
            "members": members,
        }
        manifest = sign_manifest(manifest)
        partial = out.with_name(out.name + ".part")
        with _private_file(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(body))
            tar.add(dump, arcname=DATA, recursive=False)
            for rel, path in media:
                tar.add(path, arcname=MEDIA_PREFIX + rel, recursive=False)
        partial.replace(out)
    return BackupSummary(out, counts, len(media), (last_seq, last_hash), members)


# --- Restoring ---------------------------------------------------------------------------------


def _safe_media_path(name: str) -> str:
    rel = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if rel.is_absolute() or not rel.parts or ".." in rel.parts:
        raise BackupError(f"Bản sao lưu chứa đường dẫn tệp không hợp lệ: {name}.")
    return rel.as_posix()


def _read_archive(path: Path, into: Path, *, allow_unsigned: bool) -> dict[str, Any]:
    """Extract the archive into `into` after checking every member against the manifest."""
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the `with tar` below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {path}: {exc}.") from exc
    with tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError("Tệp sao lưu không có bản kê (manifest.json) hợp lệ.") from exc
        if not isinstance(manifest, dict) or manifest.get("format") not in (
            FORMAT,
            UNSIGNED_FORMAT,
        ):
            raise BackupError("Tệp sao lưu không đúng định dạng của Thi Đua.")
        _check_signature(manifest, allow_unsigned=allow_unsigned)
        expected: dict[str, str] = manifest.get("members") or {}
        seen: set[str] = set()
        for member in tar:
            if member.name == MANIFEST:
                continue
            if not member.isfile():
                raise BackupError(f"Bản sao lưu chứa mục không phải tệp: {member.name}.")
            if member.name not in expected:
                raise BackupError(f"Bản sao lưu chứa tệp không có trong bản kê: {member.name}.")
            if member.name != DATA:
                _safe_media_path(member.name)
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with tar.extractfile(member) as src, target.open("wb") as dst:  # type: ignore[union-attr]
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
            if digest.hexdigest() != expected[member.name]:
                raise BackupError(
                    f"Tệp {member.name} trong bản sao lưu đã bị thay đổi (mã SHA-256 không khớp)."
                )
            seen.add(member.name)
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"Bản sao lưu thiếu tệp: {', '.join(missing)}.")
    return manifest


def _check_anchors(anchor_log: anchors.AnchorLog, count: int, *, accept_older: bool) -> None:
    """Refuse a restored chain that contradicts this machine's anchors (a rewritten or cut-down
    chain); one that merely ends before them only with `accept_older`."""
    wanted = {a.count for a in anchor_log.anchors if 0 < a.count <= count}
    # One pass in seq order (an IN list of every anchored count could exceed SQLite's limit).
    rows = AuditRecord.objects.filter(seq__lte=count).order_by("seq").values_list("seq", "hash")
    hashes = {seq: digest for seq, digest in rows.iterator(2000) if seq in wanted}
    newer = [a for a in anchor_log.anchors if a.count > count]
    if accept_older and newer:
        anchor_log = anchors.AnchorLog(
            [a for a in anchor_log.anchors if a.count <= count], anchor_log.problems
        )
    problem = check_against_anchors(anchor_log, count, hashes)
    if problem is None:
        return
    seq, reason = problem
    hint = (
        " Nếu đây là bản sao lưu cũ hợp lệ và chấp nhận mất các bản ghi sau nó, chạy lại với "
        "tuỳ chọn --accept-older."
        if newer and not accept_older and seq == count + 1
        else ""
    )
    where = f"tại bản ghi số {seq}: " if seq is not None else ""
    raise BackupError(
        f"Chuỗi nhật ký trong bản sao lưu mâu thuẫn với mốc neo: {where}{reason}{hint}"
    )


def existing_rows() -> dict[str, int]:
    """Rows already present in the models a restore would fill (empty dict: database is empty)."""
    found = {}
    for model in data_models():
        n = model._base_manager.count()
        if n:
            found[model._meta.label_lower] = n
    return found


def _check_media_targets(extracted: Path, media_root: Path) -> list[str]:
    names = []
    base = extracted / MEDIA_PREFIX
    for rel, path in _media_files(base):
        target = media_root / rel
        if target.exists() and (not target.is_file() or _sha256_file(target) != _sha256_file(path)):
            names.append(rel)
    return names


def restore_backup(
    path: str | Path, *, allow_unsigned: bool = False, accept_older: bool = False
) -> BackupSummary:
    """Rebuild an empty database and MEDIA_ROOT from the archive; raise BackupError on any problem.

    `allow_unsigned` accepts an archive written before manifests were signed; `accept_older` one
    whose audit chain ends before this machine's anchors (records written since are lost).
    """
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="thidua-restore-") as tmp:
        extracted = Path(tmp)
        manifest = _read_archive(path, extracted, allow_unsigned=allow_unsigned)
        anchor_log = anchors.read()
        present = existing_rows()
        if present:
            names = {m._meta.label_lower: str(m._meta.verbose_name_plural) for m in data_models()}
            shown = ", ".join(f"{names[label]} ({n})" for label, n in sorted(present.items())[:5])
            raise BackupError(
                "Cơ sở dữ liệu không trống: đã có dữ liệu trong "
                f"{shown}{'…' if len(present) > 5 else ''}. Chỉ khôi phục vào cơ sở dữ liệu "
                "mới tạo (đã chạy migrate, chưa có dữ liệu); không có gì bị thay đổi."
            )
        clashes = _check_media_targets(extracted, media_root)
        if clashes:
            raise BackupError(
                f"Thư mục tệp tải lên ({media_root}) đã có tệp khác cùng tên: "
                f"{', '.join(clashes[:5])}. Hãy khôi phục vào thư mục trống."
            )
        head = manifest.get("audit_head") or {}
        written: list[Path] = []
        try:
            with transaction.atomic():
                try:
                    call_command(
                        "loaddata",
                        str(extracted / DATA),
                        verbosity=0,
                        exclude=list(NEVER_BACKED_UP),  # an older archive may hold sessions
                    )
                except Exception as exc:
                    raise BackupError(f"Không nạp được dữ liệu từ bản sao lưu: {exc}") from exc
                counts = dict(sorted(existing_rows().items()))
                expected = {
                    label: n
                    for label, n in (manifest.get("counts") or {}).items()
                    if label not in NEVER_BACKED_UP
                }
                if counts != expected:
                    diff = sorted(
                        label
                        for label in set(counts) | set(expected)
                        if counts.get(label, 0) != expected.get(label, 0)
                    )
                    raise BackupError(
                        f"Số bản ghi sau khi khôi phục không khớp bản kê: {', '.join(diff)}."
                    )
                result = verify_chain(check_anchors=False)
                if not result.ok:
                    where = (
                        f" tại bản ghi số {result.first_broken_seq}"
                        if result.first_broken_seq is not None
                        else ""
                    )
                    raise BackupError(
                        f"Chuỗi nhật ký sau khi khôi phục bị sai lệch{where}: {result.reason}"
                    )
                if (result.last_seq, result.last_hash) != (
                    head.get("last_seq"),
                    head.get("last_hash"),
                ):
                    raise BackupError(
                        "Đầu chuỗi nhật ký sau khi khôi phục không khớp đầu chuỗi đã lưu: "
                        f"được số {result.last_seq} ({result.last_hash[:12]}…), bản sao lưu ghi "
                        f"số {head.get('last_seq')} ({str(head.get('last_hash'))[:12]}…)."
                    )
                _check_anchors(anchor_log, result.last_seq, accept_older=accept_older)
                sync_sequence()  # new records are numbered after the restored ones
                # Files last, still inside the transaction: if copying fails the rows go too.
                for rel, src in _media_files(extracted / MEDIA_PREFIX):
                    target = media_root / rel
                    if target.exists():
                        continue  # same content, checked above
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, target)
                    written.append(target)
        except Exception:
            for target in written:
                target.unlink(missing_ok=True)
            raise
        # Committed: the anchors from here on describe the restored database (a new epoch from
        # its highest record, then each lane's head).
        heads = sorted(lane_heads().values()) or [(0, GENESIS_HASH)]
        anchors.append("restore", *heads[-1])
        for seq, digest in heads[:-1]:
            anchors.append("head", seq, digest)
    return BackupSummary(
        path,
        counts,
        int(manifest.get("files") or 0),
        (result.last_seq, result.last_hash),
        manifest.get("members") or {},
    )
