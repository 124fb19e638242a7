"""The demo's 2025 country has a cross-inspection to try: Cluster 4 (published composition, its year
in planning) gets two illustrative teams that cover its six members, each naming the inspectors of
its own units as officers (thidua/portal/national_demo.py)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thidua.cycle import workflow
from thidua.cycle.impartiality import concerns
from thidua.cycle.models import Cycle, InspectionTeam
from thidua.cycle.todo import tasks_for
from thidua.org.models import User
from thidua.portal.national_demo import build_national_2025

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(reference):
    from thidua.org.demo import ensure_demo_accounts

    ensure_demo_accounts()  # the Ministry's approver and the demo's inspector of Quảng Ninh
    return build_national_2025()


def test_cluster_4_of_2025_has_teams_with_named_officers_who_never_inspect_their_own_unit(
    country,
):
    cycle = Cycle.objects.get(cluster__year=2025, cluster__kind="cluster", cluster__number=4)
    assert cycle.stage in workflow.FORM_TEAM.stages  # teams are formed while the year is planned
    teams = list(
        InspectionTeam.objects.filter(cycle=cycle).prefetch_related(
            "members__unit", "member_units", "inspected_units"
        )
    )
    assert country.teams == len(teams) == 2
    inspected = [u.pk for t in teams for u in t.inspected_units.all()]
    assert sorted(inspected) == sorted(u.pk for u in cycle.members())  # each member once
    for team in teams:
        officers = list(team.members.all())
        assert len(officers) == len(team.inspector_unit_ids()) == 2
        assert {u.unit_id for u in officers} == team.inspector_unit_ids()
        for officer in officers:
            assert officer.is_active and officer.full_name
            assert officer.role == User.Role.INSPECTOR  # never a read-only account
            assert not any(concerns(officer, unit) for unit in team.inspected_units.all())
    quang_ninh = User.objects.get(username="kiemtra.quangninh")  # a demo login, on team 1
    assert quang_ninh in teams[0].members.all()
    # The other 2025 years have no team yet: their secretariats form them.
    others = InspectionTeam.objects.filter(cycle__cluster__year=2025).exclude(cycle=cycle)
    assert not others.exists()


def test_the_demos_inspector_finds_the_team_on_the_page_in_a_todo_and_in_the_excel(country):
    officer = User.objects.get(username="kiemtra.quangninh")
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("cycle_teams", args=[2025, 4])).content.decode()
    assert "Đoàn kiểm tra số 1" in page and officer.full_name in page
    assert any("Đoàn kiểm tra số 1" in t.text for t in tasks_for(officer))
    response = client.get(reverse("cycle_excel_teams", args=[2025, 4]))
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[3] if c.value is not None]
    at = header.index("Cán bộ kiểm tra")
    officers = {r[0]: r[at] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert f"{officer.full_name} (Quảng Ninh)" in officers["Đoàn kiểm tra số 1"]


def test_loading_the_country_again_forms_no_second_team(country):
    before = InspectionTeam.objects.count()
    assert build_national_2025().teams == 0
    assert InspectionTeam.objects.count() == before
