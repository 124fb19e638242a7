"""The release an app server runs, and the cache every app server of that release shares.

Rendered HTML is cached (the ranking tables, the year's tabs and breadcrumbs). With several app
servers the cache is shared (Redis, ``THIDUA_CACHE_URL``), so a fragment one server rendered is
served by the others; and since the old release's servers keep running while the new one starts,
the release is part of every key: a deploy never serves HTML rendered by the code before it.

The release is ``THIDUA_RELEASE`` when the deploy sets it (a tag or commit), otherwise a
fingerprint computed once at start of what shapes the HTML: the application's code, templates,
translations, static files and pinned dependencies. A deploy changes some of these, so it changes
the fingerprint by itself, with nothing to remember; the same release unpacked on several machines
(other paths, other file times) hashes to the same value, so its servers share their fragments.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

# What a deploy ships that can change a rendered page (relative to the project's root).
SHAPES_HTML = ("thidua", "templates", "locale", "static")
PINNED = ("requirements.lock", "pyproject.toml")
SKIPPED_DIRS = {"__pycache__", "tests"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def code_fingerprint(root: Path) -> str:
    """A short SHA-256 of the release's files (names relative to ``root`` and contents)."""
    digest = hashlib.sha256()
    files: list[Path] = [root / name for name in PINNED if (root / name).is_file()]
    for folder in SHAPES_HTML:
        base = root / folder
        if base.is_dir():
            files.extend(
                p
                for p in base.rglob("*")
                if p.is_file()
                and p.suffix not in SKIPPED_SUFFIXES
                and not SKIPPED_DIRS.intersection(p.relative_to(root).parts)
            )
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return digest.hexdigest()[:16]


def cache_settings(url: str, release: str) -> dict[str, Any]:
    """Django's CACHES: Redis at ``url`` when set (shared by the app servers), else this process's
    memory; keys carry the release either way."""
    prefix = f"thidua:{release}"
    if url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                # A Redis that does not answer fails the request within a second, not a minute.
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": prefix,
        }
    }
