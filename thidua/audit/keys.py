"""The audit key: the secret, kept outside the database, that every chain record and backup is
signed with (HMAC-SHA256).

Someone who can rewrite the database but does not hold the key cannot recompute a record's MAC,
so rewriting a record and "fixing" every later hash and the head is found by `verify_audit`.

Where the keys come from (first that is set; a Django setting of the name, else the environment):

- ``AUDIT_KEY``: one or more keys separated by spaces or commas;
- the file ``AUDIT_KEY_FILE``: one key per line, ``#`` comments;
- in production, keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS (every server of an
  installation already shares them; set AUDIT_KEY_FILE to make the audit key independent);
- otherwise ``var/audit_key``, created on first use with a random key, owner-only (0600).

The last key listed signs new records; earlier ones are kept only to verify what they signed.
Each record stores the *key id* (a fingerprint, never the key itself), so after a rotation old
records still verify. Rotation: append a new key line, restart the application; never remove an
old key while records, backups or anchors signed with it exist (see README).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_LENGTH = 16
_SPLIT = re.compile(r"[\s,]+")


class UnknownKeyError(Exception):
    """A record or archive names a key id that none of the configured keys has."""

    def __init__(self, key_id: str) -> None:
        super().__init__(key_id)
        self.key_id = key_id


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]  # key id -> secret
    current_id: str

    def sign(self, message: bytes, key_id: str | None = None) -> str:
        """Hex HMAC-SHA256 of `message` under `key_id` (default: the current key)."""
        key_id = key_id or self.current_id
        try:
            key = self.keys[key_id]
        except KeyError:
            raise UnknownKeyError(key_id) from None
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def check(self, message: bytes, key_id: str, mac: str) -> bool:
        """True if `mac` is `message`'s MAC under `key_id`; UnknownKeyError if no such key."""
        return hmac.compare_digest(self.sign(message, key_id), mac)


def key_id_of(secret: bytes) -> str:
    """A public fingerprint of a key: names it in records without revealing it."""
    return hashlib.sha256(b"thidua-audit-key-id\x00" + secret).hexdigest()[:KEY_ID_LENGTH]


def _ring(secrets_text: list[str], where: str) -> KeyRing:
    values = [s.encode("utf-8") for s in secrets_text if s]
    if not values:
        raise ImproperlyConfigured(f"{where}: no audit key found.")
    for value in values:
        if len(value) < 32:
            raise ImproperlyConfigured(f"{where}: each audit key must be at least 32 characters.")
    keys = {key_id_of(v): v for v in values}
    return KeyRing(keys, key_id_of(values[-1]))


def _create_key_file(path: Path) -> None:
    """Write a new random key to `path` (0600), atomically: concurrent processes agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("# Khoá ký nhật ký thay đổi (giữ bí mật, sao lưu riêng, không xoá dòng cũ)\n")
            fh.write(secrets.token_urlsafe(48) + "\n")
        # Fails if another process made the file first: keep theirs.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _setting(name: str) -> str:
    """A Django setting of that name if defined (tests override it), else the environment."""
    value = getattr(settings, name, None)
    return str(value if value is not None else os.environ.get(name, "")).strip()


def _derived_from_secret_key() -> KeyRing:
    # The fallbacks first: the current SECRET_KEY, last, signs new records.
    secrets_in_use = [*getattr(settings, "SECRET_KEY_FALLBACKS", []), settings.SECRET_KEY]
    derived = [
        hmac.new(str(s).encode(), b"thidua-audit-key", hashlib.sha256).hexdigest()
        for s in secrets_in_use
    ]
    return _ring(derived, "SECRET_KEY")


_cache: dict[tuple[str, int, int], KeyRing] = {}


def keyring() -> KeyRing:
    """The configured keys (the current one last)."""
    from_env = _setting("AUDIT_KEY")
    if from_env:
        cache_key = ("env:" + from_env, 0, 0)
        if cache_key not in _cache:
            _cache[cache_key] = _ring(_SPLIT.split(from_env.strip()), "AUDIT_KEY")
        return _cache[cache_key]
    configured = _setting("AUDIT_KEY_FILE")
    if not configured and getattr(settings, "PRODUCTION", False):
        return _derived_from_secret_key()
    path = Path(configured or Path(settings.VAR_DIR) / "audit_key")
    try:
        stat = path.stat()
    except FileNotFoundError:
        _create_key_file(path)
        stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    ring = _cache.get(cache_key)
    if ring is None:
        lines = path.read_text(encoding="utf-8").splitlines()
        wanted = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        ring = _ring(wanted, f"AUDIT_KEY_FILE={path}")
        _cache[cache_key] = ring
    return ring
