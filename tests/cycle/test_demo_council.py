"""The demo's Ministry council (issue 16): load_demo builds the 2021 year with the council that
reviewed its proposals, so the signed 401/QĐ-BCA ("Theo đề nghị của Hội đồng Thi đua - Khen
thưởng Bộ Công an") rests on the council's recorded opinions on each of its lines."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from thidua.audit.models import AuditRecord
from thidua.cycle.models import Council, CouncilMember, Cycle, Proposal, Ranking, ScoreSheet
from thidua.cycle.outcome.review import opinion_gap
from thidua.honours.models import Decision
from thidua.org.demo import all_accounts
from thidua.org.models import Handover

pytestmark = pytest.mark.django_db


def without_the_2021_year() -> None:
    """The suite's world holds 2021 built without a council: remove it so load_demo builds it."""
    ScoreSheet.objects.filter(cycle__cluster__year=2021, cycle__cluster__number=3).delete()
    Ranking.objects.filter(cycle__cluster__year=2021, cycle__cluster__number=3).delete()
    Cycle.objects.filter(cluster__year=2021, cluster__number=3).delete()
    Handover.objects.filter(cluster__year=2021, cluster__number=3).delete()


def test_load_demo_has_the_council_whose_opinions_the_signed_401_rests_on(reference):
    without_the_2021_year()
    assert Council.current() is None

    call_command("load_demo", stdout=io.StringIO())

    council = Council.current()
    assert council.name == "Hội đồng Thi đua – Khen thưởng Bộ Công an"
    assert council.chair_must_opine and council.opinions_needed == 2
    roles = set(council.members.values_list("role", flat=True))
    assert CouncilMember.Role.CHAIR in roles and len(roles) == 3
    decision = Decision.objects.get(authority="BCA", number_year=2022, seq=401)
    assert decision.state == Decision.State.SIGNED
    assert "Theo đề nghị của Hội đồng Thi đua - Khen thưởng Bộ Công an" in decision.legal_basis
    conferred = list(
        Proposal.objects.filter(decision_line__decision=decision).prefetch_related(
            "opinions__member"
        )
    )
    assert len(conferred) == decision.lines.count() > 0
    for proposal in conferred:
        assert opinion_gap(proposal, council) is None
        assert {o.member.role for o in proposal.opinions.all()} == roles
        assert {o.stance for o in proposal.opinions.all()} == {"agree"}
    # Each opinion was recorded by the step a member's click calls (audited), and a newcomer
    # finds the council's accounts among the demo accounts.
    opinions = sum(p.opinions.count() for p in Proposal.objects.filter(cycle__cluster__year=2021))
    assert AuditRecord.objects.filter(action="opinion").count() >= opinions > 0
    listed = {a.username for a in all_accounts()}
    assert {m.user.username for m in council.members.select_related("user")} <= listed

    call_command("load_demo", stdout=io.StringIO())  # run again: nothing doubles
    assert Council.objects.count() == 1 and council.members.count() == 3
