"""Small real files for upload tests: what a user would really attach."""

from __future__ import annotations

import io


def tiny_pdf(text: str = "minh chứng") -> bytes:
    """A real one-page PDF (the attachment check parses PDFs); `text` lands in its metadata so that
    two calls with different texts give different bytes."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
