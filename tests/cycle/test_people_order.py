"""People in the year's lists read in Vietnamese order — by given name, then middle name(s), then
family name ("Trần Văn Bình", "Lê Văn Dũng", "Nguyễn Thị Đào"): a unit's individual proposals,
the lines of a draft decision (hence the decision and its certificates, which follow the lines),
and the officers offered for an inspection team."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.conftest import make_user
from thidua.cycle.models import Cycle, Proposal
from thidua.cycle.outcome.decisions import draft_from_cycle
from thidua.honours.models import DecisionLine, Person
from thidua.org.models import User

pytestmark = pytest.mark.django_db

ENTERED = ["Lê Văn Dũng", "Nguyễn Thị Đào", "Trần Văn Bình"]
EXPECTED = ["Trần Văn Bình", "Lê Văn Dũng", "Nguyễn Thị Đào"]  # B < D < Đ


def proposals(world, state: str) -> list[Proposal]:
    """Individual proposals of Bắc Giang, made in the careless order (primary keys follow it)."""
    made = []
    for i, name in enumerate(ENTERED):
        p = Person.create(
            by=None,
            unit=world.unit("bac-giang"),
            start=dt.date(2010, 1, 1),
            officer_code=f"THUTU-{i}",
            full_name=name,
        )
        made.append(
            Proposal.objects.create(
                cycle=world.cycle2021,
                unit=world.unit("bac-giang"),
                person=p,
                award_code="bang_khen_bo_cong_an",
                award_name="Bằng khen của Bộ trưởng Bộ Công an",
                basis="Thành tích xuất sắc",
                origin=Proposal.Origin.UNIT,
                state=state,
            )
        )
    return made


def order_in(page: str, names: list[str]) -> list[str]:
    assert all(n in page for n in names), page[:500]
    return sorted(names, key=page.index)


def test_a_units_individual_proposals_are_listed_by_given_name(world):
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.PROPOSALS)
    proposals(world, Proposal.State.DRAFT)
    client = world.cast.client(world.cast.officer_a)
    response = client.get(reverse("cycle_unit_proposals", args=[2021, 3]))
    assert response.status_code == 200
    page = re.sub(r"\s+", " ", response.content.decode())
    assert order_in(page, ENTERED) == EXPECTED


def test_a_draft_decision_numbers_the_individuals_by_given_name(world):
    proposals(world, Proposal.State.APPROVED)
    decision = draft_from_cycle(world.cycle2021, by=world.cast.approver, authority="BCA")
    lines = DecisionLine.objects.filter(decision=decision, person__isnull=False)
    assert [line.person.full_name for line in lines.order_by("position")] == EXPECTED


def test_the_inspection_team_form_offers_officers_by_unit_then_given_name(world):
    from thidua.cycle.inspection.forms import TeamForm

    for i, name in enumerate(ENTERED):
        make_user(f"thutu.{i}", User.Role.UNIT_OFFICER, "bac-giang", full_name=name)
    form = TeamForm(cycle=world.cycle2021)
    labels = [str(label) for _, label in form.fields["members"].choices]
    mine = [label.split(" (")[0] for label in labels if label.split(" (")[0] in ENTERED]
    assert mine == EXPECTED
    units = [label.rsplit("(", 1)[1] for label in labels]
    assert units == sorted(units, key=lambda u: units.index(u))  # one block per unit


def test_a_teams_page_lists_its_officers_by_unit_then_given_name(world):
    from thidua.cycle.models import InspectionTeam

    team = InspectionTeam.objects.create(
        cycle=world.cycle2021, name="Đoàn thử thứ tự", leader_unit=world.unit("bac-giang")
    )
    team.members.set(
        make_user(f"thutu.{i}", User.Role.UNIT_OFFICER, "bac-giang", full_name=name)
        for i, name in enumerate(ENTERED)
    )
    assert [u.full_name for u in team.officers()] == EXPECTED
    client = world.cast.client(world.cast.secretariat)
    page = re.sub(r"\s+", " ", client.get(reverse("cycle_teams", args=[2021, 3])).content.decode())
    line = page[page.index(f'id="doan-{team.pk}-can-bo"') :]
    assert order_in(line[: line.index("</p>")], ENTERED) == EXPECTED
