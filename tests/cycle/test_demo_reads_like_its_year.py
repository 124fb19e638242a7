"""A demo year reads like that year: 2021 cites the law of 2021 and has that year's peak drives;
2025 speaks of 2025's events and comparisons. Every page of each year, as its secretariat sees it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

LATER_THAN_2021 = [
    "Luật Thi đua, khen thưởng 2022",
    "06/2022/QH15",
    "98/2023",
    "152/2025",
    "Đề án 06",
]
EARLIER_THAN_2025 = ["so với năm 2020", "nhiệm kỳ 2021–2026", "01/7/2021", "khóa XV"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href.split("#")[0])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def year_pages(client, prefix: str, limit: int = 45) -> dict[str, str]:
    """The year's pages reached by clicking from its overview: url → visible text."""
    queue, pages = [prefix], {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in pages or re.search(r"\.(xlsx|docx|pdf|zip)$|/tai", url):
            continue
        response = client.get(url)
        pages[url] = ""
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        pages[url] = " ".join(" ".join(parser.parts).split())
        queue += [h for h in parser.links if h.startswith(prefix) and h not in pages]
    return pages


def stale(pages: dict[str, str], words: list[str]) -> list[str]:
    return [f"{url}: “{w}”" for url, text in pages.items() for w in words if w in text]


def test_the_2021_year_cites_the_law_of_2021_and_no_later_text(world):
    from thidua.org.models import User

    client = world.cast.client(User.objects.get(username="thuongtruc.yenbai"))
    pages = year_pages(client, "/cum-thi-dua/2021/3/thi-dua/")
    assert len(pages) > 15
    assert stale(pages, LATER_THAN_2021) == []
    assert any("Nghị định 91/2017/NĐ-CP" in text for text in pages.values())


def test_the_2025_year_speaks_of_2025(world):
    from thidua.org.models import User

    client = world.cast.client(User.objects.get(username="thuongtruc.caobang"))
    pages = year_pages(client, "/cum-thi-dua/2025/3/thi-dua/")
    assert len(pages) > 10
    assert stale(pages, EARLIER_THAN_2025) == []
    assert any("so với năm 2024" in text for text in pages.values())


def test_the_2021_covenant_and_drives_are_of_their_year(world):
    covenant = world.cycle2021.covenant.text
    assert "Đề án 06" not in covenant and "bầu cử đại biểu Quốc hội khóa XV" in covenant
    assert "Đề án 06" in world.cycle2025.covenant.text
    drives = list(world.cycle2021.drives.order_by("starts_on"))
    assert len(drives) >= 3
    assert all(d.starts_on.year == 2021 and d.ends_on.year == 2021 for d in drives)
    assert any("Tết Nguyên đán Tân Sửu 2021" in d.name for d in drives)


def test_the_2021_report_names_the_years_drives(world):
    from thidua.documents.context import build_context

    drives = build_context(world.cycle2021).drives  # the report lists them, not "không ghi nhận"
    assert len(drives) >= 3
    assert any("Tết Nguyên đán Tân Sửu 2021" in d.name for d in drives)


def test_every_step_of_the_2021_year_is_dated_in_2021(world):
    from thidua.audit.models import AuditRecord

    cycle = world.cycle2021
    assert cycle.opened_at.year == 2021 and cycle.closed_at.year == 2021
    assert cycle.rankings.first().computed_at.year == 2021
    assert {s.signed_at.year for s in cycle.covenant.signatures.all()} == {2021}
    assert cycle.opened_at < cycle.rankings.first().computed_at < cycle.closed_at
    steps = AuditRecord.objects.filter(object_repr__contains="2021", timestamp__year=2021)
    assert steps.exists()
