"""GET /api/v1/statistics (the statistics page's filters, a unit found by its name) and
GET /api/v1/decisions/{id}/certificates.pdf (the certificate page's PDF, same access helper)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.honours.ladder_api_decisions import ministry_decision
from tests.honours.test_statistics import YEAR, _register
from thidua.honours.models import Decision

from .conftest import award_to, person, unit

pytestmark = pytest.mark.django_db


def _client(cast, who):
    from django.test import Client

    from thidua.api.models import ApiToken

    token = ApiToken.issue(getattr(cast, who), "kiểm thử")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("typed", ["Lai Châu", "lai chau"])
def test_statistics_api_counts_as_the_page_with_a_unit_found_by_its_name(cast, typed):
    _register()
    award_to(person("lai-chau", name="Lò Văn Châu"), "chien_si_tien_tien", YEAR)
    award_to(unit("lai-chau"), "don_vi_tien_tien", YEAR)
    client = _client(cast, "approver")

    everything = client.get("/api/v1/statistics", {"year_from": YEAR, "year_to": YEAR}).json()
    assert (everything["total"]["collectives"], everything["total"]["individuals"]) == (4, 5)
    response = client.get("/api/v1/statistics", {"year_from": YEAR, "year_to": YEAR, "unit": typed})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == {
        "label": "Tổng cộng",
        "collectives": 1,
        "individuals": 1,
        "total": 2,
    }
    assert [p["label"] for p in body["by_unit"]] == ["Công an tỉnh Lai Châu"]
    assert "Lai Châu" in body["described"]


def test_statistics_api_refuses_bad_filters_by_field_in_vietnamese(cast):
    response = _client(cast, "approver").get(
        "/api/v1/statistics", {"year_from": 2024, "year_to": 2020, "unit": "Sao Hỏa"}
    )
    assert response.status_code == 422
    errors = {e["loc"][0]: e["message"] for e in response.json()["errors"]}
    assert errors["unit"] == "Không có đơn vị nào có tên “Sao Hỏa”."
    assert errors["year_to"] == "Năm kết thúc (2020) trước năm bắt đầu (2024)."


def test_a_unit_officer_counts_only_collectives_outside_their_line(cast):
    _register()
    body = (
        _client(cast, "officer_b")
        .get("/api/v1/statistics", {"year_from": YEAR, "year_to": YEAR})
        .json()
    )
    assert (body["total"]["collectives"], body["total"]["individuals"]) == (3, 0)


def test_certificates_api_downloads_the_pdf_the_page_prints(world):
    decision = ministry_decision(world)
    approver = _client(world.cast, "approver").get(
        f"/api/v1/decisions/{decision.pk}/certificates.pdf"
    )
    assert approver.status_code == 200 and approver["Content-Type"] == "application/pdf"
    assert approver["Content-Disposition"].startswith("attachment;")
    page = world.cast.client(world.cast.approver).get(f"/in-phoi/quyet-dinh/{decision.pk}/phoi.pdf")
    assert page.status_code == 200
    pages = len(PdfReader(io.BytesIO(approver.content)).pages)
    assert pages == len(PdfReader(io.BytesIO(page.content)).pages) > 1
    # Bắc Giang's officer prints Bắc Giang's line only.
    officer = _client(world.cast, "officer_a").get(
        f"/api/v1/decisions/{decision.pk}/certificates.pdf"
    )
    assert officer.status_code == 200
    assert len(PdfReader(io.BytesIO(officer.content)).pages) == 1 < pages
    text = PdfReader(io.BytesIO(officer.content)).pages[0].extract_text()
    assert "Bắc Giang" in text


def test_certificates_api_refuses_a_draft_bad_offsets_and_strangers(world):
    decision = ministry_decision(world)
    client = _client(world.cast, "approver")
    bad = client.get(f"/api/v1/decisions/{decision.pk}/certificates.pdf", {"x": "abc"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["message"].startswith("Dịch ngang phải là số mm")
    stranger = _client(world.cast, "officer_b").get(
        f"/api/v1/decisions/{decision.pk}/certificates.pdf"
    )
    assert stranger.status_code == 404
    Decision.objects.filter(pk=decision.pk).update(state=Decision.State.DRAFT)
    draft = client.get(f"/api/v1/decisions/{decision.pk}/certificates.pdf")
    assert draft.status_code == 409
    assert "Chỉ in bằng, giấy khen từ quyết định đã ký ban hành" in draft.json()["detail"]


def test_the_openapi_documents_every_error_of_both_operations():
    from thidua.api.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    stats = paths["/api/v1/statistics"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(map(str, stats))
    certs = paths["/api/v1/decisions/{decision_id}/certificates.pdf"]["get"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(map(str, certs))
    assert "application/pdf" in certs["200"]["content"]
