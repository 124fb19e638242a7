"""The worker (`manage.py run_huey`) writes each of the engine's lines once (issue 17)."""

from __future__ import annotations

import os
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
    time.sleep(4)
    worker.send_signal(signal.SIGINT)
    out, _ = worker.communicate(timeout=30)

    lines = [line.split(":", 3)[-1] if "] " in line else line for line in out.splitlines()]
    said = [line.strip() for line in lines if "consumer started" in line.lower()]
    assert said, out
    # Each message once, whatever the formatter (the old config printed it via two handlers).
    messages = Counter(line.rsplit("huey", 1)[-1] for line in out.splitlines() if "huey" in line)
    assert max(messages.values()) == 1, out
