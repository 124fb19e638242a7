"""OfficialDocument → DOCX bytes (python-docx), built to be edited in Word afterwards.

Real paragraphs with named styles (headings show in Word's navigation pane), real tables with a
repeating header row, the header block as a borderless table, rules as paragraph borders (so they
move with the text), page numbers from page 2 as a PAGE field. Times New Roman throughout; on a
machine without it LibreOffice substitutes the metric-compatible Liberation Serif.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from thidua.documents import layout as L

FONT = "Times New Roman"
INDENT = Mm(10)  # first-line indent of body paragraphs (NĐ 30: 1–1,27 cm)
CELL_PADDING_MM = 1.9  # Word's default left/right cell margin (0,19 cm)

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
# pPr children that must follow a <w:pBdr> (OOXML sequence order; Word rejects other orders).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

# Style names used for each block style (built-in names where Word has one).
STYLE = {
    "body": "Body Text",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "heading3": "Heading 3",
    "item": "List Dash",
    "center": "Centered",
    "center-italic": "Centered",
    "plain": "Plain Text Block",
    "note": "Table Note",
}


# -- low-level helpers -------------------------------------------------------------------------


def _fonts(rpr) -> None:
    """Times New Roman for every script slot, no theme fonts (they would override it)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def _language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "vi-VN")


