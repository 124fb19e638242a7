"""A scale may set the plausible range of a measured criterion ("min"/"max"): a figure outside it
is refused with that range, whatever the criterion's kind would allow; the range is
read and written by the scale's Excel file, and a file made before the columns existed still reads."""

from __future__ import annotations

import copy
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from thidua.cycle.models import Cycle, ResultSheet
from thidua.cycle.plan import excel_scale as xs
from thidua.cycle.results.plausibility import value_warnings
from thidua.cycle.scales import clean_results
from thidua.engine.scale import ScaleError, parse_scale

pytestmark = pytest.mark.django_db


def with_range(doc: dict, code: str, **bounds) -> dict:
    doc = copy.deepcopy(doc)
    for group in doc["groups"]:
        for criterion in group["criteria"]:
            if criterion["code"] == code:
                criterion.update(bounds)
    return doc


def lao_cai_2025() -> tuple[Cycle, ResultSheet]:
    cycle = Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)
    return cycle, ResultSheet.objects.select_related("unit").get(
        cycle=cycle, unit__code="lao-cai-2025"
    )


def test_a_figure_outside_the_scales_range_is_refused_with_that_range(world):
    cycle, sheet = lao_cai_2025()
    method = cycle.method
    method.scale = with_range(method.scale, "TP1", min=50, max=99)  # read only, never saved

    def refused(values: dict) -> str:
        with pytest.raises(ValidationError) as error:
            clean_results(method, sheet.unit, values, {})
        (code,) = error.value.message_dict
        return error.value.message_dict[code][0]

    assert "40% nằm ngoài giới hạn cho phép: giá trị thang điểm cho phép phải từ 50 đến 99%" in (
        refused({"TP1": "40"})
    )
    assert "100%" in refused({"TP1": "100"})  # a rate, yet above 99
    clean_results(method, sheet.unit, {"TP1": "80"}, {})
    method.scale = with_range(method.scale, "DA1", min=10)
    assert "phải từ 10 trở lên" in refused({"DA1": "5"})
    # Flagged, with the same words, when stored before the range was set.
    warn = value_warnings(method, sheet.unit, {"DA1": "5"}, out_of_range=True)
    assert "phải từ 10 trở lên" in warn["DA1"]


def test_a_range_upside_down_is_refused_at_its_path(world):
    cycle, _ = lao_cai_2025()
    with pytest.raises(ScaleError) as refused:
        parse_scale(with_range(cycle.method.scale, "TP1", min=99, max=50))
    assert "max" in str(refused.value)


def test_the_range_travels_through_the_scales_excel_file(world):
    cycle, _ = lao_cai_2025()
    doc = with_range(cycle.method.scale, "TP1", min=50, max=99)
    back = xs.parse_scale_workbook(xs.scale_workbook(doc))
    (tp1,) = [c for g in back["groups"] for c in g["criteria"] if c["code"] == "TP1"]
    assert (float(tp1["min"]), float(tp1["max"])) == (50, 99)


def test_a_file_without_the_range_columns_still_reads(world):
    cycle, _ = lao_cai_2025()
    wb = load_workbook(io.BytesIO(xs.scale_workbook(cycle.method.scale)))
    ws = wb[xs.CRITERIA_SHEET]
    for col in sorted(
        (c.column for c in ws[xs.HEADER_ROW] if str(c.value or "").startswith("Giá trị hợp lý")),
        reverse=True,
    ):
        ws.delete_cols(col)
    out = io.BytesIO()
    wb.save(out)
    back = xs.parse_scale_workbook(out.getvalue())
    assert all("min" not in c for g in back["groups"] for c in g["criteria"])


def test_a_veto_written_with_award_codes_reads_with_the_awards_names(world):
    from thidua.cycle.results.forms import ResultSheetForm

    cycle, sheet = lao_cai_2025()
    method = cycle.method
    doc = copy.deepcopy(method.scale)
    for group in doc["groups"]:
        for criterion in group["criteria"]:
            if criterion["rule"]["kind"] == "veto" and criterion["rule"].get("scope") == "awards":
                criterion["rule"]["awards"] = ["CO_CP", "CO_BCA"]  # as a cluster may write them
    method.scale = doc  # read only, never saved
    form = ResultSheetForm(method=method, unit=sheet.unit)
    texts = [row.rule_text for group in form.rows() for row in group.rows]
    vetoes = [t for t in texts if t.startswith("Điểm liệt: không xét")]
    assert vetoes == ["Điểm liệt: không xét Cờ thi đua của Chính phủ, Cờ thi đua của Bộ Công an"]
