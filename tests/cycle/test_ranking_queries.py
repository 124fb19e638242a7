"""What every signed-in page pays, pinned on the ranking page so that it does not creep back up.

A signed-in GET of the ranking page (its content already rendered and cached) reads: the session,
the user with their unit (one query, thidua.org.backends), the year with its cluster and the
cluster's members (one query, thidua.cycle.access), and the identity of the ranking in force (the cache key: a ranking is never changed, a
recomputation stores a new one). An inspector's page also reads the units they inspect; an
approver's the second factor's state. The kept content is never stale: the key follows the ranking
in force, the members' names, the reader's own unit and whether the reader sees the ranking.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

RANKING = reverse("cycle_ranking", args=[2021, 3])


@pytest.mark.parametrize(
    ("who", "queries"),
    [("officer_a", 4), ("viewer", 4), ("secretariat", 4), ("inspector", 5), ("approver", 5)],
)
def test_the_ranking_page_reads_the_database_a_fixed_small_number_of_times(
    world, django_assert_max_num_queries, who, queries
):
    client = world.cast.client(getattr(world.cast, who))
    first = client.get(RANKING)  # renders the tables and keeps them
    assert first.status_code == 200 and 'data-unit="' in first.content.decode()
    with django_assert_max_num_queries(queries):
        again = client.get(RANKING)
    assert again.status_code == 200
    assert again.content.decode().count('data-unit="') == first.content.decode().count(
        'data-unit="'
    )


def test_a_cached_and_a_fresh_rendering_of_the_ranking_are_the_same_page(world):
    client = world.cast.client(world.cast.officer_a)
    cache.clear()
    fresh = client.get(RANKING).content.decode()
    with CaptureQueriesContext(connection) as hit:
        cached = client.get(RANKING).content.decode()
    strip = lambda html: html.split('name="csrf-token"')[0] + html.split("</header>")[1]  # noqa: E731
    assert "csrfmiddlewaretoken" not in strip(cached)
    assert strip(fresh) == strip(cached)
    assert not any('cycle_methodversion"."scale' in q["sql"] for q in hit.captured_queries)


def test_the_kept_ranking_follows_a_recomputation_a_renamed_unit_and_the_readers_own_unit(world):
    from thidua.cycle.models import Cycle
    from thidua.cycle.scoring import recompute_ranking
    from thidua.org.models import Unit

    officer_a = world.cast.officer_a
    a_page = world.cast.client(officer_a).get(RANKING).content.decode()
    assert a_page.count('class="is-highlight"') == 1
    own_row = f'class="is-highlight" data-unit="{officer_a.unit.code}"'
    assert own_row in a_page

    other_member = world.cycle2021.members()[0]
    if other_member.pk == officer_a.unit_id:
        other_member = world.cycle2021.members()[1]
    viewer = world.cast.client(world.cast.viewer).get(RANKING).content.decode()
    assert own_row not in viewer  # not the officer's rendering: the viewer's own unit instead
    assert 'class="is-highlight" data-unit="thai-nguyen"' in viewer

    Unit.objects.filter(pk=other_member.pk).update(name="Công an tỉnh Tên Mới Thử Nghiệm")
    renamed = world.cast.client(officer_a).get(RANKING).content.decode()
    assert "Công an tỉnh Tên Mới Thử Nghiệm" in renamed

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.RANKING)
    world.cycle2021.refresh_from_db()
    before = world.cycle2021.rankings.first()
    newer = recompute_ranking(world.cycle2021, by=world.cast.secretariat, reason="thử")
    assert newer.pk != before.pk
    page = world.cast.client(officer_a).get(RANKING).content.decode()
    assert timezone.localtime(newer.computed_at).strftime("%d/%m/%Y %H:%M") in page
    assert own_row in page


def test_an_officer_of_a_merged_province_opens_the_years_of_its_predecessors(reference):
    """Phú Thọ (2025) carries Phú Thọ's and Hòa Bình's history: Cluster 3 / 2021's year is in its
    scope (checked on the year's members, through the merger), Cluster 3 / 2025's is not."""
    from tests.conftest import make_user
    from thidua.org.models import User

    officer = make_user("canbo.phutho.moi", User.Role.UNIT_OFFICER, "phu-tho-2025")
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("cycle_overview", args=[2021, 3])).status_code == 200
    assert client.get(reverse("cycle_overview", args=[2025, 3])).status_code == 404
    assert client.get(reverse("cycle_overview", args=[2021, 99])).status_code == 404
