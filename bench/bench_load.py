"""Load benchmark on the production shape, beside `make run`'s shape, in the same run.

Two shapes are started by the benchmark itself (bench/loadstack.py), one after the other, each on a
fresh copy of the demo in a temporary folder, with production settings on loopback, and stopped
with everything they started:

- PostgreSQL: two app servers (gunicorn, the Makefile's worker count each, on two ports; the client
  spreads the requests over them, round robin, as the reverse proxy would), a worker of the task
  engine (Huey) for each of its queues (default, heavy) in its own process, a private Redis (the engine's queue, the shared cache), on a
  PostgreSQL database created for the run and dropped after it (LOAD_PG_URL).
- SQLite: `make run`'s shape: one app server and a worker for each queue on the embedded database.

The client speaks to them as the reverse proxy would (X-Forwarded-Proto: https, so the secure
cookies, HSTS and CSRF Referer checks of production are all in play).

(a) 50 users for 60 s, each sending its next request as soon as the last is answered (no think
    time): signed-in page readers of Cluster 3/2021 (home, cluster, year overview, ranking, results
    list, unit score) and API readers, officers across the country's 2025 clusters and blocks
    (home page with its deadlines, their cluster and year), and unit officers of Cluster 3/2025 saving their own result
    sheet through `PUT /api/v1/…/results` with the version they read (409 = someone else saved
    first: re-read and retry, the optimistic-concurrency protocol, not an error). Errors (any 5xx,
    connection error or unexpected status) must be 0. Throughput, p50/p95/p99.
(b) The ranking page's throughput as a ratio to the account page (the cheapest signed-in page:
    session, user, layout) at concurrency 8 on the same server, measured in alternation in the
    same run (target ≥ 0.6); its ratio to the anonymous health check and to the year's overview,
    and its p95, reported. Measured with a lean asyncio client (see "a lean client" below), not
    the thread pool of (a).

The load generators run in this process and share the machine's cores with the servers: the
figures are a floor, not what a separate client machine would measure.

    .venv/bin/python bench/bench_load.py            # LOAD_SECONDS=60 LOAD_USERS=50 by default
    LOAD_ONLY=mixed|ranking                         # one of the two measurements
    LOAD_SHAPES=postgresql,sqlite                   # which shapes (both by default)
    LOAD_PG_URL=postgres://postgres@127.0.0.1:5432/thidua_bench   # the server, and the database
                                                    # the run creates and drops
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadstack import (
    PG_URL,
    PROXY,
    QUEUE_WORKERS,
    Stack,
    pg_reachable,
    stop_everything_on_exit,
    worker_log,
)

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
# Officers across the country (the demo's 2025 clusters and blocks, thidua/portal/national_demo.py):
# each reads the home page (its deadlines) and, in a provinces' cluster, its cluster and its year.
COUNTRY = {
    "canbo.ha-noi": 1,
    "canbo.da-nang-2025": 2,
    "canbo.phu-tho-2025": 4,
    "canbo.nghe-an": 5,
    "canbo.khanh-hoa-2025": 6,
    "canbo.dong-nai-2025": 7,
    "canbo.a05": None,  # Block 2
    "canbo.c02": None,  # Block 4
}
COUNTRY_SHARE = 0.3  # of the readers
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


# -- one signed-in user ----------------------------------------------------------------------------


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
    """A signed-in user of a stack; each request goes to the stack's next app server (round robin,
    as the reverse proxy spreads them), the session (in the database) valid on every one."""

    def __init__(self, stack: Stack, username: str, stats: Stats, *, offset: int = 0) -> None:
        self.stack, self.username, self.stats = stack, username, stats
        self.turn = offset
        self.http = requests.Session()
        self.http.headers.update(PROXY)

    def next_server(self) -> str:
        self.turn += 1
        return self.stack.urls[self.turn % len(self.stack.urls)]

    def cookies(self) -> dict[str, str]:
        """The Secure cookies, sent on the loopback leg too: the browser's leg is HTTPS at the proxy
        (a cookie jar would keep them for https:// addresses only)."""
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)}

    def origin(self, base: str, path: str) -> dict[str, str]:
        """The Referer a browser on the proxy's HTTPS address would send to this server."""
        return {"Referer": f"{base.replace('http://', 'https://')}{path}", **self.cookies()}

    def login(self) -> None:
        base = self.next_server()
        page = self.http.get(base + "/dang-nhap/", timeout=TIMEOUT)
        if page.status_code != 200:
            raise LoadError(f"{self.username}: the login page answered {page.status_code}")
        parser = CsrfField()
        parser.feed(page.text)
        answer = self.http.post(
            base + "/dang-nhap/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": parser.token,
            },
            headers=self.origin(base, "/dang-nhap/"),
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            raise LoadError(f"{self.username}: login answered {answer.status_code}")

    def call(
        self,
        name: str,
        method: str,
        path: str,
        expect: tuple[int, ...] = (200,),
        *,
        write: bool = False,
        **kw,
    ) -> requests.Response | None:
        """One timed request; anything but an expected status (or no answer) is an error. A write
        carries the CSRF token and the Referer of the server it goes to."""
        base = self.next_server()
        headers = self.origin(base, path) if write else self.cookies()
        if write:
            headers["X-CSRFToken"] = self.http.cookies["csrftoken"]
        kw["headers"] = {**headers, **kw.get("headers", {})}
        started = time.perf_counter()
        try:
            answer = self.http.request(
                method, base + path, timeout=TIMEOUT, allow_redirects=False, **kw
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


class CountryReader(User):
    def actions(self, rng: random.Random) -> None:
        number = COUNTRY[self.username]
        choices = [("/", "page: home (country)")]
        if number is not None:
            choices += [
                (f"/cum-thi-dua/2025/{number}/", "page: cluster (country)"),
                (f"/cum-thi-dua/2025/{number}/thi-dua/", "page: year overview (country)"),
            ]
        path, name = rng.choice(choices)
        self.call(name, "GET", path)


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
    def __init__(self, stack: Stack, username: str, stats: Stats, *, offset: int = 0) -> None:
        super().__init__(stack, username, stats, offset=offset)
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
                write=True,
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


def mixed_load(stack: Stack, label: str) -> None:
    stats = Stats()
    writers = round(USERS * WRITER_SHARE)
    users: list[User] = [
        Writer(stack, list(WRITERS)[i % len(WRITERS)], stats, offset=i) for i in range(writers)
    ]
    readers = USERS - writers
    country = round(readers * COUNTRY_SHARE)
    users += [
        CountryReader(stack, list(COUNTRY)[i % len(COUNTRY)], stats, offset=i)
        for i in range(country)
    ]
    users += [
        Reader(stack, READERS[i % len(READERS)], stats, offset=i) for i in range(readers - country)
    ]
    for user in users:
        user.login()
    for user in users:
        if isinstance(user, Writer):
            user.deadline = time.monotonic() + SECONDS
    elapsed = run_users(users, SECONDS, lambda u, rng: u.actions(rng), seed=7)
    done, samples = stats.count(), stats.all()
    tag = (
        f"{USERS} users, {SECONDS:.0f} s, no think time, over {len(stack.urls)} app server(s); "
        f"client shares the {os.cpu_count()} cores"
    )
    emit(f"load ({label}): requests", done, "requests", "> 0", done > 0, note=tag)
    emit(
        f"load ({label}): errors",
        len(stats.errors),
        "requests",
        "0",
        not stats.errors,
        first=stats.errors[:5],
        server_log=stack.server_errors()[:5],
    )
    emit(
        f"load ({label}): throughput",
        round(done / elapsed, 1),
        "requests/s",
        "reported",
        True,
        p50_ms=ms(pct(samples, 50)),
        p95_ms=ms(pct(samples, 95)),
        p99_ms=ms(pct(samples, 99)),
        note=tag,
    )
    for p in (50, 95, 99):
        emit(f"load ({label}): p{p} latency", ms(pct(samples, p)), "ms", "reported", True)
    emit(
        f"load ({label}): sheet saves",
        stats.saves,
        "saves",
        "> 0 (409 then re-read is the protocol)",
        stats.saves > 0,
        conflicts_409=stats.conflicts,
        writers=writers,
        sheets=len(set(WRITERS.values())),
    )
    emit(
        f"load ({label}): saves given up after 30 conflicts in a row",
        stats.abandoned,
        "saves",
        "0",
        stats.abandoned == 0,
    )
    per_kind = {
        k: {"n": len(v), "p95_ms": ms(pct(v, 95))} for k, v in sorted(stats.latencies.items())
    }
    emit(
        f"load ({label}): requests by kind",
        len(per_kind),
        "kinds",
        "reported",
        True,
        kinds=per_kind,
    )


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


def ranking_ratio(stack: Stack, label: str) -> None:
    """The ranking page vs the account page (the cheapest signed-in page: session, user, layout)
    at concurrency 8 on the same app server, alternated twice in the same run; the health check
    (anonymous) and the year's overview (a signed-in page of the same year) for context."""
    signed_in = User(stack, "xem.thainguyen", Stats())
    signed_in.turn = -1  # signs in on the first server, the one measured
    signed_in.login()
    cookie = signed_in.cookies()["Cookie"]
    ranking = Probe(
        "ranking", f"{CLOSED}/thi-dua/xep-hang/", '">Bảng xếp hạng</h2>'.encode(), cookie
    )
    probes = [
        Probe("account", "/tai-khoan/", "Tài khoản của tôi</h1>".encode(), cookie),
        ranking,
        Probe("trivial", "/suc-khoe/", b'"status": "ok"'),
        Probe("overview", f"{CLOSED}/thi-dua/", 'aria-current="page">Tổng quan'.encode(), cookie),
    ]
    for probe in probes:  # warm up every worker on every page first (not counted)
        warm = Probe(probe.name, probe.path, probe.marker, probe.cookie)
        asyncio.run(_drive(stack.port, warm, min(2.0, RATIO_SECONDS), 8))
    for _ in range(2):
        for probe in probes:
            asyncio.run(_drive(stack.port, probe, RATIO_SECONDS, 8))
    account, _, trivial, overview = probes
    errors = [e for p in probes for e in p.errors]
    ratio = ranking.rate() / account.rate()
    note = "concurrency 8, one app server, raw asyncio client on the same cores"
    emit(
        f"ranking page ({label}): throughput ratio to the account page",
        round(ratio, 3),
        "ratio",
        ">= 0.6 (was 0.45)",
        ratio >= 0.6 and not errors,
        ranking_rps=round(ranking.rate(), 1),
        account_rps=round(account.rate(), 1),
        errors=errors[:5],
        note=note + "; account page = the cheapest signed-in page (session + user + layout)",
    )
    emit(
        f"ranking page ({label}): throughput ratio to the health check",
        round(ranking.rate() / trivial.rate(), 3),
        "ratio",
        "reported (anonymous: a DB query + storage check)",
        not errors,
        trivial_rps=round(trivial.rate(), 1),
        account_to_trivial=round(account.rate() / trivial.rate(), 3),
    )
    emit(
        f"ranking page ({label}): throughput ratio to the year's overview page",
        round(ranking.rate() / overview.rate(), 3),
        "ratio",
        "reported (a signed-in page of the same year: session, scope checks, layout)",
        not errors,
        overview_rps=round(overview.rate(), 1),
    )
    p95 = ms(pct(ranking.latencies, 95))
    emit(
        f"ranking page ({label}): p95 at concurrency 8",
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


SHAPES = {  # label, app servers, PostgreSQL
    "postgresql": ("PostgreSQL, 2 app servers + worker", 2, True),
    "sqlite": ("SQLite, 1 app server + worker", 1, False),
}


def run_shape(tmp: Path, shape: str) -> None:
    label, servers, on_pg = SHAPES[shape]
    if on_pg:
        why = pg_reachable(PG_URL)
        if why:
            emit(f"load ({label}): setup", 0, "app servers", "PostgreSQL reachable", False, why=why)
            return
    stack = Stack(shape, tmp, servers=servers, database_url=PG_URL if on_pg else "")
    try:
        seconds = stack.prepare()
        stack.start()
        emit(
            f"load ({label}): setup",
            len(stack.urls),
            "app servers",
            "as the README's deployment" if on_pg else "as make run",
            True,
            prepare_seconds=round(seconds, 1),
            machine_load_before=[round(x, 2) for x in os.getloadavg()],
            cores=os.cpu_count(),
            **stack.describe(),
        )
        only = os.environ.get("LOAD_ONLY", "")
        if only in ("", "mixed"):
            mixed_load(stack, label)
        if only in ("", "ranking"):
            ranking_ratio(stack, label)
        alive = stack.alive()
        emit(
            f"load ({label}): every process still running at the end",
            sum(alive.values()),
            "processes",
            f"{len(alive)} of {len(alive)}",
            all(alive.values()),
            processes=alive,
        )
    except Exception:
        for name in ("gunicorn-0.log", "gunicorn-1.log", *map(worker_log, QUEUE_WORKERS)):
            print(f"--- {name}\n{stack.log(name)}", file=sys.stderr)
        raise
    finally:
        stack.stop()


def main() -> int:
    stop_everything_on_exit()
    tmp = Path(tempfile.mkdtemp(prefix="thidua-load-"))
    shapes = os.environ.get("LOAD_SHAPES", "postgresql,sqlite").split(",")
    try:
        for shape in shapes:
            run_shape(tmp, shape.strip())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
