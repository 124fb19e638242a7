"""A block's year, crawled: no page of it calls the block a Cụm.

Khối 3 / 2025 (illustrative composition) is run to its published ranking by the model's steps
(tests/org/test_block_years.build_block_year); its secretariat, a member's officer, an inspector and
the Ministry's approver then follow every link that stays in the block's pages, and each page's own
content (the site menu, which names "Cụm thi đua" on every page, aside) is read for the word "Cụm"
("cụm mật khẩu", a passphrase, is a different word and lower-case). Text the year's method
carries as data (the example scale's names and legal bases, written for Cụm 3 / 2021) is the
users' own words and is left out."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.org.test_block_years import BLOCK_UNITS, build_block_year
from thidua.org.loaders import movement
from thidua.org.models import Cluster, Membership, Unit, User

pytestmark = pytest.mark.django_db

ROOT = "/khoi-thi-dua/2025/3/"
SKIP = re.compile(r"\.(xlsx|docx|pdf|csv|zip|ics)$|/(tai|xuat|in)(-|/|$)")
PAGES = 60


def _main_text(html: str) -> str:
    start = html.find("<main")
    main = html[start : html.find("</main>", start)] if start >= 0 else html
    main = re.sub(r"<(script|style|template|textarea)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [" ".join(value.split())]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _data_words() -> list[str]:
    """The strings of the block's method that say Cụm (its data, not the pages' words)."""
    from thidua.cycle.models import Cycle

    method = Cycle.objects.get(cluster__kind="block", cluster__year=2025).method
    found = _strings([method.scale, method.award_rules, method.operating_rules])
    return sorted({s for s in found if "Cụm" in s}, key=len, reverse=True)


def _crawl(client: Client) -> tuple[int, list[str]]:
    data = _data_words()
    queue, seen, found = [ROOT, ROOT + "thi-dua/"], set(), []
    while queue and len(seen) < PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        text = _main_text(html)
        for words in data:
            text = text.replace(words, " ")
        for match in re.finditer(r"Cụm(?!\w)(?!, khối)", text):  # "Cụm, khối" names both
            found.append(f"{url}: …{text[max(0, match.start() - 70) : match.end() + 50]}…")
        for href in re.findall(r'href="([^"#]+)', html):
            href = href.replace("&amp;", "&")
            if href.startswith(ROOT) and not SKIP.search(href.split("?")[0]) and href not in seen:
                queue.append(href)
    return len(seen), found


@pytest.fixture
def block_year(reference) -> dict[str, User]:
    block = Cluster.objects.create(
        movement=movement(), year=2025, kind=Cluster.Kind.BLOCK, number=3
    )
    for code in BLOCK_UNITS:
        role = {"a05": Membership.Role.LEADER, "k01": Membership.Role.DEPUTY}.get(
            code, Membership.Role.MEMBER
        )
        block.add_member(Unit.objects.get(code=code), role=role)
    people = build_block_year(Cluster.objects.with_members().get(pk=block.pk))
    people["approver"] = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    people["inspector"] = User.objects.get(username="kt.k01")
    return people


@pytest.mark.parametrize("who", ["secretariat", "cb.k02", "inspector", "approver"])
def test_no_page_of_a_blocks_year_calls_it_a_cum(block_year, who):
    user = block_year[who] if who in block_year else User.objects.get(username=who)
    client = Client()
    client.force_login(user)
    visited, found = _crawl(client)
    assert visited > 10, f"{who} reached only {visited} pages"
    assert found == [], "\n".join(found[:40])
