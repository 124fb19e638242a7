"""The rows of the unit-data workbooks (a unit's rosters by year, its subordinate units' year data),
read by the one reader both sheets share: the header row, empty rows, and where each refusal stands."""

from __future__ import annotations

import io

from openpyxl import Workbook

from thidua.honours import rosters_excel, teams_excel


def _sheet(*rows: list) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_header_is_found_whatever_its_case_and_accents_and_empty_rows_are_passed_over():
    data = _sheet(
        ["Quân số"], [], ["NAM", "tong quan so"], [2024, 300, "12"], [None, " "], [2023, 280]
    )
    rows, errors = rosters_excel.read(data)
    assert errors == []
    assert [(n, v["year"], v["members"], v["completed"]) for n, v in rows] == [
        (4, 2024, 300, 12),
        (6, 2023, 280, None),
    ]


def test_each_row_says_its_cells_then_its_checks_before_the_next_row():
    data = _sheet(["Năm"], [1800, "ba trăm"], [None, 5, 2.5])
    _, errors = rosters_excel.read(data)
    assert errors == [
        "Dòng 2, cột “Tổng quân số”: “ba trăm” không phải số nguyên.",
        f"Dòng 2, cột “Năm”: {errors[1].split(': ', 1)[1]}",
        "Dòng 3, cột “Năm”: bắt buộc, đang để trống.",
        "Dòng 3, cột “Hoàn thành nhiệm vụ trở lên”: “2.5” không phải số nguyên.",
    ]
    assert errors[1].startswith("Dòng 2, cột “Năm”: Năm phải từ ")


def test_text_columns_keep_text_and_number_columns_refuse_words():
    data = _sheet(teams_excel.HEADERS, [2024, "Đội 1\x85", "Cấp cơ sở", None, None, "ba"])
    rows, errors = teams_excel.read(data)
    assert errors == ["Dòng 2, cột “Tổng quân số”: “ba” không phải số nguyên."]
    ((_, values),) = rows
    assert (
        values["name"] == "Đội 1" and values["level"] == "Cấp cơ sở" and values["members"] is None
    )


def test_a_sheet_without_its_header_or_without_data_is_refused():
    assert rosters_excel.read(_sheet(["Danh sách"], [2024, 300])) == (
        [],
        ["Không thấy dòng tiêu đề (cột đầu là “Năm”): dùng tệp mẫu tải về."],
    )
    assert teams_excel.read(_sheet(teams_excel.HEADERS)) == ([], ["Tệp không có dòng số liệu nào."])
