"""Bad files for every importer: generated from the real templates, uploaded through the real pages.

The importers: a unit's results workbook and the cluster's targets workbook (thidua.cycle.results.excel), the
scale workbook (thidua.cycle.plan.excel_scale), the scale and award rules as JSON (the method upload),
the commendation records workbook (thidua.honours.importers), evidence files of a result sheet and
attachments of a commendation decision.

Hypothesis starts from the file the application itself hands out (the template, the scale in force)
and breaks it: random bytes, a zip cut short or with bytes flipped, a zip that is not a workbook,
renamed or missing sheets, changed headers, cells holding huge strings, formulas, dates, times,
NaN and infinities where numbers belong, merged cells, inserted rows and columns; JSON that is not
UTF-8, cut short, nested thousands of levels deep, with NaN or numbers too big for a float, or with
one value of the wrong type somewhere in the document.

Every upload gets an answer, never a server error. A refused upload says why in Vietnamese, naming
the sheet (and the row, when the broken cell is in a data row) or the JSON path, and leaves the
database, the audit log and the stored files exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.files import tiny_pdf
from tests.ops.test_bad_bodies import WEIRD_TEXT, database_state
from thidua.honours.importers import SHEETS
from thidua.org.models import User

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I
)
TRACEBACK = re.compile(r"Traceback|Exception|Error:|invalid literal|object has no attribute", re.I)

SETTINGS = hsettings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# -- what "nothing written" means ---------------------------------------------------------------------


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def state() -> tuple:
    return database_state(), stored_files()


# -- bad workbooks ----------------------------------------------------------------------------------------


@dataclass
class BadFile:
    data: bytes
    name: str
    why: str
    sheet: str | None = None  # the sheet of a broken cell …
    row: int | None = None  # … and its row, when it is a data row the error must name

    def __repr__(self) -> str:
        return f"BadFile({self.why!r}, {self.name!r}, sheet={self.sheet!r}, row={self.row}, {len(self.data)} bytes)"


BAD_CELL = st.one_of(
    WEIRD_TEXT,
    st.text(max_size=30),
    st.integers(min_value=1_000, max_value=32_000).map(lambda n: "Ệ" * n),
    st.sampled_from(
        [
            "=1/0",
            "=A1*2",
            "=SUM(",
            '=HYPERLINK("http://127.0.0.1/","x")',
            "_x0000_",
            "_x001F_abc",
            "#N/A",
            "#DIV/0!",
            "Có",
            "Không",
            "-",
            "0,000001",
            "1.000.000.000.000.000.000.000",
            "  92,5  ",
        ]
    ),
    st.sampled_from([10**20, -(10**20), 1e308, -1e308, -0.0, 5e-324, float("nan"), float("inf")]),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
    st.just(dt.timedelta(days=3, hours=4)),
)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def put(ws: Any, row: int, col: int, value: Any) -> None:
    try:
        ws.cell(row=row, column=col, value=value)
    except Exception:  # openpyxl itself refuses it (control characters): the text as written
        ws.cell(row=row, column=col, value=repr(value))


@st.composite
def broken_workbook(
    draw: Any, base: bytes, name: str, data_sheets: list[str], first_row: int
) -> BadFile:
    """The template (or a filled-in file) with something broken, at the workbook or the zip level."""
    how = draw(
        st.sampled_from(
            ["cell"] * 6
            + ["header", "rename", "drop-sheet", "merge", "insert", "bytes", "cut", "flip", "zip"]
        )
    )
    if how == "bytes":
        return BadFile(draw(st.binary(max_size=300)), name, "random bytes")
    if how == "cut":
        at = draw(st.integers(min_value=0, max_value=len(base) - 1))
        return BadFile(base[:at], name, f"cut at byte {at}")
    if how == "flip":
        data = bytearray(base)
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            at = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        return BadFile(bytes(data), name, "bytes flipped")
    if how == "zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", draw(st.sampled_from(["", "<Types/>", "<<<"])))
            z.writestr(
                draw(st.sampled_from(["xl/workbook.xml", "word/document.xml", "a.txt"])), "x"
            )
        return BadFile(out.getvalue(), name, "a zip that is not a workbook")
    wb = load_workbook(io.BytesIO(base))
    sheet = draw(st.sampled_from(data_sheets))
    ws = wb[sheet]
    if how == "rename":
        ws.title = draw(st.sampled_from([f"{sheet} (2)", sheet.upper(), "Sheet1", "Số liệu cũ"]))
        return BadFile(_save(wb), name, f"sheet {sheet!r} renamed to {ws.title!r}")
    if how == "drop-sheet":
        del wb[sheet]
        if not wb.sheetnames:
            wb.create_sheet("Trống")
        return BadFile(_save(wb), name, f"sheet {sheet!r} removed")
    if how == "header":
        col = draw(st.integers(min_value=1, max_value=max(ws.max_column, 1)))
        row = first_row - 1
        put(ws, row, col, draw(st.one_of(WEIRD_TEXT, st.text(max_size=10))))
        return BadFile(_save(wb), name, f"header {get_column_letter(col)}{row} changed", sheet)
    if how == "merge":
        row = draw(st.integers(min_value=first_row - 1, max_value=first_row + 3))
        col = draw(st.integers(min_value=1, max_value=max(ws.max_column, 2) - 1))
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col + 1)
        return BadFile(_save(wb), name, f"cells merged at {get_column_letter(col)}{row}", sheet)
    if how == "insert":
        if draw(st.booleans()):
            ws.insert_rows(draw(st.integers(min_value=1, max_value=first_row + 2)))
        else:
            ws.insert_cols(draw(st.integers(min_value=1, max_value=max(ws.max_column, 1))))
        return BadFile(_save(wb), name, "a row or a column inserted", sheet)
    # "cell": one or a few cells of a data row hold something they should not.
    row = draw(st.integers(min_value=first_row, max_value=max(ws.max_row, first_row) + 1))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        col = draw(st.integers(min_value=1, max_value=max(ws.max_column, 1) + 1))
        put(ws, row, col, draw(BAD_CELL))
    return BadFile(_save(wb), name, f"cells of row {row} broken", sheet, row)


# -- bad JSON -------------------------------------------------------------------------------------------


def paths(doc: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every (path, value) of a JSON document, in the importer's notation (groups[0].criteria[1])."""
    found = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            here = f"{prefix}.{key}" if prefix else key
            found.append((here, value))
            found += paths(value, here)
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            here = f"{prefix}[{i}]"
            found.append((here, value))
            found += paths(value, here)
    return found


