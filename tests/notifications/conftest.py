"""The 2025 year of Cluster 3 (demo: reporting results), with users for each part of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user


@dataclass
class Year2025:
    cycle: Any
    secretariat: Any  # Cao Bằng, Cụm trưởng
    late_officer: Any  # a member unit that has not sent its results
    done_officer: Any  # a member unit that has sent them
    other_secretariat: Any  # the leader of another 2025 cluster
    approver: Any
    outsider: Any  # an officer of a unit in no 2025 cluster here (Bắc Giang, 2021)
    today: dt.date

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)


@pytest.fixture
def y25(cast) -> Year2025:
    from thidua.cycle.models import Cycle, ResultSheet
    from thidua.org.models import Cluster, User

    cycle = Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)
    assert cycle.stage == Cycle.Stage.IN_PROGRESS
    members = [u.code for u in cycle.members()]
    submitted = set(
        ResultSheet.objects.filter(cycle=cycle, state=ResultSheet.State.SUBMITTED).values_list(
            "unit__code", flat=True
        )
    )
    leader = cycle.cluster.leader.code
    late = next(c for c in members if c not in submitted and c != leader)
    done = next((c for c in members if c in submitted and c != leader), None)
    if done is None:  # make one unit's results sent, the way the unit does it
        done = next(c for c in members if c not in (late, leader))
        ResultSheet.objects.update_or_create(
            cycle=cycle,
            unit=cycle.cluster.memberships.get(unit__code=done).unit,
            defaults={"state": ResultSheet.State.SUBMITTED},
        )
    other = Cluster.objects.with_members().filter(year=2025).exclude(pk=cycle.cluster_id)
    other_leader = next(c.leader for c in other if c.leader and c.leader.code not in members)
    return Year2025(
        cycle=cycle,
        secretariat=make_user("tt.h.caobang", User.Role.SECRETARIAT, leader, email="tt@cb.test"),
        late_officer=make_user(
            f"cb.h.{late}",
            User.Role.UNIT_OFFICER,
            late,
            email=f"{late}@donvi.test",
            full_name="Hoàng Văn Chậm",
        ),
        done_officer=make_user(
            f"cb.h.{done}", User.Role.UNIT_OFFICER, done, email=f"{done}@donvi.test"
        ),
        other_secretariat=make_user("tt.h.khac", User.Role.SECRETARIAT, other_leader.code),
        approver=cast.approver,
        outsider=cast.officer_a,
        today=timezone.localdate(),
    )


def national(year: int, **days: dt.date) -> None:
    from thidua.notifications.models import NationalDeadline

    for stage, due in days.items():
        NationalDeadline.objects.update_or_create(year=year, stage=stage, defaults={"due": due})
