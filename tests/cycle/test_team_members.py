"""Inspection teams name their officers (people), who fill the team's inspections; the secretariat
edits or dissolves a team until the inspection stage starts (issue 18, "Inspection teams").

Flows on the demo's open 2025 year of Cluster 3 (Cao Bằng leads it, collecting results).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.test_cycle_workflow_api import Api, audit_rows
from tests.conftest import make_user
from thidua.cycle import workflow
from thidua.cycle.models import Cycle, Inspection, InspectionTeam, ResultSheet
from thidua.cycle.todo import tasks_for
from thidua.org.models import Unit, User

pytestmark = pytest.mark.django_db
API = "/api/v1/clusters/2025/3/inspection-teams"


def url(name: str, *args) -> str:
    return reverse(name, args=[2025, 3, *args])


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def y(reference) -> dict:
    cycle = Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)
    assert cycle.stage in workflow.EDIT_TEAM.stages  # the demo year is collecting results
    return {
        "cycle": cycle,
        "secretariat": make_user("tt.doan.caobang", User.Role.SECRETARIAT, "cao-bang"),
        "lai_chau": make_user("cb.doan.laichau", User.Role.UNIT_OFFICER, "lai-chau"),
        "dien_bien": make_user("cb.doan.dienbien", User.Role.UNIT_OFFICER, "dien-bien"),
        "son_la": make_user("cb.doan.sonla", User.Role.UNIT_OFFICER, "son-la"),
        "viewer": make_user("xem.doan.laichau", User.Role.VIEWER, "lai-chau"),
    }


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def team_form(y, *, inspected=("son-la",), members=(), name="Đoàn kiểm tra số 1", prefix=""):
    p = f"{prefix}-" if prefix else ""
    return {
        f"{p}name": name,
        f"{p}leader_unit": unit("dien-bien").pk,
        f"{p}member_units": [unit("lai-chau").pk],
        f"{p}inspected_units": [unit(c).pk for c in inspected],
        f"{p}members": [y[m].pk for m in members],
    }


def at_stage(cycle: Cycle, stage: str) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
    cycle.refresh_from_db()


def test_named_officer_gets_a_todo_and_a_link_and_fills_the_teams_inspection(y):
    secretariat = login(y["secretariat"])
    response = secretariat.post(url("cycle_team_new"), team_form(y, members=["lai_chau"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    team = InspectionTeam.objects.get(cycle=y["cycle"], name="Đoàn kiểm tra số 1")
    assert list(team.members.all()) == [y["lai_chau"]]
    (row,) = audit_rows("create", team)
    assert row.after["members"] == ["cb.doan.laichau"]
    inspection = Inspection.objects.get(team=team)

    # Before the inspection stage: a to-do naming what the team inspects, and the team's link.
    officer = login(y["lai_chau"])
    todo = [t for t in tasks_for(y["lai_chau"]) if "Đoàn kiểm tra số 1" in t.text]
    assert todo and "Sơn La" in todo[0].text
    page = officer.get(url("cycle_teams")).content.decode()
    mine = page.split('id="my-inspections"')[1].split("</section>")[0]
    assert url("cycle_inspection", inspection.pk) in mine
    assert "cb.doan.laichau" in page.split(f'id="doan-{team.pk}-can-bo"')[1].split("</p>")[0]

    at_stage(y["cycle"], Cycle.Stage.INSPECTION)
    todo = [t for t in tasks_for(y["lai_chau"]) if t.text.startswith("Chấm kiểm tra chéo")]
    assert [t.url for t in todo] == [url("cycle_inspection", inspection.pk)]
    target = url("cycle_inspection", inspection.pk)
    assert officer.get(target).status_code == 200
    reported = ResultSheet.objects.get(cycle=y["cycle"], unit__code="son-la").values["TP1"]
    data = {"version": inspection.version, "TP1": reported.replace(".", ",")}
    response = officer.post(target, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection.refresh_from_db()
    assert inspection.version == 2 and inspection.values["TP1"] == reported
    assert audit_rows("update", inspection)[-1].actor_id == y["lai_chau"].pk

    # Another unit's officer, not on the team: neither sees nor fills it.
    other = login(y["dien_bien"])
    assert other.get(target).status_code == 404
    assert other.post(target, data).status_code == 404
    assert not [t for t in tasks_for(y["dien_bien"]) if t.text.startswith("Chấm kiểm tra chéo")]


def test_nobody_is_named_to_inspect_their_own_unit_and_viewers_are_not_named(y):
    secretariat = login(y["secretariat"])
    response = secretariat.post(url("cycle_team_new"), team_form(y, members=["son_la"]))
    assert response.status_code == 422
    assert "không ai kiểm tra chính đơn vị mình" in response.content.decode()
    viewer = secretariat.post(url("cycle_team_new"), team_form(y, members=["viewer"]))
    assert viewer.status_code == 422
    assert not InspectionTeam.objects.filter(cycle=y["cycle"]).exists()
    # The model refuses it too, whatever the form offers.
    with pytest.raises(Exception, match="chính đơn vị mình"):
        InspectionTeam.form(
            y["cycle"],
            by=y["secretariat"],
            name="Đoàn 1",
            leader_unit=unit("dien-bien"),
            member_units=[],
            inspected_units=[unit("son-la")],
            members=[y["son_la"]],
        )


def test_secretariat_edits_and_dissolves_a_team_until_the_inspection_stage(y):
    secretariat = login(y["secretariat"])
    secretariat.post(url("cycle_team_new"), team_form(y, members=["lai_chau"]))
    team = InspectionTeam.objects.get(cycle=y["cycle"])
    edit = url("cycle_team_edit", team.pk)
    assert secretariat.get(edit).status_code == 200
    # Only the secretariat: the table's sentence for anyone else.
    refused = login(y["lai_chau"]).post(edit, team_form(y, prefix=f"doan{team.pk}"))
    assert refused.status_code == 403
    assert workflow.EDIT_TEAM.refusal in refused.content.decode()

    changed = team_form(
        y, inspected=("son-la", "tuyen-quang-2025"), members=["dien_bien"], prefix=f"doan{team.pk}"
    )
    response = secretariat.post(edit, changed)
    assert response.status_code == 302, response.content.decode()[:2000]
    team.refresh_from_db()
    assert list(team.members.all()) == [y["dien_bien"]]
    assert sorted(Inspection.objects.filter(team=team).values_list("unit__code", flat=True)) == [
        "son-la",
        "tuyen-quang-2025",
    ]
    (row,) = audit_rows("update", team)
    assert row.before["members"] == ["cb.doan.laichau"]
    assert row.after["members"] == ["cb.doan.dienbien"]

    # From the inspection stage on: refused with the table's sentence, nothing changes.
    at_stage(y["cycle"], Cycle.Stage.INSPECTION)
    page = secretariat.post(edit, team_form(y, prefix=f"doan{team.pk}"), follow=True)
    assert "Không thể sửa đoàn kiểm tra ở giai đoạn “Kiểm tra chéo”" in page.content.decode()
    dissolve = url("cycle_team_dissolve", team.pk)
    page = secretariat.post(dissolve, follow=True).content.decode()
    assert "Không thể giải thể đoàn kiểm tra ở giai đoạn “Kiểm tra chéo”" in page
    assert Inspection.objects.filter(team=team).count() == 2
    assert list(team.members.all()) == [y["dien_bien"]]

    at_stage(y["cycle"], Cycle.Stage.IN_PROGRESS)
    assert login(y["dien_bien"]).post(dissolve).status_code == 403
    assert secretariat.post(dissolve).status_code == 302
    assert not InspectionTeam.objects.filter(pk=team.pk).exists()
    assert not Inspection.objects.filter(cycle=y["cycle"], team_id=team.pk).exists()
    (row,) = audit_rows("delete", team)
    assert row.before["members"] == ["cb.doan.dienbien"]


def test_api_names_edits_and_dissolves_a_team_and_members_open_its_inspections(y):
    secretariat, officer = Api(y["secretariat"]), Api(y["lai_chau"])
    body = {
        "name": "Đoàn kiểm tra số 1",
        "leader_unit": "dien-bien",
        "member_units": ["lai-chau"],
        "inspected_units": ["son-la"],
        "members": ["cb.doan.laichau"],
    }
    created = secretariat.post(API, body)
    assert created.status_code == 201, created.content
    team = created.json()
    assert [m["username"] for m in team["members"]] == ["cb.doan.laichau"]
    assert team["members"][0]["unit"]["code"] == "lai-chau" and team["can_edit"] is True
    seen = officer.get(API).json()["teams"][0]
    assert seen["inspections"][0]["id"] is not None and seen["can_edit"] is False
    assert Api(y["dien_bien"]).get(API).json()["teams"][0]["inspections"][0]["id"] is None

    own = secretariat.client.put(
        f"{API}/{team['id']}",
        {**body, "members": ["cb.doan.sonla"]},
        content_type="application/json",
    )
    assert own.status_code == 422
    changed = secretariat.client.put(
        f"{API}/{team['id']}",
        {**body, "members": ["cb.doan.dienbien"]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert [m["username"] for m in changed.json()["members"]] == ["cb.doan.dienbien"]
    assert officer.get(API).json()["teams"][0]["inspections"][0]["id"] is None

    at_stage(y["cycle"], Cycle.Stage.INSPECTION)
    late = secretariat.client.delete(f"{API}/{team['id']}")
    assert late.status_code == 409
    assert late.json()["detail"].startswith("Không thể giải thể đoàn kiểm tra ở giai đoạn")
    at_stage(y["cycle"], Cycle.Stage.IN_PROGRESS)
    assert officer.client.delete(f"{API}/{team['id']}").status_code == 403
    assert secretariat.client.delete(f"{API}/{team['id']}").status_code == 204
    assert not InspectionTeam.objects.filter(pk=team["id"]).exists()
