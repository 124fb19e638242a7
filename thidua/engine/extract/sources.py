"""A report's text from its file: plain text, DOCX (paragraphs and tables, in document order) or
PDF with a text layer. Pure Python (python-docx, pypdf); no Django import.

Tables become one line per row in which every value is written after its row's label and its
column's header ("Số vụ phạm pháp hình sự – Năm 2025: 320 vụ; …"), with the unit of a "ĐVT"
column added to bare numbers, so that the figure finder reads a table like a sentence. Plain-text
tables (cells separated by "|" or tabs) are read the same way. Offsets of figures index the text
returned here.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from .lexicon import match_key
from .numbers import NUMBER_PATTERN

__all__ = ["SourceError", "read_text", "render_table", "text_of_bytes"]


class SourceError(ValueError):
    """The file cannot be read as a report (message in Vietnamese)."""


_BARE_NUMBER = re.compile(rf"^[-−+]?(?:{NUMBER_PATTERN})$")
_UNIT_HEADERS = {"dvt", "don vi tinh", "don vi"}
_SKIP_HEADERS = {"stt", "tt", "so tt", "ghi chu"}
_MAX_BYTES = 50 * 1024 * 1024
_MAX_PAGES = 500


def render_table(rows: list[list[str]]) -> str:
    """One line per data row: "label – header: value unit; label – header: value unit."."""
    rows = [[" ".join(c.split()) for c in row] for row in rows if any(c.strip() for c in row)]
    if len(rows) < 2:
        return "\n".join(" ".join(r) for r in rows)
    header = rows[0]
    keys = [match_key(h) for h in header]
    unit_col = next((j for j, k in enumerate(keys) if k in _UNIT_HEADERS), None)
    skip = {j for j, k in enumerate(keys) if k in _SKIP_HEADERS}
    if unit_col is not None:
        skip.add(unit_col)
    label_col = None
    for j in range(len(header)):
        if j in skip:
            continue
        cells = [r[j] for r in rows[1:] if j < len(r) and r[j]]
        if cells and sum(bool(_BARE_NUMBER.match(c)) for c in cells) * 2 < len(cells):
            label_col = j
            break
    lines = []
    for row in rows[1:]:
        label = row[label_col] if label_col is not None and label_col < len(row) else ""
        unit = row[unit_col] if unit_col is not None and unit_col < len(row) else ""
        parts = []
        for j, cell in enumerate(row):
            if j in skip or j == label_col or not cell:
                continue
            if unit and _BARE_NUMBER.match(cell):
                cell = f"{cell}{unit}" if unit == "%" else f"{cell} {unit}"
            head = header[j] if j < len(header) else ""
            parts.append(f"{label} – {head}: {cell}" if head else f"{label}: {cell}")
        if parts:
            lines.append("; ".join(parts) + ".")
        elif label:
            lines.append(label)
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Plain text with its "|"- or tab-separated tables rendered as rows."""
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        if block:
            out.append(render_table(block))
            block.clear()

    for line in text.splitlines():
        sep = "|" if line.count("|") >= 2 else ("\t" if "\t" in line.strip() else None)
        if sep is None:
            flush()
            out.append(line)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(sep)]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            continue  # a Markdown header rule
        block.append(cells)
    flush()
    return "\n".join(out)


def _docx(data: bytes) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise SourceError("Không đọc được tệp DOCX: thiếu thư viện python-docx.") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise SourceError("Tệp DOCX bị hỏng hoặc không phải tệp Word (.docx).") from exc
    out = []
    try:
        for block in document.element.body.iterchildren():
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                out.append(Paragraph(block, document).text)
            elif tag == "tbl":
                table = Table(block, document)
                rows = [[cell.text for cell in row.cells] for row in table.rows]
                out.append(render_table(rows))
    except Exception as exc:  # a damaged body: refused, never a crash
        raise SourceError("Tệp DOCX bị hỏng, không đọc được nội dung.") from exc
    return "\n".join(out)


def _pdf(data: bytes) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise SourceError("Không đọc được tệp PDF: thiếu thư viện pypdf.") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise SourceError("Tệp PDF được đặt mật khẩu; hãy gửi bản không khóa.")
        if len(reader.pages) > _MAX_PAGES:
            raise SourceError(f"Báo cáo quá dài (hơn {_MAX_PAGES} trang); hãy gửi phần tổng kết.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except SourceError:
        raise
    except PdfReadError as exc:
        raise SourceError("Tệp PDF bị hỏng, không đọc được.") from exc
    except Exception as exc:  # a hostile or broken file must be refused, never crash the reader
        raise SourceError("Tệp PDF bị hỏng, không đọc được.") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise SourceError(
            "Tệp PDF không có lớp chữ (bản chụp, bản quét); hãy gửi bản PDF xuất từ Word hoặc DOCX."
        )
    # a line broken by the page width continues the sentence
    return re.sub(r"(?<![.:;!?])\n(?=[a-zà-ỹđ0-9])", " ", text)


def text_of_bytes(data: bytes, name: str) -> str:
    """The text of a report given its content and file name (the extension chooses the reader)."""
    if len(data) > _MAX_BYTES:
        raise SourceError("Tệp báo cáo quá lớn (tối đa 50 MB).")
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        text = _docx(data)
    elif suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise SourceError("Tệp không phải PDF (thiếu phần đầu %PDF).")
        text = _pdf(data)
    elif suffix in (".txt", ".md", ""):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceError("Tệp văn bản không ở mã UTF-8; hãy lưu lại với mã UTF-8.") from None
        text = _plain(text)
    elif suffix == ".doc":
        raise SourceError("Tệp .doc (Word cũ) chưa được hỗ trợ; hãy lưu thành .docx hoặc PDF.")
    else:
        raise SourceError("Chỉ đọc được báo cáo dạng .docx, .pdf hoặc .txt.")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_text(path: str | Path) -> str:
    """The text of the report at ``path`` (raises :class:`SourceError` in Vietnamese)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"Không tìm thấy tệp “{p.name}”.") from None
    except IsADirectoryError:
        raise SourceError(f"“{p.name}” là một thư mục, không phải tệp báo cáo.") from None
    except OSError:
        raise SourceError(f"Không mở được tệp “{p.name}”.") from None
    return text_of_bytes(data, p.name)
