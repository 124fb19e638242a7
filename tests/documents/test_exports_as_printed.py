"""The Excel lists as an emulation officer reads and prints them (Cụm 3 / 2021): units named, not
coded; a moment with its hour; scores with two decimals; one page wide with the header on every
page and the page number at the foot; rows tall enough for their wrapped text."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def sheet_of(response):
    assert response.status_code == 200, response.content[:500]
    return load_workbook(io.BytesIO(response.content)).active


def header(ws) -> list:
    return [c.value for c in ws[3]]


def column_cells(ws, name: str) -> list:
    index = header(ws).index(name) + 1
    return [ws.cell(row=r, column=index) for r in range(4, ws.max_row + 1)]


def assert_printable(ws) -> None:
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == "3:3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_the_ranking_export_names_units_where_the_engine_wrote_codes(world):
    ws = sheet_of(
        world.cast.client(world.cast.secretariat).get(
            reverse("cycle_excel_ranking", args=[2021, 3])
        )
    )
    codes = {u.code for u in world.cycle2021.members()}
    notes = [c.value for c in column_cells(ws, "Ghi chú") if c.value]
    assert notes
    for note in notes:
        words = set(re.findall(r"[\w-]+", note))
        assert not words & codes, note
    assert any("thấp hơn Yên Bái" in n for n in notes), notes
    assert not any("P5" in h or "P95" in h for h in header(ws) if h)
    # whole ranks are written as whole numbers, scores with two decimals
    ranks = column_cells(ws, "Hạng trung vị")
    assert all(isinstance(c.value, int) for c in ranks if c.value is not None)
    assert {c.number_format for c in column_cells(ws, "Tổng điểm")} == {"#,##0.00"}
    assert_printable(ws)


def test_a_list_shows_when_with_its_hour_and_prints_readably(world):
    ws = sheet_of(
        world.cast.client(world.cast.viewer).get(reverse("cycle_excel_teams", args=[2021, 3]))
    )
    sent = [c for c in column_cells(ws, "Gửi lúc") if c.value is not None]
    assert sent and all(c.number_format == "dd/mm/yyyy hh:mm" for c in sent)
    assert_printable(ws)
    assert ws.page_setup.orientation == "landscape"  # seven columns, 220 characters wide


def test_long_text_gets_a_row_tall_enough_to_read(world):
    ws = sheet_of(
        world.cast.client(world.cast.approver).get(reverse("cycle_excel_proposals", args=[2021, 3]))
    )
    basis = [c for c in column_cells(ws, "Căn cứ đề nghị") if c.value and len(c.value) > 100]
    assert basis
    for cell in basis:
        assert (ws.row_dimensions[cell.row].height or 0) >= 30, cell.value


def test_the_statistics_workbook_prints_with_page_numbers(cast):
    client = cast.client(cast.approver)
    response = client.get("/khen-thuong/thong-ke/", {"xuat": "excel"})
    wb = load_workbook(io.BytesIO(response.content))
    for ws in wb:
        assert_printable(ws)


def _general_row(ws, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == label)


def test_the_scale_workbook_shows_its_adoption_day_as_officers_write_it(world):
    import datetime as dt

    from thidua.cycle.plan import excel_scale

    client = world.cast.client(world.cast.secretariat)
    response = client.get(reverse("cycle_excel_scale", args=[2021, 3]))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Thông tin chung"]
    row = _general_row(ws, "Ngày thông qua")
    assert ws.cell(row=row, column=2).value == "12/03/2021"
    assert ws.cell(row=row, column=3).value == "Ví dụ 12/03/2025"
    # read back, typed as text or as a date cell, the document keeps its ISO day
    for typed in ("05/04/2021", dt.datetime(2021, 4, 5)):
        ws.cell(row=row, column=2).value = typed
        out = io.BytesIO()
        wb.save(out)
        document = excel_scale.parse_scale_workbook(out.getvalue())
        assert document["approved"]["on"] == "2021-04-05"


def test_text_wider_than_its_column_wraps_and_every_cell_reads_from_the_top(world):
    ws = sheet_of(
        world.cast.client(world.cast.viewer).get(reverse("cycle_excel_teams", args=[2021, 3]))
    )
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    data = [c for row in ws.iter_rows(min_row=4) for c in row if c.value is not None]
    assert data and all(c.alignment.vertical == "top" for c in data)
    wide = [c for c in data if isinstance(c.value, str) and len(c.value) > widths[c.column_letter]]
    assert all(c.alignment.wrap_text for c in wide)
