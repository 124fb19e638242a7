"""Optimistic concurrency with two real HTTP clients against the live server.

Two officers of Lào Cai open the same draft result sheet (Cụm 3 / 2025) in their own sessions and
both save it with the version they loaded: the first save wins, the second is answered 409 with the
Vietnamese "đã được người khác cập nhật" message and none of its values reach the database.
"""

from __future__ import annotations

import threading
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import make_user
from thidua.audit.models import AuditRecord
from thidua.cycle.models import ResultSheet
from thidua.cycle.scales import valid_range
from thidua.cycle.scoring import input_kind, scale_of

pytestmark = pytest.mark.django_db(transaction=True)

SHEET = "/cum-thi-dua/2025/3/thi-dua/so-lieu/lao-cai-2025/"
STALE = "đã được người khác cập nhật"


class SheetForm(HTMLParser):
    """The fields of <form id="sheet-form"> as a browser would send them (the "Lưu nháp" button)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == "sheet-form"
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


class Officer:
    """One browser: its own cookie jar (session + CSRF) talking HTTP to the live server."""

    def __init__(self, base_url: str, user: Any) -> None:
        login = Client()
        login.force_login(user)  # a real session row; the cookie goes to a separate HTTP client
        self.http = requests.Session()
        self.http.cookies.set(
            settings.SESSION_COOKIE_NAME, login.cookies[settings.SESSION_COOKIE_NAME].value
        )
        self.url = base_url + SHEET
        self.form: dict[str, str] = {}

    def open(self) -> dict[str, str]:
        page = self.http.get(self.url, timeout=30)
        assert page.status_code == 200, page.text[:500]
        parser = SheetForm()
        parser.feed(page.text)
        assert "version" in parser.fields and "csrfmiddlewaretoken" in parser.fields
        self.form = parser.fields
        return self.form

    def save(self, **values: str) -> requests.Response:
        data = {**self.form, **values, "action": "save"}
        return self.http.post(
            self.url, data=data, headers={"Referer": self.url}, allow_redirects=False, timeout=30
        )


@pytest.fixture
def officers(world, live_server, monkeypatch) -> tuple[Officer, Officer]:
    from thidua.org.models import User

    # Each request thread opens its own PostgreSQL connection: close it when the request ends
    # (as CONN_MAX_AGE=0 does) so none outlives the test and blocks dropping the test database.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)

    first = User.objects.get(username="canbo.laocai")
    second = make_user(
        "canbo.laocai.2", User.Role.UNIT_OFFICER, first.unit.code, full_name="Hoàng Văn Nam"
    )
    return Officer(live_server.url, first), Officer(live_server.url, second)


def number_criterion(sheet: ResultSheet) -> str:
    """A measured criterion with no upper bound (a count or a plan figure): 1.111 and 2.222 are
    valid figures of it, so only the race decides which is kept."""
    return next(
        c.code
        for c in scale_of(sheet.cycle.method).criteria
        if input_kind(c) == "number" and valid_range(c)[1] is None and valid_range(c)[0] == 0
    )


def sheet_state() -> tuple[int, dict, int]:
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")
    return sheet.version, dict(sheet.values), AuditRecord.objects.count()


def test_the_second_of_two_officers_saving_the_same_sheet_is_told_and_nothing_of_theirs_is_written(
    officers: tuple[Officer, Officer],
) -> None:
    a, b = officers
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")
    code = number_criterion(sheet)
    version, _, audits = sheet_state()
    assert sheet.state == ResultSheet.State.DRAFT

    assert a.open()["version"] == b.open()["version"] == str(version)

    first = a.save(**{code: "1.111"})
    assert first.status_code == 302
    won_version, won_values, _ = sheet_state()
    assert won_version == version + 1
    assert str(won_values[code]) in ("1111", "1111.0", "1111.00")

    second = b.save(**{code: "2.222"})
    assert second.status_code == 409
    assert STALE in second.text
    assert sheet_state() == (won_version, won_values, audits + 1)  # B's values never written

    # B reloads, sees A's figure and the new version, and can then save on top of it.
    assert b.open()["version"] == str(won_version)
    assert b.save(**{code: "2.222"}).status_code == 302
    assert sheet_state()[0] == won_version + 1


def test_two_officers_saving_at_the_same_instant_one_wins_and_the_other_gets_409(
    officers: tuple[Officer, Officer],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs separate database connections per request: the SQLite test database is in "
            "memory and shared by the live server's threads. Run with DATABASE_URL=postgres://…"
        )
    a, b = officers
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")
    code = number_criterion(sheet)
    version, _, audits = sheet_state()
    a.open()
    b.open()
    start = threading.Barrier(2)
    answers: dict[str, requests.Response] = {}

    def save(name: str, officer: Officer, value: str) -> None:
        start.wait()
        answers[name] = officer.save(**{code: value})

    threads = [
        threading.Thread(target=save, args=("a", a, "3.333")),
        threading.Thread(target=save, args=("b", b, "4.444")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    statuses = sorted(r.status_code for r in answers.values())
    assert statuses == [302, 409]
    loser = next(r for r in answers.values() if r.status_code == 409)
    assert STALE in loser.text
    winner = next(name for name, r in answers.items() if r.status_code == 302)
    new_version, new_values, new_audits = sheet_state()
    assert new_version == version + 1 and new_audits == audits + 1
    assert str(new_values[code]).startswith("3333" if winner == "a" else "4444")
