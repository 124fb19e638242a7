"""A figure far outside what the cluster's other members sent this year is warned (never refused),
with the same sentence on the results page, in the API's answer and in the Excel import report;
with fewer than four other figures sent, nothing is said; the sentence shows the others' median and
middle range, never one unit's figure (thidua.cycle.results.cluster_spread).

Cluster 3 / 2025: Lào Cai's draft (canbo.laocai); Cao Bằng, Điện Biên and Sơn La have sent their
figures; a fourth member's sheet is added here, as a draft and then sent."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thidua.api.models import ApiToken
from thidua.cycle.models import Cycle, ResultSheet
from thidua.cycle.results import excel
from thidua.cycle.results.cluster_spread import ClusterFigures, cluster_figures
from thidua.cycle.results.forms import NO, REMARK_SUFFIX, YES, show_value
from thidua.cycle.results.plausibility import value_warnings
from thidua.org.models import User

pytestmark = pytest.mark.django_db

LAO_CAI = "lao-cai-2025"
API = "/api/v1/clusters/2025/3/units/lao-cai-2025/results"
TP1 = "Tỷ lệ điều tra khám phá án hình sự"
# The four others' rates: median 85 %, middle range 82,5–87,5 % (none of them a unit's figure).
OTHERS = ("78", "84", "86", "92")
PLANS = ("10", "12", "14", "16")  # DA1, files: median 13, middle range 11,5–14,5
SENTENCE = (
    f"{TP1}: 12% thấp hơn nhiều so với các đơn vị khác trong Cụm (trung vị 85%, khoảng một nửa "
    "số đơn vị từ 82,5% đến 87,5%). Kiểm tra lại; nếu đúng, xác nhận khi gửi."
)


def cycle2025() -> Cycle:
    return Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.select_related("unit").get(cycle=cycle2025(), unit__code=LAO_CAI)


def url(name: str, *extra) -> str:
    return reverse(name, args=[2025, 3, *extra])


def officer() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="canbo.laocai"))
    return client


def api() -> dict:
    _, token = ApiToken.issue(User.objects.get(username="canbo.laocai"), "kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def form_data(sheet: ResultSheet, **changes) -> dict:
    data = {"version": sheet.version}
    for code, value in sheet.values.items():
        data[code] = (YES if value else NO) if isinstance(value, bool) else show_value(value)
    for code, text in sheet.remarks.items():
        data[code + REMARK_SUFFIX] = text
    data.update(changes)
    return data


def others(*, fourth: str = ResultSheet.State.SUBMITTED) -> list[ResultSheet]:
    """The three members who sent their figures, and a fourth (a copy of the first's figures)
    in the state given; each other's TP1 set to one of OTHERS, DA1 to one of PLANS."""
    cycle = cycle2025()
    sent = list(
        ResultSheet.objects.filter(cycle=cycle, state=ResultSheet.State.SUBMITTED)
        .exclude(unit__code=LAO_CAI)
        .select_related("unit")
    )
    assert len(sent) == 3
    missing = next(
        u for u in cycle.members() if u.pk not in {s.unit_id for s in sent} | {lao_cai().unit_id}
    )
    sheets = [
        *sent,
        ResultSheet.objects.create(
            cycle=cycle, unit=missing, values=dict(sent[0].values), state=fourth
        ),
    ]
    for sheet, rate, files in zip(sheets, OTHERS, PLANS, strict=True):
        sheet.values = {**sheet.values, "TP1": rate, "DA1": files}
        sheet.save(update_fields=["values"])
    return sheets


def row_html(page: str, code: str) -> str:
    start = page.index(f'id="tc-{code}"')
    return page[start : page.index("</tr>", start)]


def test_the_page_the_api_and_the_excel_import_warn_with_the_same_sentence():
    others()
    client = officer()
    # The page: saved (a warning, not a refusal), then shown beside the field.
    response = client.post(url("cycle_result_sheet", LAO_CAI), form_data(lao_cai(), TP1="12"))
    assert response.status_code == 302
    assert lao_cai().values["TP1"] == "12"
    page = client.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    assert SENTENCE.split(": ", 1)[1] in row_html(page, "TP1")
    assert f"TP1</a> — {SENTENCE}" in page

    # The API: in the answer, and sending needs the confirmation.
    auth = api()
    body = Client().get(API, **auth).json()
    assert body["warnings"]["TP1"] == SENTENCE
    refused = Client().post(
        API + "/submit",
        json.dumps({"version": body["version"]}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422
    assert f"{SENTENCE} Gửi lại với confirm_warnings: true nếu số liệu đúng." in json.dumps(
        refused.json(), ensure_ascii=False
    )

    # The Excel import: imported, and the row named with the same sentence.
    wb = load_workbook(io.BytesIO(client.get(url("cycle_excel_results_template", LAO_CAI)).content))
    ws = wb[excel.RESULTS_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(excel.HEADER_ROW + 1, ws.max_row + 1)}
    ws.cell(row=rows["TP1"], column=excel.COL_VALUE, value=12)
    out = io.BytesIO()
    wb.save(out)
    response = client.post(
        url("cycle_excel_results_upload", LAO_CAI),
        {"file": SimpleUploadedFile("so-lieu.xlsx", out.getvalue())},
        follow=True,
    )
    assert response.status_code == 200
    report = response.content.decode()
    assert (
        f"Cần kiểm tra — Trang “Số liệu”, dòng {rows['TP1']}, cột F (Số liệu): {SENTENCE}" in report
    )


def test_a_figure_inside_the_others_range_is_no_warning():
    others()
    client = officer()
    response = client.post(url("cycle_result_sheet", LAO_CAI), form_data(lao_cai(), TP1="80"))
    assert response.status_code == 302
    assert "TP1" not in Client().get(API, **api()).json()["warnings"]


def test_fewer_than_four_other_figures_sent_give_no_warning():
    # Three members sent theirs; the fourth is still a draft, which does not count.
    fourth = others(fourth=ResultSheet.State.DRAFT)[-1]
    client = officer()
    response = client.post(url("cycle_result_sheet", LAO_CAI), form_data(lao_cai(), TP1="12"))
    assert response.status_code == 302
    page = client.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    assert "so với các đơn vị khác" not in page
    assert "TP1" not in Client().get(API, **api()).json()["warnings"]
    # Once the fourth member has sent its figures, the warning appears.
    fourth.state = ResultSheet.State.SUBMITTED
    fourth.save(update_fields=["state"])
    assert Client().get(API, **api()).json()["warnings"]["TP1"] == SENTENCE


def test_the_warning_shows_no_other_units_name_or_figure():
    """Least privilege: the officer of Lào Cai may not see another member's figures; the warning
    gives the others' median and middle range only."""
    sheets = others()
    cycle = cycle2025()
    figures = cluster_figures(cycle)
    warn = value_warnings(cycle.method, lao_cai().unit, {"TP1": "12", "DA1": "90"}, cluster=figures)
    assert warn["TP1"] == SENTENCE
    assert (
        "90 hồ sơ cao hơn nhiều so với các đơn vị khác trong Cụm (trung vị 13 hồ sơ, khoảng một "
        "nửa số đơn vị từ 11,5 đến 14,5 hồ sơ)" in warn["DA1"]
    )
    for sentence in warn.values():
        for sheet, rate, files in zip(sheets, OTHERS, PLANS, strict=True):
            assert f"{rate}%" not in sentence and f"{files} hồ sơ" not in sentence
            assert sheet.unit.short_name not in sentence and sheet.unit.name not in sentence
    # The unit's own figure is never counted among the others'.
    assert figures.spread("TP1", without=LAO_CAI).count == 4


def test_the_secretariats_list_flags_the_sent_figure_without_a_query_more(
    django_assert_max_num_queries,
):
    others()
    sheet = lao_cai()
    sheet.values = {**sheet.values, "TP1": "12"}
    sheet.state = ResultSheet.State.SUBMITTED
    sheet.save(update_fields=["values", "state"])
    secretariat = Client()
    secretariat.force_login(User.objects.get(username="thuongtruc.caobang"))
    with django_assert_max_num_queries(14):
        page = secretariat.get(reverse("cycle_results", args=[2025, 3])).content.decode()
    assert SENTENCE in page


def test_the_others_figures_are_read_in_one_query_for_every_criterion(django_assert_num_queries):
    others()
    cycle = cycle2025()  # with its cluster
    with django_assert_num_queries(1):
        figures = cluster_figures(cycle)
    criteria = [c for g in cycle.method.scale["groups"] for c in g["criteria"]]
    with django_assert_num_queries(0):
        spreads = {c["code"]: figures.spread(c["code"], without=LAO_CAI) for c in criteria}
    assert len(spreads) > 10 and spreads["TP1"].median == 85


def test_a_block_says_khoi_and_a_level_middle_range_is_not_spelt_out():
    cycle = cycle2025()
    figures = ClusterFigures(
        word="Khối", by_unit={f"u{i}": {"TP1": "100"} for i in range(5)} | {LAO_CAI: {"TP1": "1"}}
    )
    warn = value_warnings(cycle.method, lao_cai().unit, {"TP1": "40"}, cluster=figures)
    assert warn["TP1"] == (
        f"{TP1}: 40% thấp hơn nhiều so với các đơn vị khác trong Khối (trung vị 100%). "
        "Kiểm tra lại; nếu đúng, xác nhận khi gửi."
    )
    assert value_warnings(cycle.method, lao_cai().unit, {"TP1": "99"}, cluster=figures) == {}
