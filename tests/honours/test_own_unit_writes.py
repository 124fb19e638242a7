"""Each unit writes only as itself, and creating a record reveals nothing of another unit (issue 13).

Bắc Giang (the cast's officer_a) ended on 30/06/2025 and was merged into its successor: its
officer still reads the line's history, but writes nothing for the successor — people,
commendations, unit ratings — on the pages or through the API. An officer number held by a record
of another unit is answered like any malformed number, so uniqueness cannot be used to probe.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.honours.conftest import person, unit
from tests.honours.test_api_writes import Api, decision, locs
from tests.honours.test_import_export import filled
from thidua.honours.importers import import_workbook
from thidua.honours.models import Commendation, Person, UnitRating
from thidua.honours.models.people import OFFICER_CODE_REFUSED
from thidua.org.models import User

pytestmark = pytest.mark.django_db


def successor():
    bac_giang = unit("bac-giang")
    assert bac_giang.valid_to == dt.date(2025, 6, 30) and bac_giang.successor_id is not None
    return bac_giang.current()


def test_a_dissolved_units_officer_writes_nothing_for_its_successor_through_the_api(cast):
    heir = successor()
    api = Api(cast.officer_a)
    before = (Person.objects.count(), Commendation.objects.count(), UnitRating.objects.count())

    created = api.post(
        "/people",
        {
            "officer_code": "BN-1001",
            "full_name": "Hà Văn Mới",
            "unit": heir.code,
            "start": "2025-08-01",
        },
    )
    assert created.status_code == 403, created.content
    assert "đã hợp nhất vào" in created.json()["detail"]
    award = api.post("/commendations", decision(unit=heir.code, award_code="don_vi_tien_tien"))
    assert award.status_code == 403, award.content
    rating = api.post(f"/units/{heir.code}/ratings", {"year": 2025, "rating": "hoan_thanh_tot"})
    assert rating.status_code == 403, rating.content
    someone = person(heir.code, name="Vũ Thị Kế", since=dt.date(2025, 7, 1))
    edited = api.put(
        f"/people/{someone.pk}",
        {"version": someone.version, "full_name": "Vũ Thị Kế Sửa", "discipline_checked": True},
    )
    assert edited.status_code == 403
    assert (
        Person.objects.count() - 1,
        Commendation.objects.count(),
        UnitRating.objects.count(),
    ) == before
    # The history is still read through the line.
    assert api.get(f"/people/{someone.pk}").status_code == 200
    assert api.get(f"/units/{heir.code}/ratings").status_code == 200


def test_a_dissolved_units_officer_writes_nothing_for_its_successor_on_the_pages(cast):
    heir = successor()
    client = cast.client(cast.officer_a)
    form = client.get(reverse("honours_person_create")).content.decode()
    assert f'value="{heir.pk}"' not in form  # the successor is not offered
    refused = client.post(
        reverse("honours_person_create"),
        {
            "officer_code": "BN-1002",
            "full_name": "Hà Văn Mới",
            "unit": heir.pk,
            "start": "01/08/2025",
        },
    )
    assert refused.status_code == 422
    assert not Person.objects.filter(officer_code="BN-1002").exists()
    rating = client.post(
        reverse("honours_unit_rating", args=[heir.code]),
        {"year": 2025, "rating": "hoan_thanh_tot"},
    )
    assert rating.status_code == 403
    someone = person(heir.code, name="Vũ Thị Kế", since=dt.date(2025, 7, 1))
    assert client.get(reverse("honours_person", args=[someone.pk])).status_code == 200
    assert client.get(reverse("honours_person_edit", args=[someone.pk])).status_code == 403


def test_the_successors_officer_writes_the_dissolved_units_history(cast):
    heir = successor()
    officer = make_user("canbo.heir", User.Role.UNIT_OFFICER, heir.code)
    response = Api(officer).post(
        "/units/bac-giang/ratings", {"year": 2024, "rating": "hoan_thanh_xuat_sac"}
    )
    assert response.status_code == 200, response.content
    # And the dissolved unit's officer still keeps its own unit's records.
    own = Api(cast.officer_a).post(
        "/units/bac-giang/ratings", {"year": 2023, "rating": "hoan_thanh_tot"}
    )
    assert own.status_code == 200, own.content


# -- no probing through the officer number ------------------------------------------------------


def _create(api: Api, code: str):
    return api.post(
        "/people",
        {
            "officer_code": code,
            "full_name": "Thử Số Hiệu",
            "unit": "bac-giang",
            "start": "2020-01-01",
        },
    )


def test_another_units_officer_number_is_refused_like_a_malformed_one(cast):
    elsewhere = person("gia-lai", name="Rơ Mah Hiền")
    api = Api(cast.officer_a)
    taken = _create(api, elsewhere.officer_code)
    malformed = _create(api, "??")
    assert taken.status_code == malformed.status_code == 422
    assert taken.json() == malformed.json()
    assert locs(taken)["officer_code"] == OFFICER_CODE_REFUSED
    assert elsewhere.officer_code not in taken.content.decode()
    assert "đã có" not in taken.content.decode() and "Gia Lai" not in taken.content.decode()

    page = cast.client(cast.officer_a)
    form = {"full_name": "Thử Số Hiệu", "unit": unit("bac-giang").pk, "start": "01/01/2020"}
    answers = [
        page.post(reverse("honours_person_create"), {**form, "officer_code": code})
        for code in (elsewhere.officer_code, "??")
    ]
    assert [a.status_code for a in answers] == [422, 422]
    for answer in answers:
        html = answer.content.decode()
        assert "không dùng được cho hồ sơ mới" in html and "đã có" not in html


def test_a_number_already_in_the_officers_own_line_is_named_as_such(cast):
    mine = person("bac-giang", name="Ngô Văn Trùng")
    answer = _create(Api(cast.officer_a), mine.officer_code)
    assert answer.status_code == 422
    assert "đã có trong hồ sơ cán bộ thuộc phạm vi của bạn" in locs(answer)["officer_code"]


def test_the_excel_import_does_not_reveal_another_units_officer_number_either(cast):
    elsewhere = person("gia-lai", name="Rơ Mah Hiền")
    rows = [
        [code, "Thử Số Hiệu", "", "", "bac-giang", "", "01/03/2016"]
        for code in (elsewhere.officer_code, "??")
    ]
    result = import_workbook(filled({"Cán bộ": rows}), cast.officer_a)
    messages = [str(e) for e in result.errors]
    assert len(messages) == 2 and all(OFFICER_CODE_REFUSED in m for m in messages)
    assert not any("đã có" in m for m in messages)
