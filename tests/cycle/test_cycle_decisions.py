"""The year's link to the register: a cluster-year's approved proposals become a decision's lines,
an individual's too, and the signature records the approval (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from thidua.cycle.models import Proposal
from thidua.cycle.outcome.decisions import decision_of, draft_from_cycle
from thidua.honours.models import Commendation, Person
from thidua.honours.signing import sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_decisions(world):
    """The demo's signed decisions of Cluster 3 / 2021 (load_demo makes them)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions

    return build_demo_decisions(world.cycle2021)


def individual_proposal(world) -> Proposal:
    """An approved Bằng khen for a Bắc Giang officer with two years of Chiến sĩ thi đua cơ sở."""
    p = Person.create(
        by=None,
        unit=world.unit("bac-giang"),
        start=dt.date(2010, 1, 1),
        officer_code="CUM3-001",
        full_name="Hoàng Văn Dũng",
    )
    for year in (2019, 2020, 2021):
        p.set_rating(by=None, year=year, rating="hoan_thanh_xuat_sac")
    for year in (2020, 2021):
        for award in ("chien_si_tien_tien", "chien_si_thi_dua_co_so"):
            Commendation.create(
                by=None,
                person=p,
                award_code=award,
                year=year,
                decision_no=f"{year}/QĐ-CAT",
                decision_date=dt.date(year, 12, 28),
                issuer="Giám đốc Công an tỉnh Bắc Giang",
            )
    for year in (2020, 2021):
        p.add_initiative(
            by=None, year=year, scope="co_so", kind="sang_kien", title=f"Sáng kiến {year}"
        )
    return Proposal.objects.create(
        cycle=world.cycle2021,
        unit=world.unit("bac-giang"),
        person=p,
        award_code="bang_khen_bo_cong_an",
        award_name="Bằng khen của Bộ trưởng Bộ Công an",
        basis="Hai năm liền Chiến sĩ thi đua cơ sở",
        origin="unit",
        state=Proposal.State.APPROVED,
    )


def test_an_approved_individual_proposal_becomes_a_line_and_its_signature_the_approval(world):
    proposal = individual_proposal(world)
    decision = draft_from_cycle(world.cycle2021, by=world.cast.approver, authority="BCA")
    proposal.refresh_from_db()
    line = proposal.decision_line
    assert line.decision == decision and line.person == proposal.person
    assert decision_of(proposal) is None  # a draft does not record the approval yet

    sign(decision, by=world.cast.approver, seq=402, date=dt.date(2022, 1, 25), signer_name="A")

    proposal.refresh_from_db()
    assert decision_of(proposal).number == "402/QĐ-BCA"
    record = proposal.decision_line.commendation
    assert record.person == proposal.person and record.award_code == "bang_khen_bo_cong_an"


def test_a_proposal_already_in_a_decision_is_not_drafted_again(world):
    decided = world.cycle2021.proposals.get(
        decision_line__decision__authority="BCA", unit__code="bac-giang"
    )
    with pytest.raises(ValidationError) as caught:
        draft_from_cycle(
            world.cycle2021, by=world.cast.approver, authority="BCA", proposal_ids=[decided.pk]
        )
    assert "đã được khen thưởng tại Quyết định số" in str(caught.value)


def test_a_proposal_of_another_cluster_year_is_refused_by_name(world):
    stranger = individual_proposal(world)
    stranger.cycle = world.cycle2025
    stranger.save(update_fields=["cycle"])
    with pytest.raises(ValidationError) as caught:
        draft_from_cycle(
            world.cycle2021, by=world.cast.approver, authority="BCA", proposal_ids=[stranger.pk]
        )
    assert "Hoàng Văn Dũng" in str(caught.value)
    assert "không có trong danh sách đề nghị đã được Bộ phê duyệt" in str(caught.value)
