"""Load benchmark: `make run`'s production server under 50 concurrent users, and the ranking page.

The server is started the way `make run` starts it — gunicorn `thidua.wsgi:application` with the
Makefile's worker count and SECRET_KEY_FILE — with THIDUA_ENV=production, on a free loopback port,
against a COPY of the demo database in a temporary folder (the user's var/ is only read). The client
speaks to it as the reverse proxy would (X-Forwarded-Proto: https, so the secure cookies, HSTS and
CSRF Referer checks of production are all in play).

(a) 50 users for 60 s, each sending its next request as soon as the last is answered (no think
    time): signed-in page readers of Cluster 3/2021 (home, cluster, year overview, ranking, results
    list, unit score) and API readers, and unit officers of Cluster 3/2025 saving their own result
    sheet through `PUT /api/v1/…/results` with the version they read (409 = someone else saved
    first: re-read and retry, the optimistic-concurrency protocol, not an error). Errors (any 5xx,
    connection error or unexpected status) must be 0.
(b) The ranking page's throughput as a ratio to the health check (/suc-khoe/, a DB ping) at
    concurrency 8, measured in alternation in the same run, and the ranking page's p95 at
    concurrency 8; the account page (the cheapest signed-in page) as the signed-in floor. Measured
    with a lean asyncio client (see "a lean client" below), not the thread pool of (a).

The load generators run in this process and share the machine's cores with the server: the
figures are a floor, not what a separate client machine would measure.

    .venv/bin/python bench/bench_load.py            # LOAD_SECONDS=60 LOAD_USERS=50 by default
    LOAD_ONLY=mixed|ranking                         # one of the two measurements
    LOAD_FRESH=1                                    # build the database (migrate + load_demo)
                                                    # even when var/thidua.sqlite3 exists
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "ThiDua@2025"  # the demo accounts' password (thidua/org/demo.py)
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
RATIO_SECONDS = float(os.environ.get("LOAD_RATIO_SECONDS", "8"))  # per slice, 2 slices each
MAX_REQUESTS = 200_000  # a bound on the count, whatever the speed
TIMEOUT = 30

CLOSED = "/cum-thi-dua/2021/3"  # Cluster 3 / 2021: ranked and closed
OPEN = "/cum-thi-dua/2025/3"  # Cluster 3 / 2025: units reporting their results
READERS = [
    "canbo.bacgiang",
    "canbo.yen-bai",
    "canbo.bac-kan",
    "canbo.hoa-binh",
    "canbo.phu-tho",
    "canbo.quang-ninh",
    "canbo.thai-nguyen",
    "canbo.tuyen-quang",
    "thuongtruc.yenbai",
    "kiemtra.quangninh",
    "xem.thainguyen",
]  # not bo.pheduyet: production asks Ministry approvers for a second factor (TOTP) first
WRITERS = {  # officer → their unit in Cluster 3 / 2025
    "canbo.cao-bang": "cao-bang",
    "canbo.dien-bien": "dien-bien",
    "canbo.lai-chau": "lai-chau",
    "canbo.laocai": "lao-cai-2025",
    "canbo.lao-cai-2025": "lao-cai-2025",
    "canbo.son-la": "son-la",
    "canbo.tuyen-quang-2025": "tuyen-quang-2025",
}
WRITER_SHARE = 0.25  # a quarter of the users are officers editing their sheet
RETRIES = 30  # a save that meets 30 conflicts in a row is given up (reported, not an error)


def emit(name: str, value: float, unit: str, target: str, ok: bool, **extra: object) -> None:
    print(
        json.dumps(
            {"name": name, "value": value, "unit": unit, "target": target, "ok": ok, **extra},
            ensure_ascii=False,
        ),
        flush=True,
    )


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


# -- the server ------------------------------------------------------------------------------------


class Server:
    """gunicorn with production settings on a copy of the demo database, in a temporary folder."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers_of_make_run()
        key = tmp / "secret_key"
        key.write_text(os.urandom(32).hex())
        key.chmod(0o600)
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")},
            "THIDUA_ENV": "production",
            "THIDUA_VAR_DIR": str(tmp),
            "SECRET_KEY_FILE": str(key),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "thidua.settings",
        }
        self.proc: subprocess.Popen | None = None

    def manage(self, *args: str, env: dict[str, str] | None = None) -> None:
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")

    def prepare(self) -> str:
        """Copy var/'s database and collected static files, or build them; return what was done."""
        source = ROOT / "var" / "thidua.sqlite3"
        db = self.tmp / "thidua.sqlite3"
        if source.exists() and not os.environ.get("LOAD_FRESH"):
            # The backup API gives a consistent copy even while a `make run` server writes to it.
            with (
                sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
                sqlite3.connect(db) as dst,
            ):
                src.backup(dst)
            how = "copy of var/thidua.sqlite3"
        else:
            # load_demo refuses a production database: build the copy with the development profile.
            dev = {**self.env, "THIDUA_ENV": "development"}
            self.manage("migrate", "--no-input", env=dev)
            self.manage("load_demo", env=dev)
            how = "fresh migrate + load_demo"
        self.manage("migrate", "--no-input")  # the copy may predate a migration of the tree
        static = ROOT / "var" / "staticfiles"
        if (static / "staticfiles.json").exists():
            shutil.copytree(static, self.tmp / "staticfiles")
        self.manage("collectstatic", "--no-input", "--verbosity", "0")  # only what changed
        self._return_open_sheets()
        return how

    def _return_open_sheets(self) -> None:
        """On the copy, the 2025 secretariat returns the submitted sheets so every unit edits one."""
        code = (
            "from thidua.cycle.models import ResultSheet; from thidua.org.models import User\n"
            "by = User.objects.get(username='thuongtruc.caobang')\n"
            "for s in ResultSheet.objects.filter(cycle__cluster__year=2025, "
            "cycle__cluster__number=3, state=ResultSheet.State.SUBMITTED):\n"
            "    s.return_to_unit(by=by, reason='Đề nghị rà soát lại số liệu (đo tải)')\n"
        )
        self.manage("shell", "-c", code)

    def start(self) -> None:
        log = self.tmp / "gunicorn.log"
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "thidua.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                str(self.tmp / "access.log"),
                "--error-logfile",
                str(log),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            try:
                answer = requests.get(self.url + "/suc-khoe/", headers=PROXY, timeout=5)
                if answer.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer its health check within 60 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)

    def server_errors(self) -> list[str]:
        log = self.tmp / "gunicorn.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line or "[ERROR]" in line]


