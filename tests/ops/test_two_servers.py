"""Two app servers behind one reverse proxy: what one does, the other sees.

Two production servers (gunicorn, THIDUA_ENV=production, the same SECRET_KEY_FILE) on two loopback
ports share one PostgreSQL database (the test database) and one MEDIA_ROOT (the shared storage for
evidence files). The client talks to them as the reverse proxy would (X-Forwarded-Proto: https), and
shows that
- a session opened by signing in on server A is valid on server B (and signing out on B ends it on A);
- an evidence file uploaded through A is downloaded, byte for byte, through B;
- a recomputation on A (a dispute accepted, then the ranking recomputed by the secretariat) is what
  B shows at once, although B had served (and cached) the previous ranking.

Needs PostgreSQL (DATABASE_URL=postgres://…): the SQLite test database lives in this process.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.template.defaultfilters import floatformat
from django.utils import translation

from tests.conftest import PASSWORD
from tests.files import tiny_pdf
from thidua.cycle.models import Cycle, Dispute, Evidence, Ranking
from thidua.org.models import User

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TIMEOUT = 30
PROXY = {"X-Forwarded-Proto": "https"}  # TLS ends at the reverse proxy
RANKING = "/cum-thi-dua/2021/3/thi-dua/xep-hang/"
SHEET_2025 = "/cum-thi-dua/2025/3/thi-dua/so-lieu/lao-cai-2025/"
PDF = tiny_pdf("Biên bản kiểm tra tại Công an tỉnh Lào Cai")


ONLY_POSTGRESQL = (
    "Two app servers share one database server: run with DATABASE_URL=postgres://… "
    "(the SQLite test database is in memory, inside this process)."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    """One production app server; `tmp` is shared by both (secret key, static files, media)."""

    def __init__(self, name: str, env: dict[str, str], tmp: Path) -> None:
        self.name, self.env, self.tmp = name, env, tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"gunicorn-{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "thidua.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "2",
                "--error-logfile",
                str(self.log),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(self.url + "/suc-khoe/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server {self.name} did not pass its health check within 60 s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(15)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """The production servers' static files, collected once for the module."""
    if connection.vendor != "postgresql":
        pytest.skip(ONLY_POSTGRESQL)
    var = tmp_path_factory.mktemp("var")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "THIDUA_ENV": "production",
        "THIDUA_VAR_DIR": str(var),
        "SECRET_KEY": "collectstatic-only",
    }
    collected = subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    return var


@pytest.fixture
def servers(world, var_dir: Path, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    key = tmp_path / "secret_key"
    key.write_text(os.urandom(32).hex())
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "THIDUA_ENV": "production",
        "THIDUA_VAR_DIR": str(var_dir),  # collected static files
        "SECRET_KEY_FILE": str(key),  # one key for every server: sessions are signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",  # no connection outlives a request: the test database is dropped
        "MEDIA_ROOT": str(tmp_path / "shared-media"),  # the shared mount (NFS, object storage)
    }
    pair = (Server("A", env, tmp_path), Server("B", env, tmp_path))
    try:
        for server in pair:
            server.start()
        for server in pair:
            server.wait_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()
    for server in pair:
        log = server.log.read_text(errors="replace")
        assert "Traceback" not in log, f"server {server.name}:\n{log[-3000:]}"


def production_password(user: User) -> User:
    """The suite's users have fast test hashes; production servers accept Argon2 and PBKDF2 only."""
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="argon2"))
    return user


