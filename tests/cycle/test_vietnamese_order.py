"""Issue #18: lists of units follow the Vietnamese alphabet (a ă â b c d đ e ê …: "Đắk Lắk" before
"Điện Biên", both after every D and before E), by the engine's sort key, and the handover offers the
cluster's own members, not every province."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.engine import text

pytestmark = pytest.mark.django_db


def in_vietnamese_order(names: list[str]) -> bool:
    return names == sorted(names, key=text.sort_key)


def test_the_inspection_team_form_lists_the_members_in_vietnamese_order(world):
    from thidua.cycle.inspection.forms import TeamForm

    form = TeamForm(cycle=world.cycle2025)
    names = [u.short_name for u in form.fields["member_units"].queryset]
    assert "Điện Biên" in names and in_vietnamese_order(names), names
    assert names.index("Điện Biên") < names.index("Lai Châu")


def test_the_handover_offers_only_the_clusters_members_in_vietnamese_order(world):
    from thidua.org.forms import HandoverForm

    cluster = world.cycle2025.cluster
    form = HandoverForm(cluster=cluster)
    offered = list(form.fields["next_leader"].queryset)
    assert {u.pk for u in offered} == {u.pk for u in world.cycle2025.members()}
    assert in_vietnamese_order([u.short_name for u in offered])
    assert list(form.fields["next_deputy"].queryset) == offered


def test_the_handover_of_a_year_before_the_merger_offers_the_units_that_carry_the_members(
    reference,
):
    """A cluster whose members were merged later: its members still existing the next year and
    the units they merged into, if they exist by then, are offered, nothing else."""
    from thidua.org.forms import HandoverForm
    from thidua.org.models import Cluster, Unit

    cluster = next(
        c
        for c in Cluster.objects.with_members().filter(year__lt=2025).order_by("-year", "number")
        if any(m.unit.successor_id for m in c.members())
    )
    members = [
        m.unit
        for m in cluster.members()
        if Unit.objects.valid_in_year(cluster.year + 1).filter(pk=m.unit_id).exists()
    ]
    lineage = {u.pk for m in members for u in (m, *m.successors())}
    offered = {u.pk for u in HandoverForm(cluster=cluster).fields["next_leader"].queryset}
    assert {m.pk for m in members} <= offered <= lineage
    assert Unit.objects.valid_in_year(cluster.year + 1).count() > len(offered)


def test_the_fund_lists_units_in_vietnamese_order(reference):
    from tests.honours.conftest import award_to, unit
    from thidua.honours import money

    names = ("dien-bien", "dak-lak", "yen-bai", "bac-giang")
    rows = [
        award_to(
            unit(code),
            "giay_khen",
            2019,
            decision_no=f"{i}/QĐ-TEST",
            decision_date=dt.date(2019, 12, 20),
        )
        for i, code in enumerate(names)
    ]
    listed = list(money.fund(rows).by_unit)
    assert in_vietnamese_order(listed), listed
