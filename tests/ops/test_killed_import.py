"""A server process killed (SIGKILL) in the middle of a large honours import loses nothing and keeps
nothing half-written; the same file imported again afterwards is saved whole.

A real production server (gunicorn, one worker) on a free loopback port runs against a temporary
SQLite file database. The import's transaction is caught in flight by watching the database's
write-ahead log grow (uncommitted pages spilling to it), then the worker is killed with SIGKILL.
gunicorn's master starts a new worker, and the retry goes to that one.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from thidua.honours.importers import template_workbook

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ROWS = 2500
USERNAME = "canbo.nhap"
pytestmark = pytest.mark.django_db  # the template's lists are read from the test database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Csrf(HTMLParser):
    token = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.token = a.get("value") or ""


def csrf(html: str) -> str:
    parser = Csrf()
    parser.feed(html)
    assert parser.token
    return parser.token


def big_workbook(prefix: str) -> bytes:
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb["Cán bộ"]
    for i in range(ROWS):
        ws.append(
            [
                f"{prefix}-{i:05d}",
                f"Nguyễn Văn Số {i}",
                "Đại úy",
                "Cán bộ",
                "bac-giang",
                "",
                "01/03/2016",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Server:
    def __init__(self, tmp: Path) -> None:
        self.db = tmp / "thidua.sqlite3"
        self.env = {
            **os.environ,
            # The test profile serves static files from the source tree (no collectstatic needed).
            "THIDUA_ENV": "test",
            "DATABASE_URL": f"sqlite:///{self.db}",
            "MEDIA_ROOT": str(tmp / "media"),
            "DEBUG": "0",
            # This test kills the request's own import (the page's synchronous path); files above
            # the threshold would be imported by a background job instead (tests/jobs/).
            "THIDUA_IMPORT_SYNC_ROWS": str(ROWS),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def prepare(self) -> None:
        for args in (("migrate", "--noinput"), ("load_reference",)):
            done = self.manage(*args)
            assert done.returncode == 0, done.stderr
        create = (
            "from thidua.org.models import Unit, User; "
            f"User.objects.create_user(username={USERNAME!r}, password={PASSWORD!r}, "
            "role=User.Role.UNIT_OFFICER, unit=Unit.objects.get(code='bac-giang'), "
            "full_name='Trần Văn Nhập')"
        )
        done = self.manage("shell", "-c", create)
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "thidua.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "300",
                "--graceful-timeout",
                "1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/dang-nhap/", timeout=10)
                return
            except requests.RequestException:  # not listening yet, or a cold worker under load
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def worker_pid(self) -> int:
        assert self.proc is not None
        found = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(found) == 1, found
        return int(found[0])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    # --- reading the database from outside the server -------------------------------------

    def query(self, sql: str):
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(sql).fetchone()

    def people(self) -> int:
        return self.query("SELECT COUNT(*) FROM honours_person")[0]

    def wal_bytes(self) -> int:
        wal = Path(f"{self.db}-wal")
        return wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def server(tmp_path: Path):
    server = Server(tmp_path)
    server.prepare()
    server.start()
    yield server
    server.stop()


def login(server: Server) -> requests.Session:
    http = requests.Session()
    page = http.get(server.url + "/dang-nhap/", timeout=10)
    answer = http.post(
        server.url + "/dang-nhap/",
        data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page.text)},
        headers={"Referer": server.url + "/dang-nhap/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return http


def upload(http: requests.Session, server: Server, body: bytes) -> requests.Response:
    url = server.url + "/khen-thuong/nhap-excel/"
    token = csrf(http.get(url, timeout=10).text)
    return http.post(
        url,
        data={"csrfmiddlewaretoken": token},
        files={"file": ("nhap-lon.xlsx", body)},
        headers={"Referer": url},
        timeout=300,
    )


def test_a_server_killed_mid_import_keeps_the_database_whole_and_the_import_can_be_retried(
    server: Server,
) -> None:
    body = big_workbook("KT")
    http = login(server)
    before_people = server.people()
    before_audit = server.query("SELECT COUNT(*), MAX(seq) FROM audit_auditrecord")
    # Empty the write-ahead log: from now on only the import's transaction writes to it.
    server.query("PRAGMA wal_checkpoint(TRUNCATE)")
    assert server.wal_bytes() == 0

    outcome: dict[str, object] = {}

    def send() -> None:
        try:
            outcome["response"] = upload(http, server, body)
        except requests.RequestException as exc:
            outcome["error"] = exc

    victim = server.worker_pid()
    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 120
    while server.wal_bytes() < 256 * 1024:  # uncommitted pages spilling: the import is writing
        assert "response" not in outcome, "the import finished before it could be interrupted"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    os.kill(victim, signal.SIGKILL)
    sender.join(60)

    assert "error" in outcome, "the request was answered: the worker was not killed mid-import"
    # Nothing of the half-done import is visible; the file is sound and the audit chain intact.
    assert server.query("PRAGMA integrity_check")[0] == "ok"
    assert server.people() == before_people
    assert server.query("SELECT COUNT(*), MAX(seq) FROM audit_auditrecord") == before_audit
    verified = server.manage("verify_audit")
    assert verified.returncode == 0, verified.stderr

    # gunicorn's master replaced the worker; the same file now imports whole.
    server.wait_ready()
    assert server.worker_pid() != victim
    http = login(server)  # a fresh session: the old one is fine too, but do not rely on it
    answer = upload(http, server, body)
    assert answer.status_code == 200, answer.text[-2000:]
    assert server.people() == before_people + ROWS
    verified = server.manage("verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert server.query("SELECT COUNT(*) FROM audit_auditrecord")[0] >= before_audit[0] + ROWS
