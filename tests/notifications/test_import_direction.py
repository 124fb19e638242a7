"""Notifications sit above the year (DESIGN §4.10): they read org and cycle; nothing below them
imports them (other apps' pages show deadlines through this app's template tags)."""

from __future__ import annotations

from pathlib import Path

from tests.jobs.test_import_direction import imported_modules

THIDUA = Path(__file__).resolve().parents[2] / "thidua"
BELOW = ("engine", "audit", "org", "honours", "cycle", "documents", "api", "jobs")


def test_no_app_below_notifications_imports_it():
    offenders = sorted(
        f"{path.relative_to(THIDUA)}: {module}"
        for app in BELOW
        for path in (THIDUA / app).rglob("*.py")
        for module in imported_modules(path)
        if module == "thidua.notifications" or module.startswith("thidua.notifications.")
    )
    assert not offenders, offenders


def test_notifications_import_only_the_apps_below_them():
    above = ("documents", "api")
    offenders = sorted(
        f"{path.relative_to(THIDUA)}: {module}"
        for path in (THIDUA / "notifications").rglob("*.py")
        for module in imported_modules(path)
        if any(module.startswith(f"thidua.{app}") for app in above)
    )
    assert not offenders, offenders
