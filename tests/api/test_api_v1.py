"""The JSON API, first slice: units, clusters, token and session auth, Vietnamese JSON errors."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from thidua.api.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token(cast) -> str:
    _, plaintext = ApiToken.issue(cast.officer_a, "kiểm thử")
    return plaintext


def test_anonymous_request_gets_401_with_a_vietnamese_message(reference):
    response = Client().get("/api/v1/units")
    assert response.status_code == 401
    assert "đăng nhập" in response.json()["detail"]


def test_units_search_without_diacritics_finds_hoa_binh(token):
    response = Client().get("/api/v1/units", {"q": "hoa binh", "year": 2021}, **bearer(token))
    assert response.status_code == 200
    assert [u["code"] for u in response.json()] == ["hoa-binh"]


def test_units_of_2026_are_the_34_provinces_and_ministry_bodies(token):
    units = Client().get("/api/v1/units", {"year": 2026}, **bearer(token)).json()
    provinces = [u for u in units if u["kind"] == "province_police"]
    assert len(provinces) == 34


def test_unit_detail_shows_the_merger_lineage(token):
    body = Client().get("/api/v1/units/phu-tho-2025", **bearer(token)).json()
    assert {u["short_name"] for u in body["lineage"]} >= {"Hòa Bình", "Vĩnh Phúc", "Phú Thọ"}
    assert (
        Client().get("/api/v1/units/hoa-binh", **bearer(token)).json()["successor"]
        == "phu-tho-2025"
    )


def test_unknown_unit_is_404_in_vietnamese(token):
    response = Client().get("/api/v1/units/khong-co", **bearer(token))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị."}


def test_clusters_are_scoped_to_the_users_unit(cast, token):
    years = {
        (c["year"], c["number"]) for c in Client().get("/api/v1/clusters", **bearer(token)).json()
    }
    assert years == {(2021, 3)}
    assert Client().get("/api/v1/clusters/2022/6", **bearer(token)).status_code == 404
    body = Client().get("/api/v1/clusters/2021/3", **bearer(token)).json()
    assert body["leader"]["short_name"] == "Yên Bái"
    assert len(body["members"]) == 8


def test_ministry_approver_sees_every_cluster_of_a_year(cast):
    client = cast.client(cast.approver)
    clusters = client.get("/api/v1/clusters", {"year": 2025}).json()
    assert {c["number"] for c in clusters} == {3, 4}


def test_bad_query_parameter_is_422_with_field_errors_in_vietnamese(token):
    response = Client().get("/api/v1/units", {"year": "hai nghìn"}, **bearer(token))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Dữ liệu gửi lên không hợp lệ."
    assert body["errors"][0]["message"] == "Phải là số nguyên."


def test_revoked_token_no_longer_authenticates(cast, token):
    assert Client().get("/api/v1/units", **bearer(token)).status_code == 200
    ApiToken.objects.get(user=cast.officer_a).revoke(by=cast.officer_a)
    assert Client().get("/api/v1/units", **bearer(token)).status_code == 401


def test_tokens_are_stored_only_as_a_digest(cast, token):
    stored = ApiToken.objects.get(user=cast.officer_a)
    assert token not in (stored.digest, stored.prefix) and len(stored.digest) == 64


def test_create_token_command_prints_a_working_token(cast):
    out = io.StringIO()
    call_command("create_token", cast.viewer.username, stdout=out)
    plaintext = out.getvalue().strip()
    assert Client().get("/api/v1/clusters/2021/3", **bearer(plaintext)).status_code == 200


def test_demo_accounts_command_lists_accounts_as_json(reference):
    out = io.StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    accounts = json.loads(out.getvalue())
    roles = {a["role"] for a in accounts}
    assert roles == {"ministry_approver", "secretariat", "unit_officer", "inspector", "viewer"}
    assert all(a["password"] and a["unit"] for a in accounts)
    first = accounts[0]
    response = Client().post(
        "/dang-nhap/", {"username": first["username"], "password": first["password"]}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_openapi_document_lists_the_endpoints(cast):
    spec = cast.client(cast.viewer).get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/clusters",
        "/api/v1/clusters/{year}/{number}",
    ]:
        assert path in spec["paths"]


def test_json_carries_vietnamese_letters_unescaped(token):
    response = Client().get("/api/v1/units/hoa-binh", **bearer(token))
    assert "Công an tỉnh Hòa Bình".encode() in response.content


def test_openapi_document_needs_a_signed_in_user(reference):
    assert Client().get("/api/v1/openapi.json").status_code == 302
