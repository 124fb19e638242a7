"""Files that hold the whole database are readable by their owner only (0600).

The embedded SQLite database (and its -wal/-shm companions) holds every account, password hash
and audit record, as a backup archive does; SQLite creates it with the process umask (usually
0644). Each new connection narrows the files' mode once per process.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

PRIVATE = 0o600
_done: set[str] = set()


def make_private(path: Path) -> None:
    """chmod 0600 if the file exists and is more open than that."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & ~PRIVATE:
        os.chmod(path, PRIVATE)


def restrict_sqlite_file(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the SQLite database file and its WAL files become 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name in _done or connection.is_in_memory_db():
        return
    path = Path(name)
    # SQLite creates -wal and -shm with the database file's mode; existing ones are fixed here.
    for each in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
        make_private(each)
    _done.add(name)
