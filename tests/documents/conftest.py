"""The demo's Cluster 3 / 2021 documents, generated once per test session, and the tools to look
inside them (poppler's pdftotext/pdftoppm/pdffonts/pdfinfo, LibreOffice's soffice).

A missing tool skips the tests that need it, with the Debian package to install; with
THIDUA_REQUIRE_BROWSER=1 (CI) it is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "soffice": "libreoffice-writer-nogui libreoffice-calc-nogui",
}
FILES = [
    ("report", "docx"),
    ("report", "pdf"),
    ("minutes", "docx"),
    ("minutes", "pdf"),
    ("submission", "docx"),
    ("submission", "pdf"),
    ("scores", "xlsx"),
    ("scores", "pdf"),
]
# The published outcome of Cluster 3 / 2021 (thidua/org/data/clusters.json).
RANK_ORDER = [
    "Yên Bái",
    "Bắc Giang",
    "Quảng Ninh",
    "Hòa Bình",
    "Tuyên Quang",
    "Thái Nguyên",
    "Bắc Kạn",
    "Phú Thọ",
]
PUBLISHED_AWARDS = {
    "Cờ thi đua của Chính phủ": ["Yên Bái"],
    "Cờ thi đua của Bộ Công an": [
        "Bắc Giang",
        "Quảng Ninh",
        "Hòa Bình",
        "Tuyên Quang",
        "Thái Nguyên",
        "Bắc Kạn",
    ],
    "Bằng khen của Bộ trưởng Bộ Công an": ["Phú Thọ"],  # the catalogue name
}
PLACE_DATE = "Yên Bái, ngày 03 tháng 12 năm 2021"


def tool(name: str) -> str:
    """The path of a command-line tool, or skip (fail in CI) saying which package provides it."""
    found = shutil.which(name)
    if found:
        return found
    message = f"`{name}` không có trên máy: cài bằng `apt-get install {PACKAGES[name]}`."
    if os.environ.get("THIDUA_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def pdf_text(path: Path, *, layout: bool = False) -> str:
    args = [tool("pdftotext"), "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    return subprocess.run(
        [*args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def render_png(pdf: Path, stem: str, dpi: int = 80) -> list[Path]:
    """Every page of `pdf` as test-artifacts/documents/<stem>-<page>.png (to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink(missing_ok=True)
    subprocess.run(
        [tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(ARTIFACTS / stem)],
        check=True,
        capture_output=True,
    )
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


def in_order(text: str, names: list[str]) -> bool:
    positions = [text.find(name) for name in names]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


@pytest.fixture(scope="session")
def documents_2021(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[tuple, Path]:
    """Every document of the demo's Cluster 3 / 2021, rendered once: (kind, ext) → file."""
    from thidua.cycle.models import Cycle
    from thidua.documents.context import build_context
    from thidua.documents.generate import render

    out = tmp_path_factory.mktemp("documents-2021")
    with django_db_blocker.unblock():
        cycle = Cycle.objects.select_related("cluster").get(cluster__year=2021, cluster__number=3)
        context = build_context(cycle)
        files = {}
        for kind, ext in FILES:
            path = out / f"{kind}.{ext}"
            path.write_bytes(render(context, kind, ext))
            files[(kind, ext)] = path
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for (kind, ext), path in files.items():
        shutil.copy(path, ARTIFACTS / f"{kind}.{ext}")
    return files
