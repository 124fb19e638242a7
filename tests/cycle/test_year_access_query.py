"""The year's access check reads, in one plain query, exactly what the ORM would have given it:
the year, its cluster with movement and host, and the memberships with their units — on SQLite
(dates as text, booleans as integers) and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model, Prefetch
from django.test.utils import CaptureQueriesContext

from thidua.cycle.access import _cycles_with_members, get_cycle_for_user
from thidua.cycle.models import Cycle
from thidua.org.models import Cluster, Membership

pytestmark = pytest.mark.django_db


def orm_cycles(year: int, number: int, kind: str) -> list[Cycle]:
    return list(
        Cycle.objects.select_related("cluster", "cluster__movement", "cluster__host")
        .prefetch_related(
            Prefetch("cluster__memberships", queryset=Membership.objects.select_related("unit"))
        )
        .filter(cluster__year=year, cluster__number=number, cluster__kind=kind)
    )


def values(instance: Model | None) -> dict | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_year_its_cluster_and_members_are_those_the_orm_reads(world):
    Cluster.objects.filter(pk=world.cycle2021.cluster_id).update(published=True)
    [expected] = orm_cycles(2021, 3, Cluster.Kind.CLUSTER)
    with CaptureQueriesContext(connection) as read:
        [cycle] = _cycles_with_members(2021, 3, Cluster.Kind.CLUSTER)
    assert len(read.captured_queries) == 1
    with CaptureQueriesContext(connection) as after:
        assert values(cycle) == values(expected)
        assert values(cycle.cluster) == values(expected.cluster)
        assert cycle.cluster.published is True  # SQLite's 1 read as a boolean
        assert values(cycle.cluster.movement) == values(expected.cluster.movement)
        assert values(cycle.cluster.host) == values(expected.cluster.host)
        assert cycle.cluster.cycle is cycle
        # by id: the ORM's prefetch has no order of its own
        ours = [(values(m), values(m.unit)) for m in cycle.cluster.memberships.all()]
        theirs = [(values(m), values(m.unit)) for m in expected.cluster.memberships.all()]
        ours.sort(key=lambda pair: pair[0]["id"])
        theirs.sort(key=lambda pair: pair[0]["id"])
        assert ours == theirs and len(ours) == 8
        assert all(m.cluster is cycle.cluster for m in cycle.cluster.memberships.all())
        assert cycle.cluster.leader is not None and cycle.member_ids()
    assert after.captured_queries == []  # everything above came with the one query


def test_a_year_whose_cluster_has_no_members_and_no_host_yet(world):
    cluster = Cluster.objects.create(
        movement=world.cycle2021.cluster.movement,
        year=2021,
        number=97,
        kind=Cluster.Kind.CLUSTER,
    )
    Cycle.objects.create(cluster=cluster)
    [cycle] = _cycles_with_members(2021, 97, Cluster.Kind.CLUSTER)
    assert cycle.cluster.host is None
    assert list(cycle.cluster.memberships.all()) == []
    assert _cycles_with_members(2021, 96, Cluster.Kind.CLUSTER) == []


def test_the_access_check_reads_the_year_once_whoever_asks(world):
    for user in (world.cast.officer_a, world.cast.viewer, world.cast.secretariat):
        with CaptureQueriesContext(connection) as read:
            access = get_cycle_for_user(user, 2021, 3)
        assert len(read.captured_queries) == 1, [q["sql"][:80] for q in read.captured_queries]
        assert access.cycle.pk == world.cycle2021.pk


@pytest.mark.parametrize(("year", "number"), [(99999999999999999999, 3), (2021, 10**20), (-1, 3)])
def test_a_year_or_number_no_column_can_hold_finds_nothing(world, year, number):
    assert _cycles_with_members(year, number, Cluster.Kind.CLUSTER) == []


def test_on_postgresql_the_servers_plan_of_the_year_query_is_kept_for_the_connection(world):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(2):
        [cycle] = _cycles_with_members(2021, 3, Cluster.Kind.CLUSTER)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%org_membership%"],
        )
        assert cursor.fetchone()[0] == 1
    assert len(cycle.cluster.memberships.all()) == 8
