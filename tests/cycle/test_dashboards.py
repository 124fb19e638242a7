"""Dashboards: a cluster over the years (ranking, groups, targets, robustness) and the Ministry's."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user
from thidua.cycle.dashboards import attainment_ratio, heat_class
from thidua.cycle.models import Cycle, HonourVote, Ranking, RankingEntry
from thidua.org.models import Cluster, Membership, Unit, User

pytestmark = pytest.mark.django_db
S = Cycle.Stage


def dashboard(year: int = 2021) -> str:
    return reverse("cycle_dashboard", args=[year, 3])


def chart(html: str, element_id: str) -> dict:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no chart config {element_id}"
    return json.loads(found.group(1))


def rank_2025(world) -> Ranking:
    """A ranking for the demo's 2025 year (it has none yet), with one entry per member."""
    cycle = world.cycle2025
    ranking = Ranking.objects.create(cycle=cycle, method=cycle.method)
    for i, unit in enumerate(cycle.members(), start=1):
        RankingEntry.objects.create(ranking=ranking, unit=unit, position=i, rank=i, total=90 - i)
    return ranking


def test_cluster_dashboard_shows_the_four_views_of_a_ranked_year(world):
    html = world.cast.client(world.cast.officer_a).get(dashboard()).content.decode()
    for section in ('id="history"', 'id="groups"', 'id="heatmap"', 'id="bands"'):
        assert section in html
    history = chart(html, "chart-history")
    assert history["data"]["labels"] == ["2021"]
    assert len(history["data"]["datasets"]) == 8
    assert history["options"]["scales"]["y"]["reverse"] is True
    groups = chart(html, "chart-groups")
    assert all(ds["data"] and len(ds["data"]) == 8 for ds in groups["data"]["datasets"])
    assert groups["options"]["scales"]["y"]["stacked"] is True
    bands = chart(html, "chart-bands")
    assert any(ds["label"] == "Khoảng hạng 5–95%" for ds in bands["data"]["datasets"])
    assert re.search(r'class="num heat-[0-4]"', html)
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "function" not in json.dumps([history, groups, bands])


def test_group_subtotals_of_each_unit_add_up_to_its_consolidated_total(world):
    html = world.cast.client(world.cast.approver).get(dashboard()).content.decode()
    groups = chart(html, "chart-groups")
    totals = [sum(ds["data"][i] or 0 for ds in groups["data"]["datasets"]) for i in range(8)]
    sheets = {
        s.unit.short_name: s.total
        for s in world.cycle2021.score_sheets.filter(stage="consolidated").select_related("unit")
    }
    for label, total in zip(groups["data"]["labels"], totals, strict=True):
        # The scale's caps and deductions apply to the total, so it is at most the subtotals.
        assert float(sheets[label]) <= total + 0.01


def test_attainment_is_value_over_target_and_inverted_when_lower_is_better():
    assert attainment_ratio(Decimal("92.1"), Decimal("76"), "target/higher/linear") == Decimal(
        "92.1"
    ) / Decimal("76")
    assert attainment_ratio(Decimal("50"), Decimal("40"), "target/lower/linear") == Decimal("0.8")
    assert attainment_ratio(Decimal("0"), Decimal("40"), "target/lower/linear") == Decimal(2)
    assert attainment_ratio(Decimal("5"), Decimal("0"), "target/higher/linear") is None
    assert [heat_class(Decimal(x)) for x in ("0.5", "0.8", "0.97", "1", "1.2")] == [0, 1, 2, 3, 4]


def test_members_see_the_cluster_dashboard_only_once_the_year_is_ranked(world):
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=S.INSPECTION)
    member = world.cast.client(world.cast.officer_a).get(dashboard()).content.decode()
    assert "chưa có số liệu công bố" in member and "chart-history" not in member
    secretariat = world.cast.client(world.cast.secretariat).get(dashboard()).content.decode()
    assert "chart-history" in secretariat


