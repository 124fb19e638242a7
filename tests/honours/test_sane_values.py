"""The same bad value refused the same way on every path: a person's start date out of any police
career (page, API, Excel import: one message), and attachments that only pretend to be files
(checked by opening them, not by their first bytes)."""

from __future__ import annotations

import html
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document
from openpyxl import Workbook
from PIL import Image

from tests.files import tiny_pdf
from tests.honours.conftest import CSTT, award_to, person, unit
from tests.honours.test_import_export import filled
from thidua.api.models import ApiToken
from thidua.honours.importers import import_workbook
from thidua.honours.models import Person

pytestmark = pytest.mark.django_db

EXPECTED = "Ngày 01/01/1800 ngoài khoảng hợp lệ: từ 19/08/1945 (ngày thành lập lực lượng Công an"


def bearer(user) -> Client:
    _, token = ApiToken.issue(user, "kiểm thử")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_start_date_in_1800_is_refused_with_one_message_on_the_page_the_api_and_the_import(
    cast,
):
    page = cast.client(cast.officer_a).post(
        "/khen-thuong/can-bo/them/",
        {
            "officer_code": "KT-1800",
            "full_name": "Trần Văn Cổ",
            "unit": unit("bac-giang").pk,
            "start": "01/01/1800",
            "discipline_checked": "on",
        },
    )
    assert page.status_code in (200, 422)
    assert EXPECTED in html.unescape(page.content.decode())

    api = bearer(cast.officer_a).post(
        "/api/v1/people",
        json.dumps(
            {
                "officer_code": "KT-1800",
                "full_name": "Trần Văn Cổ",
                "unit": "bac-giang",
                "start": "1800-01-01",
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert EXPECTED in api.content.decode()

    upload = filled({"Cán bộ": [["KT-1800", "Trần Văn Cổ", "", "", "bac-giang", "", "01/01/1800"]]})
    result = import_workbook(upload, cast.officer_a)
    assert any(EXPECTED in str(e) for e in result.errors), [str(e) for e in result.errors]
    assert not Person.objects.filter(officer_code="KT-1800").exists()


def test_a_start_date_years_ahead_is_refused_and_a_real_one_accepted(cast):
    client = bearer(cast.officer_a)
    body = {"officer_code": "KT-2999", "full_name": "Lê Thị Sau", "unit": "bac-giang"}
    ahead = client.post(
        "/api/v1/people", json.dumps({**body, "start": "2999-01-01"}), "application/json"
    )
    assert ahead.status_code == 422 and "ngoài khoảng hợp lệ" in ahead.content.decode()
    real = client.post(
        "/api/v1/people", json.dumps({**body, "start": "1975-05-01"}), "application/json"
    )
    assert real.status_code == 201, real.content


def docx_bytes() -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Quyết định khen thưởng")
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "Danh sách"
    wb.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def zip_of_garbage() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("rac.bin", b"\x00garbage" * 20)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "forged", "genuine"),
    [
        ("quyet-dinh.docx", b"PK\x03\x04" + b"garbage" * 40, docx_bytes),
        ("quyet-dinh.docx", zip_of_garbage(), docx_bytes),
        ("danh-sach.xlsx", b"PK\x03\x04" + b"garbage" * 40, xlsx_bytes),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, png_bytes),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64, None),
        ("quyet-dinh.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", tiny_pdf),
        ("quyet-dinh.pdf", tiny_pdf()[:300], tiny_pdf),
    ],
)
def test_an_attachment_is_accepted_only_if_it_opens_as_what_it_claims(
    cast, media, name, forged, genuine
):
    c = award_to(person("bac-giang"), CSTT, 2024)
    api = bearer(cast.officer_a)
    url = f"/api/v1/commendations/{c.pk}/attachments"
    refused = api.post(url, {"file": SimpleUploadedFile(name, forged)})
    assert refused.status_code == 422, refused.content
    assert "Nội dung tệp không đọc được" in refused.content.decode()
    assert c.attachments.count() == 0
    if genuine:
        accepted = api.post(url, {"file": SimpleUploadedFile(name, genuine())})
        assert accepted.status_code == 201, accepted.content
        assert c.attachments.count() == 1
