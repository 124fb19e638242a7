"""Who answers for which step, the deadline in force for each step, and how late each one is.

Read by the home page (what is due for this user), the Ministry's board (every cluster's lateness),
the calendar feed and the reminders. Each reader loads in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from thidua.cycle.models import (
    CovenantSignature,
    Cycle,
    Registration,
    ResultSheet,
    VoterRecord,
)
from thidua.notifications.models import STEPS, ClusterDeadline, NationalDeadline, vn_date
from thidua.org.models import Membership, User

S = Cycle.Stage

# Who answers for a step: the cluster's secretariat, its member units' officers, the inspectors of
# its member units, the Ministry's approvers.
SECRETARIAT, UNIT, INSPECTOR, MINISTRY = "secretariat", "unit", "inspector", "ministry"
RESPONSIBLE: dict[str, frozenset[str]] = {
    S.PLANNING: frozenset({SECRETARIAT, UNIT}),
    S.IN_PROGRESS: frozenset({SECRETARIAT, UNIT}),
    S.INSPECTION: frozenset({SECRETARIAT, INSPECTOR}),
    S.RANKING: frozenset({SECRETARIAT}),
    S.VOTING: frozenset({SECRETARIAT, UNIT}),
    S.PROPOSALS: frozenset({SECRETARIAT}),
    S.APPROVAL: frozenset({MINISTRY}),
}

# What the step asks, in the words of the one who must do it.
WHAT: dict[str, str] = {
    S.PLANNING: "Ký giao ước, đăng ký danh hiệu, ban hành kế hoạch và thang điểm",
    S.IN_PROGRESS: "Nhập và gửi số liệu kết quả thực hiện chỉ tiêu",
    S.INSPECTION: "Kiểm tra chéo và gửi kết quả chấm",
    S.RANKING: "Tổng hợp điểm, xếp hạng",
    S.VOTING: "Biểu quyết suy tôn",
    S.PROPOSALS: "Lập và trình đề nghị khen thưởng",
    S.APPROVAL: "Xét duyệt đề nghị khen thưởng",
}


def today() -> dt.date:
    return timezone.localdate()


def soon_days() -> int:
    return settings.THIDUA_REMIND_DAYS_BEFORE


# -- the deadline in force ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    stage: str
    due: dt.date
    national: dt.date | None
    own: dt.date | None  # the cluster's own, when it set one

    @property
    def label(self) -> str:
        return S(self.stage).label


def calendars(cycles: Iterable[Cycle]) -> dict[int, dict[str, Deadline]]:
    """cycle id → stage → deadline in force (the earlier of national and cluster's), two queries."""
    cycles = list(cycles)
    years = {c.cluster.year for c in cycles}
    national: dict[tuple[int, str], dt.date] = {
        (d.year, d.stage): d.due for d in NationalDeadline.objects.filter(year__in=years)
    }
    own: dict[tuple[int, str], dt.date] = {
        (d.cycle_id, d.stage): d.due
        for d in ClusterDeadline.objects.filter(cycle__in=[c.pk for c in cycles])
    }
    result: dict[int, dict[str, Deadline]] = {}
    for cycle in cycles:
        steps: dict[str, Deadline] = {}
        for stage in STEPS:
            n, o = national.get((cycle.cluster.year, stage.value)), own.get((cycle.pk, stage.value))
            days = [d for d in (n, o) if d is not None]
            if days:
                steps[stage.value] = Deadline(stage.value, min(days), n, o)
        result[cycle.pk] = steps
    return result


# -- how late --------------------------------------------------------------------------------------

OVERDUE, SOON, DUE, DONE = "overdue", "soon", "due", "done"


@dataclass(frozen=True)
class Status:
    state: str  # overdue | soon | due | done
    text: str
    badge: str


def status(due: dt.date, *, done: bool, on: dt.date | None = None) -> Status:
    on = on or today()
    left = (due - on).days
    if done:
        return Status(DONE, "Đã hoàn thành", "badge--approved")
    if left < 0:
        return Status(OVERDUE, f"Quá hạn {-left} ngày", "badge--danger")
    if left == 0:
        return Status(SOON, "Hết hạn hôm nay", "badge--warning")
    if left <= soon_days():
        return Status(SOON, f"Còn {left} ngày", "badge--warning")
    return Status(DUE, f"Còn {left} ngày", "badge--info")


# -- who answers for a step, and who has done their part -----------------------------------------


def roles_in(user: User, cycle: Cycle) -> set[str]:
    """The parts `user` plays in `cycle` (memberships with units loaded)."""
    roles: set[str] = set()
    if not user.is_active:
        return roles
    if user.role == User.Role.MINISTRY_APPROVER:
        roles.add(MINISTRY)
    if user.role == User.Role.SECRETARIAT and user.is_secretariat_of(cycle.cluster):
        roles.add(SECRETARIAT)
    members = {m.unit_id for m in cycle.cluster.memberships.all()}
    if user.unit_id in members:
        if user.role in (User.Role.UNIT_OFFICER, User.Role.SECRETARIAT):
            roles.add(UNIT)
        if user.role == User.Role.INSPECTOR:
            roles.add(INSPECTOR)
    return roles


def units_done(cycle: Cycle) -> set[int]:
    """Member units that have done their own part of the cycle's current step (one or two queries)."""
    if cycle.stage == S.PLANNING:
        signed = set(
            CovenantSignature.objects.filter(covenant__cycle=cycle).values_list(
                "unit_id", flat=True
            )
        )
        registered = set(Registration.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
        return signed & registered
    if cycle.stage == S.IN_PROGRESS:
        return set(
            ResultSheet.objects.filter(cycle=cycle, state=ResultSheet.State.SUBMITTED).values_list(
                "unit_id", flat=True
            )
        )
    if cycle.stage == S.VOTING:
        return set(VoterRecord.objects.filter(vote__cycle=cycle).values_list("unit_id", flat=True))
    return set()


def is_done(
    cycle: Cycle, stage: str, roles: set[str], unit_id: int | None, done_units: set[int]
) -> bool:
    """Is the step done for someone with `roles`? Past steps are; the current one is for a unit
    officer whose unit did its part (and who has no other part in it)."""
    if cycle.stage_index() > cycle.stage_index(stage):
        return True
    if cycle.stage != stage:
        return False
    mine = roles & RESPONSIBLE[stage]
    return mine == {UNIT} and unit_id in done_units


# The parts a user's role can play at all (which stages can concern them).
POSSIBLE: dict[str, frozenset[str]] = {
    User.Role.MINISTRY_APPROVER: frozenset({MINISTRY}),
    User.Role.SECRETARIAT: frozenset({SECRETARIAT, UNIT}),
    User.Role.UNIT_OFFICER: frozenset({UNIT}),
    User.Role.INSPECTOR: frozenset({INSPECTOR}),
}


def open_cycles(stages: Iterable[str] | None = None) -> list[Cycle]:
    """The years not closed (only those at `stages` when given), members loaded: two queries."""
    cycles = Cycle.objects.exclude(stage=S.CLOSED)
    if stages is not None:
        cycles = cycles.filter(stage__in=list(stages))
    return list(
        cycles.select_related("cluster")
        .prefetch_related(
            Prefetch("cluster__memberships", queryset=Membership.objects.select_related("unit"))
        )
        .order_by("-cluster__year", "cluster__kind", "cluster__number")
    )


def recipients(cycle: Cycle, stage: str) -> list[User]:
    """Everyone who answers for `stage` of `cycle` and has not done their part (active users)."""
    if cycle.stage_index() > cycle.stage_index(stage):
        return []
    members = {m.unit_id for m in cycle.cluster.memberships.all()}
    leader = cycle.cluster.leader
    unit_ids = set(members)
    if leader is not None:
        unit_ids.add(leader.current().pk)
    candidates = User.objects.filter(is_active=True).select_related("unit")
    wanted = RESPONSIBLE[stage]
    if MINISTRY in wanted:
        users = list(candidates.filter(role=User.Role.MINISTRY_APPROVER))
    else:
        users = list(candidates.filter(unit_id__in=unit_ids).exclude(role=User.Role.VIEWER))
    done_units = units_done(cycle) if cycle.stage == stage else set()
    chosen = []
    for user in users:
        roles = roles_in(user, cycle)
        if roles & wanted and not is_done(cycle, stage, roles, user.unit_id, done_units):
            chosen.append(user)
    return chosen


def step_url(cycle: Cycle) -> str:
    return reverse("cycle_overview", args=[cycle.cluster.year, cycle.cluster.number])


# -- what the home page shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    cycle: Cycle
    deadline: Deadline
    status: Status
    what: str
    url: str

    @property
    def due_text(self) -> str:
        return vn_date(self.deadline.due)


def due_for(user: User, *, on: dt.date | None = None) -> list[DueItem]:
    """The current step of every open year `user` answers for and has not done, soonest first."""
    items: list[DueItem] = []
    possible = POSSIBLE.get(user.role, frozenset())
    stages = [stage for stage, who in RESPONSIBLE.items() if who & possible]
    if not stages or not user.is_active:
        return items  # a viewer answers for no step: no query
    cycles = [
        c for c in open_cycles(stages) if roles_in(user, c) & RESPONSIBLE.get(c.stage, frozenset())
    ]
    steps = calendars(cycles)
    for cycle in cycles:
        deadline = steps[cycle.pk].get(cycle.stage)
        if deadline is None:
            continue
        roles = roles_in(user, cycle)
        done_units = units_done(cycle) if UNIT in roles else set()
        done = is_done(cycle, cycle.stage, roles, user.unit_id, done_units)
        if done:
            continue
        items.append(
            DueItem(
                cycle,
                deadline,
                status(deadline.due, done=False, on=on),
                WHAT[cycle.stage],
                step_url(cycle),
            )
        )
    items.sort(key=lambda i: i.deadline.due)
    return items


# -- the Ministry's board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    cluster_id: int
    deadline: Deadline | None
    status: Status | None


def board(year: int, *, on: dt.date | None = None) -> dict[int, BoardRow]:
    """cluster id → its current step's deadline and lateness, for every opened cluster of `year`."""
    cycles = list(Cycle.objects.filter(cluster__year=year).select_related("cluster"))
    steps = calendars(cycles)
    rows = {}
    for cycle in cycles:
        deadline = None if cycle.stage == S.CLOSED else steps[cycle.pk].get(cycle.stage)
        state = status(deadline.due, done=False, on=on) if deadline else None
        rows[cycle.cluster_id] = BoardRow(cycle.cluster_id, deadline, state)
    return rows


# -- the calendar feed ---------------------------------------------------------------------------------


def feed_events(user: User, host: str) -> list:
    """Every deadline `user` answers for in the open years (and the national calendar for the
    Ministry), as calendar events with stable UIDs."""
    from thidua.notifications.ical import Event

    events = []
    cycles = [c for c in open_cycles() if roles_in(user, c)]
    steps = calendars(cycles)
    base = settings.THIDUA_SITE_URL
    for cycle in cycles:
        roles = roles_in(user, cycle)
        for stage, deadline in steps[cycle.pk].items():
            if not roles & RESPONSIBLE[stage]:
                continue
            own = f"hạn của {cycle.cluster.kind_word}"
            source = own if deadline.own == deadline.due else "hạn toàn quốc"
            events.append(
                Event(
                    uid=f"thidua-{cycle.pk}-{stage}@{host}",
                    day=deadline.due,
                    summary=f"Hạn: {WHAT[stage]} — {cycle.cluster}",
                    description=f"Bước “{deadline.label}” của {cycle.cluster} ({source}, "
                    f"ngày {vn_date(deadline.due)}).",
                    url=base + step_url(cycle),
                )
            )
    if user.has_national_scope:
        this_year = today().year
        for row in NationalDeadline.objects.filter(year__gte=this_year - 1).order_by("year", "due"):
            events.append(
                Event(
                    uid=f"thidua-national-{row.year}-{row.stage}@{host}",
                    day=row.due,
                    summary=f"Hạn toàn quốc: {row.get_stage_display()} năm {row.year}",
                    description=f"Thời hạn do Bộ quy định cho mọi cụm, khối thi đua năm {row.year}: "
                    f"bước “{row.get_stage_display()}” xong trước ngày {vn_date(row.due)}.",
                    url=base + reverse("national_calendar") + f"?nam={row.year}",
                )
            )
    events.sort(key=lambda e: (e.day, e.uid))
    return events
