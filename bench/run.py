"""Run every benchmark in bench/ (files named bench_*.py) and print their JSON lines.

Each benchmark prints one JSON object per figure:
{"name": …, "value": …, "unit": …, "target": …, "ok": true|false}.
Exit status is non-zero if a benchmark crashed; a missed target is reported, not fatal.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"# {script.name}", file=sys.stderr, flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
