"""What comes from outside, made safe once for every app: workbooks read, files attached, free text.

Below the domain apps (it imports none of them): the results and targets workbooks
(thidua.cycle.results.excel), the scale workbook (thidua.cycle.plan.excel_scale), the commendation records
(thidua.honours.importers), evidence and decision attachments all go through it, and every workbook
the application writes puts user text in its cells through ``put``.

Workbooks (``open_workbook``): an .xlsx is a zip of XML parts. Before openpyxl sees the file, every
part is checked from the zip's directory (count, uncompressed size, compression ratio: a 2 MB file
whose sheet expands to 2 GB is refused before a byte of it is inflated), then every XML part is
read as a stream (64 KB at a time, never held whole) by a parser that refuses a DTD or an entity
declaration and any XML that is not well formed (a truncated sheet). Only then does openpyxl open
it, read-only. Every refusal is a ``FileRefused`` with a Vietnamese message.

Attachments (``check_attachment``): a DOCX or XLSX must pass the workbook checks above and open
with python-docx / openpyxl; a PNG or JPEG must be decoded whole by Pillow (with its
decompression-bomb guard). A PDF is checked on its header only: no PDF parser is installed.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from typing import IO, Any
from xml.parsers import expat

# -- limits ---------------------------------------------------------------------------------------

# The largest real workbook the application meets is a national records import: ~60 000 rows over
# six sheets, ~40 MB of XML once inflated. A part or a whole file beyond these is not a worksheet
# someone filled in.
MAX_PARTS = 2_000
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Worksheet XML compresses ~5–30×; a part inflating 200× or more (and past 1 MB) is built to explode.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
CHUNK = 64 * 1024


class FileRefused(ValueError):
    """An uploaded file that is not accepted; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


NOT_XLSX = "tệp không phải bảng tính Excel (.xlsx) hợp lệ."
TOO_BIG = (
    "tệp nén chứa dữ liệu quá lớn khi giải nén ({size} MB{where}); không phải bảng tính nhập "
    "liệu thông thường nên không được nhận."
)
BOMB = (
    "tệp có phần nén bất thường (giải nén gấp {ratio} lần{where}); không phải bảng tính nhập liệu "
    "thông thường nên không được nhận."
)
DTD = (
    "tệp chứa khai báo DTD/thực thể XML ({part}); bảng tính Excel không có các khai báo này nên "
    "tệp không được nhận."
)
BROKEN = "tệp bị hỏng, phần “{part}” không đọc được (lưu lại tệp bằng Excel rồi tải lên lại)."


