"""API: eligibility with every condition, a unit's commendations across mergers, people in scope."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.honours.conftest import CAND, CSTDCS, CSTT, DVQT, XS, award_to, person, unit
from thidua.api.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _, token = ApiToken.issue(user, "kiểm thử")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_eligibility_for_a_person_explains_every_condition(cast):
    p = person(
        "bac-giang", ratings={2024: XS}, titles={CSTDCS: [2022, 2024]}, initiatives=[(2024, "bo")]
    )
    body = (
        bearer(cast.officer_a)
        .get("/api/v1/eligibility", {"person": p.pk, "award": CAND, "year": 2024})
        .json()
    )
    assert body["eligible"] is False and body["ruleset"] == "luat-2022-nd-98-2023"
    failing = [c for c in body["conditions"] if c["status"] == "not_met"]
    assert [(c["rule_id"], c["legal_basis"]) for c in failing] == [
        ("R04", "Luật Thi đua, khen thưởng 2022, Điều 22")
    ]
    assert "thiếu năm 2023" in body["summary"]


def test_eligibility_of_another_units_person_is_404_and_bad_input_422(cast):
    p = person("bac-giang")
    client = bearer(cast.officer_b)
    response = client.get("/api/v1/eligibility", {"person": p.pk, "award": CSTT, "year": 2024})
    assert response.status_code == 404 and "đơn vị khác" in response.json()["detail"]
    assert client.get("/api/v1/eligibility", {"award": CSTT, "year": 2024}).status_code == 422
    response = client.get("/api/v1/eligibility", {"unit": "gia-lai", "award": CSTT, "year": 2024})
    assert (
        response.status_code == 422
        and "không xét tặng cho tập thể" in response.json()["errors"][0]["message"]
    )
    assert (
        Client()
        .get("/api/v1/eligibility", {"person": p.pk, "award": CSTT, "year": 2024})
        .status_code
        == 401
    )


def test_eligibility_for_a_unit(cast):
    body = (
        bearer(cast.approver)
        .get("/api/v1/eligibility", {"unit": "bac-giang", "award": DVQT, "year": 2024})
        .json()
    )
    assert body["eligible"] is None and body["candidate_id"] == "bac-giang"


def test_unit_commendations_follow_the_line_and_show_revocations(cast):
    award_to(unit("hoa-binh"), DVQT, 2023, decision_no="1/QĐ")
    kept = award_to(unit("hoa-binh"), DVQT, 2024, decision_no="2/QĐ")
    kept.revoke(
        by=cast.approver,
        decision_no="3/QĐ",
        decision_date=None,
        ground="xet_duyet_trai_quy_dinh",
        reason="Sai quy trình",
    )
    # The demo's signed 2021 decision gave the line its own records (Hòa Bình, Phú Thọ): set aside.
    rows = [
        r
        for r in bearer(cast.officer_b).get("/api/v1/units/phu-tho-2025/commendations").json()
        if r["year"] >= 2023
    ]
    assert [(r["unit_code"], r["year"], r["revoked"]) for r in rows] == [
        ("hoa-binh", 2024, True),
        ("hoa-binh", 2023, False),
    ]
    assert rows[0]["revocation_reason"] == "Sai quy trình"
    only = (
        bearer(cast.officer_b)
        .get("/api/v1/units/phu-tho-2025/commendations", {"revoked": False})
        .json()
    )
    assert [r["decision_no"] for r in only if r["year"] >= 2023] == ["1/QĐ"]
    assert bearer(cast.officer_b).get("/api/v1/units/khong-co/commendations").status_code == 404


def test_people_and_person_detail_are_scoped(cast):
    p = person("bac-giang", name="Hồ Sơ API", ratings={2024: XS}, titles={CSTT: [2024]})
    mine = bearer(cast.officer_a)
    assert [x["full_name"] for x in mine.get("/api/v1/people", {"q": "ho so api"}).json()] == [
        "Hồ Sơ API"
    ]
    detail = mine.get(f"/api/v1/people/{p.pk}").json()
    assert detail["ratings"][0]["label"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert detail["commendations"][0]["award_name"] == "Chiến sĩ tiên tiến"
    assert bearer(cast.officer_b).get(f"/api/v1/people/{p.pk}").status_code == 404
    assert bearer(cast.officer_b).get("/api/v1/people", {"q": "ho so api"}).json() == []


def test_suggestions_and_awards_catalogue(cast):
    person("bac-giang", name="Gợi Ý", ratings={2024: XS})
    rows = bearer(cast.officer_a).get("/api/v1/units/bac-giang/suggestions", {"year": 2024}).json()
    assert ("Gợi Ý", CSTT) in {(r["full_name"], r["award"]) for r in rows}
    assert (
        bearer(cast.officer_b)
        .get("/api/v1/units/bac-giang/suggestions", {"year": 2024})
        .status_code
        == 404
    )
    catalogue = bearer(cast.viewer).get("/api/v1/awards").json()
    assert any(a["code"] == CAND for a in catalogue["awards"])
