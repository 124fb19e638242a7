"""A proposal shows the decision that conferred it: "Quyết định số 401/QĐ-BCA ngày 20/01/2022",
linked to the decision's page for whoever may open it, on the proposal pages and in the API; a
revoked line says so; a proposal in a draft shows none (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.cycle.test_cycle_decisions import individual_proposal
from thidua.cycle.models import Proposal
from thidua.cycle.outcome.decisions import build_demo_decisions, draft_from_cycle
from thidua.honours import revoking
from thidua.honours.models import REVOCATION_GROUNDS, Decision
from thidua.honours.signing import sign

pytestmark = pytest.mark.django_db
BASE = "/api/v1/clusters/2021/3"


def demo_decision(world) -> tuple[Decision, Proposal]:
    """The demo's signed 401/QĐ-BCA and one (collective) proposal it conferred."""
    decision = next(d for d in build_demo_decisions(world.cycle2021) if d.authority == "BCA")
    proposal = Proposal.objects.filter(decision_line__decision=decision, person=None).first()
    return decision, proposal


def test_the_proposals_page_names_and_links_the_decision_of_each_award(world):
    decision, proposal = demo_decision(world)
    assert decision.number == "401/QĐ-BCA"
    page = world.cast.client(world.cast.secretariat).get(reverse("cycle_proposals", args=[2021, 3]))
    html = page.content.decode()
    link = f'<a href="{reverse("decision_detail", args=[decision.pk])}">'
    assert f'id="decision-ref-{proposal.pk}"' in html
    assert f"{link}Quyết định số 401/QĐ-BCA ngày 20/01/2022</a>" in html
    # The decision's page is one the secretariat may open: the link leads somewhere.
    detail = world.cast.client(world.cast.secretariat).get(decision.get_absolute_url())
    assert detail.status_code == 200


def test_a_member_sees_the_number_of_another_units_award_without_a_link_it_cannot_open(world):
    officer = world.cast.officer_a  # Bắc Giang
    decisions = build_demo_decisions(world.cycle2021)
    visible = set(Decision.objects.visible_to(officer).values_list("pk", flat=True))
    hidden = next(d for d in decisions if d.pk not in visible)  # no line of Bắc Giang in it
    other = Proposal.objects.filter(decision_line__decision=hidden).first()
    html = world.cast.client(officer).get(reverse("cycle_proposals", args=[2021, 3]))
    html = html.content.decode()
    start = html.index(f'id="decision-ref-{other.pk}"')
    ref = html[start : html.index("</div>", start)]
    assert f"Quyết định số {hidden.number} ngày {hidden.date:%d/%m/%Y}" in ref
    assert "<a " not in ref


def test_an_individual_proposal_shows_its_decision_on_the_review_and_unit_pages(world):
    proposal = individual_proposal(world)
    decision = draft_from_cycle(world.cycle2021, by=world.cast.approver, authority="BCA")
    client = world.cast.client(world.cast.officer_a)
    pages = [
        reverse("cycle_review", args=[2021, 3]),
        reverse("cycle_unit_proposals", args=[2021, 3]),
    ]
    for url in pages:  # a draft confers nothing yet
        assert f'id="decision-ref-{proposal.pk}"' not in client.get(url).content.decode()

    sign(decision, by=world.cast.approver, seq=402, date=dt.date(2022, 1, 25), signer_name="A")
    for url in pages:
        html = client.get(url).content.decode()
        assert (
            f'<a href="{decision.get_absolute_url()}">Quyết định số 402/QĐ-BCA ngày 25/01/2022</a>'
            in html
        )

    proposal.refresh_from_db()
    revoking.revoke_line(
        proposal.decision_line,
        by=world.cast.approver,
        decision_no="15/QĐ-BCA",
        decision_date=dt.date(2022, 6, 1),
        ground=REVOCATION_GROUNDS[0][0],
        reason="Hồ sơ sáng kiến không đúng sự thật.",
    )
    html = client.get(pages[1]).content.decode()
    start = html.index(f'id="decision-ref-{proposal.pk}"')
    assert "đã hủy bỏ" in html[start : html.index("</div>", start)]


def test_the_proposals_api_gives_the_decision_number_and_date(world):
    decision, proposal = demo_decision(world)
    body = world.cast.client(world.cast.secretariat).get(f"{BASE}/proposals").json()
    row = next(p for p in body["proposals"] if p["id"] == proposal.pk)
    assert row["decision"] == {
        "id": decision.pk,
        "number": "401/QĐ-BCA",
        "date": "2022-01-20",
        "authority": "BCA",
        "revoked": False,
    }
    review = world.cast.client(world.cast.approver).get(f"{BASE}/review").json()
    item = next(p for p in review["items"] if p["id"] == proposal.pk)
    assert item["decision"]["number"] == "401/QĐ-BCA"
    schema = world.cast.client(world.cast.approver).get("/api/v1/openapi.json").json()
    assert "decision" in schema["components"]["schemas"]["ProposalOut"]["properties"]


def test_a_conferred_award_is_not_judged_again_against_its_own_record(world):
    """Once signed, the register holds the award: re-checking the proposal would count it against
    itself ("already awarded for 2021"); the pages and the API say it was conferred instead."""
    from thidua.cycle.outcome.review_checks import verdicts

    _, proposal = demo_decision(world)  # Cờ thi đua or Bằng khen of a member, signed
    client = world.cast.client(world.cast.approver)
    again = verdicts([proposal])[proposal.pk]
    assert again.eligible is False and "401/QĐ-BCA" in again.summary  # what was shown before

    html = client.get(reverse("cycle_review", args=[2021, 3])).content.decode()
    start = html.index(f'id="review-{proposal.pk}"')
    row = html[start : html.index("</tr>", start)]
    assert "Không đủ điều kiện" not in row
    assert "Đã khen thưởng theo Quyết định số 401/QĐ-BCA" in row
    item = next(p for p in client.get(f"{BASE}/review").json()["items"] if p["id"] == proposal.pk)
    assert item["why"] is None and item["decision"]["number"] == "401/QĐ-BCA"