def set_path(doc: Any, path: str, value: Any) -> Any:
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node = doc
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    else:
        node[last] = value
    return doc


@st.composite
def broken_json(draw: Any, base: Any, name: str) -> tuple[BadFile, str | None]:
    """(file, the JSON path of the broken value when there is one)."""
    text = json.dumps(base, ensure_ascii=False)
    how = draw(
        st.sampled_from(
            ["value"] * 5 + ["bytes", "utf16", "latin1", "cut", "deep", "constant", "huge"]
        )
    )
    if how == "bytes":
        return BadFile(draw(st.binary(max_size=300)), name, "random bytes"), None
    if how == "utf16":
        return BadFile(text.encode("utf-16"), name, "UTF-16"), None
    if how == "latin1":
        return BadFile(
            text.encode("utf-8").replace("ệ".encode(), b"\xea", 1) + b"\xff", name, "not UTF-8"
        ), None
    if how == "cut":
        at = draw(st.integers(min_value=0, max_value=len(text) - 1))
        return BadFile(text[:at].encode(), name, f"cut at {at}"), None
    if how == "deep":
        depth = draw(st.sampled_from([1_000, 50_000, 200_000]))
        key = draw(st.sampled_from(["[", '{"a":']))
        close = "]" if key == "[" else "}"
        return BadFile(
            (key * depth + "1" + close * depth).encode(), name, f"nested {depth} deep"
        ), None
    where, _ = draw(st.sampled_from(paths(base) or [("x", None)]))
    if how in ("constant", "huge"):
        token = (
            draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))
            if how == "constant"
            else "1e400"
        )
        doc = set_path(json.loads(text), where, "__TOKEN__")
        data = json.dumps(doc, ensure_ascii=False).replace('"__TOKEN__"', token).encode()
        return BadFile(data, name, f"{token} at {where}"), where
    value = draw(
        st.one_of(
            WEIRD_TEXT,
            st.sampled_from(
                [None, True, -1, 0, 10**30, -1e308, 0.5, [], {}, [[]], {"a": {}}, "Ệ" * 50_000]
            ),
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
        )
    )
    doc = set_path(json.loads(text), where, value)
    return BadFile(
        json.dumps(doc, ensure_ascii=False).encode(), name, f"{value!r:.80} at {where}"
    ), where


