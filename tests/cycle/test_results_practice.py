"""A unit's results sheet as officers use it in practice (issue #18, "Values and completeness").

Cluster 3 / 2025 (in progress): Lào Cai has a draft (canbo.laocai); Cao Bằng, Điện Biên and Sơn La
have submitted complete sheets; the secretariat is Cao Bằng's (thuongtruc.caobang).
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.files import tiny_pdf
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Cycle, Evidence, ResultSheet
from thidua.cycle.results import excel
from thidua.cycle.results.forms import NO, REMARK_SUFFIX, YES, show_value
from thidua.cycle.results.plausibility import empty_criteria, value_warnings
from thidua.org.models import User

pytestmark = pytest.mark.django_db

LAO_CAI = "lao-cai-2025"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, *extra) -> str:
    return reverse(name, args=[2025, 3, *extra])


def cycle2025() -> Cycle:
    return Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(cycle=cycle2025(), unit__code=LAO_CAI)


def form_data(sheet: ResultSheet, **changes) -> dict:
    data = {"version": sheet.version}
    for code, value in sheet.values.items():
        data[code] = (YES if value else NO) if isinstance(value, bool) else show_value(value)
    for code, text in sheet.remarks.items():
        data[code + REMARK_SUFFIX] = text
    data.update(changes)
    return data


def row_html(page: str, code: str) -> str:
    start = page.index(f'id="tc-{code}"')
    return page[start : page.index("</tr>", start)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# -- 1. plausibility: out of range refused (tests/cycle/test_result_ranges.py), unlikely warned --


def test_the_demo_figures_raise_no_warning():
    cycle = cycle2025()
    for sheet in ResultSheet.objects.filter(cycle=cycle).select_related("unit"):
        assert value_warnings(cycle.method, sheet.unit, sheet.values) == {}, sheet.unit.code


def test_each_kind_of_unlikely_figure_is_named():
    cycle = cycle2025()
    sheet = lao_cai()
    warn = value_warnings(
        cycle.method,
        sheet.unit,
        {"TP1": "88", "QL1": "1000000000", "TP4": "95"},
        previous={"TP4": "30", "DA2": "99"},
    )
    # A change may rise above 100 % (no refusal), but a 10⁹ % rise is flagged.
    assert "mức tăng 1.000.000.000% vượt quá 100%" in warn["QL1"]
    assert "khác xa năm trước (30%)" in warn["TP4"]
    assert warn["TP4"].startswith("Tỷ lệ ") and warn["TP4"].endswith("xác nhận khi gửi.")
    assert set(warn) == {"QL1", "TP4"}


def test_figures_out_of_range_are_no_warnings_when_entered_but_flagged_once_stored():
    """Being entered they are refused (the refusal says it); stored before the range was checked,
    they are flagged with the same words."""
    cycle = cycle2025()
    sheet = lao_cai()
    values = {"TP1": "150", "TP2": "-5", "DA1": "-3"}
    assert value_warnings(cycle.method, sheet.unit, values) == {}
    warn = value_warnings(cycle.method, sheet.unit, values, out_of_range=True)
    assert "150% nằm ngoài giới hạn cho phép: tỷ lệ phần trăm phải từ 0 đến 100%" in warn["TP1"]
    assert "-5% nằm ngoài giới hạn cho phép" in warn["TP2"]
    assert "số lượng phải từ 0 trở lên" in warn["DA1"]


def test_a_plan_figure_ten_times_the_plan_is_flagged():
    cycle = cycle2025()
    sheet = lao_cai()
    plan = Decimal(str(cycle.method.targets.get(LAO_CAI, {}).get("DA1") or 0))
    if not plan:
        pytest.skip("Lào Cai has no own plan for DA1")
    warn = value_warnings(cycle.method, sheet.unit, {"DA1": str(plan * 11)})
    assert "kế hoạch" in warn["DA1"]


def test_an_unlikely_figure_is_saved_shown_beside_its_field_and_sending_needs_confirmation():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    response = officer.post(url("cycle_result_sheet", LAO_CAI), form_data(sheet, QL1="150"))
    assert response.status_code == 302  # a warning, not a refusal
    sheet.refresh_from_db()
    assert sheet.values["QL1"] == "150"

    page = officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    row = row_html(page, "QL1")
    assert 'id="canh-bao-QL1"' in row and "mức tăng 150% vượt quá 100%" in row
    assert "Có 1 số liệu cần kiểm tra" in page

    # Sending without ticking the confirmation: nothing sent, the warning asks for it.
    response = officer.post(url("cycle_result_submit", LAO_CAI), form_data(sheet))
    assert response.status_code == 200
    assert "Chưa gửi: có 1 số liệu cần xác nhận" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.state == ResultSheet.State.DRAFT

    response = officer.post(url("cycle_result_submit", LAO_CAI), form_data(sheet, xac_nhan="co"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == ResultSheet.State.SUBMITTED
    record = AuditRecord.objects.filter(
        action="submit", model="cycle.resultsheet", object_pk=str(sheet.pk)
    ).latest("seq")
    assert record.reason.startswith("Đã xác nhận số liệu được cảnh báo: ")
    assert "mức tăng 150%" in record.reason


def test_the_excel_import_reports_unlikely_figures_by_row_and_imports_them(media):
    officer = client_for("canbo.laocai")
    wb = load_workbook(
        io.BytesIO(officer.get(url("cycle_excel_results_template", LAO_CAI)).content)
    )
    ws = wb[excel.RESULTS_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(excel.HEADER_ROW + 1, ws.max_row + 1)}
    ws.cell(row=rows["QL1"], column=excel.COL_VALUE, value=150)
    out = io.BytesIO()
    wb.save(out)
    response = officer.post(
        url("cycle_excel_results_upload", LAO_CAI),
        {"file": SimpleUploadedFile("so-lieu.xlsx", out.getvalue())},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Cần kiểm tra — Trang “Số liệu”, dòng {rows['QL1']}, cột F (Số liệu): " in page
    assert lao_cai().values["QL1"] == "150"


def test_the_secretariat_sees_which_sent_sheets_hold_figures_to_check():
    cycle = cycle2025()
    son_la = ResultSheet.objects.get(cycle=cycle, unit__code="son-la")
    ResultSheet.objects.filter(pk=son_la.pk).update(values={**son_la.values, "TP4": "186.4"})
    page = client_for("thuongtruc.caobang").get(url("cycle_results")).content.decode()
    assert page.count("số liệu cần kiểm tra") == 1
    row = page[page.index("Công an tỉnh Sơn La") :]
    assert "1 số liệu cần kiểm tra" in row[: row.index("</tr>")]


# -- 2. completeness ---------------------------------------------------------------------------


def test_sending_with_empty_criteria_lists_them_with_what_each_counts_as():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    page = officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    assert 'id="con-trong"' not in page  # Lào Cai's draft is complete
    response = officer.post(
        url("cycle_result_submit", LAO_CAI), form_data(sheet, DA2="", TP_THUONG=""), follow=True
    )
    page = response.content.decode()
    assert "Đã gửi số liệu tới Thường trực Cụm. Còn trống 2 tiêu chí: " in page
    assert "TP_THUONG (Chuyên án, chiến công xuất sắc" in page
    assert "không cộng, không trừ điểm" in page
    assert "DA2 (Thu thập, cập nhật, làm sạch dữ liệu dân" in page and "tính 0 điểm" in page


def test_the_draft_page_lists_the_empty_criteria_before_sending():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    officer.post(url("cycle_result_sheet", LAO_CAI), form_data(sheet, DA2="", ANQG3=""))
    page = officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    section = page[page.index('id="con-trong"') :]
    assert "Còn trống 2 tiêu chí" in section
    assert [e.code for e in empty_criteria(cycle2025().method, lao_cai().values)] == [
        "ANQG3",
        "DA2",
    ]


def test_the_list_counts_complete_sheets_against_the_clusters_members():
    cycle = cycle2025()
    # Sơn La's sent sheet lacks a figure: sent, but not complete.
    son_la = ResultSheet.objects.get(cycle=cycle, unit__code="son-la")
    values = dict(son_la.values)
    del values["DA2"]
    ResultSheet.objects.filter(pk=son_la.pk).update(values=values)
    page = client_for("thuongtruc.caobang").get(url("cycle_results")).content.decode()
    members = len(cycle.member_ids())
    complete = page[page.index('id="complete"') :]
    assert f'2<span class="stat__unit">/ {members} đơn vị của Cụm' in complete
    assert f'3<span class="stat__unit">/ {members}</span>' in page  # sent
    assert "Chưa đủ tiêu chí" in page


# -- 3. evidence: per row, deletable while editable --------------------------------------------


def _upload(client: Client, criterion: str, name: str = "bao-cao.pdf"):
    return client.post(
        url("cycle_evidence_upload", LAO_CAI),
        {
            "criterion": criterion,
            "file": SimpleUploadedFile(name, tiny_pdf("TP1"), "application/pdf"),
        },
    )


def test_each_row_has_its_own_upload_and_the_file_lands_on_that_row(media):
    officer = client_for("canbo.laocai")
    page = officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    row = row_html(page, "TP3")
    assert 'form="tai-len-TP3"' in row and 'type="file"' in row
    assert 'id="tai-len-TP3"' in page and 'name="criterion" value="TP3"' in page
    response = _upload(officer, "TP3", "ket-qua-tp3.pdf")
    assert response.status_code == 302 and response["Location"].endswith("#tc-TP3")
    page = officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    assert "ket-qua-tp3.pdf" in row_html(page, "TP3")


def test_the_unit_deletes_a_file_of_its_draft_and_the_deletion_is_audited(
    media, django_capture_on_commit_callbacks
):
    officer = client_for("canbo.laocai")
    _upload(officer, "TP1", "nham-tep.pdf")
    evidence = Evidence.objects.get(sheet=lao_cai(), original_name="nham-tep.pdf")
    stored = evidence.file.name
    assert default_storage.exists(stored)
    row = row_html(officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode(), "TP1")
    assert f'form="xoa-{evidence.pk}"' in row

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url("cycle_evidence_delete", LAO_CAI, evidence.pk))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not default_storage.exists(stored)
    record = AuditRecord.objects.get(
        action="delete", model="cycle.evidence", object_pk=str(evidence.pk)
    )
    assert record.before["original_name"] == "nham-tep.pdf"
    page = officer.get(url("cycle_result_sheet", LAO_CAI)).content.decode()
    assert "Đã xóa tệp minh chứng “nham-tep.pdf” (TP1)." in page


def test_only_the_unit_deletes_and_only_while_the_sheet_is_editable(media):
    officer = client_for("canbo.laocai")
    _upload(officer, "TP1")
    evidence = Evidence.objects.get(sheet=lao_cai())
    delete = url("cycle_evidence_delete", LAO_CAI, evidence.pk)
    assert client_for("thuongtruc.caobang").post(delete).status_code == 403
    assert client_for("canbo.son-la").post(delete).status_code == 404
    assert officer.get(delete).status_code == 405
    sheet = lao_cai()
    officer.post(url("cycle_result_submit", LAO_CAI), {"version": sheet.version})
    assert lao_cai().state == ResultSheet.State.SUBMITTED
    assert officer.post(delete).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert default_storage.exists(evidence.file.name)
    assert not AuditRecord.objects.filter(action="delete", model="cycle.evidence").exists()


# -- 4. bonus, deduction and veto points as what they are --------------------------------------


def test_bonus_deduction_and_veto_points_read_as_what_they_are():
    page = client_for("thuongtruc.caobang").get(url("cycle_result_sheet", "cao-bang"))
    page = page.content.decode()
    deduction = row_html(page, "XD_TRU")
    assert "−1 điểm" in deduction and "(điểm trừ)" in deduction
    assert "1 trường hợp × (-1 điểm)" in deduction  # the reason: the engine's explanation
    bonus = row_html(page, "TP_THUONG")
    assert "+1 điểm" in bonus and "(điểm cộng)" in bonus
    above = row_html(page, "TP1")
    assert "11,61 điểm" in above and "tối đa 10 + 1,61 điểm thưởng vượt chỉ tiêu" in above
    assert "Không xảy ra" in row_html(page, "XD_LIET")
    assert "/ 0 điểm" not in page and "11,61 / 10" not in page


def test_the_published_score_explanation_reads_deductions_and_vetoes_as_what_they_are():
    secretariat = client_for("thuongtruc.caobang")
    page = secretariat.get(reverse("cycle_unit_score", args=[2025, 3, "cao-bang"]))
    assert page.status_code == 200
    page = page.content.decode()
    deduction = page[page.index('id="criterion-XD_TRU"') :]
    deduction = deduction[: deduction.index("</tr>")]
    assert "−1 điểm" in deduction and "điểm trừ" in deduction
    veto = page[page.index('id="criterion-XD_LIET"') :]
    assert "Không xảy ra" in veto[: veto.index("</tr>")]


# -- 5. the results workbook reports every bad cell in one pass --------------------------------


def test_three_bad_cells_in_different_rows_are_all_reported_and_nothing_is_written():
    officer = client_for("canbo.laocai")
    before = lao_cai()
    wb = load_workbook(
        io.BytesIO(officer.get(url("cycle_excel_results_template", LAO_CAI)).content)
    )
    ws = wb[excel.RESULTS_SHEET]
    rows = {ws.cell(row=r, column=1).value: r for r in range(excel.HEADER_ROW + 1, ws.max_row + 1)}
    ws.cell(row=rows["TP1"], column=excel.COL_VALUE, value="chín mươi")  # not a number
    ws.cell(row=rows["ANQG3"], column=excel.COL_VALUE, value="Có lẽ")  # not Có/Không
    ws.cell(row=rows["ANQG1"], column=excel.COL_VALUE, value=99)  # the engine refuses it
    ws.cell(row=rows["ANQG1"], column=excel.COL_REMARK, value="Tự chấm")
    out = io.BytesIO()
    wb.save(out)
    audits = AuditRecord.objects.count()

    response = officer.post(
        url("cycle_excel_results_upload", LAO_CAI),
        {"file": SimpleUploadedFile("so-lieu.xlsx", out.getvalue())},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Tệp có 3 lỗi — chưa lưu gì." in page
    assert f"Trang “Số liệu”, dòng {rows['TP1']}, cột F (Số liệu): “chín mươi”" in page
    assert f"Trang “Số liệu”, dòng {rows['ANQG3']}, cột F (Số liệu): chọn Có hoặc Không." in page
    assert f"Trang “Số liệu”, dòng {rows['ANQG1']}, cột F (Số liệu): Nắm chắc tình hình" in page
    after = lao_cai()
    assert (after.values, after.remarks, after.version) == (
        before.values,
        before.remarks,
        before.version,
    )
    assert AuditRecord.objects.count() == audits


def test_the_api_answer_carries_the_warnings_and_submitting_asks_to_confirm_them():
    from thidua.api.models import ApiToken

    _, token = ApiToken.issue(User.objects.get(username="canbo.laocai"), "kiểm thử")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = "/api/v1/clusters/2025/3/units/lao-cai-2025/results"
    body = Client().get(api, **auth).json()
    assert body["warnings"] == {}
    saved = Client().put(
        api,
        json.dumps(
            {
                "values": {**body["values"], "QL1": "150"},
                "remarks": body["remarks"],
                "version": body["version"],
            }
        ),
        content_type="application/json",
        **auth,
    )
    assert saved.status_code == 200, saved.content  # a warning, not a refusal
    assert "vượt quá 100%" in saved.json()["warnings"]["QL1"]
    version = saved.json()["version"]
    refused = Client().post(
        api + "/submit", json.dumps({"version": version}), content_type="application/json", **auth
    )
    assert refused.status_code == 422
    assert "confirm_warnings" in refused.content.decode()
    assert lao_cai().state == ResultSheet.State.DRAFT
    sent = Client().post(
        api + "/submit",
        json.dumps({"version": version, "confirm_warnings": True}),
        content_type="application/json",
        **auth,
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "submitted"


def test_the_inspection_team_sees_the_units_implausible_figures_flagged(world):
    cycle = world.cycle2021
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.INSPECTION)
    report = ResultSheet.objects.get(cycle=cycle, unit__code="yen-bai")
    ResultSheet.objects.filter(pk=report.pk).update(values={**report.values, "TP2": "-5"})
    inspection = world.inspection("yen-bai")
    inspector = world.cast.client(world.cast.inspector)
    page = inspector.get(reverse("cycle_inspection", args=[2021, 3, inspection.pk]))
    page = page.content.decode()
    row = row_html(page, "TP2")
    assert 'id="canh-bao-TP2"' in row and "nằm ngoài giới hạn cho phép" in row
    assert 'id="canh-bao-TP1"' not in page
