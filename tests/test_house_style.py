"""One house style for every workbook (issue #12): the fills and fonts of the workbooks the
application writes are defined once, in thidua/lib/workbook_style.py. The official score table
(thidua/documents/xlsx.py) keeps its own NĐ 30 typography (Times New Roman, a grey header on a
grid), as its printed form requires; nothing else builds a fill or a font of its own."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from thidua.honours.exports import workbook
from thidua.lib import workbook_style as style

ROOT = Path(__file__).resolve().parent.parent
OWN_STYLE = {"thidua/lib/workbook_style.py", "thidua/documents/xlsx.py"}
BUILDS_A_STYLE = re.compile(r"\b(PatternFill|Font|NamedStyle|Border|Side)\(")


def test_fills_and_fonts_are_defined_in_one_place():
    found = [
        (relative, match.group(1))
        for path in sorted((ROOT / "thidua").rglob("*.py"))
        if (relative := path.relative_to(ROOT).as_posix()) not in OWN_STYLE
        for match in BUILDS_A_STYLE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_an_exported_list_is_in_the_house_style():
    data = workbook(
        "Danh sách thử",
        ["Số hiệu CAND", "Họ và tên"],
        [["123-456", "Nguyễn Văn A"]],
        subtitle="Xuất ngày 01/01/2025 bởi Thư ký",
        widths=[14, 28],
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "Danh sách thử" and ws["A1"].font.b and ws["A1"].font.sz == 13
    assert ws["A2"].font.i and ws["A2"].font.color.rgb.endswith(style.NOTE_FONT.color.rgb[-6:])
    for cell in ws[3]:
        assert cell.fill.fgColor.rgb.endswith("0F2747")
        assert cell.font.b and cell.font.color.rgb.endswith("FFFFFF")
    assert ws.column_dimensions["B"].width == 28
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:B4"