def _read_all(source: bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return data


def _mb(size: int) -> str:
    return (
        f"{size / 1048576:.0f}"
        if size >= 10 * 1048576
        else f"{size / 1048576:.1f}".replace(".", ",")
    )


def check_zip_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose parts would inflate beyond the limits, from its directory alone.

    The sizes in the directory bind: zipfile never inflates a member beyond its declared size
    (and checks its CRC), so what is checked here is what any reader of this archive gets."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise FileRefused(f"tệp chứa quá nhiều phần ({len(parts)}); {NOT_XLSX}")
    total = 0
    for info in parts:
        where = f", phần “{info.filename[:80]}”"
        if info.file_size > MAX_PART_BYTES:
            raise FileRefused(TOO_BIG.format(size=_mb(info.file_size), where=where))
        if info.file_size > RATIO_FROM_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio >= MAX_RATIO:
                raise FileRefused(BOMB.format(ratio=f"{ratio:.0f}", where=where))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise FileRefused(TOO_BIG.format(size=_mb(total), where=""))


class _Refuse(Exception):
    pass


def _refuse_declaration(*args: Any) -> None:
    raise _Refuse


def check_xml_part(archive: zipfile.ZipFile, name: str) -> None:
    """Stream one XML part through expat: no DTD, no entity declaration, well formed to the end."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.UnparsedEntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_declaration
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refuse:
        raise FileRefused(DTD.format(part=name[:80])) from None
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise FileRefused(BROKEN.format(part=name[:80])) from None


def check_ooxml(data: bytes) -> zipfile.ZipFile:
    """The bytes as an Office Open XML zip, every part within limits and every XML part clean."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused(NOT_XLSX) from None
    check_zip_sizes(archive)
    names = archive.namelist()
    if "[Content_Types].xml" not in names:
        raise FileRefused(NOT_XLSX)
    for name in names:
        if name.endswith((".xml", ".rels", ".vml")):
            check_xml_part(archive, name)
    return archive


def open_workbook(source: bytes | IO[bytes]):
    """An uploaded .xlsx as a read-only openpyxl workbook (values, not formulas), checked first.

    Raises FileRefused (Vietnamese) for a file that is not a workbook, a zip bomb, a DTD or a
    damaged part. The caller closes the workbook."""
    from openpyxl import load_workbook

    data = _read_all(source)
    check_ooxml(data).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", "no default style": harmless
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(NOT_XLSX) from None


# -- attachments ----------------------------------------------------------------------------------


def _check_docx(data: bytes) -> None:
    import docx

    try:
        check_ooxml(data).close()
    except FileRefused as exc:
        raise FileRefused(
            exc.message.replace("bảng tính Excel (.xlsx)", "văn bản Word (.docx)")
        ) from None
    try:
        docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a file that is not a document
        raise FileRefused("tệp không phải văn bản Word (.docx) hợp lệ.") from None


def _check_xlsx(data: bytes) -> None:
    wb = open_workbook(data)
    try:
        for ws in wb.worksheets:  # read every cell once: a damaged sheet shows only when read
            for _row in ws.iter_rows(values_only=True):
                pass
    except Exception:
        raise FileRefused(NOT_XLSX) from None
    finally:
        wb.close()


def _check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind:
                    raise ValueError(image.format)
                if image.width * image.height > 80_000_000:
                    raise ValueError("too many pixels")
                image.load()  # decodes every pixel: a truncated or forged image fails here
    except Exception:
        raise FileRefused(f"tệp không phải ảnh {kind} hợp lệ (không đọc được ảnh).") from None


def _check_pdf(data: bytes) -> None:
    """A PDF is read by a real parser (pypdf): its cross-reference table, trailer and every page
    object must load. A password-protected PDF is refused: the inspectors could not open it."""
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # pypdf warns about recoverable slips; we judge the result
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise FileRefused("tệp PDF có mật khẩu: hãy gửi bản không đặt mật khẩu.")
            pages = len(reader.pages)
            for page in reader.pages:
                page.mediabox  # noqa: B018 - touching each page object loads it
    except FileRefused:
        raise
    except (
        Exception
    ):  # pypdf raises many kinds on hostile bytes (PyPdfError, KeyError, …): all refusals
        pages = 0
    if pages < 1:
        raise FileRefused("tệp không phải PDF hợp lệ (không đọc được trang nào).")


def check_attachment(data: bytes, suffix: str) -> None:
    """Open the file as what its extension says (".pdf", ".docx", ".xlsx", ".png", ".jpg");
    FileRefused when it is not really that."""
    suffix = suffix.lower()
    if suffix == ".pdf":
        _check_pdf(data)
    elif suffix == ".docx":
        _check_docx(data)
    elif suffix == ".xlsx":
        _check_xlsx(data)
    elif suffix in {".jpg", ".jpeg"}:
        _check_image(data, "JPEG")
    elif suffix == ".png":
        _check_image(data, "PNG")


# -- free text ------------------------------------------------------------------------------------

# C0 controls but tab, line feed and carriage return; DEL and the C1 block; lone surrogates and the
# two non-characters U+FFFE/U+FFFF. None carries meaning in a remark or a name, and an XML file
# (a workbook, a document) cannot hold them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_control(value: str) -> str:
    """User text without control characters (the one place they are removed, on every input)."""
    return CONTROL.sub("", value)


def put(ws, row: int, column: int, value: Any):
    """Write a value into a cell; text written by users stays text (never a formula) and loses
    the control characters a workbook cannot hold. Every workbook the application writes puts
    user text through here."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", strip_control(value))
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # user text, never a formula
    return cell


__all__ = [
    "FileRefused",
    "check_attachment",
    "open_workbook",
    "put",
    "strip_control",
]
