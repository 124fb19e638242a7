"""Certificates from a signed decision, printed on pre-printed blanks: one PDF per decision with a
page per recipient, Vietnamese names in embedded fonts, the printer's calibration moving the text,
a preview image, and only the lines the user may print."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests.honours.test_decisions import officer
from thidua.audit.models import AuditRecord
from thidua.documents import certificates as C
from thidua.documents.models import PrinterCalibration
from thidua.honours import signing
from thidua.honours.models import Decision
from thidua.honours.signing import LineInput, create_draft

pytestmark = pytest.mark.django_db
MM = 72 / 25.4  # points per millimetre
NAMES = ("Nguyễn Thị Hồng Nhung", "Phạm Thị Hòa")


def _signed(world) -> Decision:
    people = [officer(world, "PHOI-1", NAMES[0]), officer(world, "PHOI-2", NAMES[1])]
    decision = create_draft(
        by=world.cast.approver,
        summary="Về việc tặng Bằng khen của Bộ trưởng Bộ Công an",
        year=2024,
        lines=[
            LineInput(award_code="bang_khen_bo_cong_an", unit=p.current_unit, person=p)
            for p in people
        ],
    )
    signing.sign(
        decision,
        by=world.cast.approver,
        seq=1777,
        date=dt.date(2025, 3, 1),
        signer_name="Lương Tam Quang",
    )
    decision.refresh_from_db()
    return decision


def _demo_bca(world) -> Decision:
    from thidua.cycle.outcome.decisions import build_demo_decisions  # as load_demo makes them

    return next(d for d in build_demo_decisions(world.cycle2021) if d.authority == "BCA")


def _pdftotext(pdf: bytes, *args: str) -> str:
    out = subprocess.run(
        ["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return out.decode("utf-8")


def _word_box(pdf: bytes, word: str) -> tuple[float, float]:
    """xMin, yMin (points) of the first occurrence of `word` (pdftotext -bbox)."""
    html = unicodedata.normalize("NFC", _pdftotext(pdf, "-bbox"))
    match = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">'
        + re.escape(word)
        + "</word>",
        html,
    )
    assert match, f"{word} not found"
    return float(match.group(1)), float(match.group(2))


def test_one_page_per_recipient_with_the_names_in_nfc_and_embedded_fonts(world):
    decision = _signed(world)
    response = world.cast.client(world.cast.approver).get(
        f"/in-phoi/quyet-dinh/{decision.pk}/phoi.pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    # A Bằng khen blank is A3 landscape.
    box = reader.pages[0].mediabox
    assert round(float(box.width) / MM) == 420 and round(float(box.height) / MM) == 297
    text = _pdftotext(pdf)
    for name in NAMES:
        assert name in text  # as extracted, already NFC
        assert unicodedata.is_normalized("NFC", name)
    assert "Quyết định số 1777/QĐ-BCA, ngày 01 tháng 03 năm 2025" in text
    assert "Hà Nội, ngày 01 tháng 03 năm 2025" in text and "Lương Tam Quang" in text
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    # The vendored Liberation Serif, embedded as subsets under the family name of the CSS.
    assert fonts and all("+TD-Serif" in f for f in fonts)
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            descriptor = f.get_object()
            descriptor = (
                descriptor.get("/FontDescriptor")
                or descriptor["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            assert (
                "/FontFile2" in descriptor.get_object() or "/FontFile3" in descriptor.get_object()
            )


def test_the_calibration_offset_moves_every_field_by_that_many_millimetres(world):
    decision = _signed(world)
    pages, _ = C.pages(
        decision, list(decision.lines.select_related("unit", "person", "commendation"))
    )
    plain = C.render(pages)
    moved = C.render(pages, dx=Decimal("10"), dy=Decimal("-4.5"))
    for word in ("Nhung", "1777/QĐ-BCA,", "Quang"):
        x0, y0 = _word_box(plain, word)
        x1, y1 = _word_box(moved, word)
        assert x1 - x0 == pytest.approx(10 * MM, abs=0.2)
        assert y1 - y0 == pytest.approx(-4.5 * MM, abs=0.2)


def test_the_demo_decision_prints_its_flags_and_its_certificate(world):
    decision = _demo_bca(world)
    pdf = (
        world.cast.client(world.cast.approver)
        .get(f"/in-phoi/quyet-dinh/{decision.pk}/phoi.pdf")
        .content
    )
    reader = PdfReader(io.BytesIO(pdf))
    lines = [line for line in decision.lines.all() if not line.revoked]
    assert len(reader.pages) == len(lines) == 7
    text = _pdftotext(pdf)
    assert text.count("Cờ thi đua của Bộ Công an") == 6  # the title is printed on the flag's blank
    assert "Công an tỉnh Phú Thọ" in text and "Công an tỉnh Bắc Giang" in text
    # The cluster's ranking reasons are not certificate words: the movement's sentence is printed.
    assert "xếp hạng" not in text
    assert "trong phong trào thi đua “Vì an ninh Tổ quốc” năm 2021" in text


def test_a_unit_prints_only_its_own_lines_and_others_see_nothing(world):
    decision = _demo_bca(world)
    url = f"/in-phoi/quyet-dinh/{decision.pk}/phoi.pdf"
    pdf = world.cast.client(world.cast.officer_a).get(url).content
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "Công an tỉnh Bắc Giang" in _pdftotext(pdf)
    assert world.cast.client(world.cast.officer_b).get(url).status_code == 404


def test_a_draft_is_not_printed(world):
    decision = create_draft(
        by=world.cast.approver,
        summary="Dự thảo",
        year=2024,
        lines=[LineInput(award_code="bang_khen_bo_cong_an", unit=world.unit("bac-giang"))],
    )
    client = world.cast.client(world.cast.approver)
    response = client.get(f"/in-phoi/quyet-dinh/{decision.pk}/phoi.pdf")
    assert response.status_code == 409
    assert "Chỉ in bằng, giấy khen từ quyết định đã ký ban hành" in response.content.decode()
    page = client.get(f"/in-phoi/quyet-dinh/{decision.pk}/")
    assert page.status_code == 409


def test_the_user_saves_a_printer_calibration_previews_it_and_bad_offsets_are_refused(world):
    decision = _demo_bca(world)
    client = world.cast.client(world.cast.approver)
    url = f"/in-phoi/quyet-dinh/{decision.pk}/"
    saved = client.post(
        url, {"printer": "HP phòng Thi đua", "x": "2,5", "y": "-1", "action": "save"}
    )
    assert saved.status_code == 302
    row = PrinterCalibration.objects.get(user=world.cast.approver, printer="HP phòng Thi đua")
    assert (row.offset_x_mm, row.offset_y_mm) == (Decimal("2.5"), Decimal("-1.0"))
    assert AuditRecord.objects.filter(
        model="documents.printercalibration", action="create"
    ).exists()
    page = client.get(saved["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "x=2.5" in body and "y=-1.0" in body
    # The PDF for that printer uses the saved offsets.
    default = client.get(f"{url}phoi.pdf").content
    printer = client.get(f"{url}phoi.pdf", {"may-in": "HP phòng Thi đua"}).content
    assert _word_box(printer, "Giang")[0] - _word_box(default, "Giang")[0] == pytest.approx(
        2.5 * MM, abs=0.2
    )
    # The preview is an image of the page.
    png = client.get(f"{url}xem-truoc.png", {"may-in": "HP phòng Thi đua", "trang": 2})
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    # A try that is not saved, then bad input.
    tried = client.post(
        url, {"printer": "HP phòng Thi đua", "x": "4", "y": "0", "action": "preview"}
    )
    assert "x=4" in tried["Location"]
    assert PrinterCalibration.objects.get(pk=row.pk).offset_x_mm == Decimal("2.5")
    bad = client.post(url, {"printer": " ", "x": "abc", "y": "80", "action": "save"})
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "Phải đặt tên máy in." in text
    assert "Dịch ngang phải là số mm" in text and "Dịch dọc tối đa ±50 mm." in text
    assert client.get(f"{url}phoi.pdf", {"x": "abc"}).status_code == 422


def test_the_signed_decisions_page_links_to_its_certificates(world):
    decision = _demo_bca(world)
    page = world.cast.client(world.cast.approver).get(f"/quyet-dinh-khen-thuong/{decision.pk}/")
    assert f'href="/in-phoi/quyet-dinh/{decision.pk}/"' in page.content.decode()
