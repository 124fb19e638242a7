"""The eligibility API in words an officer reads (issue 15): the rule's title and the legal title
of the rule set, an either/or branch not needed, unverified bases withheld, and a consideration
date before the year's end refused on its field."""

from __future__ import annotations

import pytest

from tests.honours.conftest import CSTDCS, CSTT, TOT, person
from tests.honours.test_api import bearer
from thidua.engine.eligibility_model import UNVERIFIED_BASIS

pytestmark = pytest.mark.django_db
BK_BO = "bang_khen_bo_cong_an"


def test_the_verdict_reads_in_words_with_the_branch_not_needed(cast):
    p = person("bac-giang", titles={CSTDCS: [2023, 2024]})
    body = (
        bearer(cast.officer_a)
        .get("/api/v1/eligibility", {"person": p.pk, "award": BK_BO, "year": 2024})
        .json()
    )
    assert body["eligible"] is True
    assert body["ruleset_title"].startswith("Luật Thi đua, khen thưởng 2022")
    either = next(c for c in body["conditions"] if c["kind"] == "all_of" or c["kind"] == "any_of")
    assert either["rule_title"].startswith("Bằng khen của Bộ trưởng Bộ Công an")
    assert [c["status"] for c in either["children"]] == ["met", "not_needed"]


def test_an_unverified_basis_is_withheld_from_officers(cast):
    import datetime as dt

    p = person("bac-giang", ratings={2024: TOT})
    p.add_discipline(
        by=None, form="khien_trach", start=dt.date(2024, 2, 1), end=dt.date(2024, 8, 31)
    )
    body = (
        bearer(cast.officer_a)
        .get("/api/v1/eligibility", {"person": p.pk, "award": CSTT, "year": 2024})
        .json()
    )
    assert body["eligible"] is False
    (failing,) = [c for c in body["conditions"] if c["status"] == "not_met"]
    assert failing["legal_basis"] == UNVERIFIED_BASIS
    assert "thời gian tính thành tích" in failing["detail"]
    assert "12/2019" not in str(body) and "91/2017" not in str(body)


def test_a_consideration_date_before_the_years_end_is_refused_on_as_of(cast):
    p = person("bac-giang", ratings={2024: TOT})
    response = bearer(cast.officer_a).get(
        "/api/v1/eligibility", {"person": p.pk, "award": CSTT, "year": 2024, "as_of": "2024-06-30"}
    )
    assert response.status_code == 422
    assert "trước khi kết thúc năm thi đua 2024" in response.content.decode()


def test_the_page_shows_an_unverified_basis_to_rule_set_administrators_only(cast):
    import datetime as dt

    p = person("bac-giang", ratings={2024: TOT})
    p.add_discipline(
        by=None, form="khien_trach", start=dt.date(2024, 2, 1), end=dt.date(2024, 8, 31)
    )
    url = f"/khen-thuong/xet-dieu-kien/?person={p.pk}&award={CSTT}&year=2024"
    officer = cast.client(cast.officer_a).get(url).content.decode()
    assert UNVERIFIED_BASIS in officer and "Còn mở" not in officer
    assert "R15" not in officer
    assert ">Luật Thi đua, khen thưởng 2022 (06/2022/QH15), Nghị định 98/2023/NĐ-CP</a>" in officer
    admin = cast.client(cast.approver).get(url).content.decode()
    assert "Còn mở" in admin and "Nghị định 98/2023/NĐ-CP, Điều 4" in admin


def test_the_award_may_be_named_as_written_and_an_unknown_name_is_an_error(cast):
    p = person("bac-giang", titles={CSTDCS: [2023, 2024]})
    client = bearer(cast.officer_a)
    named = {"person": p.pk, "award": "Bằng khen của Bộ Công an", "year": 2024}
    body = client.get("/api/v1/eligibility", named).json()
    assert body["award"] == BK_BO and body["eligible"] is True
    response = client.get("/api/v1/eligibility", {**named, "award": "Huy hiệu lạ"})
    assert response.status_code == 422 and "không khớp" in response.content.decode()
