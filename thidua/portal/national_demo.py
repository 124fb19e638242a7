"""The country in the demo (2025): the 34 provinces in their clusters, the Ministry's units in blocks,
every year opened, and the Ministry's calendar of step deadlines.

Published where known, illustrative otherwise, and labelled so on every cluster and year:

- Clusters 3 and 4 come from the reference data (thidua/org/data/clusters.json, published
  compositions); Cluster 1 (Hà Nội leader, Hồ Chí Minh deputy, Hải Phòng) was published at its
  2025 conference (znews.vn, 25/11/2025); Nghệ An's place in Cluster 5 was published (its 2025
  conference, nghean24h.vn, 26/11/2025), not the rest of that cluster. Every other placement is
  illustrative ("minh họa"): neighbouring provinces, six or fewer to a cluster.
- Block 1 (the academies and universities, school year 2025–2026) is published
  (thidua/org/data/blocks.json, loaded by load_blocks); blocks 2–5 are illustrative, grouped the way
  the published blocks of earlier years grouped the same departments. Cục Công tác đảng và công tác
  chính trị (X03) runs the movement for the Ministry and is in no block here.
- The calendar's days are illustrative too (the Ministry's real circular was not found): the
  order of the year's steps, ending with the Ministry's approval before the year's end.
- Cluster 4 (published composition, its year in planning, when the cross-inspection plan is drawn
  up) has two illustrative inspection teams that cover its six members, each naming the
  inspectors (kiểm tra viên) of its own units as officers: no unit, no officer inspects itself,
  and no read-only account is on a team. The other years have none, for their secretariats to form.

A cluster or block already in the database (from the reference data, or entered by a user) is never
changed: only missing ones are added, so loading twice changes nothing. The demo accounts made here
(`thuongtruc.<leader>` per cluster and block, `canbo.<unit>` per province and Ministry unit,
`kiemtra.<unit>` per inspecting unit of Cluster 4's teams) share one password hash, computed once (Argon2 per account would cost seconds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models import Cycle, InspectionTeam
from thidua.notifications.models import NationalDeadline, set_national_calendar
from thidua.org.demo import DEMO_PASSWORD
from thidua.org.loaders import load_blocks, movement
from thidua.org.models import Cluster, Membership, Unit, User

YEAR = 2025
ILLUSTRATIVE = "Thành phần minh họa (chưa thấy công bố), dựng để trình diễn trên cả nước."
YEAR_NOTE = (
    "Dữ liệu minh họa: năm thi đua {year} mở cho mọi cụm, khối để trình diễn trên cả nước; "
    "thời hạn các bước là lịch minh họa."
)


@dataclass(frozen=True)
class Group:
    kind: str
    number: int
    members: tuple[str, ...]  # unit codes, the leader first
    deputy: str = ""
    notes: str = ILLUSTRATIVE


C, B = Cluster.Kind.CLUSTER, Cluster.Kind.BLOCK
CLUSTERS = [
    Group(
        C,
        1,
        ("ha-noi", "ho-chi-minh-2025", "hai-phong-2025"),
        deputy="ho-chi-minh-2025",
        notes="Thành phần đã công bố: Hội nghị tổng kết năm 2025 của Cụm thi đua số 1, Bộ Công an "
        "(znews.vn, 25/11/2025): Hà Nội (Cụm trưởng), Thành phố Hồ Chí Minh (Cụm phó), Hải Phòng.",
    ),
    Group(C, 2, ("da-nang-2025", "hue", "can-tho-2025")),
    Group(
        C,
        5,
        ("nghe-an", "thanh-hoa", "ha-tinh", "ninh-binh-2025", "quang-tri-2025"),
        notes="Công an tỉnh Nghệ An thuộc Cụm thi đua số 5 năm 2025 (đã công bố: nghean24h.vn, "
        "26/11/2025); các thành viên khác và Cụm trưởng là minh họa.",
    ),
    Group(
        C, 6, ("khanh-hoa-2025", "quang-ngai-2025", "gia-lai-2025", "dak-lak-2025", "lam-dong-2025")
    ),
    Group(
        C,
        7,
        (
            "dong-nai-2025",
            "tay-ninh-2025",
            "vinh-long-2025",
            "dong-thap-2025",
            "an-giang-2025",
            "ca-mau-2025",
        ),
    ),
]
BLOCKS = [
    Group(
        B,
        2,
        ("a05", "cuc-ky-thuat-nghiep-vu", "cuc-ngoai-tuyen", "cuc-quan-ly-xuat-nhap-canh", "k01"),
        notes=ILLUSTRATIVE + " Theo thành phần Khối 2 năm 2021 đã công bố.",
    ),
    Group(
        B,
        3,
        (
            "cuc-an-ninh-chinh-tri-noi-bo",
            "cuc-an-ninh-noi-dia",
            "cuc-an-ninh-doi-ngoai",
            "cuc-an-ninh-dieu-tra",
            "cuc-an-ninh-kinh-te",
        ),
        notes=ILLUSTRATIVE + " Theo thành phần Khối 1 năm 2020 đã công bố.",
    ),
    Group(B, 4, ("c02", "c04", "c06", "c08", "k02", "truong-dai-hoc-phong-chay-chua-chay")),
    Group(
        B,
        5,
        (
            "cuc-cong-nghe-thong-tin",
            "cuc-ke-hoach-va-tai-chinh",
            "cuc-quan-ly-xay-dung-va-doanh-trai",
            "cuc-trang-bi-va-kho-van",
            "cuc-vien-thong-va-co-yeu",
            "vien-khoa-hoc-va-cong-nghe",
            "x04",
        ),
        notes=ILLUSTRATIVE + " Theo thành phần Khối 8 năm 2022 đã công bố.",
    ),
]

# The Ministry's calendar of 2025 (illustrative days): each step done by this day.
S = Cycle.Stage
CALENDAR = {
    S.PLANNING: dt.date(2025, 3, 31),
    S.IN_PROGRESS: dt.date(2025, 10, 31),
    S.INSPECTION: dt.date(2025, 11, 14),
    S.RANKING: dt.date(2025, 11, 21),
    S.VOTING: dt.date(2025, 11, 28),
    S.PROPOSALS: dt.date(2025, 12, 10),
    S.APPROVAL: dt.date(2025, 12, 31),
}


@dataclass
class Built:
    clusters: int = 0
    blocks: int = 0
    years: int = 0
    accounts: int = 0
    deadlines: int = 0
    teams: int = 0

    def __str__(self) -> str:
        return (
            f"{self.clusters} cụm và {self.blocks} khối mới, {self.years} năm thi đua mở, "
            f"{self.teams} đoàn kiểm tra chéo, {self.accounts} tài khoản, "
            f"{self.deadlines} thời hạn toàn quốc (dữ liệu minh họa)"
        )


class _Accounts:
    """Demo accounts with the demo password, hashed once for all of them."""

    def __init__(self) -> None:
        self._hash = ""
        self.made = 0

    def get(self, username: str, full_name: str, role: str, unit: Unit) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            self._hash = self._hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username, full_name=full_name, role=role, unit=unit, password=self._hash
            )
            self.made += 1
        return user


def _add_group(group: Group, units: dict[str, Unit]) -> Cluster | None:
    """The group as a cluster or block of the year, unless one of that number exists; a unit
    already in a group of the year (published data loaded since) stays there (one a year)."""
    lookup = {"movement": movement(), "year": YEAR, "kind": group.kind, "number": group.number}
    if Cluster.objects.filter(**lookup).exists():
        return None
    placed = set(
        Membership.objects.filter(movement=lookup["movement"], year=YEAR).values_list(
            "unit_id", flat=True
        )
    )
    codes = [code for code in group.members if units[code].pk not in placed]
    if not codes:
        return None
    cluster = Cluster.objects.create(**lookup, notes=group.notes)
    audit(actor=None, action="import", obj=cluster, after=snapshot(cluster))
    for i, code in enumerate(codes):
        role = (
            Membership.Role.LEADER
            if i == 0
            else Membership.Role.DEPUTY
            if code == group.deputy
            else Membership.Role.MEMBER
        )
        cluster.add_member(units[code], role=role)
    return cluster


# Cluster 4's cross-inspection (illustrative): (team, inspecting units — the first leads —,
# inspected units); every member is inspected once, by units other than itself.
TEAMS_CLUSTER_4 = (
    (
        "Đoàn kiểm tra số 1",
        ("quang-ninh", "lang-son"),
        ("phu-tho-2025", "bac-ninh-2025", "hung-yen-2025"),
    ),
    (
        "Đoàn kiểm tra số 2",
        ("bac-ninh-2025", "hung-yen-2025"),
        ("quang-ninh", "lang-son", "thai-nguyen-2025"),
    ),
)


def _inspector(unit: Unit, accounts: _Accounts) -> User:
    """The unit's inspector (an existing one, e.g. the demo's kiemtra.quangninh, or kiemtra.<code>)."""
    existing = User.objects.filter(role=User.Role.INSPECTOR, unit=unit, is_active=True).first()
    return existing or accounts.get(
        f"kiemtra.{unit.code}", f"Kiểm tra viên {unit.short_name}", User.Role.INSPECTOR, unit
    )


def _form_teams(accounts: _Accounts) -> int:
    """Cluster 4's teams, each with its units' inspectors as officers, if its year is open at a
    stage where teams are formed and has none yet (a secretariat's own teams are left alone)."""
    cycle = (
        Cycle.objects.filter(cluster__year=YEAR, cluster__kind=C, cluster__number=4)
        .select_related("cluster")
        .first()
    )
    if cycle is None or cycle.stage not in workflow.FORM_TEAM.stages or cycle.teams.exists():
        return 0
    members = {u.code: u for u in cycle.members()}
    wanted = {
        code for _, inspectors, inspected in TEAMS_CLUSTER_4 for code in inspectors + inspected
    }
    leader = cycle.cluster.leader
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT, unit=leader).first()
    if not wanted <= set(members) or secretariat is None:
        return 0  # a composition entered since differs: its secretariat forms the teams
    for name, inspectors, inspected in TEAMS_CLUSTER_4:
        units = [members[code] for code in inspectors]
        InspectionTeam.form(
            cycle,
            by=secretariat,
            name=name,
            leader_unit=units[0],
            member_units=units[1:],
            inspected_units=[members[code] for code in inspected],
            members=[_inspector(unit, accounts) for unit in units],
        )
    return len(TEAMS_CLUSTER_4)


