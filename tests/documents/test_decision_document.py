"""The decision document: DOCX and PDF in the NĐ 30/2020 layout with the annex of recipients."""

from __future__ import annotations

import io
import os

import pytest
from docx import Document
from pypdf import PdfReader

from thidua.documents import decision as document
from thidua.honours.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_decisions(world):
    """The demo's signed decisions of Cluster 3 / 2021 (load_demo makes them)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions

    return build_demo_decisions(world.cycle2021)


def signed_ministry_decision() -> Decision:
    return Decision.objects.get(cluster__year=2021, cluster__number=3, authority="BCA")


def test_the_docx_carries_number_date_articles_signer_and_the_annex(world):
    decision = signed_ministry_decision()
    data = document.render(decision, "docx")
    words = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    cells = [c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells]
    assert "QUYẾT ĐỊNH" in words and "BỘ TRƯỞNG BỘ CÔNG AN" in words
    assert "Điều 1." in words and "Cờ thi đua của Bộ Công an: 06 tập thể" in words
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in words
    assert "Kèm theo Quyết định số 401/QĐ-BCA ngày 20/01/2022" in words
    assert "Số: 401/QĐ-BCA" in cells
    assert "Công an tỉnh Bắc Giang" in cells and "Công an tỉnh Phú Thọ" in cells
    if os.environ.get("DECISION_DOC_OUT"):
        with open(os.environ["DECISION_DOC_OUT"] + ".docx", "wb") as fh:
            fh.write(data)


def test_the_pdf_embeds_its_fonts_and_prints_the_recipients(world):
    decision = signed_ministry_decision()
    data = document.render(decision, "pdf")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "401/QĐ-BCA" in text and "Công an tỉnh Quảng Ninh" in text
    assert len(reader.pages) >= 2  # the annex starts on a page of its own
    if os.environ.get("DECISION_DOC_OUT"):
        with open(os.environ["DECISION_DOC_OUT"] + ".pdf", "wb") as fh:
            fh.write(data)


def test_a_draft_says_so_and_has_no_number(world):
    decision = signed_ministry_decision()
    decision.state, decision.seq, decision.date = Decision.State.DRAFT, None, None
    doc = document.build(decision)
    assert doc.number == "Số:      /QĐ-BCA" and "DỰ THẢO" in doc.note
    assert document.filename(decision, "pdf") == f"du-thao-quyet-dinh-{decision.pk}.pdf"
