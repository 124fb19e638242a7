"""Excel in and out on Cluster 3 / 2025 (in progress): templates, uploads with errors and without,
who may upload, and the exports. Every file is a real workbook, built or read with openpyxl."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.conftest import make_user
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Cycle, ResultSheet
from thidua.cycle.plan import excel_scale
from thidua.cycle.results import excel
from thidua.cycle.scoring import input_kind, scale_of
from thidua.org.models import User

pytestmark = pytest.mark.django_db

LAO_CAI = "lao-cai-2025"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def cycle2025() -> Cycle:
    return Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(cycle=cycle2025(), unit__code=LAO_CAI)


def url(name: str, *extra) -> str:
    return reverse(name, args=[2025, 3, *extra])


def open_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def as_upload(wb: Workbook, name: str = "so-lieu.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def rows_by_code(ws) -> dict[str, int]:
    return {
        ws.cell(row=r, column=1).value: r
        for r in range(excel.HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(row=r, column=1).value
    }


def criteria_of_kind(kind: str) -> list:
    return [c for c in scale_of(cycle2025().method).criteria if input_kind(c) == kind]


def downloaded_results_template(officer: Client) -> Workbook:
    response = officer.get(url("cycle_excel_results_template", LAO_CAI))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return open_xlsx(response.content)


def test_the_results_template_has_instructions_validation_lists_and_a_locked_frozen_header():
    wb = downloaded_results_template(client_for("canbo.laocai"))
    assert wb.sheetnames == [excel.HELP_SHEET, excel.RESULTS_SHEET]
    assert "HƯỚNG DẪN" in wb[excel.HELP_SHEET]["A1"].value
    ws = wb[excel.RESULTS_SHEET]
    assert [ws.cell(row=4, column=c).value for c in range(1, 8)] == list(excel.RESULT_HEADERS)
    assert ws.protection.sheet
    assert all(ws.cell(row=4, column=c).protection.locked for c in range(1, 8))
    assert ws.freeze_panes == "C5"
    assert ws.column_dimensions["B"].width == 60
    rows = rows_by_code(ws)
    assert len(rows) == len(scale_of(cycle2025().method).criteria)
    first = next(iter(rows.values()))
    assert ws.cell(row=first, column=1).protection.locked
    assert not ws.cell(row=first, column=excel.COL_VALUE).protection.locked
    assert not ws.cell(row=first, column=excel.COL_REMARK).protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"Có,Không"'
    covered = " ".join(str(dv.sqref) for dv in lists)
    for criterion in criteria_of_kind("bool"):
        assert f"F{rows[criterion.code]}" in covered
    # Lào Cai's draft is filled in, so the officer continues where they stopped.
    draft = lao_cai().values
    for code, value in draft.items():
        cell = ws.cell(row=rows[code], column=excel.COL_VALUE).value
        if isinstance(value, bool):
            assert cell == ("Có" if value else "Không")
        else:
            assert Decimal(str(cell)) == Decimal(value)


def test_an_upload_with_errors_reports_each_by_sheet_row_and_column_and_saves_nothing():
    officer = client_for("canbo.laocai")
    before = lao_cai()
    wb = downloaded_results_template(officer)
    ws = wb[excel.RESULTS_SHEET]
    rows = rows_by_code(ws)
    number, yes_no = criteria_of_kind("number")[0], criteria_of_kind("bool")[0]
    ws.cell(row=rows[number.code], column=6, value="chín mươi")
    ws.cell(row=rows[yes_no.code], column=6, value="Có lẽ")
    extra = ws.max_row + 1
    ws.cell(row=extra, column=1, value="XX99")
    ws.cell(row=extra, column=6, value=5)
    audits = AuditRecord.objects.count()

    response = officer.post(url("cycle_excel_results_upload", LAO_CAI), {"file": as_upload(wb)})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Tệp có 3 lỗi — chưa lưu gì." in page
    assert (
        f"Trang “Số liệu”, dòng {rows[number.code]}, cột F (Số liệu): “chín mươi” không phải là số"
        in page
    )
    assert (
        f"Trang “Số liệu”, dòng {rows[yes_no.code]}, cột F (Số liệu): chọn Có hoặc Không." in page
    )
    assert (
        f"Trang “Số liệu”, dòng {extra}, cột A (Mã): thang điểm không có tiêu chí mã “XX99”."
        in page
    )
    after = lao_cai()
    assert (after.values, after.remarks, after.version) == (
        before.values,
        before.remarks,
        before.version,
    )
    assert AuditRecord.objects.count() == audits


def test_an_upload_that_the_engine_refuses_is_reported_on_the_row_of_its_criterion():
    judged = criteria_of_kind("judged")
    if not judged:
        pytest.skip("the 2025 scale has no judged criterion")
    officer = client_for("canbo.laocai")
    wb = downloaded_results_template(officer)
    ws = wb[excel.RESULTS_SHEET]
    row = rows_by_code(ws)[judged[0].code]
    ws.cell(row=row, column=6, value=float(judged[0].max_points) + 100)
    ws.cell(row=row, column=7, value=None)
    response = officer.post(url("cycle_excel_results_upload", LAO_CAI), {"file": as_upload(wb)})
    assert response.status_code == 422
    assert (
        f"Trang “Số liệu”, dòng {row}, cột F (Số liệu): {judged[0].name}"
        in response.content.decode()
    )


def test_an_upload_saves_the_values_in_vietnamese_notation_and_is_audited():
    officer = client_for("canbo.laocai")
    wb = downloaded_results_template(officer)
    ws = wb[excel.RESULTS_SHEET]
    rows = rows_by_code(ws)
    numbers, yes_no = criteria_of_kind("number"), criteria_of_kind("bool")
    # 1.234,5 is a plan figure (a rate must lie within 0–100 %: tests/cycle/test_result_ranges.py).
    text_number = next(c for c in numbers if c.rule.kind == "plan")
    cell_number = numbers[-1]
    ws.cell(row=rows[text_number.code], column=6, value="1.234,5")
    ws.cell(row=rows[text_number.code], column=7, value="Theo báo cáo tháng 11")
    ws.cell(row=rows[cell_number.code], column=6, value=3)
    ws.cell(row=rows[yes_no[0].code], column=6, value="Không")
    before = lao_cai().version

    response = officer.post(url("cycle_excel_results_upload", LAO_CAI), {"file": as_upload(wb)})

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == url("cycle_result_sheet", LAO_CAI)
    sheet = lao_cai()
    assert Decimal(sheet.values[text_number.code]) == Decimal("1234.5")
    assert Decimal(sheet.values[cell_number.code]) == 3
    assert sheet.values[yes_no[0].code] is False
    assert sheet.remarks[text_number.code] == "Theo báo cáo tháng 11"
    assert sheet.version == before + 1
    record = AuditRecord.objects.filter(
        model__icontains="resultsheet", object_pk=str(sheet.pk)
    ).latest("seq")
    assert record.action == "update" and record.actor.username == "canbo.laocai"


def test_only_the_units_own_officer_may_upload_its_results():
    cycle = cycle2025()
    other = next(u for u in cycle.members() if u.code != LAO_CAI)
    make_user("canbo.khac-2025", User.Role.UNIT_OFFICER, other.code)
    neighbour = client_for("canbo.khac-2025")
    # A draft of another unit is not even revealed.
    assert neighbour.get(url("cycle_excel_results_template", LAO_CAI)).status_code == 404
    assert neighbour.get(url("cycle_excel_results_upload", LAO_CAI)).status_code == 404
    # The secretariat reads it, but does not report for the unit.
    secretariat = client_for("thuongtruc.caobang")
    assert secretariat.get(url("cycle_excel_results_template", LAO_CAI)).status_code == 200
    wb = downloaded_results_template(client_for("canbo.laocai"))
    response = secretariat.post(url("cycle_excel_results_upload", LAO_CAI), {"file": as_upload(wb)})
    assert response.status_code == 403


def test_a_file_that_is_not_a_workbook_is_refused_plainly():
    officer = client_for("canbo.laocai")
    fake = SimpleUploadedFile("so-lieu.xlsx", b"not a workbook")
    response = officer.post(url("cycle_excel_results_upload", LAO_CAI), {"file": fake})
    assert response.status_code == 422
    assert "tệp không phải bảng tính Excel (.xlsx) hợp lệ" in response.content.decode()
    wrong = SimpleUploadedFile("so-lieu.csv", b"a,b")
    response = officer.post(url("cycle_excel_results_upload", LAO_CAI), {"file": wrong})
    assert "Chọn tệp .xlsx" in response.content.decode()


def test_the_targets_template_lists_every_unit_and_target_criterion():
    response = client_for("thuongtruc.caobang").get(url("cycle_excel_targets_template"))
    assert response.status_code == 200
    ws = open_xlsx(response.content)[excel.TARGETS_SHEET]
    cycle = cycle2025()
    criteria = excel.target_criteria(scale_of(cycle.method))
    header = [ws.cell(row=4, column=c).value for c in range(1, 3 + len(criteria))]
    assert header == ["Mã đơn vị", "Đơn vị", *(c.code for c in criteria)]
    assert sorted(rows_by_code(ws)) == sorted(u.code for u in cycle.members())
    assert ws.protection.sheet and ws.cell(row=4, column=1).protection.locked
    assert not ws.cell(row=5, column=3).protection.locked


def _targets_workbook(client: Client) -> Workbook:
    return open_xlsx(client.get(url("cycle_excel_targets_template")).content)


def test_a_targets_upload_with_errors_names_each_cell_and_changes_nothing():
    secretariat = client_for("thuongtruc.caobang")
    cycle = cycle2025()
    before = (cycle.method.pk, cycle.method.targets)
    wb = _targets_workbook(secretariat)
    ws = wb[excel.TARGETS_SHEET]
    ws.cell(row=5, column=3, value="nhiều")
    ws.cell(row=6, column=3, value=-5)
    ws.cell(row=ws.max_row + 1, column=1, value="khong-co")
    last = ws.max_row
    response = secretariat.post(
        url("cycle_excel_targets_upload"), {"file": as_upload(wb), "reason": "Điều chỉnh"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Tệp có 3 lỗi" in page
    head = ws.cell(row=4, column=3).value
    assert f"Trang “Chỉ tiêu”, dòng 5, cột C ({head}): “nhiều” không phải là số." in page
    assert f"Trang “Chỉ tiêu”, dòng 6, cột C ({head}):" in page
    assert f"Trang “Chỉ tiêu”, dòng {last}, cột A (Mã đơn vị): “khong-co” không phải" in page
    method = cycle2025().method
    assert (method.pk, method.targets) == before


def test_a_targets_upload_sets_the_units_targets_through_the_method():
    secretariat = client_for("thuongtruc.caobang")
    wb = _targets_workbook(secretariat)
    ws = wb[excel.TARGETS_SHEET]
    unit_code, criterion = ws.cell(row=5, column=1).value, ws.cell(row=4, column=3).value
    ws.cell(row=5, column=3, value="87,5")
    response = secretariat.post(
        url("cycle_excel_targets_upload"),
        {"file": as_upload(wb), "reason": "Bộ giao lại chỉ tiêu"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    method = cycle2025().method
    assert Decimal(method.targets[unit_code][criterion]) == Decimal("87.5")
    assert AuditRecord.objects.filter(model__icontains="methodversion").exists()


def test_only_the_secretariat_uploads_targets():
    response = client_for("canbo.laocai").get(url("cycle_excel_targets_upload"))
    assert response.status_code == 403


def test_the_scale_ranking_results_and_registrations_export_as_workbooks(world):
    secretariat = world.cast.client(world.cast.secretariat)
    members = len(world.cycle2021.members())
    scale = open_xlsx(secretariat.get(reverse("cycle_excel_scale", args=[2021, 3])).content)
    ws = scale[excel_scale.CRITERIA_SHEET]
    assert ws.cell(row=4, column=1).value == "Mã tiêu chí"
    codes = {ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)}
    assert {c.code for c in scale_of(world.cycle2021.method).criteria} <= codes
    for name in ("cycle_excel_ranking", "cycle_excel_results_list", "cycle_excel_registrations"):
        response = secretariat.get(reverse(name, args=[2021, 3]))
        assert response.status_code == 200, name
        sheet = open_xlsx(response.content).active
        assert sheet.max_row == 3 + members, name
        assert "Xuất ngày" in sheet["A2"].value


def test_vietnamese_numbers_parse_from_text_and_numeric_cells():
    cycle = cycle2025()
    method = cycle.method
    unit = next(u for u in cycle.members() if u.code == LAO_CAI)
    numbers = criteria_of_kind("number")
    wb = open_xlsx(excel.results_template(method, unit))
    ws = wb[excel.RESULTS_SHEET]
    rows = rows_by_code(ws)
    # Each sample on a criterion whose valid range holds it (520.000 is a plan figure, not a rate).
    rates = [c for c in numbers if c.rule.unit == "%"]
    count = next(c for c in numbers if c.rule.kind == "plan")
    samples = [(rates[0], "92,5", "92.5"), (count, "520.000", "520000")]
    samples += [(rates[1], 76, "76"), (rates[2], 0.1, "0.1")]
    for criterion, raw, _ in samples:
        ws.cell(row=rows[criterion.code], column=6, value=raw)
    out = io.BytesIO()
    wb.save(out)
    values, _ = excel.parse_results(out.getvalue(), method, unit)
    for criterion, _, expected in samples:
        assert Decimal(values[criterion.code]) == Decimal(expected)


def test_another_units_file_is_refused_on_its_unit_line():
    cycle = cycle2025()
    other = next(u for u in cycle.members() if u.code != LAO_CAI)
    data = excel.results_template(cycle.method, other)
    officer = client_for("canbo.laocai")
    before = lao_cai().version
    upload = SimpleUploadedFile("so-lieu.xlsx", data)
    response = officer.post(url("cycle_excel_results_upload", LAO_CAI), {"file": upload})
    assert response.status_code == 422
    assert f"Trang “Số liệu”, dòng 2, cột A: tệp là mẫu của đơn vị mã “{other.code}”" in (
        response.content.decode()
    )
    assert lao_cai().version == before


@pytest.mark.parametrize(
    "name", ["cycle_excel_results_list", "cycle_excel_registrations", "cycle_excel_ranking"]
)
def test_exports_take_a_bounded_number_of_queries(world, name, django_assert_max_num_queries):
    secretariat = world.cast.client(world.cast.secretariat)
    with django_assert_max_num_queries(20):
        response = secretariat.get(reverse(name, args=[2021, 3]))
    assert response.status_code == 200


def test_the_upload_pages_offer_the_template_and_a_file_field():
    page = client_for("canbo.laocai").get(url("cycle_excel_results_upload", LAO_CAI))
    assert page.status_code == 200
    html = page.content.decode()
    assert url("cycle_excel_results_template", LAO_CAI) in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    page = client_for("thuongtruc.caobang").get(url("cycle_excel_targets_upload"))
    assert page.status_code == 200
    html = page.content.decode()
    assert url("cycle_excel_targets_template") in html and "Lý do thay đổi" in html
