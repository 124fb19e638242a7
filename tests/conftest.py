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
    ensure_demo_years()


def ensure_demo_years() -> None:
    """The demo's years (Cluster 3 / 2021 closed, Cluster 3 / 2025 in progress) and their accounts."""
    from thidua.cycle.demo import build_demo_years
    from thidua.cycle.models import Cycle
    from thidua.org.demo import ensure_demo_accounts

    if Cycle.objects.count() < 2:
        ensure_demo_accounts()
        build_demo_years()


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Uploaded files (evidence, attachments) go to a temporary folder, never to var/media."""
    from django.conf import settings

    if not settings.configured:  # the pure engine tests may run with -p no:django
        yield
        return
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


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


class World:
    """The demo data every ladder and flow test stands on, with short names for what they need."""

    def __init__(self, cast: Cast) -> None:
        from thidua.cycle.models import Cycle

        self.cast = cast
        self.cycle2021 = Cycle.objects.select_related("cluster").get(
            cluster__year=2021, cluster__number=3
        )
        self.cycle2025 = Cycle.objects.select_related("cluster").get(
            cluster__year=2025, cluster__number=3
        )

    def unit(self, code: str):
        from thidua.org.models import Unit

        return Unit.objects.get(code=code)

    def inspection(self, unit_code: str, year: int = 2021):
        cycle = self.cycle2021 if year == 2021 else self.cycle2025
        return cycle.inspections.get(unit__code=unit_code)

    def proposal(self, unit_code: str):
        return self.cycle2021.proposals.get(unit__code=unit_code)


@pytest.fixture
def world(cast) -> World:
    return World(cast)


def _flushes_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """Transactional tests (the browser, live-server and backup tests) empty the database when
    they finish: run them last so the others keep the session's reference and demo data."""
    items.sort(
        key=lambda item: (_flushes_database(item), item.get_closest_marker("browser") is not None)
    )
    for item in items:
        if item.get_closest_marker("browser") is not None or _flushes_database(item):
            # Django's live server shares the in-memory SQLite connection with its request threads;
            # their closing it from another thread is reported as a thread exception, not a failure.
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
            )
