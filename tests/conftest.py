"""The fixed cast every test uses, and the reference data they stand on.

Cast (DESIGN §4.8): an officer of unit A (Bắc Giang, Cụm 3 / 2021), an officer of unit B in another
cluster (Gia Lai, Cụm 6 / 2022), the cluster secretariat (Yên Bái, Cụm trưởng Cụm 3 / 2021), an
inspector (Quảng Ninh, Cụm 3 / 2021), a Ministry approver (X03), a read-only viewer (Thái Nguyên,
Cụm 3 / 2021), and an anonymous visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

# Django-dependent imports stay inside the fixtures so that the pure engine tests can run with
# `-p no:django` too.

PASSWORD = "mat-khau-kiem-thu-2025"


def ensure_reference_data() -> None:
    """Load units and the real clusters unless present (transactional tests flush them)."""
    from thidua.org.loaders import load_clusters, load_units, movement
    from thidua.org.models import Cluster, Unit

    if not Unit.objects.exists():
        load_units()
        movement()
    if not Cluster.objects.exists():
        load_clusters()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def reference(db) -> None:
    ensure_reference_data()


def make_user(username: str, role: str, unit_code: str | None, **extra):
    from thidua.org.models import Unit, User

    unit = Unit.objects.get(code=unit_code) if unit_code else None
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, unit=unit, **extra
    )
    return user


@dataclass
class Cast:
    officer_a: Any
    officer_b: Any
    secretariat: Any
    inspector: Any
    approver: Any
    viewer: Any

    def client(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def cast(reference) -> Cast:
    from thidua.org.models import User

    return Cast(
        officer_a=make_user(
            "canbo.a", User.Role.UNIT_OFFICER, "bac-giang", full_name="Trần Thị Thu"
        ),
        officer_b=make_user(
            "canbo.b", User.Role.UNIT_OFFICER, "gia-lai", full_name="Nguyễn Văn Hùng"
        ),
        secretariat=make_user(
            "thuongtruc", User.Role.SECRETARIAT, "yen-bai", full_name="Đặng Thị Hạnh"
        ),
        inspector=make_user(
            "kiemtra", User.Role.INSPECTOR, "quang-ninh", full_name="Phạm Minh Tuấn"
        ),
        approver=make_user(
            "pheduyet", User.Role.MINISTRY_APPROVER, "x03", full_name="Nguyễn Văn Bình"
        ),
        viewer=make_user("xem", User.Role.VIEWER, "thai-nguyen", full_name="Lê Thị Mai"),
    )


@pytest.fixture
def cluster3_2021(reference):
    from thidua.org.models import Cluster

    return Cluster.objects.with_members().get(year=2021, number=3)
