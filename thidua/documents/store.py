"""Rendered documents kept in the file storage (MEDIA) under a fingerprint of everything they show.

A document is a pure function of its context (context.build_context: the cluster-year's stored,
explained results) and of the code that lays it out (this package's modules, templates and fonts).
The fingerprint hashes both, canonically: every field of the context, every column of each model
object in it (with the related objects loaded alongside), the kind and the format. The same
fingerprint means the same bytes, so a second download reads the file instead of rendering again;
any change to what the document shows (a score, a unit's name, a vote, a template) is a new
fingerprint and a new rendering. Old files are never served for new data and never need purging
for correctness: the nightly `prune` deletes the ones nobody made or read for
JOBS_RETENTION_DAYS days (documents/tasks.py).

Files are written whole to a temporary name and then renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import fractions
import hashlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

FOLDER = "van-ban-da-lap"
PACKAGE = Path(__file__).resolve().parent
CODE_SUFFIXES = {".py", ".html", ".css", ".ttf", ".txt"}


@cache
def code_version() -> str:
    """A hash of the files that decide how a document looks (modules, templates, fonts)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _model(obj: models.Model, seen: set) -> Any:
    key = (obj._meta.label, obj.pk)
    if key in seen:
        return ["ref", *key]
    seen.add(key)
    columns = {
        f.attname: _canonical(getattr(obj, f.attname), seen) for f in obj._meta.concrete_fields
    }
    related = {
        name: _canonical(value, seen)
        for name, value in sorted(obj._state.fields_cache.items())
        if value is None or isinstance(value, models.Model)
    }
    return ["model", *key, columns, related]


def _canonical(value: Any, seen: set) -> Any:
    """A JSON-able, order-stable picture of a value (ValueError for a kind not foreseen)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal | fractions.Fraction | uuid.UUID):
        return [type(value).__name__, str(value)]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, models.Model):
        return _model(value, seen)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            type(value).__name__,
            {f.name: _canonical(getattr(value, f.name), seen) for f in dataclasses.fields(value)},
        ]
    if isinstance(value, dict):
        return ["dict", sorted((str(k), _canonical(v, seen)) for k, v in value.items())]
    if isinstance(value, list | tuple):
        return [_canonical(v, seen) for v in value]
    if isinstance(value, set | frozenset):
        return ["set", sorted(json.dumps(_canonical(v, seen)) for v in value)]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    raise ValueError(f"cannot fingerprint a {type(value).__name__}")


def fingerprint(ctx: Any, kind: str, ext: str) -> str:
    picture = {"code": code_version(), "kind": kind, "ext": ext, "ctx": _canonical(ctx, set())}
    text = json.dumps(picture, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def name_for(digest: str, ext: str) -> str:
    return f"{FOLDER}/{digest[:2]}/{digest}.{ext}"


def rendered(ctx: Any, kind: str, ext: str, render: Callable[[], bytes]) -> bytes:
    """The document's bytes from the store, or rendered now and kept."""
    name = name_for(fingerprint(ctx, kind, ext), ext)
    try:
        with default_storage.open(name, "rb") as kept:
            data = kept.read()
    except (FileNotFoundError, OSError):
        pass
    else:
        _touch(name)
        return data
    data = render()
    _keep(name, data)
    return data


def _touch(name: str) -> None:
    """A file read is a file still wanted: its time is what `prune` goes by."""
    with contextlib.suppress(NotImplementedError, OSError):
        os.utime(default_storage.path(name))


def prune(days: int) -> int:
    """Delete kept documents neither made nor read for `days` days; returns how many."""
    cutoff = time.time() - days * 86400
    try:
        root = Path(default_storage.path(FOLDER))
    except NotImplementedError:  # object storage: its own lifecycle rules expire old objects
        return 0
    removed = 0
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _keep(name: str, data: bytes) -> None:
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # storage without local paths (object storage): its own save
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)  # readers see no file or the whole file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
