"""`make demo-reset` (manage.py reset_demo) never empties a database it was not told to (issue 18).

The full reset (delete the SQLite file, migrate, load_demo) is exercised by hand on a scratch
var folder: the suite's own database must not be deleted from under it.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import override_settings

from thidua.org.models import User

pytestmark = pytest.mark.django_db


def test_reset_refuses_a_database_other_than_the_sqlite_demo_without_confirmation(
    reference, monkeypatch
):
    users = User.objects.count()
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")

    with pytest.raises(CommandError, match="CONFIRM=yes"):
        call_command("reset_demo")

    assert User.objects.count() == users


@override_settings(PRODUCTION=True)
def test_reset_refuses_a_production_system(reference):
    users = User.objects.count()

    with pytest.raises(CommandError, match="hệ thống chính thức"):
        call_command("reset_demo", "--yes")

    assert User.objects.count() == users
