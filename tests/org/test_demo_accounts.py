"""`manage.py demo_accounts` lists every demo account by role, the per-unit ones included, and the
2025 demo year has an inspector from another unit of its cluster (issue 18)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from thidua.org.demo import DEMO_PASSWORD
from thidua.org.models import Cluster, User

pytestmark = pytest.mark.django_db


def listed() -> list[dict]:
    out = io.StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    return json.loads(out.getvalue())


def members(year: int) -> set[str]:
    cluster = Cluster.objects.with_members().get(year=year, number=3, kind=Cluster.Kind.CLUSTER)
    return {m.unit.code for m in cluster.members()}


def test_json_lists_the_per_unit_officers_needed_to_finish_2025(reference):
    rows = {row["username"]: row for row in listed()}

    for code in members(2025):
        row = rows[f"canbo.{code}"]
        assert row["role"] == User.Role.UNIT_OFFICER and row["unit_code"] == code
        assert row["password"] == DEMO_PASSWORD and "2025" in row["note"]
    for code in members(2021):
        assert rows[f"canbo.{code}"]["role"] == User.Role.UNIT_OFFICER
    assert {"canbo.lai-chau", "canbo.tuyen-quang-2025"} <= rows.keys()


def test_json_lists_every_demo_account_once_grouped_by_role(reference):
    rows = listed()
    names = [row["username"] for row in rows]
    assert len(names) == len(set(names))
    order = list(User.Role.values)
    positions = [order.index(row["role"]) for row in rows]
    assert positions == sorted(positions)
    assert {row["role"] for row in rows} == set(order)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for row in rows:
        assert users[row["username"]].role == row["role"]
        assert users[row["username"]].unit.code == row["unit_code"]


def test_2025_has_an_inspector_from_another_unit_of_its_cluster(reference):
    rows = [
        row
        for row in listed()
        if row["role"] == User.Role.INSPECTOR and row["unit_code"] in members(2025)
    ]
    assert rows, "the 2025 demo year needs an inspector account"
    cluster = Cluster.objects.with_members().get(year=2025, number=3, kind=Cluster.Kind.CLUSTER)
    for row in rows:
        # An inspector's unit is a member of the cluster but never the leader running the year.
        assert row["unit_code"] != cluster.leader.code
    inspector = User.objects.get(username=rows[0]["username"])
    client = Client()
    response = client.post(
        reverse("login"), {"username": inspector.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_listing_twice_creates_nothing_new_and_restores_a_changed_demo_password(reference):
    first = listed()
    officer = User.objects.get(username="canbo.lai-chau")
    officer.set_password("Mat-khau-rieng-cua-toi-2026")
    officer.save()
    users = User.objects.count()

    assert listed() == first
    assert User.objects.count() == users
    officer.refresh_from_db()
    assert officer.check_password(DEMO_PASSWORD)


def test_text_listing_names_each_role_and_the_per_unit_accounts(reference):
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for role in User.Role.labels:
        assert f"{role}:" in text
    assert "canbo.tuyen-quang-2025" in text and "kiemtra.dienbien" in text
