"""Excel import (template, row-precise errors, all or nothing) and the Excel exports of every list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.honours.conftest import CSTT, XS, award_to, person, unit
from thidua.audit.models import AuditRecord
from thidua.honours.importers import import_workbook, template_workbook
from thidua.honours.models import Commendation, Initiative, Person, PersonRating

pytestmark = pytest.mark.django_db


def filled(sheets: dict[str, list[list]]) -> SimpleUploadedFile:
    """The downloadable template with rows typed in (from row 2), as an upload."""
    wb = load_workbook(io.BytesIO(template_workbook()))
    for name, rows in sheets.items():
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                wb[name].cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("ho-so.xlsx", out.getvalue())


GOOD = {
    "Cán bộ": [
        [
            "KT-9001",
            "Đỗ Văn Nhập",
            "Đại úy",
            "Cán bộ",
            "Công an tỉnh Bắc Giang",
            "Phòng PA03",
            "01/03/2016",
        ],
        ["KT-9002", "Lò Thị Mẫu", "", "", "bac-giang", "", dt.datetime(2018, 5, 2)],
    ],
    "Xếp loại": [
        ["KT-9001", "", 2024, "Hoàn thành xuất sắc nhiệm vụ"],
        ["", "bac-giang", 2024, "hoàn thành tốt nhiệm vụ"],
    ],
    "Sáng kiến": [["KT-9001", 2024, "Bản đồ số điểm nóng", "Sáng kiến", "Cơ sở", "5/QĐ"]],
    "Khen thưởng": [
        [
            "KT-9001",
            "",
            "Chiến sĩ tiên tiến",
            2024,
            "88/QĐ-CAT",
            "20/12/2024",
            "Giám đốc Công an tỉnh",
        ],
        [
            "",
            "Công an tỉnh Bắc Giang",
            "Đơn vị tiên tiến",
            2023,
            "7/QĐ-BCA",
            "15/01/2024",
            "Bộ trưởng Bộ Công an",
        ],
    ],
}


def test_template_has_instructions_lists_and_a_locked_header(reference):
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert wb.sheetnames[:2] == ["Hướng dẫn", "Danh mục"]
    assert {"Cán bộ", "Xếp loại", "Sáng kiến", "Kỷ luật", "Khen thưởng"} <= set(wb.sheetnames)
    assert wb["Danh mục"].sheet_state == "hidden"
    sheet = wb["Khen thưởng"]
    assert sheet["D1"].value == "Năm *" and sheet["D1"].protection.locked
    assert sheet.protection.sheet
    assert sheet.column_dimensions["D"].protection.locked is False
    formulas = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert any("Danh mục" in (f or "") for f in formulas)
    guide = "\n".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "tất cả hoặc không nhập gì" in guide


def test_file_errors_are_reported_per_row_and_column_and_nothing_is_saved(cast):
    bad = {
        **GOOD,
        "Khen thưởng": [
            GOOD["Khen thưởng"][0],
            ["KT-9001", "", "Chiến sĩ thi đua cơ sở", "20x4", "", "32/13/2024", "Giám đốc"],
        ],
        "Cán bộ": [
            GOOD["Cán bộ"][0],
            ["KT-9002", "Lò Thị Mẫu", "", "", "Công an tỉnh Không Có", "", "01/01/2020"],
        ],
    }
    before = (Person.objects.count(), Commendation.objects.count())
    result = import_workbook(filled(bad), cast.officer_a)
    messages = [str(e) for e in result.errors]
    assert (
        "Trang “Khen thưởng” — Dòng 3, cột D (Năm): phải là số năm (ví dụ 2024), không phải “20x4”."
        in messages
    )
    assert (
        "Trang “Khen thưởng” — Dòng 3, cột E (Số quyết định): bắt buộc, đang để trống." in messages
    )
    assert any(
        m.startswith("Trang “Khen thưởng” — Dòng 3, cột F (Ngày quyết định): ngày không hợp lệ")
        for m in messages
    )
    assert not result.saved
    assert (Person.objects.count(), Commendation.objects.count()) == before


def test_a_refusal_in_the_database_step_rolls_back_every_row(cast):
    late = {
        **GOOD,
        "Khen thưởng": [
            *GOOD["Khen thưởng"],
            ["", "phu-tho-2025", "Đơn vị tiên tiến", 2023, "9/QĐ", "10/01/2024", "Bộ trưởng"],
        ],
    }
    before = (Person.objects.count(), Commendation.objects.count(), AuditRecord.objects.count())
    result = import_workbook(filled(late), cast.approver)
    assert [str(e) for e in result.errors] == [
        "Trang “Khen thưởng” — Dòng 4, cột B (Đơn vị): Công an tỉnh Phú Thọ không tồn tại trong năm 2023 "
        "(01/07/2025 – nay). Ghi tên đơn vị khi được khen (trước sáp nhập)."
    ]
    assert (
        Person.objects.count(),
        Commendation.objects.count(),
        AuditRecord.objects.count(),
    ) == before


def test_a_clean_file_is_saved_whole_with_people_usable_in_the_same_file(cast):
    result = import_workbook(filled(GOOD), cast.officer_a)
    assert result.ok and result.saved, [str(e) for e in result.errors]
    assert result.counts == {
        "people": 2,
        "ratings": 2,
        "initiatives": 1,
        "disciplines": 0,
        "commendations": 2,
    }
    p = Person.objects.get(officer_code="KT-9001")
    assert PersonRating.objects.get(person=p).rating == XS
    assert Initiative.objects.get(person=p).scope == "co_so"
    assert Commendation.objects.get(person=p).award_code == CSTT
    assert Commendation.objects.filter(
        unit__code="bac-giang", award_code="don_vi_tien_tien"
    ).exists()
    assert AuditRecord.objects.filter(model="honours.commendation").count() >= 2


def test_dry_run_checks_everything_and_saves_nothing(cast):
    result = import_workbook(filled(GOOD), cast.officer_a, dry_run=True)
    assert result.ok and not result.saved and result.counts["people"] == 2
    assert not Person.objects.filter(officer_code="KT-9001").exists()


def test_people_outside_the_users_line_cannot_be_referenced(cast):
    other = person("gia-lai")
    rows = {"Xếp loại": [[other.officer_code, "", 2024, "Hoàn thành nhiệm vụ"]]}
    result = import_workbook(filled(rows), cast.officer_a)
    assert [str(e) for e in result.errors] == [
        f"Trang “Xếp loại” — Dòng 2, cột A (Số hiệu CAND): không có cán bộ số hiệu “{other.officer_code}” trong phạm vi của bạn."
    ]


def test_a_file_that_is_not_a_workbook_is_refused_plainly(cast):
    result = import_workbook(SimpleUploadedFile("x.xlsx", b"not excel"), cast.officer_a)
    assert "không phải bảng tính Excel" in str(result.errors[0])


def test_import_page_reports_errors_then_accepts_the_fixed_file(cast):
    client = cast.client(cast.officer_a)
    bad = {
        "Khen thưởng": [
            ["", "bac-giang", "Đơn vị tiên tiến", "năm ngoái", "7/QĐ", "15/01/2024", "Bộ"]
        ]
    }
    response = client.post("/khen-thuong/nhap-excel/", {"file": filled(bad)})
    assert response.status_code == 422
    assert "Dòng 2, cột D (Năm)" in response.content.decode()
    bad["Khen thưởng"][0][3] = 2023
    response = client.post("/khen-thuong/nhap-excel/", {"file": filled(bad)})
    assert response.status_code == 200 and "Đã nhập xong" in response.content.decode()
    response = cast.client(cast.viewer).post("/khen-thuong/nhap-excel/", {"file": filled(bad)})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/khen-thuong/can-bo/?xuat=excel",
        "/khen-thuong/quyet-dinh/?xuat=excel",
        "/khen-thuong/don-vi/bac-giang/?xuat=excel",
        "/khen-thuong/don-vi/bac-giang/goi-y/?year=2024&xuat=excel",
        "/khen-thuong/nhap-excel/mau.xlsx",
        "PERSON?xuat=excel",
    ],
)
def test_every_list_exports_a_workbook_that_opens(cast, url):
    p = person("bac-giang", name="Trịnh Xuất", ratings={2024: XS})
    award_to(p, CSTT, 2024)
    award_to(unit("bac-giang"), "don_vi_tien_tien", 2023)
    url = url.replace("PERSON", p.get_absolute_url())
    response = cast.client(cast.officer_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert "Trịnh Xuất" in text or "Bắc Giang" in text or "Số hiệu CAND" in text
