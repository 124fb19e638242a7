"""The servers of the load benchmark (bench_load.py), started and stopped by the benchmark itself.

Two shapes, each on its own copy of the demo in a temporary folder, production settings, loopback:

- "sqlite": `make run`'s shape (bin/serve) — one gunicorn server (the Makefile's worker count) and a
  worker of the task engine for each of its queues (Huey: `run_huey --queue default` and
  `--queue heavy`, each queue an SQLite file), on the embedded SQLite database.
- "postgresql": the production shape of the README — two gunicorn servers on two ports (a reverse
  proxy would spread the requests over them; the client does it here, round robin), a Huey worker
  for each queue (default, heavy), each in its own process, a private Redis (the engine's queue and the shared cache), on a PostgreSQL
  database created for the run and dropped after it (LOAD_PG_URL names the server and the
  database; the database must not exist already unless LOAD_PG_REPLACE=1).

Every process is started in its own session and stopped by its process group (SIGINT, then SIGTERM,
then SIGKILL), on the way out, on an exception and on SIGTERM/SIGINT of the benchmark alike: nothing
is left running. Every wait is bounded.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROXY = {"X-Forwarded-Proto": "https"}  # what nginx sends: TLS ends at the reverse proxy
PG_URL = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/thidua_bench")
STARTUP_SECONDS = 90
SETUP_SECONDS = 900  # migrate or load_demo: a bound, not an expectation (≈ 15 s each)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of_make_run() -> int:
    """The worker count `make run` uses (WORKERS ?= n in the Makefile, or WORKERS in the env)."""
    if os.environ.get("WORKERS"):
        return int(os.environ["WORKERS"])
    found = re.search(r"^WORKERS \?= (\d+)", (ROOT / "Makefile").read_text(), re.M)
    return int(found.group(1)) if found else 3


# The task engine's queues (thidua/jobs/queues.py) and the jobs each worker runs at once: bin/serve's
# defaults (JOBS_WORKERS, JOBS_HEAVY_WORKERS).
QUEUE_WORKERS = {
    "default": int(os.environ.get("JOBS_WORKERS", "2")),
    "heavy": int(os.environ.get("JOBS_HEAVY_WORKERS", "1")),
}


def worker_log(queue: str) -> str:
    return f"worker-{queue}.log"


# -- processes: every one in its own group, all stopped on the way out ----------------------------

_RUNNING: list[subprocess.Popen] = []


def spawn(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: its children are stopped with it
        )
    _RUNNING.append(proc)
    return proc


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGINT (Huey and gunicorn stop gracefully), SIGTERM, then SIGKILL, to the whole group."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    # the leader may be gone while a child of its group lingers
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc in _RUNNING:
        _RUNNING.remove(proc)


def stop_all() -> None:
    for proc in list(reversed(_RUNNING)):
        stop(proc, grace=5)


def _on_signal(signum: int, _frame: object) -> None:
    stop_all()
    sys.exit(128 + signum)


def stop_everything_on_exit() -> None:
    """On the way out and on SIGTERM, stop whatever is still running (the benchmark calls this)."""
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)


# -- PostgreSQL: a database for the run ------------------------------------------------------------


def _pg_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True, connect_timeout=5)


def pg_create(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _pg_admin(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not os.environ.get("LOAD_PG_REPLACE"):
            raise RuntimeError(
                f"database {name!r} exists: the benchmark creates its own and drops it after "
                "the run (set LOAD_PG_REPLACE=1 to let it replace this one)"
            )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def pg_drop(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    try:
        with _pg_admin(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as exc:  # reported, never hides the run's own error
        print(f"# could not drop the benchmark database {name}: {exc}", file=sys.stderr)


def pg_reachable(url: str) -> str:
    """'' when the server answers, else why not."""
    try:
        with _pg_admin(url):
            return ""
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()


# -- one shape ------------------------------------------------------------------------------------


class Stack:
    """App servers, a task-engine worker (and Redis) on a copy of the demo, in tmp/<name>."""

    def __init__(self, name: str, tmp: Path, *, servers: int, database_url: str = "") -> None:
        self.name = name
        self.tmp = tmp / name
        self.tmp.mkdir(parents=True)
        self.database_url = database_url
        self.workers = workers_of_make_run()
        self.ports = [free_port() for _ in range(servers)]
        self.urls = [f"http://127.0.0.1:{p}" for p in self.ports]
        # the ratio is measured on the first (a stack of workers only, servers=0, has none)
        self.port, self.url = (self.ports[0], self.urls[0]) if servers else (0, "")
        self.redis_port = 0
        self.redis = shutil.which("redis-server") if database_url else None
        key = self.tmp / "secret_key"
        key.write_text(os.urandom(32).hex())
        key.chmod(0o600)
        drop = (
            "DATABASE_URL",
            "MEDIA_ROOT",
            "THIDUA_JOBS_REDIS_URL",
            "THIDUA_CACHE_URL",
            "THIDUA_JOBS_HEAVY_QUEUE_FILE",
        )
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in drop},
            "THIDUA_ENV": "production",
            "THIDUA_VAR_DIR": str(self.tmp),
            "THIDUA_JOBS_QUEUE_FILE": str(self.tmp / "jobs-queue.sqlite3"),
            "THIDUA_JOBS_HEAVY_QUEUE_FILE": str(self.tmp / "jobs-queue-heavy.sqlite3"),
            "SECRET_KEY_FILE": str(key),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "thidua.settings",
            "THIDUA_JOBS_IMMEDIATE": "0",
        }
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if self.redis:
            self.redis_port = free_port()
            redis_url = f"redis://127.0.0.1:{self.redis_port}"
            self.env["THIDUA_JOBS_REDIS_URL"] = f"{redis_url}/0"
            self.env["THIDUA_CACHE_URL"] = f"{redis_url}/1"
        self.servers: list[subprocess.Popen] = []
        self.workers_of_queue: dict[str, subprocess.Popen] = {}
        self.redis_proc: subprocess.Popen | None = None

    def describe(self) -> dict[str, object]:
        return {
            "app_servers": len(self.ports),
            "gunicorn_workers_each": self.workers,
            "task_workers": {
                queue: f"Huey, 1 process (run_huey --queue {queue} --workers {n})"
                for queue, n in QUEUE_WORKERS.items()
            },
            "queue_and_cache": "Redis (private, loopback)"
            if self.redis
            else "SQLite file queue, per-process memory cache",
            "database": "PostgreSQL (created for the run)" if self.database_url else "SQLite",
        }

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=SETUP_SECONDS,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def prepare(self) -> float:
        """A fresh database with the demo (load_demo refuses production: the development profile
        builds it), static files, and the 2025 sheets returned for editing. Returns seconds."""
        started = time.perf_counter()
        if self.database_url:
            pg_create(self.database_url)
        dev = {**self.env, "THIDUA_ENV": "development"}
        dev.pop("THIDUA_JOBS_REDIS_URL", None)
        dev.pop("THIDUA_CACHE_URL", None)
        self.manage("migrate", "--no-input", env=dev)
        self.manage("load_demo", env=dev)
        static = ROOT / "var" / "staticfiles"
        if (static / "staticfiles.json").exists():
            shutil.copytree(static, self.tmp / "staticfiles")
        self.manage("collectstatic", "--no-input", "--verbosity", "0")  # only what changed
        self._return_open_sheets()
        return time.perf_counter() - started

    def _return_open_sheets(self) -> None:
        """The 2025 secretariat returns the submitted sheets so every unit edits one."""
        code = (
            "from thidua.cycle.models import ResultSheet; from thidua.org.models import User\n"
            "by = User.objects.get(username='thuongtruc.caobang')\n"
            "for s in ResultSheet.objects.filter(cycle__cluster__year=2025, "
            "cycle__cluster__number=3, state=ResultSheet.State.SUBMITTED):\n"
            "    s.return_to_unit(by=by, reason='Đề nghị rà soát lại số liệu (đo tải)')\n"
        )
        dev = {**self.env, "THIDUA_ENV": "development"}
        dev.pop("THIDUA_JOBS_REDIS_URL", None)
        dev.pop("THIDUA_CACHE_URL", None)
        self.manage("shell", "-c", code, env=dev)

    def start(self) -> None:
        if self.redis:
            self.redis_proc = spawn(
                [
                    self.redis,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.redis_port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.tmp),
                    "--maxmemory",
                    "256mb",
                ],
                env=self.env,
                log=self.tmp / "redis.log",
            )
            self._wait_tcp(self.redis_port, self.redis_proc, "redis.log")
        for queue, n in QUEUE_WORKERS.items():  # as bin/serve: a worker for each queue
            self.workers_of_queue[queue] = spawn(
                [
                    str(BIN / "python"),
                    "manage.py",
                    "run_huey",
                    "--queue",
                    queue,
                    "--workers",
                    str(n),
                ],
                env=self.env,
                log=self.tmp / worker_log(queue),
            )
        for i, port in enumerate(self.ports):
            self.servers.append(
                spawn(
                    [
                        str(BIN / "gunicorn"),
                        "thidua.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(self.workers),
                        "--access-logfile",
                        str(self.tmp / f"access-{i}.log"),
                        "--error-logfile",
                        str(self.tmp / f"gunicorn-{i}.log"),
                    ],
                    env=self.env,
                    log=self.tmp / f"gunicorn-{i}.out",
                )
            )
        for i, url in enumerate(self.urls):
            self._wait_health(url, self.servers[i], f"gunicorn-{i}.log")
        for queue, proc in self.workers_of_queue.items():
            if proc.poll() is not None:
                log = worker_log(queue)
                raise RuntimeError(f"the task worker of the {queue} queue exited:\n{self.log(log)}")

    def _wait_tcp(self, port: int, proc: subprocess.Popen, log: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{log} exited:\n{self.log(log)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{log}: port {port} did not open within {STARTUP_SECONDS} s")

    def _wait_health(self, url: str, proc: subprocess.Popen, log: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log(log)}")
            try:
                if requests.get(url + "/suc-khoe/", headers=PROXY, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer its health check within {STARTUP_SECONDS} s")

    def alive(self) -> dict[str, bool]:
        procs: dict[str, subprocess.Popen | None] = {
            f"worker {queue}": p for queue, p in self.workers_of_queue.items()
        }
        procs["redis"] = self.redis_proc
        procs.update({f"server {i + 1}": p for i, p in enumerate(self.servers)})
        return {k: p.poll() is None for k, p in procs.items() if p is not None}

    def stop(self) -> None:
        for proc in [*self.servers, *self.workers_of_queue.values(), self.redis_proc]:
            if proc is not None:
                stop(proc)
        if self.database_url:
            pg_drop(self.database_url)

    def log(self, name: str, tail: int = 3000) -> str:
        path = self.tmp / name
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def server_errors(self) -> list[str]:
        lines: list[str] = []
        for i in range(len(self.ports)):
            lines += [
                line
                for line in self.log(f"gunicorn-{i}.log", tail=10**7).splitlines()
                if "Traceback" in line or "[ERROR]" in line
            ]
        return lines