# -- one signed-in user ----------------------------------------------------------------------------

PROXY = {"X-Forwarded-Proto": "https"}  # what nginx sends: TLS ends at the reverse proxy


class CsrfField(HTMLParser):
    token = ""

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.token = a.get("value") or ""


class LoadError(Exception):
    pass


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    saves: int = 0
    abandoned: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def all(self) -> list[float]:
        return [x for v in self.latencies.values() for x in v]


class User:
    def __init__(self, server: Server, username: str, stats: Stats) -> None:
        self.server, self.username, self.stats = server, username, stats
        self.http = requests.Session()
        self.http.headers.update(PROXY)

    def cookies(self) -> dict[str, str]:
        """The Secure cookies, sent on the loopback leg too: the browser's leg is HTTPS at the proxy
        (a cookie jar would keep them for https:// addresses only)."""
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)}

    def origin(self, path: str) -> dict[str, str]:
        return {"Referer": f"https://127.0.0.1:{self.server.port}{path}", **self.cookies()}

    def login(self) -> None:
        page = self.http.get(self.server.url + "/dang-nhap/", timeout=TIMEOUT)
        if page.status_code != 200:
            raise LoadError(f"{self.username}: the login page answered {page.status_code}")
        parser = CsrfField()
        parser.feed(page.text)
        answer = self.http.post(
            self.server.url + "/dang-nhap/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": parser.token,
            },
            headers=self.origin("/dang-nhap/"),
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            raise LoadError(f"{self.username}: login answered {answer.status_code}")

    def call(
        self, name: str, method: str, path: str, expect: tuple[int, ...] = (200,), **kw
    ) -> requests.Response | None:
        """One timed request; anything but an expected status (or no answer) is an error."""
        kw["headers"] = {**self.cookies(), **kw.get("headers", {})}
        started = time.perf_counter()
        try:
            answer = self.http.request(
                method, self.server.url + path, timeout=TIMEOUT, allow_redirects=False, **kw
            )
        except requests.RequestException as exc:
            with self.stats.lock:
                self.stats.errors.append(
                    f"{self.username} {name} {path}: {type(exc).__name__}: {exc}"
                )
            return None
        elapsed = time.perf_counter() - started
        with self.stats.lock:
            self.stats.latencies[name].append(elapsed)
            if answer.status_code not in expect:
                self.stats.errors.append(
                    f"{self.username} {name} {path}: HTTP {answer.status_code}"
                )
        return answer if answer.status_code in expect else None


