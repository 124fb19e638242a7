"""The load benchmark's process handling (bench/loadstack.py): whatever it starts, it stops, children
included, so that `make bench` never leaves a server, a worker or a Redis behind."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadstack import _RUNNING, Stack, spawn, stop, stop_all


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


def test_the_stack_runs_a_worker_for_each_queue_as_bin_serve_does_and_stops_them(tmp_path):
    """make run's shape without its app server (servers=0): the default queue's worker and the heavy
    queue's worker (`run_huey --queue heavy`, documents and large imports), each consuming its own
    queue file in the stack's folder, both stopped with the stack."""
    stack = Stack("sqlite", tmp_path, servers=0)
    try:
        stack.start()
        assert set(stack.alive()) == {"worker default", "worker heavy"}
        logs = {"default": "worker-default.log", "heavy": "worker-heavy.log"}
        for _ in range(600):  # the consumers have started and named their queue (bounded: 60 s)
            # whole logs: a periodic task's traceback may follow the start line (the tail would lose it)
            text = {q: stack.log(name, tail=10**7) for q, name in logs.items()}
            if all(f"Hàng đợi: {q}" in t and "consumer started" in t for q, t in text.items()):
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the workers did not start: {text}")
        assert "run_heavy" in text["heavy"] and "run_heavy" not in text["default"]
        assert (stack.tmp / "jobs-queue-heavy.sqlite3").exists()
        assert all(stack.alive().values())
        pids = [p.pid for p in stack.workers_of_queue.values()]
    finally:
        stack.stop()
    assert not any(alive(pid) for pid in pids)
    assert not any(stack.alive().values())
    assert _RUNNING == []
