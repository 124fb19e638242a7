"""The SQLite database file holds everything a backup does: it is readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.db.utils import ConnectionHandler


def test_a_new_sqlite_database_file_and_its_wal_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "thidua.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            }
        }
    )
    old = os.umask(0o022)  # what `make run` gets from a usual login shell
    try:
        conn = handler["default"]
        with conn.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = [p for p in tmp_path.iterdir() if p.name.startswith("thidua.sqlite3")]
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
    finally:
        os.umask(old)
        handler.close_all()

    assert "thidua.sqlite3-wal" in modes  # the WAL companion exists and is covered too
    assert modes == dict.fromkeys(modes, 0o600)


def test_an_existing_world_readable_database_file_is_narrowed_on_first_connection(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cu.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )
    try:
        handler["default"].ensure_connection()
    finally:
        handler.close_all()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
