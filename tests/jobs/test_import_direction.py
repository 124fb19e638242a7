"""The job mechanism runs what each app declares and imports none of them (DESIGN §4.10): the
apps import thidua.jobs to register their tasks, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

JOBS = Path(__file__).resolve().parents[2] / "thidua" / "jobs"
DOMAIN_APPS = ("cycle", "honours", "documents", "api", "audit", "notifications")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_job_mechanism_imports_no_domain_app():
    offenders = {
        f"{path.relative_to(JOBS)}: {module}"
        for path in JOBS.rglob("*.py")
        for module in imported_modules(path)
        if any(
            module == f"thidua.{app}" or module.startswith(f"thidua.{app}.") for app in DOMAIN_APPS
        )
    }
    assert not offenders, sorted(offenders)


def test_each_app_declares_its_own_jobs():
    from thidua.jobs.models import Job
    from thidua.jobs.runner import REGISTRY

    assert REGISTRY[Job.Kind.DOCUMENTS_YEAR].__module__ == "thidua.documents.tasks"
    assert REGISTRY[Job.Kind.HONOURS_IMPORT].__module__ == "thidua.honours.tasks"
