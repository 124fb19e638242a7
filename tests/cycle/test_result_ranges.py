"""A figure outside its criterion's valid range is refused (issue #18): a rate of −5 % or 150 %, a
fall of more than 100 %, a negative count — or outside the scale's own "min"/"max". The same
sentence on the results page, the API and the Excel upload (all read values through
thidua.cycle.scales), nothing saved. Cluster 3 / 2025: Lào Cai's draft (canbo.laocai)."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thidua.api.models import ApiToken
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Cycle, MethodVersion, ResultSheet
from thidua.cycle.results import excel
from thidua.cycle.results.forms import NO, REMARK_SUFFIX, YES, show_value
from thidua.cycle.scales import clean_results
from thidua.org.models import User

pytestmark = pytest.mark.django_db

LAO_CAI = "lao-cai-2025"
TP1 = "Tỷ lệ điều tra khám phá án hình sự"


def refusal(value: str) -> str:
    return f"{TP1}: {value}% nằm ngoài giới hạn cho phép: tỷ lệ phần trăm phải từ 0 đến 100%."


def cycle2025() -> Cycle:
    return Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(cycle=cycle2025(), unit__code=LAO_CAI)


def officer() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="canbo.laocai"))
    return client


def url(name: str, *extra) -> str:
    return reverse(name, args=[2025, 3, *extra])


def form_data(sheet: ResultSheet, **changes) -> dict:
    data = {"version": sheet.version}
    for code, value in sheet.values.items():
        data[code] = (YES if value else NO) if isinstance(value, bool) else show_value(value)
    for code, text in sheet.remarks.items():
        data[code + REMARK_SUFFIX] = text
    data.update(changes)
    return data


def unchanged(before: ResultSheet, audits: int) -> bool:
    after = lao_cai()
    return (after.values, after.version, after.state) == (
        before.values,
        before.version,
        before.state,
    ) and AuditRecord.objects.count() == audits


@pytest.mark.parametrize("value", ["-5", "150"])
def test_the_page_refuses_a_rate_out_of_range_beside_its_field_and_saves_nothing(value):
    before, audits = lao_cai(), AuditRecord.objects.count()
    for step in ("cycle_result_sheet", "cycle_result_submit"):
        response = officer().post(url(step, LAO_CAI), form_data(before, TP1=value, xac_nhan="co"))
        assert response.status_code == 422, step
        page = response.content.decode()
        row = page[page.index('id="tc-TP1"') :]
        assert refusal(value) in row[: row.index("</tr>")], step
    assert unchanged(before, audits)


@pytest.mark.parametrize("value", ["-5", "150", "150%", "hơn 150"])
def test_the_api_refuses_it_with_the_same_sentence(value):
    _, token = ApiToken.issue(User.objects.get(username="canbo.laocai"), "kiểm thử")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = "/api/v1/clusters/2025/3/units/lao-cai-2025/results"
    body = Client().get(api, **auth).json()
    before, audits = lao_cai(), AuditRecord.objects.count()
    response = Client().put(
        api,
        json.dumps(
            {
                "values": {**body["values"], "TP1": value},
                "remarks": body["remarks"],
                "version": body["version"],
            }
        ),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422, response.content
    number = value.removeprefix("hơn ").rstrip("%")
    assert response.json()["errors"] == [{"loc": ["TP1"], "message": refusal(number)}]
    assert unchanged(before, audits)


def test_the_excel_upload_reports_every_value_out_of_range_with_its_row_and_saves_nothing():
    client = officer()
    wb = load_workbook(io.BytesIO(client.get(url("cycle_excel_results_template", LAO_CAI)).content))
    ws = wb[excel.RESULTS_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(excel.HEADER_ROW + 1, ws.max_row + 1)}
    ws.cell(row=rows["TP1"], column=excel.COL_VALUE, value=-5)  # a numeric cell
    ws.cell(row=rows["TP2"], column=excel.COL_VALUE, value="150%")  # a text cell
    ws.cell(row=rows["DA1"], column=excel.COL_VALUE, value=-3)  # a plan figure
    ws.cell(row=rows["ANQG3"], column=excel.COL_VALUE, value="Có lẽ")  # another kind of error
    out = io.BytesIO()
    wb.save(out)
    before, audits = lao_cai(), AuditRecord.objects.count()

    response = client.post(
        url("cycle_excel_results_upload", LAO_CAI),
        {"file": SimpleUploadedFile("so-lieu.xlsx", out.getvalue())},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Tệp có 4 lỗi — chưa lưu gì." in page
    assert f"Trang “Số liệu”, dòng {rows['TP1']}, cột F (Số liệu): {refusal('-5')}" in page
    assert f"dòng {rows['TP2']}, cột F (Số liệu): " in page
    assert "150% nằm ngoài giới hạn cho phép: tỷ lệ phần trăm phải từ 0 đến 100%." in page
    assert f"dòng {rows['DA1']}, cột F (Số liệu): " in page
    assert "-3 hồ sơ nằm ngoài giới hạn cho phép: số lượng phải từ 0 trở lên." in page
    assert unchanged(before, audits)


def test_a_change_may_not_fall_by_more_than_100_percent_but_may_rise():
    cycle, sheet = cycle2025(), lao_cai()
    with pytest.raises(ValidationError) as refused:
        clean_results(cycle.method, sheet.unit, {"QL1": "-101"}, {})
    assert (
        "-101% nằm ngoài giới hạn cho phép: mức tăng, giảm (giảm không quá 100%) phải từ -100%"
        in (refused.value.message_dict["QL1"][0])
    )
    for ok in ("-100", "-5", "0", "150"):
        clean_results(cycle.method, sheet.unit, {"QL1": ok}, {})


def test_a_scale_with_max_200_accepts_150_and_refuses_above_its_max():
    cycle = cycle2025()
    method = cycle.method
    doc = copy.deepcopy(method.scale)
    for group in doc["groups"]:
        for criterion in group["criteria"]:
            if criterion["code"] == "TP1":
                criterion["max"] = 200
    MethodVersion.objects.filter(pk=method.pk).update(scale=doc)
    before = lao_cai()
    response = officer().post(url("cycle_result_sheet", LAO_CAI), form_data(before, TP1="150"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert lao_cai().values["TP1"] == "150"
    response = officer().post(url("cycle_result_sheet", LAO_CAI), form_data(lao_cai(), TP1="250"))
    assert response.status_code == 422
    assert (
        f"{TP1}: 250% nằm ngoài giới hạn cho phép: giá trị thang điểm cho phép phải không quá 200%."
        in response.content.decode()
    )
    assert lao_cai().values["TP1"] == "150"


def test_every_figure_of_the_demo_is_inside_its_range(world):
    checked = 0
    for sheet in ResultSheet.objects.select_related("cycle", "unit"):
        method = sheet.cycle.method
        if method is None or not method.scale or not sheet.values:
            continue
        clean_results(method, sheet.unit, sheet.values, sheet.remarks)  # raises if out of range
        checked += 1
    assert checked >= 12
