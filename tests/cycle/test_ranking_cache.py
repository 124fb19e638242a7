"""The ranking page keeps its rendered tables in the cache: whatever it served before, every page
shows the ranking in force, the current unit names and the reader's own row."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.cycle.models import Cycle
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db
RANKING = reverse("cycle_ranking", args=[2021, 3])


def tables(response) -> str:
    """The ranking's cards (a page also carries a per-response CSRF token, outside them)."""
    html = response.content.decode()
    return html[html.index('id="ranking"') : html.index('id="discrepancies"')]


def highlighted(html: str) -> list[str]:
    return re.findall(r'<tr class="is-highlight" data-unit="([\w-]+)"', html)


def test_each_reader_sees_their_own_units_row_highlighted_after_others_were_served(world):
    cast = world.cast
    pages = {
        who: cast.client(getattr(cast, who)).get(RANKING).content.decode()
        for who in ("officer_a", "secretariat", "viewer", "approver", "officer_a")
    }
    assert highlighted(pages["officer_a"]) == ["bac-giang"]
    assert highlighted(pages["secretariat"]) == ["yen-bai"]
    assert highlighted(pages["viewer"]) == ["thai-nguyen"]
    assert highlighted(pages["approver"]) == []  # the Ministry is not a member unit


def test_a_recomputed_ranking_replaces_the_one_served_before_at_once(world):
    cycle = world.cycle2021
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.RANKING)
    viewer = world.cast.client(world.cast.viewer)
    before = viewer.get(RANKING).content.decode()
    assert "— Đặng Thị Hạnh." in before  # the demo's ranking, computed by its secretariat

    secretariat = world.cast.secretariat
    type(secretariat).objects.filter(pk=secretariat.pk).update(full_name="Vũ Thị Thường Trực")
    world.cast.client(secretariat).post(
        reverse("cycle_ranking_recompute", args=[2021, 3]), {"reason": "Sau khiếu nại."}
    )
    assert cycle.rankings.count() == 2
    after = viewer.get(RANKING).content.decode()
    assert "— Vũ Thị Thường Trực." in after and "— Đặng Thị Hạnh." not in after


def test_a_renamed_unit_shows_on_the_next_page(world):
    # A stored ranking is never edited: a corrected total arrives as a new ranking (recomputed,
    # with its reason), which the test above shows replacing the page at once.
    viewer = world.cast.client(world.cast.viewer)
    assert "Công an tỉnh Yên Bái" in viewer.get(RANKING).content.decode()

    Unit.objects.filter(code="yen-bai").update(name="Công an tỉnh Yên Bái (tên mới)")
    assert "Công an tỉnh Yên Bái (tên mới)" in viewer.get(RANKING).content.decode()


def test_a_page_served_from_the_cache_makes_no_more_queries_than_the_first(world):
    client = world.cast.client(world.cast.officer_a)
    Unit.objects.filter(code="bac-giang").update(short_name="Bắc Giang (lần đầu)")  # a new key
    with CaptureQueriesContext(connection) as rendered:
        first = client.get(RANKING)
    with CaptureQueriesContext(connection) as cached:
        second = client.get(RANKING)
    assert len(cached) <= len(rendered)  # the key reads plain values; a miss loads objects
    assert tables(first) == tables(second)
    assert "Bắc Giang (lần đầu)" in tables(second)  # the chart's labels are the short names
