"""The year's report counts members from the cluster, never from the sheets: a criterion that
7 of 8 members reported reads "…/8 đơn vị…; 1 đơn vị chưa có số liệu", not "7/7"."""

from __future__ import annotations

import re

import pytest

from thidua.cycle.models import ScoreSheet
from thidua.documents.context import build_context

pytestmark = pytest.mark.django_db


def test_indicators_count_over_the_clusters_members(world):
    cycle = world.cycle2021
    ScoreSheet.objects.filter(
        cycle=cycle, stage=ScoreSheet.Stage.CONSOLIDATED, unit__code="phu-tho"
    ).delete()
    ctx = build_context(cycle)
    assert ctx.member_count == 8 and ctx.indicators
    counted = [i for i in ctx.indicators if re.search(r"\d+/\d+ đơn vị", i.sentence)]
    assert counted
    for indicator in counted:
        assert re.search(r"\d+/8 đơn vị", indicator.sentence), indicator.sentence
        assert "1 đơn vị chưa có số liệu" in indicator.sentence
    assert not any("/7 đơn vị" in i.sentence for i in ctx.indicators)


def test_a_complete_year_reads_as_before(world):
    ctx = build_context(world.cycle2021)
    assert not any("chưa có số liệu" in i.sentence for i in ctx.indicators)
    assert any("/8 đơn vị" in i.sentence for i in ctx.indicators)
