"""The demo accounts: one per role, with known passwords, for a newcomer to click through.

Never load these on a production database: `load_demo` refuses when THIDUA_ENV=production.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.org.models import Unit, User

DEMO_PASSWORD = "ThiDua@2025"


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


def as_dicts() -> list[dict]:
    rows = []
    for account in DEMO_ACCOUNTS:
        row = asdict(account)
        row["role_label"] = User.Role(account.role).label
        row["unit"] = (
            Unit.objects.filter(code=account.unit_code).values_list("name", flat=True).first()
        )
        rows.append(row)
    return rows