class Browser:
    """One browser's cookies, sent to whichever server the proxy picks."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.http.headers.update(PROXY)

    def headers(self, server: Server, path: str) -> dict[str, str]:
        # The jar would keep Secure cookies for https:// addresses: send them on the proxy's leg.
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        return {"Cookie": cookies, "Referer": f"https://127.0.0.1:{server.port}{path}"}

    def get(self, server: Server, path: str) -> requests.Response:
        return self.http.get(
            server.url + path,
            headers=self.headers(server, path),
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def post(self, server: Server, path: str, data: dict, **kw) -> requests.Response:
        token = self.http.cookies.get("csrftoken")
        return self.http.post(
            server.url + path,
            data={**data, "csrfmiddlewaretoken": token},
            headers=self.headers(server, path),
            allow_redirects=False,
            timeout=TIMEOUT,
            **kw,
        )

    def sign_in(self, server: Server, user: User) -> None:
        page = self.get(server, "/dang-nhap/")
        assert page.status_code == 200
        parser = CsrfField()
        parser.feed(page.text)
        answer = self.http.post(
            server.url + "/dang-nhap/",
            data={
                "username": user.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": parser.token,
            },
            headers=self.headers(server, "/dang-nhap/"),
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert answer.status_code == 302, answer.text[:1000]
        assert "sessionid" in self.http.cookies


class CsrfField(HTMLParser):
    token = ""

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.token = a.get("value") or ""


def test_a_session_opened_on_one_server_is_valid_on_the_other(servers, world) -> None:
    a, b = servers
    viewer = production_password(world.cast.viewer)
    browser = Browser()
    browser.sign_in(a, viewer)

    home = browser.get(b, "/")
    assert home.status_code == 200
    assert "Lê Thị Mai" in home.text  # the viewer's name in the page header, served by B

    # Signing out on B ends the session everywhere: A sends the browser to the login page.
    assert browser.post(b, "/dang-xuat/", {}).status_code == 302
    again = browser.get(a, "/")
    assert again.status_code == 302 and again.headers["Location"].startswith("/dang-nhap/")


def test_an_evidence_file_uploaded_through_one_server_downloads_through_the_other(
    servers, world
) -> None:
    a, b = servers
    officer = production_password(User.objects.get(username="canbo.laocai"))
    browser = Browser()
    browser.sign_in(a, officer)
    assert browser.get(a, SHEET_2025).status_code == 200  # the page the officer uploads from

    uploaded = browser.post(
        a,
        SHEET_2025 + "minh-chung/",
        {"criterion": "ANQG1"},
        files={"file": ("bien-ban-kiem-tra.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    evidence = Evidence.objects.filter(original_name="bien-ban-kiem-tra.pdf").get()

    download = browser.get(b, f"{SHEET_2025}minh-chung/{evidence.pk}/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "bien-ban-kiem-tra.pdf" in download.headers["Content-Disposition"]


def bac_giang_total(html: str) -> str:
    row = re.search(r'data-unit="bac-giang">(.*?)</tr>', html, re.S)
    assert row, "Bắc Giang's row is missing from the ranking"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)[2].strip()


def test_a_recomputation_on_one_server_is_what_the_other_shows(servers, world) -> None:
    a, b = servers
    cycle = world.cycle2021
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.RANKING)
    cycle.refresh_from_db()
    officer = User.objects.get(username="canbo.bac-giang")
    dispute = Dispute.raise_(
        cycle,
        by=officer,
        unit=officer.unit,
        criterion="ANQG1",
        statement="Đoàn kiểm tra chưa tính chuyên đề phòng, chống khủng bố đã thực hiện.",
    )
    secretariat = production_password(world.cast.secretariat)
    browser = Browser()
    browser.sign_in(a, secretariat)

    before = browser.get(b, RANKING)  # B renders and caches the ranking in force
    assert before.status_code == 200
    shown_before = bac_giang_total(before.text)

    prefix = f"kn{dispute.pk}"
    resolved = browser.post(
        a,
        f"/cum-thi-dua/2021/3/thi-dua/khieu-nai/{dispute.pk}/",
        {
            f"{prefix}-decision": "accept",
            f"{prefix}-corrected_value": "5",
            f"{prefix}-resolution": "Đoàn kiểm tra xác nhận lại: đạt 5 điểm.",
        },
    )
    assert resolved.status_code == 302, resolved.text[-2000:]
    recomputed = browser.post(
        a, RANKING + "tinh-lai/", {"reason": "Sau khi giải quyết khiếu nại của Bắc Giang."}
    )
    assert recomputed.status_code == 302

    latest = Ranking.objects.filter(cycle=cycle).first()
    assert latest.computed_by_id == secretariat.pk and cycle.rankings.count() >= 2
    with translation.override("vi"):
        expected = floatformat(latest.entries.get(unit__code="bac-giang").total, 2)
    after = browser.get(b, RANKING)
    assert bac_giang_total(after.text) == expected != shown_before
