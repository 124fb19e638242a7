"""The demo accounts: one per role, with known passwords, for a newcomer to click through, and the
per-unit accounts the demo years create (`canbo.<unit>`, `kiemtra.<unit>`, `thuongtruc.<unit>`).

Never load these on a production database: `load_demo` refuses when THIDUA_ENV=production.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.org.models import Cluster, Unit, User

DEMO_PASSWORD = "ThiDua@2025"
# The demo years (thidua/cycle/demo.py): Cluster 3 of 2021 (closed) and of 2025 (in progress).
DEMO_CLUSTER_NUMBER = 3
DEMO_YEARS = (2021, 2025)
PER_UNIT_PREFIXES = ("thuongtruc", "canbo", "kiemtra")
COUNCIL_PREFIX = "hoidong."  # the Ministry's council of the demo (thidua/cycle/demo.py)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str
    password: str = DEMO_PASSWORD
    note: str = ""


DEMO_ACCOUNTS = [
    DemoAccount(
        "bo.pheduyet",
        "Nguyễn Văn Bình",
        User.Role.MINISTRY_APPROVER,
        "x03",
        note="Cục Công tác đảng và công tác chính trị: xem mọi cụm, phê duyệt khen thưởng",
    ),
    DemoAccount(
        "thuongtruc.yenbai",
        "Đặng Thị Hạnh",
        User.Role.SECRETARIAT,
        "yen-bai",
        note="Thường trực Cụm thi đua số 3 năm 2021 (Cụm trưởng Yên Bái)",
    ),
    DemoAccount(
        "thuongtruc.caobang",
        "Hoàng Văn Đức",
        User.Role.SECRETARIAT,
        "cao-bang",
        note="Thường trực Cụm thi đua số 3 năm 2025 (Cụm trưởng Cao Bằng)",
    ),
    DemoAccount(
        "canbo.bacgiang",
        "Trần Thị Thu",
        User.Role.UNIT_OFFICER,
        "bac-giang",
        note="Cán bộ thi đua Công an tỉnh Bắc Giang (Cụm 3 năm 2021)",
    ),
    DemoAccount(
        "canbo.laocai",
        "Lò Văn Sơn",
        User.Role.UNIT_OFFICER,
        "lao-cai-2025",
        note="Cán bộ thi đua Công an tỉnh Lào Cai (Cụm 3 năm 2025)",
    ),
    DemoAccount(
        "kiemtra.quangninh",
        "Phạm Minh Tuấn",
        User.Role.INSPECTOR,
        "quang-ninh",
        note="Thành viên đoàn kiểm tra chéo (Công an tỉnh Quảng Ninh)",
    ),
    DemoAccount(
        "kiemtra.dienbien",
        "Lường Văn Thắng",
        User.Role.INSPECTOR,
        "dien-bien",
        note="Thành viên đoàn kiểm tra chéo Cụm 3 năm 2025 (Công an tỉnh Điện Biên); "
        "không kiểm tra đơn vị mình",
    ),
    DemoAccount(
        "xem.thainguyen",
        "Lê Thị Mai",
        User.Role.VIEWER,
        "thai-nguyen",
        note="Chỉ xem (Công an tỉnh Thái Nguyên)",
    ),
]


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that are missing and reset their demo passwords."""
    for account in DEMO_ACCOUNTS:
        unit = Unit.objects.get(code=account.unit_code)
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username)
        before = snapshot(user, ["full_name", "role", "unit"]) if user.pk else None
        user.full_name, user.role, user.unit = account.full_name, account.role, unit
        if not user.check_password(account.password):
            user.set_password(account.password)
        user.save()
        after = snapshot(user, ["full_name", "role", "unit"])
        if before != after:
            audit(
                actor=None,
                action="import" if before is None else "update",
                obj=user,
                before=before,
                after=after,
            )
    return DEMO_ACCOUNTS


def per_unit_accounts() -> list[DemoAccount]:
    """The accounts the demo years made for their units, in the clusters' member order; only
    those that exist (the demo years are built by `load_demo`)."""
    listed = {account.username for account in DEMO_ACCOUNTS}
    found: list[DemoAccount] = []
    clusters = (
        Cluster.objects.with_members()
        .filter(number=DEMO_CLUSTER_NUMBER, year__in=DEMO_YEARS, kind=Cluster.Kind.CLUSTER)
        .order_by("year")
    )
    for cluster in clusters:
        units = [m.unit for m in cluster.members()]
        names = [f"{prefix}.{unit.code}" for unit in units for prefix in PER_UNIT_PREFIXES]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        for name in names:
            user = users.get(name)
            if user is None or name in listed or user.unit_id is None:
                continue
            listed.add(name)
            unit = next(u for u in units if u.pk == user.unit_id)
            found.append(
                DemoAccount(
                    name,
                    user.full_name,
                    user.role,
                    unit.code,
                    note=f"{unit.name} ({cluster.title} năm {cluster.year})",
                )
            )
    return found


def council_accounts() -> list[DemoAccount]:
    """The members of the Ministry's council the demo's 2021 year made (`hoidong.*`, read-only
    Ministry accounts that record opinions on proposals); only those that exist."""
    users = User.objects.filter(username__startswith=COUNCIL_PREFIX).select_related("unit")
    return [
        DemoAccount(
            u.username,
            u.full_name,
            u.role,
            u.unit.code,
            note="Thành viên Hội đồng Thi đua – Khen thưởng Bộ Công an: ghi ý kiến về đề nghị",
        )
        for u in users.order_by("pk")
        if u.unit_id
    ]


def all_accounts() -> list[DemoAccount]:
    """Every demo account, by role (the order of User.Role), each role's fixed accounts first."""
    order = {role: i for i, role in enumerate(User.Role.values)}
    accounts = [*DEMO_ACCOUNTS, *per_unit_accounts(), *council_accounts()]
    return sorted(accounts, key=lambda a: order[a.role])  # stable: keeps the order within a role


@transaction.atomic
def reset_per_unit_passwords(accounts: list[DemoAccount]) -> None:
    """Give the per-unit demo accounts their demo password back (as ensure_demo_accounts does)."""
    fixed = {account.username for account in DEMO_ACCOUNTS}
    names = [a.username for a in accounts if a.username not in fixed]
    for user in User.objects.filter(username__in=names):
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])


def as_dicts(accounts: list[DemoAccount] | None = None) -> list[dict]:
    accounts = all_accounts() if accounts is None else accounts
    names = dict(
        Unit.objects.filter(code__in={a.unit_code for a in accounts}).values_list("code", "name")
    )
    rows = []
    for account in accounts:
        row = asdict(account)
        row["role_label"] = User.Role(account.role).label
        row["unit"] = names.get(account.unit_code)
        rows.append(row)
    return rows
