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


def _filled(client, rows) -> bytes:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/khen-thuong/don-vi/bac-giang/quan-so/excel/")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    ws = wb.active
    assert [c.value for c in ws[3]][:2] == ["Năm", "Tổng quân số"]
    for i, row in enumerate(rows, start=4):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j, value)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("quan-so.xlsx", data)
    return client.post(
        "/khen-thuong/don-vi/bac-giang/quan-so/excel/", {"file": upload}, follow=True
    )


def test_the_roster_is_given_by_excel_for_several_years(cast):
    _rated()
    client = cast.client(cast.officer_a)
    data = _filled(client, [[2024, 300, 300, 210, 4, 0, 0], [2023, 280, None, "150", 2]])
    response = _upload(client, data)
    assert "Đã nhập quân số từ tệp Excel" in response.content.decode()
    assert sorted(UnitYearRoster.objects.values_list("year", "advanced")) == [
        (2023, 150),
        (2024, 210),
    ]
    assert check_collective(unit("bac-giang"), DVQT, 2024).eligible is True
    again = _filled(client, [])  # the download carries the years already declared
    assert _upload(client, again).status_code == 200
    assert UnitYearRoster.objects.count() == 2


def test_an_excel_error_names_row_and_column_and_keeps_nothing(cast):
    client = cast.client(cast.officer_a)
    data = _filled(client, [[2024, 300, 301], [2023, "ba trăm"]])
    text = _upload(client, data).content.decode()
    assert "Dòng 5, cột “Tổng quân số”: “ba trăm” không phải số nguyên" in text
    assert not UnitYearRoster.objects.exists()
    text = _upload(client, _filled(client, [[2024, 300, 301]])).content.decode()
    assert "Dòng 4, cột “Hoàn thành nhiệm vụ trở lên”" in text and "vượt tổng quân số" in text
    assert not UnitYearRoster.objects.exists()
    text = _upload(client, b"not a workbook").content.decode()
    assert not UnitYearRoster.objects.exists() and "Excel" in text
