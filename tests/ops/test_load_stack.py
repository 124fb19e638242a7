"""The load benchmark's process handling (bench/loadstack.py): whatever it starts, it stops, children
included, so that `make bench` never leaves a server, a worker or a Redis behind."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadstack import _RUNNING, spawn, stop, stop_all


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent) counts as gone
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def tree(tmp_path: Path, ignore_sigint: bool = False):
    """A shell that starts a long-lived child and writes the child's pid, like gunicorn's master
    and its workers; with `ignore_sigint`, the shell and its child shrug off the graceful signal."""
    pidfile = tmp_path / f"child-{len(list(tmp_path.iterdir()))}.pid"
    trap = "trap '' INT TERM; " if ignore_sigint else ""
    script = f"{trap}sleep 300 & echo $! > {pidfile}; wait"
    proc = spawn(["/bin/sh", "-c", script], env=dict(os.environ), log=tmp_path / "log.txt")
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text().strip():
            return proc, int(pidfile.read_text())
        time.sleep(0.05)
    raise AssertionError("the child did not start")


def test_stopping_a_server_stops_its_children_too(tmp_path):
    proc, child = tree(tmp_path)
    assert alive(proc.pid) and alive(child)
    stop(proc, grace=2)
    assert proc.poll() is not None
    for _ in range(40):
        if not alive(child):
            break
        time.sleep(0.05)
    assert not alive(child)
    assert proc not in _RUNNING


def test_a_process_that_ignores_the_polite_signals_is_killed_and_everything_left_is_stopped(
    tmp_path,
):
    stubborn, stubborn_child = tree(tmp_path, ignore_sigint=True)
    other, other_child = tree(tmp_path)
    started = time.monotonic()
    stop_all()  # what the benchmark runs on its way out, on an error and on SIGTERM
    assert time.monotonic() - started < 30  # bounded
    for _ in range(40):
        if not any(alive(p) for p in (stubborn_child, other_child)):
            break
        time.sleep(0.05)
    assert stubborn.poll() is not None and other.poll() is not None
    assert not alive(stubborn_child) and not alive(other_child)
    assert _RUNNING == []
