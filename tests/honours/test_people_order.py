"""Every list of people reads in Vietnamese order: by given name, then middle name(s), then family
name ("Trần Văn Bình", "Lê Văn Dũng", "Nguyễn Thị Đào"), from the key stored on each person
(`Person.name_sort_key`, engine/text.person_sort_key_str): the people page and its Excel file, the
people API, and the register's records of one decision."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.test import Client
from openpyxl import load_workbook

from tests.honours.conftest import CSTT, TOT, award_to, person
from thidua.api.models import ApiToken
from thidua.engine import text
from thidua.honours.models import Person

pytestmark = pytest.mark.django_db

# Entered in the order a careless list would keep them (by family name, or as typed).
ENTERED = ["Lê Văn Dũng", "Nguyễn Thị Đào", "Trần Văn Bình", "Phạm Ngọc Dũng", "Võ Thị Ánh"]
# Ánh < Bình < Dũng (Ngọc < Văn) < Đào: given name first, D before Đ.
EXPECTED = ["Võ Thị Ánh", "Trần Văn Bình", "Phạm Ngọc Dũng", "Lê Văn Dũng", "Nguyễn Thị Đào"]


def in_order_seen(haystack: str, names: list[str]) -> list[str]:
    """The names in the order they first appear in the page."""
    found = [(haystack.index(n), n) for n in names if n in haystack]
    assert len(found) == len(names), [n for n in names if n not in haystack]
    return [n for _, n in sorted(found)]


@pytest.fixture
def people():
    return [person("bac-giang", name=name) for name in ENTERED]


def test_a_person_keeps_the_sort_key_of_the_name_on_every_save(cast):
    p = person("bac-giang", name="Nguyễn  Văn Hoà")
    assert p.name_sort_key == text.person_sort_key_str("Nguyễn Văn Hòa")
    p.update(by=cast.officer_a, full_name="Nguyễn Văn Bình")
    p.refresh_from_db()
    assert p.name_sort_key == text.person_sort_key_str("Nguyễn Văn Bình")
    p.full_name = "Nguyễn Văn Đào"  # saved without cleaning, only the name
    p.save(update_fields=["full_name"])
    p.refresh_from_db()
    assert p.name_sort_key == text.person_sort_key_str("Nguyễn Văn Đào")


def test_the_data_migration_fills_the_key_of_existing_people(people):
    Person.objects.update(name_sort_key="")
    migration = importlib.import_module("thidua.honours.migrations.0006_fill_person_name_sort_key")
    migration.fill(apps, None)
    stored = dict(Person.objects.values_list("full_name", "name_sort_key"))
    assert all(stored[n] == text.person_sort_key_str(n) for n in ENTERED)
    names = [p.full_name for p in Person.objects.filter(full_name__in=ENTERED)]
    assert names == EXPECTED


def test_the_people_page_lists_people_by_given_name(cast, people):
    response = cast.client(cast.officer_a).get("/khen-thuong/can-bo/")
    assert response.status_code == 200
    assert in_order_seen(response.content.decode(), ENTERED) == EXPECTED


def test_the_people_excel_file_lists_people_by_given_name(cast, people):
    response = cast.client(cast.officer_a).get("/khen-thuong/can-bo/", {"xuat": "excel"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    column = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert [n for n in column if n in ENTERED] == EXPECTED


def test_the_people_api_lists_people_by_given_name(cast, people):
    _, token = ApiToken.issue(cast.officer_a, "kiểm thử")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = client.get("/api/v1/people").json()
    assert [x["full_name"] for x in body if x["full_name"] in ENTERED] == EXPECTED


def test_the_register_lists_one_decisions_people_by_given_name(cast, people):
    for p in people:  # entered in the careless order: primary keys follow it
        award_to(p, CSTT, 2024, decision_no="15/QĐ-CAT", decision_date=dt.date(2024, 12, 20))
    response = cast.client(cast.officer_a).get("/khen-thuong/quyet-dinh/", {"year": 2024})
    assert response.status_code == 200
    assert in_order_seen(response.content.decode(), ENTERED) == EXPECTED

    _, token = ApiToken.issue(cast.officer_a, "kiểm thử")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = api.get("/api/v1/commendations", {"year": 2024}).json()
    by_pk = {p.pk: p.full_name for p in people}
    listed = [by_pk[r["person_id"]] for r in rows if r.get("person_id") in by_pk]
    assert listed == EXPECTED


def test_the_suggestions_of_a_unit_list_its_people_by_given_name(cast):
    for name in ENTERED:  # each eligible for Chiến sĩ tiên tiến 2024
        person("bac-giang", name=name, ratings={2024: TOT})
    response = cast.client(cast.officer_a).get("/khen-thuong/don-vi/bac-giang/goi-y/?year=2024")
    assert response.status_code == 200
    assert in_order_seen(response.content.decode(), ENTERED) == EXPECTED
