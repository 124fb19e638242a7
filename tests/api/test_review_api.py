"""The council review and proposals outside the ranking through /api/v1/ (same steps as the pages)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_user
from tests.cycle.test_review import approvable, at_stage, council, soldier, submitted
from thidua.cycle.models import Cycle, Opinion, Proposal, ReturnAnswer
from thidua.org.models import User

pytestmark = pytest.mark.django_db
BASE = "/api/v1/clusters/2021/3"


def post(client, path: str, body: dict):
    return client.post(f"{BASE}{path}", json.dumps(body), content_type="application/json")


def test_a_unit_proposes_its_people_within_the_15_percent_cap(world):
    at_stage(world.cycle2021, Cycle.Stage.PROPOSALS)
    people = [soldier(f"Phạm Văn Cap {i}") for i in range(1, 8)]
    client = world.cast.client(world.cast.officer_a)
    body = {"unit": "bac-giang", "award": "chien_si_thi_dua_co_so", "dossier": "Sáng kiến cơ sở."}
    first = post(client, "/proposals/outside", {**body, "person_id": people[0].pk})
    assert first.status_code == 201
    assert first.json()["person"] == "Phạm Văn Cap 1" and first.json()["why"]["eligible"] is True
    over = post(client, "/proposals/outside", {**body, "person_id": people[1].pk})
    assert over.status_code == 422
    message = json.dumps(over.json(), ensure_ascii=False)
    assert "Vượt tỷ lệ “Chiến sĩ thi đua cơ sở”" in message and "2/1" in message
    assert Proposal.objects.filter(person__in=people).count() == 1
    quotas = client.get(f"{BASE}/review").json()["quotas"]
    line = next(q for q in quotas if q["award_code"] == "chien_si_thi_dua_co_so")
    assert (line["unit"], line["used"], line["allowed"], line["base"]) == ("bac-giang", 1, 1, 7)


def test_an_order_is_proposed_with_its_class(world):
    at_stage(world.cycle2021, Cycle.Stage.PROPOSALS)
    client = world.cast.client(world.cast.secretariat)
    body = {"unit": "quang-ninh", "award": "huan_chuong_chien_cong", "dossier": "Chuyên án lớn."}
    refused = post(client, "/proposals/outside", body)
    assert refused.status_code == 422 and "phải chọn hạng" in json.dumps(
        refused.json(), ensure_ascii=False
    )
    made = post(client, "/proposals/outside", {**body, "award_class": "ba"})
    assert made.status_code == 201
    assert made.json()["award_name"] == "Huân chương Chiến công hạng Ba"
    assert made.json()["rank"] is None and made.json()["origin"] == "outside"


def test_council_opinions_bulk_decision_and_the_clusters_answer(world):
    items = approvable(submitted(world))
    _, chair, _ = council(world, needed=1, chair_must_opine=False)
    assert (
        post(
            world.cast.client(chair), f"/proposals/{items[0].pk}/opinion", {"stance": "disagree"}
        ).status_code
        == 422
    )
    opinion = post(
        world.cast.client(chair), f"/proposals/{items[0].pk}/opinion", {"stance": "agree"}
    )
    assert opinion.status_code == 200 and opinion.json()["opinions"][0]["stance"] == "agree"
    assert Opinion.objects.count() == 1
    approver = world.cast.client(world.cast.approver)
    both = [items[0].pk, items[1].pk]
    refused = post(
        approver, "/review/decisions", {"proposals": both, "decision": "approve", "confirm": True}
    )
    assert refused.status_code == 422  # the second has no opinion yet: nothing written
    assert Proposal.objects.get(pk=items[0].pk).state == Proposal.State.SUBMITTED
    unconfirmed = post(
        approver,
        "/review/decisions",
        {"proposals": both[:1], "decision": "approve", "confirm": False},
    )
    assert unconfirmed.status_code == 422
    done = post(
        approver,
        "/review/decisions",
        {"proposals": both[:1], "decision": "approve", "confirm": True},
    )
    assert done.status_code == 200 and done.json() == {"decided": 1}
    returned = post(
        approver,
        "/review/decisions",
        {"proposals": both[1:], "decision": "return", "reason": "Thiếu biên bản.", "confirm": True},
    )
    assert returned.status_code == 200
    answer = post(
        world.cast.client(world.cast.secretariat),
        f"/proposals/{items[1].pk}/answer",
        {"note": "Đã bổ sung biên bản."},
    )
    assert answer.status_code == 201 and answer.json()["return_reason"] == "Thiếu biên bản."
    assert ReturnAnswer.objects.filter(proposal=items[1]).count() == 1
    review = world.cast.client(world.cast.officer_a).get(f"{BASE}/review").json()
    item = next(i for i in review["items"] if i["id"] == items[1].pk)
    assert item["state"] == "returned" and item["answers"][0]["note"] == "Đã bổ sung biên bản."


def test_a_units_individual_proposals_are_not_shown_to_other_members(world):
    at_stage(world.cycle2021, Cycle.Stage.PROPOSALS)
    officer = soldier("Vũ Thị Riêng")
    Proposal.objects.create(
        cycle=world.cycle2021,
        unit=officer.current_unit,
        person=officer,
        award_code="chien_si_thi_dua_co_so",
        award_name="Chiến sĩ thi đua cơ sở",
        basis="—",
        origin=Proposal.Origin.UNIT,
    )

    def names(user) -> list:
        body = world.cast.client(user).get(f"{BASE}/proposals").json()
        return [p["award_name"] for p in body["proposals"]]

    other_member = make_user("cb.qn", User.Role.UNIT_OFFICER, "quang-ninh")
    assert "Chiến sĩ thi đua cơ sở" not in names(other_member)
    for user in (world.cast.officer_a, world.cast.secretariat, world.cast.approver):
        assert "Chiến sĩ thi đua cơ sở" in names(user)
