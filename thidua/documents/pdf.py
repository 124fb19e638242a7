"""OfficialDocument → PDF bytes through WeasyPrint, from HTML and CSS written here.

Chosen over LibreOffice headless: no office suite on the server, a second per document instead of
a process start, and the layout (A4, NĐ 30 margins, page numbers from page 2) is explicit CSS. The
fonts are the vendored Liberation Serif files (Times New Roman metrics, Vietnamese coverage) loaded
through @font-face, so the PDF embeds them and never depends on the server's fonts.
"""

from __future__ import annotations

from functools import cache

from django.template.loader import render_to_string

from thidua.documents import layout as L

TEMPLATE_DIR = L.FONT_DIR.parent / "templates" / "documents"


@cache
def _css(landscape: bool) -> str:
    css = (TEMPLATE_DIR / "official.css").read_text(encoding="utf-8")
    return css.replace("FONT_DIR", L.FONT_DIR.as_uri()).replace(
        "PAGE_ORIENTATION", "landscape" if landscape else "portrait"
    )


def _block(block: L.Paragraph | L.Table) -> dict:
    if isinstance(block, L.Table):
        rows = [
            {
                "kind": row.kind,
                "cells": [
                    {"text": text, "align": column.align}
                    for text, column in zip(row.cells, block.columns, strict=False)
                ]
                if row.kind != "section"
                else list(row.cells),
            }
            for row in block.rows
        ]
        return {
            "is_table": True,
            "table": {"columns": block.columns, "rows": rows, "width_mm": block.width_mm},
        }
    tag = {"heading1": "h1", "heading2": "h2", "heading3": "h3"}.get(block.style, "p")
    return {"tag": tag, "style": block.style, "runs": block.runs}


def html(doc: L.OfficialDocument) -> str:
    """The HTML WeasyPrint lays out (also handy to look at in a browser while editing the CSS)."""
    issuer_width = L.text_width_mm(doc.body, L.HEADER_PT, bold=True)
    summary_width = min(L.text_width_mm(doc.summary, L.BODY_PT, bold=True), doc.text_width_mm)
    # Measured per document: the rules' lengths follow the words above them (NĐ 30).
    sizes = (
        f"table.head col.head-left {{ width: {doc.header_left_mm():.1f}mm; }}\n"
        f".issuer-rule {{ width: {issuer_width * 0.4:.1f}mm; }}\n"
        f".summary-rule {{ width: {max(min(summary_width / 3, 60), 25):.1f}mm; }}\n"
    )
    blocks = [_block(b) for b in doc.blocks]
    # The closing sentence shares the signature's page (see .end in official.css).
    last = blocks.pop() if blocks and not blocks[-1].get("is_table") else None
    return render_to_string(
        "documents/official.html",
        {
            "doc": doc,
            "css": _css(doc.landscape) + sizes,
            "national_title": L.NATIONAL_TITLE,
            "motto": L.MOTTO,
            "blocks": blocks,
            "last": last,
            "appendix": [_block(b) for b in doc.appendix],
            "signatures": doc.padded_signatures(),
            "author": doc.author,
        },
    )


def render(doc: L.OfficialDocument) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return HTML(string=html(doc), base_url=str(L.FONT_DIR)).write_pdf(font_config=fonts)
