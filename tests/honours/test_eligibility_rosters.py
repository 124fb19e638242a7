"""A unit's roster of a year given as counts (page and API), so that Đơn vị quyết thắng and Đơn
vị tiên tiến can be judged without entering hundreds of officers (issue 15)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.honours.conftest import DVQT, XS, unit
from thidua.api.models import ApiToken
from thidua.audit.models import AuditRecord
from thidua.honours.eligibility import check_collective
from thidua.honours.models import UnitRating, UnitYearRoster

pytestmark = pytest.mark.django_db

ROSTER = {
    "year": 2024,
    "members": 300,
    "completed": 300,
    "advanced": 210,
    "emulation": 4,
    "reprimanded": 0,
    "warned": 0,
}


def _rated(code: str = "bac-giang") -> None:
    UnitRating.set(by=None, unit=unit(code), year=2024, rating=XS)


def test_the_unit_page_records_the_roster_and_the_collective_title_is_judged_on_it(cast):
    _rated()
    before = check_collective(unit("bac-giang"), DVQT, 2024)
    assert before.eligible is None  # nobody recorded in the unit: the roster is unknown
    client = cast.client(cast.officer_a)
    response = client.post("/khen-thuong/don-vi/bac-giang/quan-so/", ROSTER)
    assert response.status_code == 302
    page = client.get("/khen-thuong/don-vi/bac-giang/").content.decode()
    assert 'id="rosters"' in page and "210" in page and "Ghi quân số" in page
    row = UnitYearRoster.objects.get(unit__code="bac-giang", year=2024)
    assert AuditRecord.objects.filter(action="create", object_pk=str(row.pk)).exists()
    verdict = check_collective(unit("bac-giang"), DVQT, 2024)
    assert verdict.eligible is True, verdict.summary
    assert any("210/300" in c.detail for c in verdict.conditions)
    client.post("/khen-thuong/don-vi/bac-giang/quan-so/", {**ROSTER, "advanced": 209})
    assert check_collective(unit("bac-giang"), DVQT, 2024).eligible is False


def test_a_count_above_the_roster_is_refused_with_the_field_named(cast):
    client = cast.client(cast.officer_a)
    response = client.post(
        "/khen-thuong/don-vi/bac-giang/quan-so/", {**ROSTER, "advanced": 301}, follow=True
    )
    text = response.content.decode()
    assert "Số đạt Chiến sĩ tiên tiến (301) vượt tổng quân số (300)" in text
    assert not UnitYearRoster.objects.exists()


def test_another_units_officer_may_not_record_the_roster(cast):
    response = cast.client(cast.officer_b).post("/khen-thuong/don-vi/bac-giang/quan-so/", ROSTER)
    assert response.status_code == 403
    assert not UnitYearRoster.objects.exists()


def _api(user):

    _, token = ApiToken.issue(user, "kiểm thử quân số")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_records_and_lists_the_roster(cast):
    _rated()
    api = _api(cast.officer_a)
    response = api.post(
        "/api/v1/units/bac-giang/rosters", json.dumps(ROSTER), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["advanced"] == 210
    listed = api.get("/api/v1/units/bac-giang/rosters").json()
    assert [r["year"] for r in listed] == [2024]
    verdict = api.get(
        "/api/v1/eligibility", {"unit": "bac-giang", "award": DVQT, "year": 2024}
    ).json()
    assert verdict["eligible"] is True
    refused = _api(cast.officer_b).post(
        "/api/v1/units/bac-giang/rosters", json.dumps(ROSTER), content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_api_refuses_counts_above_the_roster(cast):
    response = _api(cast.officer_a).post(
        "/api/v1/units/bac-giang/rosters",
        json.dumps({**ROSTER, "emulation": 400}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "vượt tổng quân số" in response.content.decode()
