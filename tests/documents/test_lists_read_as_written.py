"""The dashed lists of the official documents as an officer writes them: each line ends with ";"
and the last with "." (before the next heading or article), and a title before an organisation's
name is capitalised ("đồng chí Giám đốc Công an tỉnh Yên Bái", NĐ 30/2020 Phụ lục II)."""

from __future__ import annotations

import io

import docx
import pytest

from thidua.documents import decision as decision_document
from thidua.honours.models import Decision

pytestmark = pytest.mark.django_db


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _runs_of_items(paragraphs: list[str]) -> list[list[str]]:
    """Consecutive "- " paragraphs, as lists."""
    runs: list[list[str]] = []
    current: list[str] = []
    for text in paragraphs:
        if text.startswith("- "):
            current.append(text)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _assert_written_lists(paragraphs: list[str]) -> None:
    """Every list before the recipients (a paragraph in the minutes, a table cell elsewhere)."""
    ends = [i for i, p in enumerate(paragraphs) if p.startswith("Nơi nhận")]
    runs = _runs_of_items(paragraphs[: ends[0]] if ends else paragraphs)
    assert runs
    for run in runs:
        assert all(line.endswith((";", ".")) for line in run), run
        assert run[-1].endswith("."), run


@pytest.mark.parametrize("kind", ["report", "minutes", "submission"])
def test_each_list_of_the_years_documents_ends_with_a_full_stop(documents_2021, kind):
    paragraphs = _paragraphs(documents_2021[(kind, "docx")].read_bytes())
    _assert_written_lists(paragraphs)


def test_the_minutes_name_the_chair_by_a_capitalised_title(documents_2021):
    text = "\n".join(_paragraphs(documents_2021[("minutes", "docx")].read_bytes()))
    assert "đồng chí Giám đốc Công an tỉnh Yên Bái" in text
    assert "đồng chí giám đốc" not in text
    # the attendance list closes with a full stop before the chair
    assert "- Công an tỉnh Yên Bái." in text


def test_article_one_of_the_decision_lists_its_awards_to_a_full_stop(world):
    from thidua.cycle.outcome.decisions import build_demo_decisions

    build_demo_decisions(world.cycle2021)
    decision = Decision.objects.get(cluster__year=2021, cluster__number=3, authority="BCA")
    paragraphs = _paragraphs(decision_document.render(decision, "docx"))
    assert "- Cờ thi đua của Bộ Công an: 06 tập thể;" in paragraphs
    assert "- Bằng khen của Bộ trưởng Bộ Công an: 01 tập thể." in paragraphs


def test_the_decisions_files_name_their_issuer_with_its_capitals(world):
    from pypdf import PdfReader

    from thidua.cycle.outcome.decisions import build_demo_decisions

    build_demo_decisions(world.cycle2021)
    expected = {"BCA": "Bộ Công an", "TTg": "Thủ tướng Chính phủ"}
    decisions = Decision.objects.filter(cluster__year=2021, cluster__number=3)
    assert {d.authority for d in decisions} >= set(expected)
    for decision in decisions:
        if decision.authority not in expected:
            continue
        data = decision_document.render(decision, "docx")
        assert (
            docx.Document(io.BytesIO(data)).core_properties.author == expected[decision.authority]
        )
        pdf = PdfReader(io.BytesIO(decision_document.render(decision, "pdf")))
        assert pdf.metadata.author == expected[decision.authority]


def test_the_years_documents_name_the_cluster_as_author(documents_2021):
    document = docx.Document(str(documents_2021[("report", "docx")]))
    assert document.core_properties.author == "Cụm thi đua số 3"
