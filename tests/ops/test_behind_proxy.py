"""Behind the reverse proxy: the login lockout, the access log and everything else see the
officer's own address (X-Forwarded-For, believed only from THIDUA_TRUSTED_PROXIES), not the proxy's.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from thidua.net import parse_networks, resolve

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # nginx, as the app servers see it
BEHIND_PROXY = override_settings(THIDUA_TRUSTED_PROXIES=["10.0.0.0/29", "fd00::/64"])
LIMIT = settings.AXES_FAILURE_LIMIT


def officer_behind_proxy(address: str) -> Client:
    """A browser at `address` whose requests reach the app through nginx, which appends the
    address it received them from to X-Forwarded-For ($proxy_add_x_forwarded_for)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def login(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.django_db
@BEHIND_PROXY
def test_locking_out_one_officer_behind_the_proxy_does_not_lock_out_another_on_the_same_account(
    cast,
):
    """Two officers of a province share the province's duty account; one mistypes its password
    until the lockout: the other, at another desk behind the same proxy, still signs in."""
    username = cast.officer_a.username
    mistyping = officer_behind_proxy("192.168.10.21")
    for _ in range(LIMIT):
        refused = login(mistyping, username, "sai-mat-khau")
    assert refused.status_code == 429 and "tạm khóa" in refused.content.decode()
    assert login(mistyping, username, PASSWORD).status_code == 429  # locked, even with the password

    other_desk = officer_behind_proxy("192.168.10.22")
    signed_in = login(other_desk, username, PASSWORD)
    assert signed_in.status_code == 302 and signed_in.url != reverse("login")

    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.168.10.21"}


@pytest.mark.django_db
@BEHIND_PROXY
def test_a_forged_forwarded_for_from_an_untrusted_address_is_ignored(cast):
    """A client reaching an app server directly cannot escape the lockout by writing a new
    X-Forwarded-For on every attempt: only the trusted proxies' header is believed."""
    username = cast.officer_a.username
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(LIMIT):
        login(attacker, username, "doan-mo", HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
    again = login(attacker, username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert again.status_code == 429

    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}


@pytest.mark.django_db
@BEHIND_PROXY
def test_what_a_client_writes_left_of_the_proxys_hop_is_ignored(cast):
    """nginx appends to whatever X-Forwarded-For the client sent: only the hop nginx added counts."""
    username = cast.officer_a.username
    client = Client(REMOTE_ADDR=PROXY)
    for n in range(LIMIT):
        login(client, username, "sai", HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}, 192.168.10.21")
    assert (
        login(client, username, PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 192.168.10.21").status_code
        == 429
    )


@pytest.mark.django_db
def test_without_trusted_proxies_the_forwarded_header_is_never_read(cast):
    """The default (no THIDUA_TRUSTED_PROXIES): every address is the connection's peer."""
    username = cast.officer_a.username
    for n in range(LIMIT):
        login(officer_behind_proxy(f"192.168.10.{n + 1}"), username, "sai")
    assert login(officer_behind_proxy("192.168.10.99"), username, PASSWORD).status_code == 429


def test_the_client_is_the_rightmost_hop_our_proxies_did_not_add():
    proxies = parse_networks(("10.0.0.0/29", "fd00::/64"))
    # a chain of our own proxies (CDN edge → nginx): both skipped
    assert resolve("10.0.0.2", "192.168.10.21, 10.0.0.5", proxies) == "192.168.10.21"
    assert resolve("fd00::2", "2001:db8::7", proxies) == "2001:db8::7"
    assert resolve("10.0.0.2", "[2001:db8::7]:51234", proxies) == "2001:db8::7"
    assert resolve("10.0.0.2", "192.168.10.21:51234", proxies) == "192.168.10.21"
    assert resolve("::ffff:10.0.0.2", "192.168.10.21", proxies) == "192.168.10.21"
    # not from a trusted proxy, or nothing forwarded: the peer
    assert resolve("198.51.100.9", "192.168.10.21", proxies) == "198.51.100.9"
    assert resolve("10.0.0.2", "", proxies) == "10.0.0.2"
    # garbage in the chain: nothing to its left is believed
    assert resolve("10.0.0.2", "192.168.10.21, unknown", proxies) == "10.0.0.2"
    assert resolve("10.0.0.2", "1.2.3.4, unknown, 192.168.10.21", proxies) == "192.168.10.21"


def test_a_trusted_proxies_entry_that_is_not_an_address_is_refused():
    with pytest.raises(ValueError, match="not an address"):
        parse_networks(("10.0.0.0/29", "nginx.local"))


def _plain(text: str) -> str:
    address = ipaddress.ip_address(text)
    return str(getattr(address, "ipv4_mapped", None) or address)


TRUSTED = ipaddress.ip_network("10.0.0.0/8")


@given(
    peer=st.ip_addresses().map(str),
    chain=st.lists(st.ip_addresses().map(str) | st.just("unknown"), max_size=6),
)
def test_the_address_is_the_peer_or_a_forwarded_hop_and_an_untrusted_peer_is_final(peer, chain):
    found = resolve(peer, ", ".join(chain), parse_networks((str(TRUSTED),)))
    assert found in {_plain(peer)} | {_plain(h) for h in chain if h != "unknown"}
    if ipaddress.ip_address(_plain(peer)) not in TRUSTED:
        assert found == _plain(peer)
    elif (
        chain and chain[-1] != "unknown" and ipaddress.ip_address(_plain(chain[-1])) not in TRUSTED
    ):
        assert found == _plain(chain[-1])  # the hop our proxy added


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_access_log_names_the_officer_behind_the_proxy_first(tmp_path):
    """A real gunicorn, started as `make run` starts it (its config file from the project's root),
    behind a trusted proxy on loopback: the access log's first field is the officer's address."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "THIDUA_TRUSTED_PROXIES": "127.0.0.1",
        "THIDUA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "thidua.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for path, forwarded in (
            ("/dang-nhap/", "192.168.10.21"),
            ("/suc-khoe/", "203.0.113.7, 192.168.10.22"),
        ):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-For": forwarded}
            )
            for _ in range(200):
                try:
                    urllib.request.urlopen(request, timeout=60)
                    break
                except urllib.error.HTTPError:
                    break  # an answer, whatever its status, is logged
                except urllib.error.URLError as refused:  # not listening yet
                    assert isinstance(refused.reason, ConnectionRefusedError)
                    time.sleep(0.1)
        for _ in range(100):  # gunicorn writes the line after the answer
            lines = log.read_text().splitlines() if log.exists() else []
            if any("/suc-khoe/" in line for line in lines):
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    # (a page may answer with a redirect to itself: one line per request, each with its officer)
    fields = {(line.split()[0], line.split()[1], "/suc-khoe/" in line) for line in lines}
    assert fields == {("192.168.10.21", "127.0.0.1", False), ("192.168.10.22", "127.0.0.1", True)}


@pytest.mark.django_db
@BEHIND_PROXY
def test_the_apps_own_log_lines_name_the_officer_behind_the_proxy(cast):
    """The warning logged when an officer is refused (the lockout's 429) names the officer's
    address, through the console handler LOGGING configures."""
    import io
    import logging

    from thidua.net import ClientAddressFilter

    [console] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientAddressFilter) for f in h.filters)
    ]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        officer = officer_behind_proxy("192.168.10.21")
        for _ in range(LIMIT + 1):
            login(officer, cast.officer_a.username, "sai")
        logging.getLogger("thidua").warning("ngoài yêu cầu")
    finally:
        console.setStream(previous)
    lines = written.getvalue().splitlines()
    for kind in ("AXES: ", "Too Many Requests"):  # inside the request, and after its answer
        logged = [line for line in lines if kind in line]
        assert logged and all(line.split()[2] == "192.168.10.21" for line in logged)
    assert PROXY not in written.getvalue()
    assert lines[-1].split()[2] == "-"  # outside a request


@pytest.mark.django_db
@BEHIND_PROXY
def test_an_audited_change_records_the_officers_address_and_the_chain_covers_it(cast, admin_client):
    """The Ministry approver sets a national deadline from behind the proxy: the audit record
    names the approver's own address, and changing that address breaks the chain's check."""
    from thidua.audit.log import compute_hash, verify_chain
    from thidua.audit.models import AuditRecord

    approver = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.168.30.7")
    approver.force_login(cast.approver)
    answer = approver.post("/thoi-han/?nam=2025", {"approval": "20/01/2026"})
    assert answer.status_code == 302
    [record] = AuditRecord.objects.filter(model__icontains="nationaldeadline")
    assert record.client_ip == "192.168.30.7"
    assert verify_chain(check_anchors=False).ok
    found = admin_client.get(reverse("admin:audit_auditrecord_changelist"), {"q": "192.168.30.7"})
    assert f"{record.object_repr}" in found.content.decode()  # the admin finds it by the address
    detail = admin_client.get(reverse("admin:audit_auditrecord_change", args=[record.pk]))
    assert "192.168.30.7" in detail.content.decode()

    record.client_ip = PROXY  # what a tamperer would write: the hash no longer matches
    assert compute_hash(record) != record.hash


def test_a_mistyped_trusted_proxy_stops_the_server_at_start():
    from tests.test_settings import run_django

    refused = run_django({"THIDUA_TRUSTED_PROXIES": "10.0.0.2,nginx-1"})
    assert refused.returncode != 0 and "'nginx-1' is not an address" in refused.stderr
    assert run_django({"THIDUA_TRUSTED_PROXIES": "10.0.0.2, 10.0.1.0/24"}).returncode == 0
