"""Certificates (Bằng khen, Giấy khen, Cờ thi đua, Chiến sĩ thi đua) printed from a signed decision
onto pre-printed blanks (phôi): one PDF per decision, one page per recipient.

A blank carries the emblem, the title and the frame; the printer adds the recipient, the
achievement, the decision's number and date, the place and date, and the signer. Where each goes is
data (`BLANKS`: the sheet's size and each field's box in millimetres from the top-left corner), and
the printer's calibration (`PrinterCalibration`: x/y in mm) moves every box by the same amount.

Rendering is WeasyPrint with the vendored Liberation Serif files loaded through @font-face, so the
PDF embeds them (Vietnamese names print whatever fonts the server has). A preview is the same PDF's
page rasterised by poppler's pdftoppm.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

from thidua.documents import layout as L
from thidua.engine import text
from thidua.honours.models.decisions import Authority, Decision, DecisionLine


@dataclass(frozen=True)
class Box:
    """One printed field: left edge, top edge and width in mm; text centred in the box."""

    x: float
    y: float
    width: float
    size_pt: float
    bold: bool = False
    italic: bool = False
    align: str = "center"


@dataclass(frozen=True)
class Blank:
    code: str
    name: str
    width_mm: float
    height_mm: float
    boxes: dict[str, Box]
    shows_award: bool  # the title's name is printed (one blank serves several levels)


def _boxes(w: float, h: float, big: float) -> dict[str, Box]:
    """Field boxes of a landscape blank of w × h mm; `big` scales the type (A3 = 1.4)."""
    return {
        "award": Box(w * 0.15, h * 0.36, w * 0.70, 18 * big, bold=True),
        "name": Box(w * 0.10, h * 0.44, w * 0.80, 24 * big, bold=True),
        "detail": Box(w * 0.10, h * 0.52, w * 0.80, 15 * big),
        "achievement": Box(w * 0.15, h * 0.58, w * 0.70, 14 * big, italic=True),
        "decision": Box(w * 0.06, h * 0.84, w * 0.40, 11 * big, align="left"),
        "place_date": Box(w * 0.52, h * 0.72, w * 0.40, 13 * big, italic=True),
        "signer": Box(w * 0.52, h * 0.88, w * 0.40, 14 * big, bold=True),
    }


A3 = (420.0, 297.0)
A4 = (297.0, 210.0)
BLANKS: dict[str, Blank] = {
    "bang_khen": Blank("bang_khen", "Bằng khen", *A3, _boxes(*A3, 1.4), shows_award=False),
    "giay_khen": Blank("giay_khen", "Giấy khen", *A4, _boxes(*A4, 1.0), shows_award=False),
    "co_thi_dua": Blank("co_thi_dua", "Cờ thi đua", *A3, _boxes(*A3, 1.4), shows_award=True),
    "chien_si_thi_dua": Blank(
        "chien_si_thi_dua", "Chiến sĩ thi đua", *A4, _boxes(*A4, 1.0), shows_award=True
    ),
}


def blank_for(award_code: str) -> Blank | None:
    """The blank an award prints on; None for a form printed elsewhere (medals, titles of units)."""
    for prefix, blank in (
        ("bang_khen", "bang_khen"),
        ("giay_khen", "giay_khen"),
        ("co_thi_dua", "co_thi_dua"),
        ("chien_si_thi_dua", "chien_si_thi_dua"),
    ):
        if award_code.startswith(prefix):
            return BLANKS[blank]
    return None


# Where each authority signs (the place before the date, NĐ 30/2020).
PLACE = {Authority.BCA: "Hà Nội", Authority.TTG: "Hà Nội", Authority.CTN: "Hà Nội"}


class CertificateError(ValueError):
    """Nothing to print, or a decision not signed; the message is Vietnamese."""


@dataclass(frozen=True)
class Page:
    blank: Blank
    fields: dict[str, str]
    line: DecisionLine


def vi_date(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


MAX_ACHIEVEMENT = 180  # characters that fit the blank's achievement lines


def achievement_text(decision: Decision, line: DecisionLine) -> str:
    """What the certificate says the recipient did. A cluster's line carries the ranking's
    reasoning (points, rules), not words for a certificate: it prints the movement's sentence; so
    does a line with no achievement or one too long for the blank."""
    if (
        decision.cluster_id is None
        and line.achievement
        and len(line.achievement) <= MAX_ACHIEVEMENT
    ):
        return line.achievement
    movement = decision.cluster.movement.name if decision.cluster_id else ""
    what = movement[:1].lower() + movement[1:] if movement else "phong trào thi đua"
    return f"Đã có thành tích xuất sắc trong {what} năm {decision.year}"


def _person_detail(line: DecisionLine) -> str:
    person = line.person
    parts = [p for p in (person.position, line.unit.name) if p]
    return ", ".join(parts)


def pages(decision: Decision, lines: list[DecisionLine]) -> tuple[list[Page], list[DecisionLine]]:
    """The pages to print (valid lines with a blank) and the lines printed elsewhere."""
    if decision.state != Decision.State.SIGNED:
        raise CertificateError(
            "Chỉ in bằng, giấy khen từ quyết định đã ký ban hành "
            f"(quyết định đang ở trạng thái “{decision.get_state_display()}”)."
        )
    printed, elsewhere = [], []
    place = PLACE[Authority(decision.authority)]
    for line in lines:
        if line.revoked:
            continue
        blank = blank_for(line.award_code)
        if blank is None:
            elsewhere.append(line)
            continue
        if line.person_id:
            rank = line.person.rank
            name = f"{rank} {line.person.full_name}" if rank else line.person.full_name
            detail = _person_detail(line)
        else:
            name, detail = line.unit.name, ""
        achievement = achievement_text(decision, line)
        fields = {
            "award": line.award_name if blank.shows_award else "",
            "name": name,
            "detail": detail,
            "achievement": achievement,
            "decision": f"Quyết định số {decision.number}, {vi_date(decision.date)}",
            "place_date": f"{place}, {vi_date(decision.date)}",
            "signer": decision.signer_name,
        }
        printed.append(Page(blank, {k: text.normalize(v) for k, v in fields.items()}, line))
    if not printed:
        raise CertificateError(
            "Quyết định không có dòng nào in trên phôi bằng khen, giấy khen, cờ thi đua, "
            "chiến sĩ thi đua (hoặc bạn không được xem các dòng đó)."
        )
    return printed, elsewhere


def _css(pages_: list[Page], dx: Decimal, dy: Decimal) -> str:
    font = L.FONT_DIR.as_uri()
    faces = "\n".join(
        f'@font-face {{ font-family: "TD Serif"; font-weight: {w}; font-style: {s}; '
        f'src: url("{font}/LiberationSerif-{f}.ttf"); }}'
        for w, s, f in (
            (400, "normal", "Regular"),
            (700, "normal", "Bold"),
            (400, "italic", "Italic"),
            (700, "italic", "BoldItalic"),
        )
    )
    rules = [faces, 'html { font-family: "TD Serif"; color: #000; } body { margin: 0; }']
    for blank in {p.blank.code: p.blank for p in pages_}.values():
        rules.append(
            f"@page {blank.code} {{ size: {blank.width_mm}mm {blank.height_mm}mm; margin: 0; }}"
        )
        rules.append(
            f".sheet-{blank.code} {{ page: {blank.code}; position: relative; "
            f"width: {blank.width_mm}mm; height: {blank.height_mm}mm; overflow: hidden; }}"
        )
        for name, box in blank.boxes.items():
            rules.append(
                f".sheet-{blank.code} .f-{name} {{ position: absolute; "
                f"left: {Decimal(str(box.x)) + dx:.1f}mm; top: {Decimal(str(box.y)) + dy:.1f}mm; "
                f"width: {box.width:.1f}mm; font-size: {box.size_pt:.1f}pt; "
                f"font-weight: {700 if box.bold else 400}; "
                f"font-style: {'italic' if box.italic else 'normal'}; text-align: {box.align}; "
                "line-height: 1.25; }"
            )
    rules.append(".sheet { break-after: page; } .sheet:last-child { break-after: auto; }")
    return "\n".join(rules)


def html(pages_: list[Page], *, dx: Decimal = Decimal(0), dy: Decimal = Decimal(0)) -> str:
    body = []
    for page in pages_:
        fields = "".join(
            f'<div class="f-{name}">{escape(value)}</div>'
            for name, value in page.fields.items()
            if value
        )
        body.append(f'<section class="sheet sheet-{page.blank.code}">{fields}</section>')
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Phôi</title>'
        f"<style>{_css(pages_, dx, dy)}</style></head><body>{''.join(body)}</body></html>"
    )


def render(pages_: list[Page], *, dx: Decimal = Decimal(0), dy: Decimal = Decimal(0)) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return HTML(string=html(pages_, dx=dx, dy=dy), base_url=str(L.FONT_DIR)).write_pdf(
        font_config=fonts
    )


def preview_png(pdf: bytes, page: int = 1, dpi: int = 40) -> bytes:
    """One page of the PDF as a PNG (poppler's pdftoppm), for the calibration preview."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise CertificateError("Máy chủ chưa cài pdftoppm (poppler-utils): chưa xem trước được.")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "phoi.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                tool,
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return (Path(folder) / "page.png").read_bytes()
