"""The Ministry's units and their published blocks (Khối thi đua), loaded into the database."""

from __future__ import annotations

import pytest

from thidua.audit.models import AuditRecord
from thidua.org.loaders import load_blocks
from thidua.org.models import Cluster, Membership, Unit

pytestmark = pytest.mark.django_db


def test_ministry_academies_and_commands_are_loaded_with_their_kinds(reference):
    assert Unit.objects.get(code="k01").kind == Unit.Kind.COMMAND
    assert Unit.objects.get(name="Học viện Cảnh sát nhân dân").kind == Unit.Kind.ACADEMY
    assert Unit.objects.get(name="Cục Kế hoạch và tài chính").kind == Unit.Kind.MINISTRY_DEPARTMENT


def test_blocks_load_beside_clusters_of_the_same_number_and_twice_changes_nothing(reference):
    clusters_before = Cluster.objects.filter(kind=Cluster.Kind.CLUSTER).count()
    stats = load_blocks()
    assert stats.created > 0
    block = Cluster.objects.with_members().get(year=2021, kind=Cluster.Kind.BLOCK, number=2)
    assert block.title == "Khối thi đua số 2"
    assert block.leader.code == "a05"
    assert {m.unit.code for m in block.members()} >= {"a05", "k01"}
    assert "cand.com.vn" in block.notes
    academies = Cluster.objects.with_members().get(year=2025, kind=Cluster.Kind.BLOCK, number=1)
    assert {m.unit.kind for m in academies.members()} == {Unit.Kind.ACADEMY}
    assert Cluster.objects.filter(kind=Cluster.Kind.CLUSTER).count() == clusters_before

    counts = (Cluster.objects.count(), Membership.objects.count(), AuditRecord.objects.count())
    again = load_blocks()
    assert (again.created, again.updated) == (0, 0)
    assert (
        Cluster.objects.count(),
        Membership.objects.count(),
        AuditRecord.objects.count(),
    ) == counts
