"""Reading a report into a results sheet through the API (issue 19): the same steps as the page
"Đọc số liệu từ báo cáo", with a Bearer token; refusals in Vietnamese JSON."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.test_cycle_results_api import bearer
from thidua.cycle.models import ResultSheet

pytestmark = pytest.mark.django_db

READINGS = "/api/v1/clusters/2025/3/units/lao-cai-2025/results/readings"
REPORT = (
    "Năm 2025, tỷ lệ điều tra khám phá án hình sự đạt 91,6%.\n"
    "Tỷ lệ giải quyết tin báo, tố giác tội phạm và kiến nghị khởi tố đạt 94,2%.\n"
).encode()


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="lao-cai-2025")


def test_officer_uploads_a_report_then_accepts_one_value_through_the_api():
    auth = bearer("canbo.laocai")
    before = dict(lao_cai().values)
    created = Client().post(READINGS, {"file": SimpleUploadedFile("bao-cao.txt", REPORT)}, **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    by_code = {s["criterion"]: s for s in body["suggestions"]}
    assert by_code["TP1"]["value"] == 91.6
    assert by_code["TP1"]["criterion_name"] == "Tỷ lệ điều tra khám phá án hình sự"
    figure = body["figures"][by_code["TP1"]["figure"]]
    assert (figure["value"], figure["unit"]) == (91.6, "%") and "91,6%" in figure["evidence"]
    assert lao_cai().values == before  # nothing enters the sheet on upload

    accepted = Client().post(
        f"{READINGS}/{body['id']}/accept",
        json.dumps({"values": {"TP1": "91,6"}, "version": body["sheet_version"]}),
        content_type="application/json",
        **auth,
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["sheet_values"]["TP1"] == "91.6"
    assert accepted.json()["accepted"]["TP1"]["figure"] == by_code["TP1"]["figure"]
    assert lao_cai().values["TP1"] == "91.6"
    listed = Client().get(READINGS, **bearer("thuongtruc.caobang"))
    assert listed.status_code == 200 and listed.json()[0]["accepted"]["TP1"]["value"] == "91.6"


def test_a_criterion_without_a_suggestion_is_refused_and_nothing_changes():
    auth = bearer("canbo.laocai")
    created = Client().post(READINGS, {"file": SimpleUploadedFile("bao-cao.txt", REPORT)}, **auth)
    reading = created.json()
    before = dict(lao_cai().values)
    refused = Client().post(
        f"{READINGS}/{reading['id']}/accept",
        json.dumps({"values": {"TP1": "91,6", "DA1": "500"}}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422
    assert "Chỉ nhận được giá trị của tiêu chí có gợi ý" in refused.content.decode()
    assert lao_cai().values == before


def test_a_damaged_report_is_refused_with_a_vietnamese_message():
    refused = Client().post(
        READINGS,
        {"file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 rac")},
        **bearer("canbo.laocai"),
    )
    assert refused.status_code == 422
    assert "PDF bị hỏng" in refused.content.decode()
