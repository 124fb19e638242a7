"""A unit's subordinate units (phòng, đội, Công an xã) and their year rosters, given on the page,
by Excel and through the API, so that a team's collective titles are judged from its year data
without entering hundreds of officers (issue 15, last item)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest
from django.test import Client

from tests.honours.conftest import DVQT, unit
from thidua.api.models import ApiToken
from thidua.audit.models import AuditRecord
from thidua.honours.eligibility import check_collective
from thidua.honours.models import UnitRating, UnitYearRoster
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db

TEAM = "Đội Cảnh sát giao thông số 1"
ROW = {
    "year": 2024,
    "name": TEAM,
    "level": "sub_base",
    "parent": "",
    "rating": "hoan_thanh_xuat_sac",
    "members": 30,
    "completed": 30,
    "advanced": 24,
    "emulation": 2,
    "reprimanded": 0,
    "warned": 0,
}


def bearer(user) -> Client:
    _, token = ApiToken.issue(user, "kiểm thử đơn vị trực thuộc")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client: Client, url: str, body) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_team_and_its_roster_given_through_the_api_get_the_collective_verdict(cast):
    api = bearer(cast.officer_a)
    phong = post(
        api,
        "/api/v1/units/bac-giang/teams",
        {"name": "Phòng Cảnh sát giao thông", "level": "Cấp cơ sở"},
    )
    assert phong.status_code == 201, phong.content
    decomposed = unicodedata.normalize("NFD", TEAM) + "  "
    response = post(
        api,
        "/api/v1/units/bac-giang/teams/rosters",
        {"rows": [{**ROW, "name": decomposed, "parent": "phòng cảnh sát giao thông"}]},
    )
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert row["name"] == TEAM and row["parent_name"] == "Phòng Cảnh sát giao thông"
    assert row["roster"]["advanced"] == 24 and row["rating"] == "hoan_thanh_xuat_sac"
    team = Unit.objects.get(code=row["code"])
    assert team.kind == Unit.Kind.SUBORDINATE and team.level == Unit.Level.SUB_BASE
    assert team.parent.parent == unit("bac-giang")
    assert AuditRecord.objects.filter(action="create", object_pk=str(team.pk)).exists()
    roster = UnitYearRoster.objects.get(unit=team, year=2024)
    assert AuditRecord.objects.filter(action="create", object_pk=str(roster.pk)).exists()

    verdict = api.get(
        "/api/v1/eligibility", {"unit": team.code, "award": DVQT, "year": 2024}
    ).json()
    assert verdict["eligible"] is True, verdict
    listed = api.get("/api/v1/units/bac-giang/teams", {"year": 2024}).json()
    assert [(t["name"], t["depth"]) for t in listed] == [
        ("Phòng Cảnh sát giao thông", 0),
        (TEAM, 1),
    ]
    # 23 of 30 is below 70 %: the same team, a new count, the opposite verdict.
    post(api, "/api/v1/units/bac-giang/teams/rosters", {"rows": [{**ROW, "advanced": 20}]})
    assert check_collective(team, DVQT, 2024).eligible is False
    assert Unit.objects.filter(kind=Unit.Kind.SUBORDINATE).count() == 2


def test_a_unit_manages_only_its_own_teams_and_viewers_read(cast):
    post(bearer(cast.officer_a), "/api/v1/units/bac-giang/teams/rosters", {"rows": [ROW]})
    team = Unit.objects.get(kind=Unit.Kind.SUBORDINATE)
    other = bearer(cast.officer_b)
    assert (
        post(
            other, "/api/v1/units/bac-giang/teams", {"name": "Đội 9", "level": "sub_base"}
        ).status_code
        == 403
    )
    assert post(other, "/api/v1/units/bac-giang/teams/rosters", {"rows": [ROW]}).status_code == 403
    assert (
        post(other, f"/api/v1/units/{team.code}/rosters", {"year": 2024, "members": 1}).status_code
        == 403
    )
    assert (
        other.get(
            "/api/v1/eligibility", {"unit": team.code, "award": DVQT, "year": 2024}
        ).status_code
        == 404
    )
    viewer = bearer(cast.viewer)
    assert (
        viewer.get("/api/v1/units/bac-giang/teams", {"year": 2024}).json()[0]["roster"]["members"]
        == 30
    )
    assert post(viewer, "/api/v1/units/bac-giang/teams/rosters", {"rows": [ROW]}).status_code == 403
    assert UnitYearRoster.objects.get(unit=team).advanced == 24


def test_the_api_names_each_bad_row_and_field_and_keeps_nothing(cast):
    response = post(
        bearer(cast.officer_a),
        "/api/v1/units/bac-giang/teams/rosters",
        {
            "rows": [
                {**ROW, "name": "Đội 1"},
                {**ROW, "name": "Đội 2", "advanced": 31},
                {**ROW, "name": "Đội 3", "level": "phường", "members": -5},
            ]
        },
    )
    assert response.status_code == 422, response.content
    errors = {tuple(e["loc"]): e["message"] for e in response.json()["errors"]}
    assert (
        errors[("rows", "1", "advanced")]
        == "Số đạt Chiến sĩ tiên tiến (31) vượt tổng quân số (30)."
    )
    assert errors[("rows", "2", "level")].startswith("Cấp “phường” không hợp lệ")
    assert errors[("rows", "2", "members")] == (
        "Tổng quân số phải là số nguyên từ 0 đến 1.000.000 (đang là -5)."
    )
    assert not Unit.objects.filter(kind=Unit.Kind.SUBORDINATE).exists()
    assert not UnitYearRoster.objects.exists() and not UnitRating.objects.exists()


# -- the page ----------------------------------------------------------------------------------

PAGE = "/khen-thuong/don-vi/bac-giang/truc-thuoc/"


def test_the_page_registers_teams_and_gives_a_teams_roster_for_its_verdict(cast):
    client = cast.client(cast.officer_a)
    response = client.post(
        PAGE + "them/", {"name": " Phòng  Cảnh sát giao thông ", "level": "base"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(
        PAGE + "them/",
        {"name": TEAM, "level": "sub_base", "parent": "Phòng Cảnh sát giao thông"},
    )
    team = Unit.objects.get(name=TEAM)
    assert team.parent.name == "Phòng Cảnh sát giao thông"  # NFC, one space
    form = {k: v for k, v in ROW.items() if k not in ("level", "parent")}
    response = client.post(PAGE + "quan-so/", form)
    assert response.status_code == 302
    page = client.get(PAGE, {"nam": 2024}).content.decode()
    assert TEAM in page and "Hoàn thành xuất sắc nhiệm vụ" in page and ">24<" in page
    verdict = check_collective(team, DVQT, 2024)
    assert verdict.eligible is True, verdict.summary
    assert any("24/30" in c.detail for c in verdict.conditions)
    assert any(  # every count from the roster says where it comes from
        c.detail.startswith("Có 2 cá nhân") and "theo quân số đơn vị khai năm 2024" in c.detail
        for c in verdict.conditions
    )
    checked = client.get(
        "/khen-thuong/xet-dieu-kien/", {"unit": team.code, "award": DVQT, "year": 2024}
    )
    assert checked.status_code == 200 and "24/30" in checked.content.decode()
    # A viewer reads the list; another unit's officer may not write it.
    assert cast.client(cast.viewer).get(PAGE, {"nam": 2024}).status_code == 200
    refused = cast.client(cast.officer_b).post(PAGE + "quan-so/", {**form, "advanced": 1})
    assert refused.status_code == 403
    assert UnitYearRoster.objects.get(unit=team).advanced == 24


# -- Excel -------------------------------------------------------------------------------------


def _sheet(client, rows, year: int = 2024) -> bytes:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(PAGE + "excel/", {"nam": year})
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    ws = wb.active
    assert [c.value for c in ws[3]][:3] == ["Năm", "Tên đơn vị trực thuộc", "Cấp"]
    for i, row in enumerate(rows, start=ws.max_row + 1):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j, value)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, data: bytes) -> str:
    import html

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        PAGE + "excel/?nam=2024",
        {"file": SimpleUploadedFile("truc-thuoc.xlsx", data)},
        follow=True,
    )
    return html.unescape(response.content.decode())


EXCEL_ROWS = [
    [2024, "Phòng Cảnh sát giao thông", "Cấp cơ sở", None, "Hoàn thành tốt nhiệm vụ", 80],
    [
        2024,
        TEAM,
        "cấp dưới cơ sở",
        "Phòng Cảnh sát giao thông",
        "Hoàn thành xuất sắc nhiệm vụ",
        30,
        30,
        24,
        2,
        0,
        0,
    ],
    [2024, "Công an phường Trần Nguyên Hãn", "Cấp dưới cơ sở", None, None, 45, None, 20],
]


def test_the_teams_and_their_rosters_are_given_by_excel(cast):
    client = cast.client(cast.officer_a)
    text = _upload(client, _sheet(client, EXCEL_ROWS))
    assert "Đã nhập 3 dòng quân số đơn vị trực thuộc" in text
    team = Unit.objects.get(name=TEAM)
    assert team.parent.name == "Phòng Cảnh sát giao thông"
    assert check_collective(team, DVQT, 2024).eligible is True
    ward = Unit.objects.get(name="Công an phường Trần Nguyên Hãn")
    assert ward.parent == unit("bac-giang") and UnitYearRoster.objects.get(unit=ward).advanced == 20
    # The download carries the teams and their year: uploaded back unchanged, nothing moves.
    again = _upload(client, _sheet(client, []))
    assert "Đã nhập 3 dòng" in again
    assert Unit.objects.filter(kind=Unit.Kind.SUBORDINATE).count() == 3
    # A year not declared yet: the teams' rows without figures register nothing new, keep nothing.
    assert "Đã nhập 3 dòng" in _upload(client, _sheet(client, [], year=2025))
    assert not UnitYearRoster.objects.filter(year=2025).exists()
    assert UnitYearRoster.objects.count() == 3


def test_the_ministry_itself_registers_no_teams_and_says_so(cast):
    response = post(
        bearer(cast.approver), "/api/v1/units/bca/teams", {"name": "Đội 1", "level": "sub_base"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["unit"]
    assert not Unit.objects.filter(kind=Unit.Kind.SUBORDINATE).exists()


def test_a_bad_excel_row_is_refused_with_its_row_number_and_nothing_is_saved(cast):
    client = cast.client(cast.officer_a)
    bad = [*EXCEL_ROWS[:2], [2024, "Đội 3", "Cấp dưới cơ sở", None, None, 30, None, 31]]
    text = _upload(client, _sheet(client, bad))
    assert (
        "Dòng 6, cột “Chiến sĩ tiên tiến”: Số đạt Chiến sĩ tiên tiến (31) vượt tổng quân số (30)."
        in text
    )
    assert not Unit.objects.filter(kind=Unit.Kind.SUBORDINATE).exists()
    assert not UnitYearRoster.objects.exists() and not UnitRating.objects.exists()


# -- one bad value, one refusal --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("advanced", 31, "Số đạt Chiến sĩ tiên tiến (31) vượt tổng quân số (30)."),
        ("members", -5, "Tổng quân số phải là số nguyên từ 0 đến 1.000.000 (đang là -5)."),
        ("rating", "giỏi", "Xếp loại “giỏi” không hợp lệ: ghi một trong"),
    ],
)
def test_the_same_bad_value_is_refused_the_same_way_on_the_page_the_api_and_excel(
    cast, field, value, message
):
    import html

    from tests.conftest import World
    from tests.honours.ladder_teams import team

    existing = team(World(cast))
    row = {**ROW, "name": existing.name, "level": "", field: value}
    client = cast.client(cast.officer_a)
    page = client.post(PAGE + "quan-so/", {k: v for k, v in row.items() if k != "level"})
    assert page.status_code == 422
    assert message in html.unescape(page.content.decode())
    api = post(bearer(cast.officer_a), "/api/v1/units/bac-giang/teams/rosters", {"rows": [row]})
    assert api.status_code == 422
    assert any(
        e["loc"] == ["rows", "0", field] and message in e["message"] for e in api.json()["errors"]
    ), api.json()
    columns = ["year", "name", "level", "parent", "rating", "members", "completed", "advanced"]
    line = [row[c] or None for c in columns]
    text = _upload(client, _sheet(client, [line]))
    assert "Dòng 5, cột “" in text and message in text
    assert not UnitYearRoster.objects.exists()


def test_a_negative_count_of_the_units_own_roster_reads_the_same_on_every_path(cast):
    """The province's own roster (page, API, its Excel sheet) shares the teams' sentence."""
    from tests.honours.test_eligibility_rosters import _filled
    from tests.honours.test_eligibility_rosters import _upload as upload_rosters

    message = "Tổng quân số phải là số nguyên từ 0 đến 1.000.000 (đang là -5)."
    client = cast.client(cast.officer_a)
    page = client.post(
        "/khen-thuong/don-vi/bac-giang/quan-so/", {"year": 2024, "members": -5}, follow=True
    )
    assert message in page.content.decode()
    api = post(
        bearer(cast.officer_a), "/api/v1/units/bac-giang/rosters", {"year": 2024, "members": -5}
    )
    assert api.status_code == 422
    assert api.json()["errors"] == [{"loc": ["members"], "message": message}]
    sheet = upload_rosters(client, _filled(client, [[2024, -5]])).content.decode()
    assert f"Dòng 4, cột “Tổng quân số”: {message}" in sheet
    huge = upload_rosters(client, _filled(client, [[2024, 10**12]])).content.decode()
    assert "phải là số nguyên từ 0 đến 1.000.000 (đang là 1000000000000)" in huge
    assert not UnitYearRoster.objects.exists()


def test_an_officer_posted_in_a_team_belongs_to_the_provinces_roster_and_people_list(cast):
    """People recorded in a đội are the province's officers too: its verdict from people, its
    suggestions and its people list count them (they were left out before teams existed)."""
    from tests.honours.conftest import CSTT, XS, person
    from thidua.honours.eligibility import roster
    from thidua.honours.teams import register_team

    team = register_team(by=cast.officer_a, unit=unit("bac-giang"), name=TEAM, level="sub_base")
    someone = person(team.code, name="Lò Văn Đội", ratings={2024: XS}, titles={CSTT: [2024]})
    assert someone.pk in roster(unit("bac-giang"), dt.date(2024, 12, 31))
    assert someone.pk in roster(team, dt.date(2024, 12, 31))
    UnitRating.set(by=None, unit=unit("bac-giang"), year=2024, rating=XS)
    verdict = check_collective(unit("bac-giang"), DVQT, 2024)
    assert any(c.detail.startswith("1/1 cá nhân (100") for c in verdict.conditions), [
        c.detail for c in verdict.conditions
    ]
    listed = cast.client(cast.officer_a).get("/khen-thuong/can-bo/", {"unit": unit("bac-giang").pk})
    assert "Lò Văn Đội" in listed.content.decode()


def test_a_phongs_page_writes_for_its_own_doi_only(cast):
    from thidua.honours.teams import register_team

    bac_giang = unit("bac-giang")
    a = register_team(by=None, unit=bac_giang, name="Phòng A", level="base")
    b = register_team(by=None, unit=bac_giang, name="Phòng B", level="base")
    register_team(by=None, unit=a, name="Đội 1", level="sub_base")
    api = bearer(cast.officer_a)
    wrong = post(api, f"/api/v1/units/{b.code}/teams/rosters", {"rows": [{**ROW, "name": "Đội 1"}]})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["message"].startswith("“Đội 1” trực thuộc Phòng A")
    under = post(
        api,
        f"/api/v1/units/{b.code}/teams",
        {"name": "Đội 2", "level": "sub_base", "parent": "Đội 1"},
    )
    assert under.status_code == 422 and under.json()["errors"][0]["loc"] == ["parent"]
    ok = post(api, f"/api/v1/units/{b.code}/teams", {"name": "Đội 2", "level": "sub_base"})
    assert ok.status_code == 201 and ok.json()["parent_name"] == "Phòng B"
    same_name = post(api, f"/api/v1/units/{b.code}/teams", {"name": "đội 1", "level": "sub_base"})
    assert (
        same_name.json()["errors"][0]["message"] == "Công an tỉnh Bắc Giang đã có đơn vị “Đội 1”."
    )
    assert not UnitYearRoster.objects.exists()
