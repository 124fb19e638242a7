"""The PDFs: A4, fonts embedded, the official text in order — and rendered to PNG to look at
(test-artifacts/documents/<kind>-<page>.png; the DOCX and XLSX as LibreOffice shows them:
libreoffice-<kind>-<page>.png)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.documents.conftest import (
    ARTIFACTS,
    PLACE_DATE,
    PUBLISHED_AWARDS,
    RANK_ORDER,
    in_order,
    pdf_text,
    render_png,
    tool,
)

pytestmark = pytest.mark.django_db
KINDS = ["report", "minutes", "submission", "scores"]


def has_official_header(path) -> bool:
    """Issuing body left (BỘ CÔNG AN over CỤM THI ĐUA SỐ 3), national title, motto and place and
    date right, side by side: read with the page layout kept."""
    text = pdf_text(path, layout=True)
    top = text[: text.index(PLACE_DATE) + len(PLACE_DATE)] if PLACE_DATE in text else ""
    left = in_order(top, ["BỘ CÔNG AN", "CỤM THI ĐUA SỐ 3"])
    right = in_order(top, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    lines = top.splitlines()
    side_by_side = any("BỘ CÔNG AN" in ln and "CỘNG HÒA XÃ HỘI" in ln for ln in lines)
    return left and right and side_by_side


def _info(path) -> str:
    return subprocess.run(
        [tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_is_a4_with_embedded_vietnamese_fonts_and_the_official_header(documents_2021, kind):
    path = documents_2021[(kind, "pdf")]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", _info(path))
    width, height = float(size[1]), float(size[2])
    assert (width > height) == (kind == "scores")  # the score table is landscape
    fonts = subprocess.run(
        [tool("pdffonts"), str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb
    assert all("TD-Serif" in line for line in fonts)  # the vendored font, not a system one
    assert has_official_header(path)
    text = pdf_text(path)
    assert "Dữ liệu minh họa" in text
    signer = "CHỦ TRÌ" if kind == "minutes" else "TM. CỤM THI ĐUA SỐ 3"
    assert signer in text and "GIÁM ĐỐC CÔNG AN TỈNH YÊN BÁI" in text


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_pages_render_to_png_for_review(documents_2021, kind):
    pages = render_png(documents_2021[(kind, "pdf")], kind)
    assert pages and all(p.stat().st_size > 10_000 for p in pages)
    assert len(pages) == {"report": 4, "minutes": 3, "submission": 2, "scores": 1}[kind]


def test_report_pdf_carries_ranking_awards_and_vietnamese_numbers(documents_2021):
    text = pdf_text(documents_2021[("report", "pdf")])
    assert "BÁO CÁO" in text
    ranking = text[text.index("IV. KẾT QUẢ CHẤM ĐIỂM") : text.index("V. SUY TÔN")]
    assert in_order(ranking, [f"Công an tỉnh {name}" for name in RANK_ORDER])
    assert "98,11" in ranking and "3.356 lượt tập thể" in text
    proposals = text[text.index("2. Đề nghị khen thưởng") :]
    for units in PUBLISHED_AWARDS.values():
        assert in_order(proposals, [f"Công an tỉnh {name}" for name in units])


def test_scores_pdf_is_one_landscape_page_in_rank_order(documents_2021):
    text = pdf_text(documents_2021[("scores", "pdf")], layout=True)
    lines = [line for line in text.splitlines() if "Công an tỉnh" in line and "," in line]
    assert [line.split("Công an tỉnh ")[1].split("  ")[0] for line in lines[:8]] == RANK_ORDER
    assert "98,11" in lines[0] and lines[0].split()[-1] == "1"


def test_docx_and_xlsx_open_in_libreoffice_and_look_the_same(documents_2021, tmp_path):
    soffice = tool("soffice")
    sources = [documents_2021[(k, "docx")] for k in ("report", "minutes", "submission")]
    sources.append(documents_2021[("scores", "xlsx")])
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    for source in sources:
        pdf = tmp_path / f"{source.stem}.pdf"
        assert has_official_header(pdf), source.name
        pages = render_png(pdf, f"libreoffice-{source.stem}")
        assert pages
        shutil.copy(pdf, ARTIFACTS / f"libreoffice-{source.stem}.pdf")
    # The score format carries the Vietnamese locale: decimal commas whatever the machine's locale.
    assert "98,11" in pdf_text(tmp_path / "scores.pdf")
