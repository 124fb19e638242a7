"""A cluster's year, set up step by step with the real Cluster 3 / 2021 and the example method."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_user

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cum3-2021"
TEAM_1 = (["bac-giang", "quang-ninh"], ["yen-bai", "thai-nguyen", "hoa-binh", "phu-tho"])
TEAM_2 = (["yen-bai", "thai-nguyen"], ["bac-giang", "quang-ninh", "bac-kan", "tuyen-quang"])


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def example_results() -> dict[str, dict]:
    """Illustrative results by unit code (values labelled "dữ liệu minh họa" in the file)."""
    from thidua.org.models import resolve_unit

    data = example("results.json")
    return {resolve_unit(row["unit"], 2021).code: row for row in data["units"]}


@pytest.fixture
def year(cast, cluster3_2021):
    """Everything a test needs about the 2021 year of Cluster 3: users per unit, the method files."""
    from thidua.cycle.models import Cycle, Ranking, ScoreSheet
    from thidua.org.models import Handover, User

    # Start from a cluster that has not opened its year (the demo's 2021 year is removed here,
    # inside the test's transaction).
    ScoreSheet.objects.filter(cycle__cluster=cluster3_2021).delete()
    Ranking.objects.filter(cycle__cluster=cluster3_2021).delete()
    Cycle.objects.filter(cluster=cluster3_2021).delete()
    Handover.objects.filter(cluster=cluster3_2021).delete()
    officers = {
        m.unit.code: make_user(f"cb.{m.unit.code}", User.Role.UNIT_OFFICER, m.unit.code)
        for m in cluster3_2021.members()
        if m.unit.code != "bac-giang"
    }
    officers["bac-giang"] = cast.officer_a
    inspectors = {
        code: make_user(f"kt.{code}", User.Role.INSPECTOR, code)
        for code in ("bac-giang", "yen-bai")
    }
    return {
        "cluster": cluster3_2021,
        "secretariat": cast.secretariat,
        "approver": cast.approver,
        "officers": officers,
        "inspectors": inspectors,
        "cast": cast,
        "scale": example("scale.json"),
        "awards": example("awards.json"),
        "results": example_results(),
    }


def units(*codes):
    from thidua.org.models import Unit

    return [Unit.objects.get(code=c) for c in codes]


def open_year(y):
    from thidua.cycle.models import Covenant, Cycle
    from thidua.cycle.scoring import set_method

    cycle = Cycle.open(y["cluster"], by=y["secretariat"], demo_note="Dữ liệu minh họa")
    targets = {
        code: row.get("targets", {}) for code, row in y["results"].items() if row.get("targets")
    }
    set_method(
        cycle,
        by=y["secretariat"],
        scale=y["scale"],
        award_rules=y["awards"],
        targets=targets,
        operating_rules="Quy chế hoạt động Cụm thi đua số 3 năm 2021 (minh họa).",
    )
    Covenant.write(
        cycle,
        by=y["secretariat"],
        text="Các đơn vị trong Cụm thi đua số 3 giao ước thi đua …",
        signing_place="Yên Bái",
    )
    return cycle


def report_all(cycle, y):
    from thidua.cycle.models import ResultSheet

    for code, row in y["results"].items():
        sheet = ResultSheet.for_unit(cycle, units(code)[0])
        sheet.save_values(
            by=y["officers"][code], values=row["results"], remarks=row.get("remarks", {})
        )
        sheet.submit(by=y["officers"][code])


def form_teams(cycle, y):
    from thidua.cycle.models import InspectionTeam

    for number, (inspectors, inspected) in enumerate((TEAM_1, TEAM_2), start=1):
        InspectionTeam.form(
            cycle,
            by=y["secretariat"],
            name=f"Đoàn kiểm tra số {number}",
            leader_unit=units(inspectors[0])[0],
            member_units=units(*inspectors[1:]),
            inspected_units=units(*inspected),
        )


def inspect_all(cycle, y):
    from thidua.cycle.models import Inspection, ResultSheet

    for inspection in Inspection.objects.filter(cycle=cycle).select_related("team", "unit"):
        inspector = y["inspectors"][inspection.team.leader_unit.code]
        reported = ResultSheet.objects.get(cycle=cycle, unit=inspection.unit)
        inspection.save_scores(by=inspector, values=reported.values, remarks=reported.remarks)
        inspection.submit(by=inspector)