@transaction.atomic
def build_national_2025() -> Built:
    """Every 2025 cluster and block, each year opened by its secretariat, officers for every
    competing unit and the national calendar (see the module's docstring). Idempotent."""
    built = Built()
    load_blocks()  # the published blocks (Block 1 of 2025 among them)
    codes = {code for g in CLUSTERS + BLOCKS for code in g.members}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = sorted(codes - set(units))
    if missing:
        raise LookupError(f"Thiếu đơn vị trong dữ liệu tham chiếu: {', '.join(missing)}")
    for group in CLUSTERS + BLOCKS:
        if _add_group(group, units) is not None:
            if group.kind == C:
                built.clusters += 1
            else:
                built.blocks += 1
    accounts = _Accounts()
    year = Cluster.objects.filter(year=YEAR).with_members().select_related("cycle")
    for cluster in year:
        for m in cluster.memberships.all():
            accounts.get(
                f"canbo.{m.unit.code}",
                f"Cán bộ thi đua {m.unit.short_name}",
                User.Role.UNIT_OFFICER,
                m.unit,
            )
        if hasattr(cluster, "cycle") or cluster.leader is None:
            continue
        leader = cluster.leader
        secretariat = User.objects.filter(role=User.Role.SECRETARIAT, unit=leader).first()
        secretariat = secretariat or accounts.get(
            f"thuongtruc.{leader.code}",
            f"Thường trực {cluster.title} ({leader.short_name})",
            User.Role.SECRETARIAT,
            leader,
        )
        Cycle.open(cluster, by=secretariat, demo_note=YEAR_NOTE.format(year=YEAR))
        built.years += 1
    built.teams = _form_teams(accounts)
    built.accounts = accounts.made
    if not NationalDeadline.objects.filter(year=YEAR).exists():
        approver = User.objects.filter(role=User.Role.MINISTRY_APPROVER, is_active=True).first()
        if approver is not None:
            built.deadlines = set_national_calendar(
                YEAR, {stage.value: day for stage, day in CALENDAR.items()}, by=approver
            )
    return built