class Reader(User):
    def actions(self, rng: random.Random) -> None:
        code = rng.choice(["yen-bai", "bac-giang", "quang-ninh", "hoa-binh", "thai-nguyen"])
        path, name = rng.choice(
            [
                ("/", "page: home"),
                (f"{CLOSED}/", "page: cluster"),
                (f"{CLOSED}/thi-dua/", "page: year overview"),
                (f"{CLOSED}/thi-dua/xep-hang/", "page: ranking"),
                (f"{CLOSED}/thi-dua/xep-hang/", "page: ranking"),
                (f"{CLOSED}/thi-dua/so-lieu/", "page: results list"),
                (f"{CLOSED}/thi-dua/xep-hang/{code}/", "page: unit score"),
                ("/api/v1/clusters", "api: clusters"),
                ("/api/v1/clusters/2021/3", "api: cluster"),
                ("/api/v1/clusters/2021/3/ranking", "api: ranking"),
            ]
        )
        self.call(name, "GET", path)


class Writer(User):
    def __init__(self, server: Server, username: str, stats: Stats) -> None:
        super().__init__(server, username, stats)
        self.unit = WRITERS[username]
        self.deadline = time.monotonic() + SECONDS

    def actions(self, rng: random.Random) -> None:
        if rng.random() < 0.5:
            path, name = rng.choice(
                [
                    ("/", "page: home"),
                    (f"{OPEN}/thi-dua/", "page: year overview"),
                    (f"{OPEN}/thi-dua/so-lieu/{self.unit}/", "page: own result sheet"),
                ]
            )
            self.call(name, "GET", path)
            return
        self.save(rng)

    def save(self, rng: random.Random) -> None:
        """Read the sheet, change one figure, save with the version read; on 409 (another session
        of the unit saved in between) wait a little, as a person would, read again and retry."""
        api = f"/api/v1/clusters/2025/3/units/{self.unit}/results"
        for attempt in range(1, RETRIES + 1):
            read = self.call("api: read own sheet", "GET", api)
            if read is None:
                return
            sheet = read.json()
            values = {**sheet["values"], "TP1": f"{rng.uniform(85, 95):.1f}"}
            saved = self.call(
                "api: save own sheet",
                "PUT",
                api,
                expect=(200, 409),
                json={"values": values, "remarks": sheet["remarks"], "version": sheet["version"]},
                headers={"X-CSRFToken": self.http.cookies["csrftoken"], **self.origin(api)},
            )
            if saved is None:
                return
            if saved.status_code == 200:
                with self.stats.lock:
                    self.stats.saves += 1
                return
            with self.stats.lock:
                self.stats.conflicts += 1
            if time.monotonic() > self.deadline:
                return  # the run is over: not a save given up
            time.sleep(rng.uniform(0, 0.1 * attempt))
        with self.stats.lock:
            self.stats.abandoned += 1


