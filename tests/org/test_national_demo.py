"""The demo's country in 2025 (thidua/portal/national_demo.py, called by load_demo): the 34 provinces
each in exactly one cluster, the Ministry's units in blocks, every year opened, the national calendar
of step deadlines, and a home page that shows what is overdue."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client

from thidua.cycle.models import Cycle
from thidua.notifications.models import STEPS, NationalDeadline
from thidua.org.models import Cluster, Membership, Unit, User
from thidua.portal.national_demo import CALENDAR, build_national_2025

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(reference):
    from thidua.org.demo import ensure_demo_accounts

    ensure_demo_accounts()  # the Ministry's approver, who sets the calendar
    return build_national_2025()


def provinces_2025() -> set[int]:
    """The provincial police valid in 2025 after the merger (the 34 of 1 July 2025)."""
    return set(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE, valid_to__isnull=True).values_list(
            "pk", flat=True
        )
    )


def test_every_one_of_the_34_provinces_is_in_exactly_one_2025_cluster(country):
    provinces = provinces_2025()
    assert len(provinces) == 34
    placed = Counter(
        Membership.objects.filter(
            cluster__year=2025, cluster__kind=Cluster.Kind.CLUSTER
        ).values_list("unit_id", flat=True)
    )
    assert set(placed) == provinces
    assert set(placed.values()) == {1}
    clusters = Cluster.objects.filter(year=2025, kind=Cluster.Kind.CLUSTER).with_members()
    assert all(c.leader is not None and 3 <= len(c.members()) <= 6 for c in clusters)
    # published where known, illustrative labelled otherwise
    one = clusters.get(number=1)
    assert [m.unit.code for m in one.members()] == ["ha-noi", "ho-chi-minh-2025", "hai-phong-2025"]
    assert one.deputy.code == "ho-chi-minh-2025" and "znews.vn" in one.notes
    assert "minh họa" in clusters.get(number=2).notes
    assert {m.unit.code for m in clusters.get(number=3).members()} == {
        "cao-bang",
        "dien-bien",
        "lao-cai-2025",
        "lai-chau",
        "son-la",
        "tuyen-quang-2025",
    }  # the published Cluster 3 of the reference data, unchanged


def test_the_ministrys_units_compete_in_2025_blocks_each_in_one(country):
    blocks = Cluster.objects.filter(year=2025, kind=Cluster.Kind.BLOCK).with_members()
    assert blocks.count() >= 5
    published = blocks.get(number=1)
    assert published.leader.code == "truong-dai-hoc-canh-sat-nhan-dan"
    assert all("minh họa" in b.notes for b in blocks.exclude(number=1))
    in_blocks = Counter(m.unit for b in blocks for m in b.memberships.all())
    assert set(in_blocks.values()) == {1}
    kinds = {u.kind for u in in_blocks}
    assert kinds == {Unit.Kind.MINISTRY_DEPARTMENT, Unit.Kind.ACADEMY, Unit.Kind.COMMAND}
    assert {"a05", "cuc-ke-hoach-va-tai-chinh", "k01", "truong-dai-hoc-phong-chay-chua-chay"} <= {
        u.code for u in in_blocks
    }


def test_every_2025_cluster_and_block_has_its_year_open_and_the_national_calendar(country):
    groups = Cluster.objects.filter(year=2025)
    assert Cycle.objects.filter(cluster__in=groups).count() == groups.count()
    days = dict(NationalDeadline.objects.filter(year=2025).values_list("stage", "due"))
    assert days == {stage.value: day for stage, day in CALENDAR.items()}
    assert set(days) == {s.value for s in STEPS}
    assert sorted(days.values()) == [days[s.value] for s in STEPS]  # in the order of the year


def test_loading_the_country_twice_changes_nothing(country):
    before = (Cluster.objects.count(), Membership.objects.count(), Cycle.objects.count())
    again = build_national_2025()
    assert (again.clusters, again.blocks, again.years, again.accounts, again.deadlines) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert (Cluster.objects.count(), Membership.objects.count(), Cycle.objects.count()) == before


def test_a_province_secretariat_sees_its_overdue_step_on_its_home_page(country):
    """Cluster 6 (illustrative) was opened and not planned: the 2025 planning step, due on
    31/03/2025 by the national calendar, is overdue for its secretariat on any later day."""
    secretariat = User.objects.get(username="thuongtruc.khanh-hoa-2025")
    client = Client()
    client.force_login(secretariat)
    page = client.get("/").content.decode()
    section = re.search(r'<section class="card" id="deadlines">.*?</section>', page, re.S)
    assert section is not None
    text = section.group(0)
    assert 'id="deadlines-overdue"' in text and "Quá hạn" in text
    assert "31/03/2025" in text


def test_a_ministry_units_officer_signs_in_with_the_demo_password_and_has_a_block(country):
    client = Client()
    answer = client.post("/dang-nhap/", {"username": "canbo.a05", "password": "ThiDua@2025"})
    assert answer.status_code == 302
    officer = User.objects.get(username="canbo.a05")
    block = Cluster.objects.get(year=2025, kind=Cluster.Kind.BLOCK, number=2)
    assert officer.unit_id in {m.unit_id for m in block.memberships.all()}
    assert block.leader.code == "a05" and hasattr(block, "cycle")


def test_a_unit_already_in_a_2025_group_stays_there_and_the_illustrative_block_does_without(
    reference,
):
    """Published data loaded before the demo's country (a block of 2025 holding A05) wins: A05 is
    not moved, and illustrative Block 2 is led by its next member."""
    from thidua.org.demo import ensure_demo_accounts
    from thidua.org.loaders import movement

    ensure_demo_accounts()
    published = Cluster.objects.create(
        movement=movement(), year=2025, kind=Cluster.Kind.BLOCK, number=9
    )
    published.add_member(Unit.objects.get(code="a05"), role=Membership.Role.LEADER)
    build_national_2025()
    a05 = Membership.objects.get(year=2025, unit__code="a05")
    assert a05.cluster == published
    block2 = Cluster.objects.get(year=2025, kind=Cluster.Kind.BLOCK, number=2)
    assert block2.leader.code == "cuc-ky-thuat-nghiep-vu"
    assert "a05" not in {m.unit.code for m in block2.memberships.all()}
