"""The score table as a spreadsheet: real numbers, Vietnamese headers, ready to print."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.documents.conftest import RANK_ORDER
from thidua.cycle.models import Cycle
from thidua.documents import compose, xlsx
from thidua.documents.context import build_context

pytestmark = pytest.mark.django_db


def _header_row(ws) -> int:
    return next(row[0].row for row in ws.iter_rows() if row[0].value == "STT")


def test_score_table_has_one_row_per_unit_in_rank_order_with_group_columns(documents_2021):
    wb = openpyxl.load_workbook(documents_2021[("scores", "xlsx")])
    ws = wb["Bảng tổng hợp điểm"]
    assert ws["A1"].value == "BỘ CÔNG AN" and ws["A2"].value == "CỤM THI ĐUA SỐ 3"
    assert ws["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["C2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["C3"].value == "Yên Bái, ngày 03 tháng 12 năm 2021"
    assert ws["A5"].value == "BẢNG TỔNG HỢP ĐIỂM, XẾP HẠNG"
    assert ws["A8"].value.startswith("Dữ liệu minh họa")
    top = _header_row(ws)
    headers = [c.value for c in ws[top]]
    assert headers[:3] == ["STT", "Đơn vị", "Bảo vệ an ninh quốc gia (20 điểm)"]
    assert headers[-3:] == ["Tổng điểm", "Xếp hạng", "Ghi chú"]
    assert len(headers) == 2 + 5 + 3  # five groups in the 2021 scale
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=top + 1, max_row=top + 8)]
    assert [r[1].removeprefix("Công an tỉnh ") for r in rows] == RANK_ORDER
    assert [r[-2] for r in rows] == list(range(1, 9))
    assert rows[0][-3] == pytest.approx(98.11) and isinstance(rows[0][-3], float)
    assert rows[0][3] == pytest.approx(32.11)  # a group may exceed its maximum by its bonus
    assert rows[4][-1] == "(1)"  # Tuyên Quang: tie decided by a tie-break, explained below


def test_score_table_is_formatted_frozen_and_set_up_for_landscape_printing(documents_2021):
    wb = openpyxl.load_workbook(documents_2021[("scores", "xlsx")])
    ws = wb.active
    top = _header_row(ws)
    assert ws.freeze_panes == f"C{top + 1}"
    assert ws.cell(row=top + 1, column=3).number_format == "[$-42A]0.00"
    assert all(ws.cell(row=top, column=c).font.b for c in range(1, 11))
    assert ws.cell(row=top + 1, column=2).font.name == "Times New Roman"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${top}:${top}"
    assert round(ws.page_margins.left * 25.4) == 30
    notes = [ws.cell(row=r, column=1).value or "" for r in range(top + 9, ws.max_row + 1)]
    assert any(n.startswith("(1) Công an tỉnh Tuyên Quang: Bằng tổng điểm 94,6") for n in notes)


def test_vetoed_units_are_listed_apart_under_their_own_heading(world):
    ranking = world.cycle2021.rankings.order_by("-computed_at", "-pk").first()
    ranking.entries.filter(unit__code="quang-ninh").update(
        vetoed=True, rank=None, note="vi phạm điểm liệt: Để xảy ra “điểm nóng”"
    )
    context = build_context(Cycle.objects.get(pk=world.cycle2021.pk))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.render(context))).active
    names = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    values = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    apart = values.index("Đơn vị không xếp hạng (vi phạm điểm liệt)")
    assert names[apart + 1] == "Công an tỉnh Quảng Ninh"
    assert "Công an tỉnh Quảng Ninh" not in names[:apart]
    assert ws.cell(row=apart + 2, column=9).value == "—"
    # The PDF of the score table is composed from the same rows.
    table = compose.scores(context).blocks[0]
    kinds = [(row.kind, row.cells[1] if row.kind == "data" else row.cells[0]) for row in table.rows]
    assert kinds[-2:] == [
        ("section", "Đơn vị không xếp hạng (vi phạm điểm liệt)"),
        ("data", "Công an tỉnh Quảng Ninh"),
    ]