# -- the importers --------------------------------------------------------------------------------------


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode("utf-8", "replace"))


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def listed_errors(response: Any) -> list[str]:
    """The error lines the page shows (the upload's list of problems and the form's errors)."""
    page = response.content.decode("utf-8", "replace")
    blocks = re.findall(
        r"<(?:ul|ol)[^>]*(?:form-errors__list|import-errors)[^>]*>(.*?)</(?:ul|ol)>", page, re.S
    )
    items = [li for block in blocks for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


ENGLISH = re.compile(r"\b(the|is|not|file|submitted|invalid|error|ensure|this field)\b", re.I)


def assert_vietnamese(lines: list[str], context: str) -> None:
    assert lines, context
    for line in lines:
        assert VIETNAMESE.search(line), f"{context}\nnot Vietnamese: {line!r}"
        assert not TRACEBACK.search(line), f"{context}\n{line!r}"
        # The user's own cell text is quoted “…”; outside the quotes no English may appear.
        assert not ENGLISH.search(re.sub(r"“[^”]*”", "", line)), f"{context}\nEnglish: {line!r}"


def check_refusal(response: Any, bad: BadFile, context: str, *, row_word: str = "dòng") -> None:
    """A refused upload: 422, Vietnamese errors naming the sheet (and the row of a broken cell)."""
    assert response.status_code == 422, context
    lines = listed_errors(response)
    assert_vietnamese(lines, context)
    sheets = [m.group(1) for line in lines for m in [re.match(r"Trang “([^”]*)”", line)] if m]
    if bad.row is not None and bad.sheet in sheets:
        rows = {
            int(n)
            for line in lines
            if line.startswith(f"Trang “{bad.sheet}”")
            for n in re.findall(rf"{row_word} (\d+)", line, re.I)
        }
        if rows:  # row-level problems name the broken row (sheet-level ones name none)
            assert bad.row in rows, f"{context}\n{lines}"


def run_upload(
    send: Callable[[BadFile], Any],
    bad: BadFile,
    check: Callable[[Any, BadFile, str], None],
    accepted: Callable[[Any], bool] = lambda response: response.status_code == 302,
) -> int:
    # Each upload in a savepoint rolled back afterwards: every example starts from the same data
    # (an accepted file would otherwise make the next one a duplicate).
    with transaction.atomic():
        before = state()
        response = send(bad)
        context = f"{bad!r} → {response.status_code}"
        assert response.status_code < 500, context
        if not accepted(response):
            check(response, bad, context)
            assert state() == before, "refused but written: " + context
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture
def officer(world) -> Client:
    return login("canbo.laocai")


@pytest.fixture
def secretariat(world) -> Client:
    return login("thuongtruc.caobang")


YEAR = (2025, 3)


def test_results_workbook(officer: Client) -> None:
    code = "lao-cai-2025"
    base = officer.get(reverse("cycle_excel_results_template", args=[*YEAR, code])).content
    url = reverse("cycle_excel_results_upload", args=[*YEAR, code])
    seen: list[int] = []

    def send(bad: BadFile) -> Any:
        return officer.post(url, {"file": SimpleUploadedFile(bad.name, bad.data)})

    @seed(1)
    @SETTINGS
    @given(bad=broken_workbook(base, "so-lieu.xlsx", ["Số liệu"], 5))
    def upload(bad: BadFile) -> None:
        seen.append(run_upload(send, bad, check_refusal))

    upload()
    assert 422 in seen


def test_targets_workbook(secretariat: Client) -> None:
    base = secretariat.get(reverse("cycle_excel_targets_template", args=YEAR)).content
    url = reverse("cycle_excel_targets_upload", args=YEAR)
    seen: list[int] = []

    def send(bad: BadFile) -> Any:
        data = {"file": SimpleUploadedFile(bad.name, bad.data), "reason": "Kiểm thử tệp hỏng"}
        return secretariat.post(url, data)

    @seed(2)
    @SETTINGS
    @given(bad=broken_workbook(base, "chi-tieu.xlsx", ["Chỉ tiêu"], 5))
    def upload(bad: BadFile) -> None:
        seen.append(run_upload(send, bad, check_refusal))

    upload()
    assert 422 in seen


def _form_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the page's form (the method's token)."""
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
        if m.group(1) != "csrfmiddlewaretoken"
    }


def test_scale_workbook(secretariat: Client) -> None:
    base = secretariat.get(reverse("cycle_excel_scale", args=YEAR)).content
    url = reverse("cycle_excel_scale_upload", args=YEAR)
    sheets = load_workbook(io.BytesIO(base), read_only=True).sheetnames
    seen: list[int] = []

    def send(bad: BadFile) -> Any:
        hidden = _form_fields(secretariat.get(url).content.decode())  # the method's current token
        data = {**hidden, "file": SimpleUploadedFile(bad.name, bad.data), "reason": "Kiểm thử"}
        return secretariat.post(url, data)

    @seed(3)
    @SETTINGS
    @given(bad=broken_workbook(base, "thang-diem.xlsx", sheets, 5))
    def upload(bad: BadFile) -> None:
        seen.append(run_upload(send, bad, check_scale_refusal))

    upload()
    assert 422 in seen


def check_scale_refusal(response: Any, bad: BadFile, context: str) -> None:
    check_refusal(response, bad, context)


def test_method_json(secretariat: Client) -> None:
    url = reverse("cycle_method_upload", args=YEAR)
    bases = {
        field: secretariat.get(reverse("cycle_method_download", args=[*YEAR, doc])).json()
        for field, doc in (("scale_file", "thang-diem"), ("award_file", "quy-che-khen-thuong"))
    }
    seen: list[int] = []

    @st.composite
    def case(draw: Any) -> tuple[str, BadFile, str | None]:
        field = draw(st.sampled_from(sorted(bases)))
        bad, where = draw(broken_json(bases[field], f"{field}.json"))
        return field, bad, where

    @seed(4)
    @SETTINGS
    @given(case=case())
    def upload(case: tuple[str, BadFile, str | None]) -> None:
        field, bad, where = case

        def send(bad: BadFile) -> Any:
            hidden = _form_fields(secretariat.get(url).content.decode())
            data = {**hidden, field: SimpleUploadedFile(bad.name, bad.data), "reason": "Kiểm thử"}
            return secretariat.post(url, data)

        def check(response: Any, bad: BadFile, context: str) -> None:
            assert response.status_code == 422, context
            page = response.content.decode()
            problems = re.findall(
                r'<td class="mono">([^<]*)</td><td>([^<]*)</td>', page
            )  # (JSON path, message) per problem found in the document
            lines = listed_errors(response) + [html.unescape(m) for _, m in problems]
            assert_vietnamese(lines, context)
            for path, _ in problems:
                assert html.unescape(path).strip(), context  # every problem says where it is
            if where and problems:
                # The broken value's own path, one of its parents or children is among them
                # (a changed code may also break a reference elsewhere: that one is listed too).
                paths = [html.unescape(p) for p, _ in problems]
                top = re.split(r"[.\[]", where)[0]
                assert any(
                    p.split(".")[0].split("[")[0] in (top, "(toàn tệp)") for p in paths
                ) or any(where.startswith(p) or p.startswith(where) for p in paths), (
                    f"{context}\n{where} not in {paths}"
                )

        seen.append(run_upload(send, bad, check))

    upload()
    assert 422 in seen


def honours_base() -> bytes:
    """The import template with one valid row on every sheet (a person of Lào Cai and their records)."""
    from thidua.honours.importers import template_workbook

    wb = load_workbook(io.BytesIO(template_workbook()))
    sample = {
        "officer": "KT-90001",
        "full_name": "Lò Thị Kiểm",
        "unit": "lao-cai-2025",
        "start": "01/07/2025",
        "year": 2025,
        "decision_no": "12/QĐ-CAT",
        "decision_date": "20/12/2025",
        "issuer": "Giám đốc Công an tỉnh",
        "title": "Sáng kiến số hóa hồ sơ",
    }
    for spec in SHEETS:
        ws = wb[spec.name]
        for col, column in enumerate(spec.columns, start=1):
            value = sample.get(column.key)
            if value is None and column.kind == "choice":
                value = next(label for code, label in column.choices if code)
            if column.key == "unit" and spec.key != "people":
                value = None  # a person's record, not a unit's
            if column.key == "award_code":
                value = column.choices[0][1] if column.choices else "Chiến sĩ tiên tiến"
            ws.cell(row=2, column=col, value=value)
    return _save(wb)


def test_commendation_records_workbook(officer: Client) -> None:
    base = honours_base()
    url = reverse("honours_import")
    seen: list[int] = []

    def send(bad: BadFile) -> Any:
        return officer.post(url, {"file": SimpleUploadedFile(bad.name, bad.data)})

    def check(response: Any, bad: BadFile, context: str) -> None:
        check_refusal(response, bad, context, row_word="dòng")

    def imported(response: Any) -> bool:
        return response.status_code == 200 and "Đã nhập xong" in page_text(response)

    @seed(5)
    @SETTINGS
    @given(bad=broken_workbook(base, "khen-thuong.xlsx", [s.name for s in SHEETS], 2))
    def upload(bad: BadFile) -> None:
        seen.append(run_upload(send, bad, check, imported))

    upload()
    assert 422 in seen


# -- evidence and attachments ----------------------------------------------------------------------------

GOOD_HEADS = [tiny_pdf(), b"%PDF-1.4\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04"]
NAMES = st.one_of(
    st.sampled_from(
        [
            "minh-chung.pdf",
            "anh.JPG",
            "bao-cao.docx",
            "so-lieu.xlsx",
            "virus.exe",
            "a.pdf.exe",
            "không-đuôi",
            ".pdf",
            "../../../etc/passwd.pdf",
            "..\\..\\x.png",
            "a" * 300 + ".pdf",
            "Ệ" * 120 + ".png",
            "tệp\u202efdp.exe",
            "bieu mau (1).jpeg",
        ]
    ),
    st.text(min_size=1, max_size=40).map(lambda s: s.replace("\x00", "") + ".pdf"),
)


@st.composite
def bad_evidence(draw: Any) -> BadFile:
    head = draw(st.sampled_from([*GOOD_HEADS, b"MZ\x90\x00", b"", b"<html>", b"GIF89a"]))
    body = draw(st.binary(max_size=200))
    return BadFile(head + body, draw(NAMES), "evidence")


def test_evidence_files(officer: Client) -> None:
    from thidua.cycle.models import ResultSheet
    from thidua.cycle.scoring import scale_of

    code = "lao-cai-2025"
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code=code)
    criteria = [c.code for c in scale_of(sheet.cycle.method).criteria]
    url = reverse("cycle_evidence_upload", args=[*YEAR, code])
    seen: list[int] = []

    @seed(6)
    @SETTINGS
    @given(
        bad=bad_evidence(), criterion=st.sampled_from([*criteria[:3], "", "KHONG-CO", "Ệ" * 300])
    )
    def upload(bad: BadFile, criterion: str) -> None:
        def send(bad: BadFile) -> Any:
            return officer.post(
                url, {"criterion": criterion, "file": SimpleUploadedFile(bad.name, bad.data)}
            )

        def check(response: Any, bad: BadFile, context: str) -> None:
            text = page_text(response)
            assert response.status_code == 422, context
            assert not TRACEBACK.search(text), context
            assert re.search(
                r"Loại tệp|Nội dung tệp|Tệp rỗng|Tệp quá lớn|Chọn|không hợp lệ|không có trong", text
            ), context

        seen.append(run_upload(send, bad, check))

    upload()
    assert 422 in seen and 302 in seen


def test_commendation_attachments(officer: Client, world) -> None:
    from tests.honours.conftest import award_to

    row = award_to(
        world.unit("lao-cai-2025"),
        "don_vi_quyet_thang",
        2025,
        by=User.objects.get(username="canbo.laocai"),
    )
    url = reverse("honours_commendation_attach", args=[row.pk])
    outcomes: list[bool] = []

    @seed(7)
    @SETTINGS
    @given(bad=bad_evidence())
    def upload(bad: BadFile) -> None:
        before = state()
        client = login("canbo.laocai")  # a fresh session: no message left from another upload
        response = client.post(url, {"file": SimpleUploadedFile(bad.name, bad.data)})
        context = f"{bad!r} → {response.status_code}"
        assert response.status_code == 302, context
        notes = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
        refused = any(level == "error" for level, _ in notes)
        outcomes.append(refused)
        if refused:
            assert all(VIETNAMESE.search(text) for _, text in notes), context
            assert not any(TRACEBACK.search(text) for _, text in notes), context
            assert state() == before, "refused but written: " + context
        else:
            assert row.attachments.count() >= 1, context

    upload()
    assert True in outcomes and False in outcomes
