"""The worker (`manage.py run_huey`) writes each of the engine's lines once (issue 17)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_real_worker_logs_each_line_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "THIDUA_JOBS_IMMEDIATE": "0",
        "THIDUA_JOBS_QUEUE_FILE": str(tmp_path / "queue.sqlite3"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Wait for the consumer to start (a loaded machine takes longer than an idle one), then stop it.
    seen: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([worker.stdout], [], [], 1)
        if not ready:
            continue
        line = worker.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "consumer started" in line.lower():
            time.sleep(1)  # let anything logged right after the start arrive too
            break
    worker.send_signal(signal.SIGINT)
    rest, _ = worker.communicate(timeout=30)
    out = "".join(seen) + rest

    lines = [line.split(":", 3)[-1] if "] " in line else line for line in out.splitlines()]
    said = [line.strip() for line in lines if "consumer started" in line.lower()]
    assert said, out
    # Each message once, whatever the formatter (the old config printed it via two handlers).
    messages = Counter(line.rsplit("huey", 1)[-1] for line in out.splitlines() if "huey" in line)
    assert max(messages.values()) == 1, out
