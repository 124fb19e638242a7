"""The results and cross-inspection API (/api/v1/clusters/…), with a Bearer token and with the
browser's session + CSRF token: the same rules as the pages, errors as Vietnamese JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from thidua.api.models import ApiToken
from thidua.cycle.models import Cycle, Inspection, ResultSheet
from thidua.org.models import User

pytestmark = pytest.mark.django_db

LAO_CAI = "/api/v1/clusters/2025/3/units/lao-cai-2025/results"
INSPECTIONS_2021 = "/api/v1/clusters/2021/3/inspections"


def bearer(username_or_user) -> dict:
    user = (
        username_or_user
        if isinstance(username_or_user, User)
        else User.objects.get(username=username_or_user)
    )
    _, token = ApiToken.issue(user, "kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def put(client: Client, url: str, body: dict, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


def test_unit_officer_reads_saves_and_submits_the_units_results_with_a_token():
    auth = bearer("canbo.laocai")
    body = Client().get(LAO_CAI, **auth).json()
    assert (body["state"], body["can_edit"], body["unit"]["code"]) == (
        "draft",
        True,
        "lao-cai-2025",
    )
    assert body["self_assessment"] is None
    version = body["version"]

    saved = put(
        Client(),
        LAO_CAI,
        {
            "values": {**body["values"], "TP1": "92,5", "DA1": "533.300", "ANQG3": "có"},
            "remarks": body["remarks"],
            "version": version,
        },
        **auth,
    )
    assert saved.status_code == 200, saved.content
    saved = saved.json()
    assert saved["values"]["TP1"] == "92.5" and saved["values"]["DA1"] == "533300"
    assert saved["values"]["ANQG3"] is True and saved["version"] == version + 1

    submitted = Client().post(
        LAO_CAI + "/submit",
        json.dumps({"version": saved["version"]}),
        content_type="application/json",
        **auth,
    )
    assert submitted.status_code == 200, submitted.content
    submitted = submitted.json()
    assert submitted["state"] == "submitted" and submitted["can_edit"] is False
    tp1 = next(c for c in submitted["self_assessment"]["criteria"] if c["code"] == "TP1")
    assert "92,5%" in tp1["formula"] and tp1["missing"] is False
    assert submitted["self_assessment"]["total"] is not None

    again = put(
        Client(), LAO_CAI, {"values": {"TP1": "1"}, "version": submitted["version"]}, **auth
    )
    assert again.status_code == 409 and "đã gửi" in again.json()["detail"]


def test_a_stale_version_is_409_and_nothing_is_overwritten():
    auth = bearer("canbo.laocai")
    body = Client().get(LAO_CAI, **auth).json()
    first = put(
        Client(),
        LAO_CAI,
        {
            "values": {**body["values"], "TP1": "90"},
            "remarks": body["remarks"],
            "version": body["version"],
        },
        **auth,
    )
    assert first.status_code == 200
    second = put(
        Client(),
        LAO_CAI,
        {
            "values": {**body["values"], "TP1": "80"},
            "remarks": body["remarks"],
            "version": body["version"],
        },
        **auth,
    )
    assert second.status_code == 409
    assert "đã được người khác cập nhật" in second.json()["detail"]
    assert ResultSheet.objects.get(unit__code="lao-cai-2025").values["TP1"] == "90"


def test_bad_values_are_422_per_criterion_in_vietnamese():
    auth = bearer("canbo.laocai")
    version = Client().get(LAO_CAI, **auth).json()["version"]
    response = put(
        Client(),
        LAO_CAI,
        {"values": {"TP1": "chín mươi", "KHONG_CO": "1"}, "version": version},
        **auth,
    )
    assert response.status_code == 422
    errors = {e["loc"][0]: e["message"] for e in response.json()["errors"]}
    assert "không phải là số" in errors["TP1"] and "không có tiêu chí" in errors["KHONG_CO"]
    missing_version = put(Client(), LAO_CAI, {"values": {}}, **auth)
    assert missing_version.status_code == 422
    assert missing_version.json()["errors"] == [
        {"loc": ["version"], "message": "Thiếu trường bắt buộc."}
    ]


def test_submitting_without_a_required_value_is_422():
    auth = bearer("canbo.laocai")
    body = Client().get(LAO_CAI, **auth).json()
    values = {k: v for k, v in body["values"].items() if k != "TP1"}
    saved = put(
        Client(),
        LAO_CAI,
        {"values": values, "remarks": body["remarks"], "version": body["version"]},
        **auth,
    )
    assert saved.status_code == 200
    # No body: submit what is saved.
    response = Client().post(LAO_CAI + "/submit", content_type="application/json", **auth)
    assert response.status_code == 422
    assert "chưa nhập số liệu" in response.json()["errors"][0]["message"]


def test_other_units_draft_is_404_and_another_units_sheet_cannot_be_written():
    assert Client().get(LAO_CAI, **bearer("canbo.cao-bang")).status_code == 404
    secretariat = bearer("thuongtruc.caobang")
    assert Client().get(LAO_CAI, **secretariat).status_code == 200  # the secretariat follows drafts
    response = put(Client(), LAO_CAI, {"values": {}, "version": 1}, **secretariat)
    assert response.status_code == 403 and "chính đơn vị" in response.json()["detail"]
    assert Client().get(LAO_CAI).status_code == 401


def test_session_writes_need_the_csrf_token(reference):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="canbo.laocai"))
    body = client.get(LAO_CAI).json()
    payload = {"values": body["values"], "remarks": body["remarks"], "version": body["version"]}
    refused = put(client, LAO_CAI, payload)
    assert refused.status_code in (401, 403)
    assert ResultSheet.objects.get(unit__code="lao-cai-2025").version == body["version"]
    client.get("/cum-thi-dua/2025/3/thi-dua/so-lieu/")  # a page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = put(client, LAO_CAI, payload, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200 and accepted.json()["version"] == body["version"] + 1


def test_inspector_lists_only_assigned_inspections_and_scores_one(world):
    auth = bearer(world.cast.inspector)
    listed = Client().get(INSPECTIONS_2021, **auth).json()
    assert sorted(i["unit"]["code"] for i in listed) == [
        "hoa-binh",
        "phu-tho",
        "thai-nguyen",
        "yen-bai",
    ]
    assert len(Client().get(INSPECTIONS_2021, **bearer(world.cast.secretariat)).json()) == 8
    own = Client().get(INSPECTIONS_2021, **bearer(world.cast.officer_a)).json()
    assert [i["unit"]["code"] for i in own] == ["bac-giang"]  # its own, once submitted
    other = world.inspection("bac-giang")
    assert Client().get(f"{INSPECTIONS_2021}/{other.pk}", **auth).status_code == 404

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
    inspection = world.inspection("phu-tho")
    Inspection.objects.filter(pk=inspection.pk).update(state="draft", version=1)
    url = f"{INSPECTIONS_2021}/{inspection.pk}"
    body = Client().get(url, **auth).json()
    assert body["can_edit"] is True and body["reported"]["TP1"] == body["values"]["TP1"]

    changed = {**body["values"], "TP1": "70"}
    response = put(
        Client(), url, {"values": changed, "remarks": body["remarks"], "version": 1}, **auth
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["TP1"]
    remarks = {**body["remarks"], "TP1": "Chỉ 70% hồ sơ đủ căn cứ."}
    saved = put(Client(), url, {"values": changed, "remarks": remarks, "version": 1}, **auth)
    assert saved.status_code == 200 and saved.json()["version"] == 2
    submitted = Client().post(
        url + "/submit", json.dumps({"version": 2}), content_type="application/json", **auth
    )
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["state"] == "submitted" and body["score"]["total"] is not None
    assert any(d["code"] == "TP1" for d in body["discrepancies"])
    again = Client().post(url + "/submit", content_type="application/json", **auth)
    assert again.status_code == 409


def test_approver_reads_an_inspection_but_may_not_score_it(world):
    """Hòa Bình is not the leader unit: its inspection is the team's (and the secretariat's). The
    leader's own is the one the Ministry stands in for (tests/cycle/test_own_unit.py)."""
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
    inspection = world.inspection("hoa-binh")
    Inspection.objects.filter(pk=inspection.pk).update(state="draft")
    url = f"{INSPECTIONS_2021}/{inspection.pk}"
    auth = bearer(world.cast.approver)
    assert Client().get(url, **auth).json()["can_edit"] is False
    response = put(Client(), url, {"values": {}, "version": 1}, **auth)
    assert response.status_code == 403


def test_every_error_is_documented_in_the_openapi_schema(world):
    client = world.cast.client(world.cast.approver)
    schema = client.get("/api/v1/openapi.json").json()
    results = schema["paths"]["/api/v1/clusters/{year}/{number}/units/{code}/results"]
    assert set(results["put"]["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    submit = schema["paths"]["/api/v1/clusters/{year}/{number}/inspections/{inspection_id}/submit"]
    assert "409" in submit["post"]["responses"]