def _border(paragraph, side: str = "top", box: bool = False) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for name in ("top", "left", "bottom", "right") if box else (side,):
        line = OxmlElement(f"w:{name}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "6")  # eighths of a point: 0,75 pt
        line.set(qn("w:space"), "4" if box else "1")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _spacing(paragraph, before: float = 0, after: float = 0, line: float | None = None) -> None:
    pf = paragraph.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line is not None:
        pf.line_spacing = line


def _run(paragraph, text: str, *, bold=False, italic=False, size: float | None = None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    return run


def _line(container, text: str, *, size: float, bold=False, italic=False, align="center"):
    paragraph = container.add_paragraph(style="Centered" if align == "center" else "Normal")
    paragraph.alignment = ALIGN[align]
    _spacing(paragraph)
    # An empty line keeps the height of its neighbours (signatures padded to align).
    _run(paragraph, text or "\u00a0", bold=bold, italic=italic, size=size)
    return paragraph


def _rule(container, width_mm: float, box_width_mm: float, *, before: float = 3) -> None:
    """A centred horizontal rule `width_mm` long: an empty, 2-pt-high paragraph with a top border
    and indents trimming it to length (stays editable and moves with the text)."""
    paragraph = container.add_paragraph(style="Normal")
    side = max((box_width_mm - width_mm) / 2, 0)
    pf = paragraph.paragraph_format
    pf.left_indent, pf.right_indent, pf.first_line_indent = Mm(side), Mm(side), Mm(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(2)
    _spacing(paragraph, before=before, after=0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(2)
    _border(paragraph, "top")


def _no_cell_margins_table(table) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        flag = OxmlElement("w:tblHeader")
        tr_pr.append(flag)


def _page_number(section) -> None:
    """Page numbers centred in the top margin from page 2 on (NĐ 30: not on the first page)."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# -- styles -----------------------------------------------------------------------------------------


def _paragraph_style(document, name: str, base: str = "Normal"):
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
    return style


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(L.BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _fonts(rpr)
    _language(rpr)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0

    body = _paragraph_style(document, "Body Text")
    body.font.size = Pt(L.BODY_PT)
    pf = body.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = INDENT
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.15
    pf.widow_control = True

    for name, level, size in (("Heading 1", 1, L.BODY_PT), ("Heading 2", 2, L.BODY_PT)):
        style = _paragraph_style(document, name)
        style.base_style = normal
        font = style.font
        font.size, font.bold, font.italic = Pt(size), True, False
        font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr())
        pf = style.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent, pf.left_indent = INDENT, Mm(0)
        pf.space_before = Pt(6 if level == 1 else 3)
        pf.space_after, pf.line_spacing = Pt(6), 1.15
        pf.keep_with_next = True

    title = _paragraph_style(document, "Heading 3")
    title.base_style = normal
    title.font.size, title.font.bold, title.font.italic = Pt(L.BODY_PT), True, False
    title.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(title.element.get_or_add_rPr())
    pf = title.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf.first_line_indent = Mm(0)
    pf.page_break_before, pf.keep_with_next = True, True
    pf.space_before, pf.space_after = Pt(0), Pt(0)

    dash = _paragraph_style(document, "List Dash", "Body Text")
    dash.paragraph_format.space_after = Pt(3)

    plain = _paragraph_style(document, "Plain Text Block", "Body Text")
    plain.paragraph_format.first_line_indent = Mm(0)

    centered = _paragraph_style(document, "Centered")
    centered.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    centered.paragraph_format.first_line_indent = Mm(0)
    centered.paragraph_format.space_after = Pt(6)

    cell = _paragraph_style(document, "Table Text")
    cell.font.size = Pt(L.TABLE_PT)
    pf = cell.paragraph_format
    pf.first_line_indent = Mm(0)
    pf.space_before, pf.space_after, pf.line_spacing = Pt(2), Pt(2), 1.0

    table_note = _paragraph_style(document, "Table Note")
    table_note.font.size, table_note.font.italic = Pt(L.NOTE_PT), True
    pf = table_note.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Mm(0)
    pf.space_before, pf.space_after = Pt(0), Pt(3)

    note = _paragraph_style(document, "Illustrative Note")
    note.font.size, note.font.italic = Pt(L.NOTE_PT), True
    pf = note.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.space_before, pf.space_after = Pt(6), Pt(6)


# -- blocks -----------------------------------------------------------------------------------------


def _header(document, doc: L.OfficialDocument) -> None:
    left = doc.header_left_mm()
    right = doc.text_width_mm - left
    table = document.add_table(rows=2, cols=2)
    _no_cell_margins_table(table)
    _widths(table, [left, right])
    issuer, nation = table.cell(0, 0), table.cell(0, 1)
    for cell in (issuer, nation):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    _line(issuer, doc.parent_body, size=L.HEADER_PT)
    _line(issuer, doc.body, size=L.HEADER_PT, bold=True)
    inner_left = left - 2 * CELL_PADDING_MM
    body_width = L.text_width_mm(doc.body, L.HEADER_PT, bold=True)
    _rule(issuer, min(body_width, inner_left) * 0.4, inner_left)
    _line(nation, L.NATIONAL_TITLE, size=L.NATIONAL_TITLE_PT, bold=True)
    _line(nation, L.MOTTO, size=L.HEADER_PT, bold=True)
    inner_right = right - 2 * CELL_PADDING_MM
    _rule(nation, L.text_width_mm(L.MOTTO, L.HEADER_PT, bold=True), inner_right)

    number, place = table.cell(1, 0), table.cell(1, 1)
    paragraph = number.paragraphs[0]
    paragraph.style = document.styles["Centered"]
    _spacing(paragraph, before=6)
    if doc.number:
        _run(paragraph, doc.number, size=L.HEADER_PT)
    paragraph = place.paragraphs[0]
    paragraph.style = document.styles["Centered"]
    _spacing(paragraph, before=6)
    _run(paragraph, doc.place_date, italic=True, size=L.HEADER_PT)


def _title(document, doc: L.OfficialDocument) -> None:
    paragraph = _line(document, doc.doc_type, size=L.BODY_PT, bold=True)
    _spacing(paragraph, before=18)
    paragraph.paragraph_format.keep_with_next = True
    paragraph = _line(document, doc.summary, size=L.BODY_PT, bold=True)
    paragraph.paragraph_format.keep_with_next = True
    width = min(L.text_width_mm(doc.summary, L.BODY_PT, bold=True), doc.text_width_mm)
    _rule(document, max(min(width / 3, 60), 25), doc.text_width_mm)
    if doc.subtitle:
        paragraph = _line(document, doc.subtitle, size=L.BODY_PT - 1, italic=True)
        _spacing(paragraph, before=4)
    if doc.addressee:
        paragraph = _line(document, doc.addressee, size=L.BODY_PT)
        _spacing(paragraph, before=10)
    if doc.note:
        paragraph = document.add_paragraph(style="Illustrative Note")
        _border(paragraph, box=True)
        _run(paragraph, doc.note)
    _spacer(document, 8)


def _spacer(document, height_pt: float):
    """A small gap as an empty paragraph exactly `height_pt` high (not a 14-pt empty line)."""
    spacer = document.add_paragraph(style="Normal")
    _spacing(spacer)
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Pt(height_pt)
    return spacer


def _paragraph(document, block: L.Paragraph):
    paragraph = document.add_paragraph(style=STYLE[block.style])
    for run in block.runs:
        _run(
            paragraph,
            run.text,
            bold=run.bold,
            italic=run.italic or block.style == "center-italic",
        )
    return paragraph


def _cell_text(cell, text: str, *, align: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "Table Text"
    paragraph.alignment = ALIGN[align]
    if text:
        _run(paragraph, text, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(document, block: L.Table) -> None:
    columns = block.columns
    table = document.add_table(rows=1 + len(block.rows), cols=len(columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [c.width_mm for c in columns])
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, column in zip(header.cells, columns, strict=True):
        _cell_text(cell, column.title, align="center", bold=True)
    for row, data in zip(table.rows[1:], block.rows, strict=True):
        _row_flags(row)
        if data.kind == "section":
            merged = row.cells[0].merge(row.cells[-1])
            _cell_text(merged, data.cells[0], align="left", bold=True)
            continue
        for cell, text, column in zip(row.cells, data.cells, columns, strict=False):
            _cell_text(cell, text, align=column.align, bold=data.kind == "total")
    return _spacer(document, 6)


def _recipients(container, recipients: tuple[str, ...]) -> None:
    paragraph = container.add_paragraph(style="Normal")
    _spacing(paragraph, before=6)
    _run(paragraph, "Nơi nhận:", bold=True, italic=True, size=L.RECIPIENTS_TITLE_PT)
    for line in recipients:
        paragraph = container.add_paragraph(style="Normal")
        _run(paragraph, f"- {line}", size=L.RECIPIENTS_PT)


def _closing_notes(container, notes: tuple[str, ...]) -> None:
    paragraph = container.add_paragraph(style="Normal")
    _spacing(paragraph, before=6)
    _run(paragraph, "Ghi chú:", bold=True, italic=True, size=L.RECIPIENTS_TITLE_PT)
    for line in notes:
        paragraph = container.add_paragraph(style="Table Note")
        _run(paragraph, line, size=L.RECIPIENTS_PT)


def _signature_lines(container, signature: L.Signature) -> None:
    for number, line in enumerate(signature.lines):
        paragraph = _line(container, line, size=L.HEADER_PT, bold=True)
        paragraph.paragraph_format.keep_with_next = True
        if number == 0:
            _spacing(paragraph, before=6)


def _signature_name(container, signature: L.Signature) -> None:
    paragraph = container.add_paragraph(style="Centered")
    # Room for the signature and the seal.
    _spacing(paragraph, before=72)
    paragraph.paragraph_format.keep_with_next = True
    _line(container, signature.name, size=L.BODY_PT, bold=True)


def _closing(document, doc: L.OfficialDocument) -> None:
    width = doc.text_width_mm
    signatures = doc.signatures
    two = len(signatures) >= 2
    # Two signatures side by side: titles in one row, names in the next, so the names align.
    table = document.add_table(rows=2 if two else 1, cols=2)
    _no_cell_margins_table(table)
    _widths(table, [width - 90, 90])
    for row in table.rows:
        _row_flags(row)
        for cell in row.cells:
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    left, right = table.cell(0, 0), table.cell(0, 1)
    if two:
        for column, signature in enumerate(signatures[:2]):
            _signature_lines(table.cell(0, column), signature)
            _signature_name(table.cell(1, column), signature)
        if doc.recipients:
            _spacer(document, 8)
            _recipients(document, doc.recipients)
        return
    if doc.closing_notes:
        _closing_notes(left, doc.closing_notes)
    elif doc.recipients:
        _recipients(left, doc.recipients)
    else:
        left.add_paragraph(style="Normal")
    if signatures:
        _signature_lines(right, signatures[0])
        _signature_name(right, signatures[0])
    else:
        right.add_paragraph(style="Normal")


def render(doc: L.OfficialDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    width, height = L.A4
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(L.MARGINS["top"]), Mm(L.MARGINS["bottom"])
    section.left_margin, section.right_margin = Mm(L.MARGINS["left"]), Mm(L.MARGINS["right"])
    _styles(document)
    _page_number(section)
    # The template starts with one empty paragraph: drop it so the header table comes first.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _header(document, doc)
    _title(document, doc)
    last = None
    for block in doc.blocks:
        last = (
            _table(document, block) if isinstance(block, L.Table) else _paragraph(document, block)
        )
    if last is not None:
        # The closing sentence goes over the page with the signature, never leaving it alone.
        last.paragraph_format.keep_with_next = True
    _closing(document, doc)
    for block in doc.appendix:
        _table(document, block) if isinstance(block, L.Table) else _paragraph(document, block)
    props = document.core_properties
    props.title = doc.subject
    props.author = doc.author
    props.language = "vi-VN"
    props.subject = doc.summary
    props.keywords = "thi đua, Vì an ninh Tổ quốc"
    props.comments = doc.note
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
