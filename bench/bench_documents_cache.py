"""Benchmark of the rendered-documents store: the year's report PDF of Cụm 3 / 2021 downloaded twice
through the page (Django's test client, signed in as a Ministry approver), on a throwaway SQLite
database with the demo's years and an empty MEDIA folder. The first download renders (WeasyPrint);
the second finds the same fingerprint and reads the kept file. Target: second ≥ 20× faster.

Prints one JSON line per figure: {"name", "value", "unit", "target", "ok"}.

    .venv/bin/python bench/bench_documents_cache.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TMP = tempfile.mkdtemp(prefix="thidua-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{TMP}/media"
os.environ.setdefault("THIDUA_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEAT = 5


def build() -> Client:
    from thidua.cycle.demo import build_demo_years
    from thidua.org.demo import ensure_demo_accounts
    from thidua.org.loaders import load_clusters, load_units, movement
    from thidua.org.models import User

    call_command("migrate", verbosity=0)
    load_units()
    movement()
    load_clusters()
    ensure_demo_accounts()
    build_demo_years()
    client = Client()
    client.force_login(User.objects.get(username="bo.pheduyet"))
    return client


def timed(client: Client, url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, response.content


def main() -> None:
    client = build()
    url = reverse("cycle_document", args=[2021, 3, "report", "pdf"])
    client.get(reverse("cycle_documents", args=[2021, 3]))  # warm: imports, templates, fonts
    first, body = timed(client, url)
    again = [timed(client, url) for _ in range(REPEAT)]
    assert all(content == body for _, content in again), "the kept file differs"
    second = statistics.median(t for t, _ in again)
    speedup = first / second
    for name, value, unit, target, ok in (
        ("documents_report_pdf_first_download_ms", first * 1000, "ms", None, True),
        ("documents_report_pdf_second_download_ms", second * 1000, "ms", None, True),
        ("documents_report_pdf_second_download_speedup", speedup, "x", 20, speedup >= 20),
    ):
        print(
            json.dumps(
                {
                    "name": name,
                    "value": round(value, 2),
                    "unit": unit,
                    "target": target,
                    "ok": ok,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
