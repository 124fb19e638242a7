"""Issue 13: a vote closed without its quorum is never counted, and the documents say so."""

from __future__ import annotations

import pytest

from thidua.cycle.models import Cycle, HonourVote, VoterRecord
from thidua.documents.compose import _vote_sentence, minutes
from thidua.documents.context import build_context

pytestmark = pytest.mark.django_db


def test_the_minutes_of_a_vote_without_quorum_state_no_counts(world):
    cycle = Cycle.objects.select_related("cluster").get(pk=world.cycle2021.pk)
    vote = HonourVote.objects.get(cycle=cycle)
    kept = VoterRecord.objects.filter(vote=vote).first()
    VoterRecord.objects.filter(vote=vote).exclude(pk=kept.pk).delete()
    # What `close` stores when the quorum is not met: no counts at all, not honoured.
    HonourVote.objects.filter(pk=vote.pk).update(yes=None, no=None, abstain=None, passed=False)
    ctx = build_context(cycle)
    sentence = _vote_sentence(ctx)
    assert sentence == (
        "Biểu quyết suy tôn Công an tỉnh Yên Bái: 1/8 đơn vị tham gia, không đủ số tối thiểu 6 "
        "đơn vị nên biểu quyết không hợp lệ; phiếu không được kiểm, số phiếu không được công bố; "
        "Công an tỉnh Yên Bái chưa được suy tôn."
    )
    assert "phiếu đồng ý" not in sentence
    minutes(ctx)  # composes without a count to print
