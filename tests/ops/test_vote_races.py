"""The honouring vote under simultaneous clicks: two secretariat members opening or closing it at the
same instant, from separate database connections (PostgreSQL; the in-memory SQLite test database
is one shared connection, so there is no race to run there)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests.vote_helpers import SECRETARIAT_PASSPHRASE, open_vote
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Cycle, HonourVote
from thidua.lib.workflow import WorkflowError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def voting_year(world) -> Cycle:
    if connection.vendor != "postgresql":
        pytest.skip("Needs one database connection per thread: run with DATABASE_URL=postgres://…")
    cycle = world.cycle2021
    HonourVote.objects.filter(cycle=cycle).delete()
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.VOTING)
    return Cycle.objects.get(pk=cycle.pk)


def at_the_same_instant(action: Callable[[], object], times: int = 2) -> list[object]:
    """Run `action` in `times` threads released together; each result or raised exception."""
    start = threading.Barrier(times)
    outcomes: list[object] = []

    def run() -> None:
        try:
            start.wait()
            outcomes.append(action())
        except Exception as exc:  # the outcome under test, whatever it is
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_two_secretaries_opening_the_vote_at_once_open_it_once_and_the_second_is_told(
    world, voting_year
) -> None:
    audits = AuditRecord.objects.count()

    def open_vote() -> HonourVote:
        cycle = Cycle.objects.get(pk=voting_year.pk)
        return HonourVote.open_vote(
            cycle,
            by=world.cast.secretariat,
            candidate=world.unit("yen-bai"),
            passphrase=SECRETARIAT_PASSPHRASE,
        )

    outcomes = at_the_same_instant(open_vote)
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    opened = [o for o in outcomes if isinstance(o, HonourVote)]
    assert len(opened) == 1 and len(refused) == 1, outcomes
    assert refused[0].message == "Biểu quyết suy tôn đã được mở."
    assert HonourVote.objects.filter(cycle=voting_year).count() == 1
    assert AuditRecord.objects.count() == audits + 1


def test_two_secretaries_closing_the_vote_at_once_close_it_once(world, voting_year) -> None:
    vote = open_vote(
        voting_year,
        by=world.cast.secretariat,
        candidate=world.unit("yen-bai"),
        approver=world.cast.approver,
    )
    HonourVote.objects.get(pk=vote.pk).cast(by=world.cast.officer_a, choice="yes")
    audits = AuditRecord.objects.count()

    outcomes = at_the_same_instant(
        lambda: HonourVote.objects.get(pk=vote.pk).close(by=world.cast.secretariat)
    )
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert len(refused) == 1 and outcomes.count(None) == 1, outcomes
    assert AuditRecord.objects.count() == audits + 1
    closed = HonourVote.objects.get(pk=vote.pk)
    # One ballot of eight: below the quorum, so closed without counting anything.
    assert closed.state == HonourVote.State.CLOSED and closed.yes is None and not closed.passed