def test_ranking_over_the_years_lists_only_the_years_the_user_may_see(world):
    rank_2025(world)
    ministry = world.cast.client(world.cast.approver).get(dashboard(2025)).content.decode()
    history = chart(ministry, "chart-history")
    assert history["data"]["labels"] == ["2021", "2025"]
    # Members change between years: one line per unit, gaps where it was not a member.
    names = {ds["label"]: ds["data"] for ds in history["data"]["datasets"]}
    assert len(names) == 8 + 6
    assert names["Bắc Giang"][1] is None
    assert (
        names["Tuyên Quang (từ 2025)"] == [None, 6] and names["Tuyên Quang (đến 2025)"][1] is None
    )
    # A 2021 member does not see the 2025 cluster it is not part of.
    member = world.cast.client(world.cast.officer_a).get(dashboard()).content.decode()
    assert chart(member, "chart-history")["data"]["labels"] == ["2021"]
    # A 2025 member sees 2025 only once that year reaches the ranking stage.
    officer = make_user("cb.dash", User.Role.UNIT_OFFICER, "lao-cai-2025")
    client = world.cast.client(officer)
    assert "chart-history" not in client.get(dashboard(2025)).content.decode()
    Cycle.objects.filter(pk=world.cycle2025.pk).update(stage=S.RANKING)
    assert chart(client.get(dashboard(2025)).content.decode(), "chart-history")["data"][
        "labels"
    ] == ["2025"]


def test_cluster_dashboard_queries_do_not_grow_with_years(world, django_assert_max_num_queries):
    client = world.cast.client(world.cast.approver)
    with CaptureQueriesContext(connection) as one_year:
        assert client.get(dashboard(2025)).status_code == 200
    rank_2025(world)
    with django_assert_max_num_queries(len(one_year)):
        assert client.get(dashboard(2025)).status_code == 200


# -- the Ministry ----------------------------------------------------------------------------------


def ministry(client, year: int | str | None = None):
    suffix = f"?nam={year}" if year is not None else ""
    return client.get(reverse("ministry_dashboard") + suffix)


def test_ministry_dashboard_shows_who_is_late_in_the_latest_year(world):
    html = ministry(world.cast.client(world.cast.approver)).content.decode()
    assert "Các cụm, khối thi đua năm 2025" in html
    row = re.search(r'<tr data-cluster="3">(.*?)</tr>', html, re.S).group(1)
    assert "Cao Bằng" in row and "Thực hiện, báo cáo kết quả" in row
    late = re.search(r"Chưa gửi kết quả:</strong>(.*?)</p>", row, re.S).group(1)
    assert "Lào Cai" in late and "Lai Châu" in late and "Tuyên Quang" in late
    assert "Sơn La" not in late and "Điện Biên" not in late
    assert chart(html, "chart-progress")["options"]["indexAxis"] == "y"


def test_ministry_dashboard_of_a_closed_year_shows_honoured_unit_and_proposals(world):
    html = ministry(world.cast.client(world.cast.approver), 2021).content.decode()
    row = re.search(r'<tr data-cluster="3">(.*?)</tr>', html, re.S).group(1)
    vote = HonourVote.objects.get(cycle=world.cycle2021)
    assert vote.passed and vote.candidate.short_name in row
    assert "Đã kết thúc" in row and "badge--approved" in row
    assert "Chưa gửi kết quả" not in row


def test_ministry_dashboard_refuses_unknown_years_and_non_national_users(world):
    client = world.cast.client(world.cast.approver)
    assert ministry(client, "abc").status_code == 404
    assert ministry(client, 1999).status_code == 404
    assert ministry(world.cast.client(world.cast.secretariat)).status_code == 403


def test_ministry_dashboard_query_count_is_constant_in_the_number_of_clusters(
    world, django_assert_max_num_queries
):
    client = world.cast.client(world.cast.approver)
    with CaptureQueriesContext(connection) as before:
        assert ministry(client, 2025).status_code == 200
    taken = set(Membership.objects.filter(year=2025).values_list("unit_id", flat=True))
    spare = list(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE)
        .valid_in_year(2025)
        .exclude(pk__in=taken)
    )[:9]
    movement = world.cycle2025.cluster.movement
    for n, units in enumerate((spare[0:3], spare[3:6], spare[6:9]), start=20):
        cluster = Cluster.objects.create(movement=movement, year=2025, number=n)
        for i, unit in enumerate(units):
            cluster.add_member(unit, role="leader" if i == 0 else "member")
        Cycle.objects.create(cluster=cluster, stage=S.IN_PROGRESS)
    with django_assert_max_num_queries(len(before)):
        response = ministry(client, 2025)
    assert response.content.decode().count("<tr data-cluster=") >= 5


def test_heat_map_leaves_out_criteria_no_unit_can_be_measured_on(world):
    html = world.cast.client(world.cast.approver).get(dashboard()).content.decode()
    heatmap = re.search(
        r'<table class="table table--compact" id="heatmap">(.*?)</table>', html, re.S
    )
    header = re.findall(r'<th class="num" title="[^"]*">([^<]+)</th>', heatmap.group(1))
    assert header and "TP1" in header
    assert all(re.search(r"heat-\d", row) for row in heatmap.group(1).split("<tr")[2:])