def run_users(users: list[User], seconds: float, action, seed: int) -> float:
    """Every user loops on `action` until the deadline (or the request bound); returns the time."""
    stop = time.monotonic() + seconds
    started = time.perf_counter()
    stats = users[0].stats

    def loop(user: User, rng: random.Random) -> None:
        while time.monotonic() < stop and stats.count() < MAX_REQUESTS:
            action(user, rng)

    threads = [
        threading.Thread(target=loop, args=(u, random.Random(seed + i)), daemon=True)
        for i, u in enumerate(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 2 * TIMEOUT)
    return time.perf_counter() - started


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# -- the two measurements --------------------------------------------------------------------------


def mixed_load(server: Server) -> None:
    stats = Stats()
    writers = round(USERS * WRITER_SHARE)
    users: list[User] = [
        Writer(server, list(WRITERS)[i % len(WRITERS)], stats) for i in range(writers)
    ]
    users += [Reader(server, READERS[i % len(READERS)], stats) for i in range(USERS - writers)]
    for user in users:
        user.login()
    for user in users:
        if isinstance(user, Writer):
            user.deadline = time.monotonic() + SECONDS
    elapsed = run_users(users, SECONDS, lambda u, rng: u.actions(rng), seed=7)
    done, samples = stats.count(), stats.all()
    tag = f"{USERS} users, {SECONDS:.0f} s, no think time; client shares the {os.cpu_count()} cores"
    emit("load: requests", done, "requests", "> 0", done > 0, note=tag)
    emit(
        "load: errors",
        len(stats.errors),
        "requests",
        "0",
        not stats.errors,
        first=stats.errors[:5],
        server_log=server.server_errors()[:5],
    )
    emit("load: throughput", round(done / elapsed, 1), "requests/s", "reported", True, note=tag)
    for p in (50, 95, 99):
        emit(f"load: p{p} latency", ms(pct(samples, p)), "ms", "reported", True)
    emit(
        "load: sheet saves",
        stats.saves,
        "saves",
        "> 0 (409 then re-read is the protocol)",
        stats.saves > 0,
        conflicts_409=stats.conflicts,
        writers=writers,
        sheets=len(set(WRITERS.values())),
    )
    emit(
        "load: saves given up after 30 conflicts in a row",
        stats.abandoned,
        "saves",
        "0",
        stats.abandoned == 0,
    )
    per_kind = {
        k: {"n": len(v), "p95_ms": ms(pct(v, 95))} for k, v in sorted(stats.latencies.items())
    }
    emit("load: requests by kind", len(per_kind), "kinds", "reported", True, kinds=per_kind)


# -- the page at concurrency 8: a lean client ------------------------------------------------------
#
# The requests-based users above spend 2–3 ms of Python per request, under one GIL, on the same two
# cores as the server: at concurrency 8 their own queueing showed up in the latencies and their CPU
# was taken from the server. Throughput and latency of one page are measured with a client that
# costs ≈ 0.3 ms a request instead: raw HTTP/1.1 over asyncio, one event loop, a fresh connection per
# request (gunicorn's sync workers close it after each answer), every answer checked (status and a
# marker of the expected page) so an error page can never count as a fast answer.


@dataclass
class Probe:
    name: str
    path: str
    marker: bytes  # a byte string the right answer contains
    cookie: str = ""  # the signed-in user's cookies; "" = anonymous
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def _get(port: int, probe: Probe) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (
            f"GET {probe.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
            f"Connection: close\r\n" + (f"Cookie: {probe.cookie}\r\n" if probe.cookie else "")
        )
        writer.write(head.encode() + b"\r\n")
        return await asyncio.wait_for(reader.read(), TIMEOUT)
    finally:
        writer.close()


async def _drive(port: int, probe: Probe, seconds: float, concurrency: int) -> None:
    stop = time.monotonic() + seconds

    async def one_user() -> None:
        while time.monotonic() < stop and len(probe.latencies) < MAX_REQUESTS:
            started = time.perf_counter()
            try:
                answer = await _get(port, probe)
            except (TimeoutError, OSError) as exc:
                probe.errors.append(f"{probe.name}: {type(exc).__name__}: {exc}")
                continue
            probe.latencies.append(time.perf_counter() - started)
            status = answer[9:12]
            if status != b"200" or probe.marker not in answer:
                probe.errors.append(f"{probe.name} {probe.path}: HTTP {status.decode()}")

    started = time.perf_counter()
    await asyncio.gather(*(one_user() for _ in range(concurrency)))
    probe.seconds += time.perf_counter() - started


def ranking_ratio(server: Server) -> None:
    """The ranking page vs the health check at concurrency 8, alternated twice in the same run;
    the account page (the cheapest signed-in page: session, user, layout) and the year's overview
    (a signed-in page of the same year) for context."""
    signed_in = User(server, "xem.thainguyen", Stats())
    signed_in.login()
    cookie = signed_in.cookies()["Cookie"]
    ranking = Probe(
        "ranking", f"{CLOSED}/thi-dua/xep-hang/", '">Bảng xếp hạng</h2>'.encode(), cookie
    )
    probes = [
        Probe("trivial", "/suc-khoe/", b'"status": "ok"'),
        ranking,
        Probe("account", "/tai-khoan/", "Tài khoản của tôi</h1>".encode(), cookie),
        Probe("overview", f"{CLOSED}/thi-dua/", 'aria-current="page">Tổng quan'.encode(), cookie),
    ]
    for _ in range(2):
        for probe in probes:
            asyncio.run(_drive(server.port, probe, RATIO_SECONDS, 8))
    trivial, _, account, overview = probes
    errors = [e for p in probes for e in p.errors]
    ratio = ranking.rate() / trivial.rate()
    note = (
        "concurrency 8, raw asyncio client on the same cores; trivial view = /suc-khoe/ "
        "(health check: a DB query + storage check, anonymous)"
    )
    emit(
        "ranking page: throughput ratio to trivial view",
        round(ratio, 3),
        "ratio",
        ">= 0.5",
        ratio >= 0.5 and not errors,
        ranking_rps=round(ranking.rate(), 1),
        trivial_rps=round(trivial.rate(), 1),
        errors=errors[:5],
        note=note,
    )
    emit(
        "signed-in floor: account page throughput ratio to trivial view",
        round(account.rate() / trivial.rate(), 3),
        "ratio",
        "reported (the cheapest signed-in page of the app: session + user + layout)",
        not errors,
        account_rps=round(account.rate(), 1),
    )
    emit(
        "ranking page: throughput ratio to the year's overview page",
        round(ranking.rate() / overview.rate(), 3),
        "ratio",
        "reported (a signed-in page of the same year: session, scope checks, layout)",
        not errors,
        overview_rps=round(overview.rate(), 1),
    )
    p95 = ms(pct(ranking.latencies, 95))
    emit(
        "ranking page: p95 at concurrency 8",
        p95,
        "ms",
        "< 100",
        p95 < 100 and not errors,
        p50_ms=ms(pct(ranking.latencies, 50)),
        p99_ms=ms(pct(ranking.latencies, 99)),
        trivial_p95_ms=ms(pct(trivial.latencies, 95)),
        account_p95_ms=ms(pct(account.latencies, 95)),
        overview_p95_ms=ms(pct(overview.latencies, 95)),
    )


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="thidua-load-"))
    server = Server(tmp)
    try:
        how = server.prepare()
        server.start()
        load = os.getloadavg()
        emit(
            "load: setup",
            server.workers,
            "gunicorn workers",
            "as make run",
            True,
            database=how,
            machine_load_before=[round(x, 2) for x in load],
            cores=os.cpu_count(),
        )
        only = os.environ.get("LOAD_ONLY", "")
        if only in ("", "mixed"):
            mixed_load(server)
        if only in ("", "ranking"):
            ranking_ratio(server)
    except Exception:
        log = tmp / "gunicorn.log"
        if log.exists():
            print(log.read_text(errors="replace")[-5000:], file=sys.stderr)
        raise
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
