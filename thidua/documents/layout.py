"""An official document as data (Nghị định 30/2020/NĐ-CP layout), rendered by docx.py and pdf.py.

Each document's words are written once (compose.py) into these few blocks; the DOCX and the PDF
renderers only decide how a block looks. Sizes follow NĐ 30, Phụ lục I: national title 12–13 pt
bold capitals, motto 13–14 pt bold with a rule as long as the line, issuing body 12–13 pt bold
capitals with a short rule, body 13–14 pt justified, "Nơi nhận:" 12 pt bold italic, its list 11 pt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Page margins in millimetres (NĐ 30: top and bottom 20–25, left 30–35, right 15–20).
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4 = (210, 297)

# Type sizes in points.
BODY_PT = 14
TABLE_PT = 12
HEADER_PT = 13
NATIONAL_TITLE_PT = 12
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
NOTE_PT = 12

# Header columns (portrait text width 165 mm): issuing body left, national title right.
HEADER_LEFT_MM = 65


@cache
def _metrics(bold: bool, italic: bool) -> tuple[dict[int, str], dict[str, int], int]:
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_DIR / FONT_FILES[(bold, italic)], lazy=True)
    advances = {name: metric[0] for name, metric in font["hmtx"].metrics.items()}
    return font.getBestCmap(), advances, font["head"].unitsPerEm


def text_width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """How wide `text` sets in the vendored Times-metric serif: rules under the motto and the
    issuing body are drawn as long as (or a fraction of) the line above them."""
    cmap, advances, units = _metrics(bold, italic)
    total = sum(advances.get(cmap.get(ord(ch), ".notdef"), units // 2) for ch in text)
    return total / units * size_pt * 25.4 / 72


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """style: body (justified, first-line indent), heading1/heading2 (bold section titles),
    heading3 (centred bold title of an attached list, on a new page), item (a "- " line of a list),
    center, center-italic, plain (justified, no indent), note (a smaller italic line under a table)."""

    runs: tuple[Run, ...]
    style: str = "body"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    kind: str = "data"  # data | section (one cell spanning the table, bold) | total (bold)


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str = ""

    @property
    def width_mm(self) -> float:
        return sum(c.width_mm for c in self.columns)


@dataclass(frozen=True)
class Signature:
    """A signature block: lines in bold capitals (e.g. "TM. CỤM THI ĐUA SỐ 3", "CỤM TRƯỞNG", the
    signer's office), room for the signature and seal, then a line for the name."""

    lines: tuple[str, ...]
    name: str = ""


# Names that keep their capitals in running text once an upper-case heading is lowered.
PROPER_NAMES = (("công an", "Công an"), ("chính phủ", "Chính phủ"), ("việt nam", "Việt Nam"))


@dataclass
class OfficialDocument:
    kind: str
    parent_body: str  # "BỘ CÔNG AN"
    body: str  # "CỤM THI ĐUA SỐ 3"
    number: str  # "Số: …/BC-CTĐ3" ("" for an attachment)
    place_date: str  # "Yên Bái, ngày 03 tháng 12 năm 2021"
    doc_type: str  # "BÁO CÁO"
    summary: str  # trích yếu: "Tổng kết phong trào thi đua …"
    blocks: list[Paragraph | Table] = field(default_factory=list)
    appendix: list[Paragraph | Table] = field(default_factory=list)  # after the signature
    addressee: str = ""  # "Kính gửi: …"
    subtitle: str = ""  # italic line under the title, e.g. "(Kèm theo Báo cáo số …)"
    note: str = ""  # illustrative data label
    recipients: tuple[str, ...] = ()
    closing_notes: tuple[str, ...] = ()  # "Ghi chú:" bottom-left instead of recipients
    signatures: tuple[Signature, ...] = ()
    landscape: bool = False
    subject: str = ""  # metadata: what the file is
    _in_appendix: bool = False

    @property
    def author(self) -> str:
        """The issuing body as running text writes it, for the file's metadata: "Bộ Công an",
        "Thủ tướng Chính phủ", "Cụm thi đua số 3" (not "Bộ công an")."""
        text = self.body.capitalize()
        for lower, proper in PROPER_NAMES:
            text = text.replace(lower, proper)
        return text

    @property
    def text_width_mm(self) -> float:
        width = A4[1] if self.landscape else A4[0]
        return width - MARGINS["left"] - MARGINS["right"]

    def header_left_mm(self) -> float:
        """The issuing body's column: wider on a landscape page so both blocks stay balanced."""
        return HEADER_LEFT_MM + (30 if self.landscape else 0)

    def padded_signatures(self) -> tuple[Signature, ...]:
        """Side-by-side signatures get the same number of lines, so their name lines align."""
        most = max((len(s.lines) for s in self.signatures), default=0)
        return tuple(
            Signature(s.lines + ("",) * (most - len(s.lines)), s.name) for s in self.signatures
        )

    # Builders keep compose.py readable.
    def begin_appendix(self) -> None:
        """What follows (e.g. "Danh sách kèm theo") comes after the signature, on a new page."""
        self._in_appendix = True

    def _add(self, block: Paragraph | Table) -> None:
        (self.appendix if self._in_appendix else self.blocks).append(block)

    def heading(self, text: str, level: int = 1) -> None:
        self._add(Paragraph((Run(text, bold=True),), style=f"heading{level}"))

    def para(self, *parts: str | Run, style: str = "body") -> None:
        runs = tuple(Run(p) if isinstance(p, str) else p for p in parts)
        self._add(Paragraph(runs, style=style))

    def item(self, *parts: str | Run) -> None:
        self.para("- ", *parts, style="item")

    def items(self, lines: Sequence[str]) -> None:
        """A dashed list as in an official text: each line ends with ";", the last with "."."""
        for number, line in enumerate(lines, start=1):
            self.item(line.rstrip(";.") + ("." if number == len(lines) else ";"))

    def table(self, table: Table) -> None:
        self._add(table)
