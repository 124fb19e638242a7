"""One error type for a bad cell or row of any uploaded file (thidua.engine.cells.CellError, taken by
the apps from thidua.lib.cells): how each kind of file places a problem, word for word as the
screens show it, and what the type promises (raised before it is placed, equal by place and
message, kept through pickling as a background job's result is)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from thidua.engine.cells import CellError, column_letter
from thidua.lib import cells


def test_the_apps_and_the_engine_share_one_type():
    assert cells.CellError is CellError
    assert issubclass(cells.CellError, ValueError)


def test_a_year_workbook_places_a_problem_by_sheet_row_and_lettered_column():
    problem = CellError("Số liệu", 7, 6, "Số liệu", "phải là số.")
    assert str(problem) == "Trang “Số liệu”, dòng 7, cột F (Số liệu): phải là số."
    assert (
        str(CellError("Tiêu chí", 5, 2, "", "trống.")) == "Trang “Tiêu chí”, dòng 5, cột B: trống."
    )
    assert str(CellError("Chỉ tiêu", None, None, "", "không tìm thấy trang này.")) == (
        "Trang “Chỉ tiêu”: không tìm thấy trang này."
    )


def test_the_register_import_places_a_problem_its_own_way():
    problem = CellError("Khen thưởng", 7, 4, "Năm", "phải là số năm.", layout="register")
    assert str(problem) == "Trang “Khen thưởng” — Dòng 7, cột D (Năm): phải là số năm."
    row = CellError("Cán bộ", 3, message="trùng số hiệu.", layout="register")
    assert str(row) == "Trang “Cán bộ” — Dòng 3: trùng số hiệu."


def test_an_engine_file_places_a_problem_by_file_and_place():
    assert str(CellError.in_file("kq.csv", "dòng 5, cột 3 ('TP1')", "không phải số")) == (
        "tệp 'kq.csv', dòng 5, cột 3 ('TP1'): không phải số"
    )
    assert str(CellError.in_file("kq.json", "", "JSON lồng nhau quá sâu")) == (
        "tệp 'kq.json': JSON lồng nhau quá sâu"
    )


def test_a_reader_raises_it_unplaced_and_the_caller_places_it():
    with pytest.raises(CellError) as caught:
        raise CellError(message="phải là số nguyên.", value="2,5")
    assert str(caught.value) == "phải là số nguyên."
    placed = caught.value.at("Nhóm", 9, 3, "Điểm tối đa")
    assert str(placed) == "Trang “Nhóm”, dòng 9, cột C (Điểm tối đa): phải là số nguyên."
    assert placed.value == "2,5"
    register = caught.value.at("Xếp loại", 2, 1, "Số hiệu CAND", layout="register")
    assert str(register).startswith("Trang “Xếp loại” — Dòng 2, cột A (Số hiệu CAND): ")


def test_two_problems_are_the_same_by_place_and_message_not_by_the_value_read():
    a = CellError("Số liệu", 7, 6, "Số liệu", "phải là số.", value="abc")
    b = CellError("Số liệu", 7, 6, "Số liệu", "phải là số.", value="xyz")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != CellError("Số liệu", 8, 6, "Số liệu", "phải là số.")
    assert a != CellError("Số liệu", 7, 6, "Số liệu", "phải là số.", layout="register")


def test_a_problem_survives_pickling_with_its_value():
    for problem in (
        CellError("Khen thưởng", 3, 4, "Năm", "sai.", value=20, layout="register"),
        CellError.in_file("kq.csv", "dòng 2", "trống"),
        CellError(message="phải là số."),
    ):
        again = pickle.loads(pickle.dumps(problem))
        assert again == problem and str(again) == str(problem) and again.value == problem.value


def test_an_upload_error_carries_every_problem_in_order():
    problems = [CellError("A", 1, 1, "x", "một."), CellError("A", 2, None, "", "hai.")]
    refused = cells.UploadError(iter(problems))
    assert refused.errors == problems
    assert refused.messages == ["Trang “A”, dòng 1, cột A (x): một.", "Trang “A”, dòng 2: hai."]
    assert str(refused) == "\n".join(refused.messages)


@given(st.integers(min_value=1, max_value=18278))  # A … ZZZ, every column Excel has
def test_column_letters_are_excels(column):
    assert column_letter(column) == get_column_letter(column)
