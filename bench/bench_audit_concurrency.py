"""Benchmark of the audit log under concurrency: 16 writers, each in a different cluster, each
transaction changing one row of its own cluster, with and without an audit record.

Audited writes must not serialise the country: the ratio audited / unaudited writes per second
should stay at 0.5 or more (issue 17). Needs PostgreSQL (SQLite has one writer whatever the
log does): a throwaway database is created on the server of BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/postgres), migrated, measured and dropped.
Prints one JSON line per figure: {"name", "value", "unit", "target", "ok"}.

    .venv/bin/python bench/bench_audit_concurrency.py
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WRITERS = 16
SECONDS = float(os.environ.get("BENCH_AUDIT_SECONDS", "4"))
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"thidua_bench_audit_{os.getpid()}"


def emit(name: str, value: float | None, unit: str, target: float | None, ok: bool) -> None:
    line = {"name": name, "value": value, "unit": unit, "target": target, "ok": ok}
    print(json.dumps(line, ensure_ascii=False), flush=True)


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _setup_django() -> None:
    parts = urlsplit(ADMIN_URL)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
    os.environ.setdefault("THIDUA_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    os.environ["DB_CONN_MAX_AGE"] = "600"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _clusters() -> list:
    from thidua.org.models import Cluster, Movement

    movement = Movement.objects.create(code="bench-audit", name="Phong trào đo hiệu năng")
    return [
        Cluster.objects.create(movement=movement, year=2025, number=i + 1, name=f"Cụm {i + 1}")
        for i in range(WRITERS)
    ]


def _run(clusters: list, *, audited: bool) -> tuple[int, float]:
    """Writes per second, all writers together, over SECONDS."""
    from django.db import connections, transaction

    from thidua.audit.log import record
    from thidua.org.models import Cluster

    start = threading.Barrier(WRITERS + 1)
    stop = threading.Event()
    done = [0] * WRITERS
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        pk = clusters[i].pk
        try:
            Cluster.objects.filter(pk=pk).exists()  # connect before the clock starts
            start.wait()
            n = 0
            while not stop.is_set():
                with transaction.atomic():
                    cluster = Cluster.objects.select_for_update().get(pk=pk)
                    before = {"name": cluster.name}
                    cluster.name = f"Cụm {i + 1} — lần {n}"
                    cluster.save(update_fields=["name"])
                    if audited:
                        record(
                            actor=None,
                            action="update",
                            obj=cluster,
                            before=before,
                            after={"name": cluster.name},
                        )
                n += 1
            done[i] = n
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(SECONDS)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return sum(done), sum(done) / elapsed


def main() -> int:
    try:
        _admin(f'CREATE DATABASE "{DB_NAME}"')
    except Exception as exc:  # no PostgreSQL here: say so, do not fail `make bench`
        print(
            f"# bench_audit_concurrency: PostgreSQL unavailable ({exc}); skipped", file=sys.stderr
        )
        return 0
    try:
        _setup_django()
        clusters = _clusters()
        _run(clusters, audited=True)  # warm-up: connections, plans, the chain head row
        _, plain = _run(clusters, audited=False)
        _, audited = _run(clusters, audited=True)
        from thidua.audit.log import verify_chain

        assert verify_chain().ok
        from django.db import connections

        connections.close_all()
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    ratio = audited / plain
    emit("audit_concurrency_16_writers_unaudited", round(plain, 1), "writes/s", None, True)
    emit("audit_concurrency_16_writers_audited", round(audited, 1), "writes/s", None, True)
    emit("audit_concurrency_16_writers_ratio", round(ratio, 2), "ratio", 0.5, ratio >= 0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
