"""A value keeps its qualifier (issue 19): "hơn 98" or "92%" typed on the results page, sent through
the API or written in the Excel template is accepted the same way everywhere, scored on its number,
and shown with its word; a unit that is not the criterion's is refused by name, on every path."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.api.test_cycle_results_api import LAO_CAI as API_URL
from tests.api.test_cycle_results_api import bearer, put
from thidua.audit.models import AuditRecord
from thidua.cycle.models import ResultSheet
from thidua.cycle.results import excel
from thidua.cycle.results.forms import REMARK_SUFFIX, ResultSheetForm
from thidua.cycle.scales import _clean_values, parse_result_value, range_error, scale_of
from thidua.engine.text import normalize
from thidua.org.models import User

pytestmark = pytest.mark.django_db
LAO_CAI = "lao-cai-2025"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def sheet_url(name: str = "cycle_result_sheet") -> str:
    return reverse(name, args=[2025, 3, LAO_CAI])


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(
        cycle__cluster__year=2025, cycle__cluster__number=3, unit__code=LAO_CAI
    )


def posted(sheet: ResultSheet, **changes) -> dict:
    form = ResultSheetForm(
        method=sheet.cycle.method,
        unit=sheet.unit,
        values=sheet.values,
        remarks=sheet.remarks,
        qualifiers=sheet.qualifiers,
        version=sheet.version,
    )
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_the_page_accepts_hon_98_and_92_percent_scores_the_number_and_shows_the_word():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    response = officer.post(
        sheet_url(), posted(sheet, TP1="hơn 98", DA2="92%", DA1="gần 533.300 hồ sơ")
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    sheet.refresh_from_db()
    assert (sheet.values["TP1"], sheet.values["DA2"], sheet.values["DA1"]) == ("98", "92", "533300")
    assert sheet.qualifiers == {"TP1": "hơn", "DA1": "gần"}
    record = AuditRecord.objects.filter(
        model__icontains="resultsheet", object_pk=str(sheet.pk)
    ).latest("seq")
    assert record.after["qualifiers"] == {"TP1": "hơn", "DA1": "gần"}
    # The officer sees the value as written; the secretariat reads it with its word and unit.
    assert 'value="hơn 98"' in officer.get(sheet_url()).content.decode()
    page = client_for("thuongtruc.caobang").get(sheet_url()).content.decode()
    assert "hơn 98%" in page and "gần 533.300 hồ sơ" in page
    # Saved again without the word, the value loses it.
    response = officer.post(sheet_url(), posted(sheet, TP1="98"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.qualifiers == {"DA1": "gần"}


def test_the_page_refuses_another_unit_and_a_qualified_judged_point_by_name():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    response = officer.post(sheet_url(), posted(sheet, TP1="92 vụ", ANQG1="hơn 7"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "“92 vụ”: tiêu chí tính bằng %, không phải “vụ”." in page
    assert "“hơn 7”: điểm tự chấm là một số cụ thể, không kèm “hơn”." in page
    assert lao_cai().values == sheet.values


def test_the_api_keeps_the_qualifier_and_refuses_what_the_page_refuses():
    auth = bearer("canbo.laocai")
    body = Client().get(API_URL, **auth).json()
    saved = put(
        Client(),
        API_URL,
        {
            "values": {**body["values"], "TP1": "hơn 98"},
            "remarks": body["remarks"],
            "version": body["version"],
        },
        **auth,
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["values"]["TP1"] == "98"
    assert saved.json()["qualifiers"] == {"TP1": "hơn"}
    refused = put(
        Client(),
        API_URL,
        {"values": {"TP1": "92 vụ"}, "remarks": {}, "version": saved.json()["version"]},
        **auth,
    )
    assert refused.status_code == 422
    assert "tiêu chí tính bằng %, không phải “vụ”" in refused.content.decode()


def test_the_excel_upload_keeps_the_qualifier_and_refuses_on_the_row():
    officer = client_for("canbo.laocai")
    response = officer.get(reverse("cycle_excel_results_template", args=[2025, 3, LAO_CAI]))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[excel.RESULTS_SHEET]
    rows = {
        ws.cell(row=r, column=1).value: r
        for r in range(excel.HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(row=r, column=1).value
    }
    ws.cell(row=rows["TP1"], column=excel.COL_VALUE, value="hơn 98")
    ws.cell(row=rows["DA2"], column=excel.COL_VALUE, value="92%")

    def upload():
        out = io.BytesIO()
        wb.save(out)
        return SimpleUploadedFile("so-lieu.xlsx", out.getvalue())

    url = reverse("cycle_excel_results_upload", args=[2025, 3, LAO_CAI])
    response = officer.post(url, {"file": upload()})
    assert response.status_code == 302, response.content.decode()[-3000:]
    sheet = lao_cai()
    assert (sheet.values["TP1"], sheet.values["DA2"]) == ("98", "92")
    assert sheet.qualifiers.get("TP1") == "hơn" and "DA2" not in sheet.qualifiers
    # The next template downloaded shows the value as written, so a re-upload keeps the word.
    again = load_workbook(
        io.BytesIO(
            officer.get(reverse("cycle_excel_results_template", args=[2025, 3, LAO_CAI])).content
        )
    )[excel.RESULTS_SHEET]
    assert again.cell(row=rows["TP1"], column=excel.COL_VALUE).value == "hơn 98"
    assert again.cell(row=rows["DA2"], column=excel.COL_VALUE).value == 92

    ws.cell(row=rows["TP1"], column=excel.COL_VALUE, value="92 vụ")
    response = officer.post(url, {"file": upload()})
    text = response.content.decode()
    assert response.status_code == 422
    assert f"dòng {rows['TP1']}" in text and "tiêu chí tính bằng %, không phải “vụ”" in text


WRITTEN = st.one_of(
    st.builds(
        lambda q, n, u: f"{q}{n}{u}",
        st.sampled_from(["", "hơn ", "gần ", "trên ", "≥ ", ">=", "đạt ", "tăng ", "khoảng"]),
        st.sampled_from(["98", "92,5", "3.100", "-5", "1.234,5", "92.5", "9,", "1e5", "x"]),
        st.sampled_from(["", "%", " %", " vụ", " hồ sơ", " điểm", "%%"]),
    ),
    # any printable text (a NUL is refused by the page's field itself, before any parsing)
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
)


def test_page_api_and_excel_accept_and_refuse_the_same_text_the_same_way():
    """Property: for any text in a value cell, the form field, the API's cleaning and the Excel
    cell give the same number and qualifier, or all refuse it with the same message."""
    sheet = lao_cai()
    method, unit = sheet.cycle.method, sheet.unit
    scale = scale_of(method)
    criteria = [scale.criterion(code) for code in ("TP1", "DA1", "ANQG1")]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(criteria), WRITTEN)
    def same_everywhere(criterion, text):
        code = criterion.code
        form = ResultSheetForm(
            {"version": sheet.version, code: text, code + REMARK_SUFFIX: "giải trình"},
            method=method,
            unit=unit,
        )
        form.is_valid()
        page_error = form.errors.get(code)
        cleaned, api_errors = _clean_values(scale, {code: text})
        try:
            cell = excel._cell_number(text, criterion)
            cell_error = None
        except ValueError as exc:
            cell, cell_error = None, str(exc)
        if not text.strip():
            assert code not in cleaned and not page_error
            return
        if api_errors:
            try:
                number, _ = parse_result_value(criterion, normalize(text))
            except ValueError:
                number = None
            if number is not None and api_errors[code] == range_error(criterion, number):
                # Read alike everywhere; the valid range is then checked once for all three
                # paths (tests/cycle/test_result_ranges.py).
                assert not page_error and cell_error is None, (text, page_error, cell_error)
                return
            assert page_error == [api_errors[code]] and cell_error == api_errors[code]
            return
        assert cell_error is None
        page_value = form.values.get(code)
        assert (
            cleaned[code] == str(excel.parse_number(cell)) if not excel._qualified(cell) else True
        )
        if criterion.rule.kind == "judged":
            return  # the form adds the judged range check; the API leaves it to the engine check
        assert not page_error, (text, page_error)
        assert str(page_value if not isinstance(page_value, str) else cell) in (
            cell,
            cleaned[code],
        )

    same_everywhere()


def test_qualified_values_kept_in_json():
    # The stored qualifiers are plain JSON: what the admin site and the audit show.
    sheet = lao_cai()
    assert json.loads(json.dumps(sheet.qualifiers)) == sheet.qualifiers
    with pytest.raises(ValidationError):
        sheet.save_values(
            by=User.objects.get(username="canbo.laocai"), values={"TP1": "gần"}, remarks={}
        )
