"""Issue #18: while the Ministry reviews, the year's overview says whose move it is from the real
state of the proposals: the cluster's after a return (and how many it has answered), for drafts
not yet submitted and for the handover once every item is decided; the Ministry's only while
items wait for it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from thidua.cycle.models import Cycle, Proposal, ReturnAnswer

pytestmark = pytest.mark.django_db


def overview_words(world) -> str:
    response = world.cast.client(world.cast.secretariat).get(
        reverse("cycle_overview", args=[2021, 3])
    )
    html = response.content.decode()
    found = re.search(r'id="review-step"><div class="alert__body">(.*?)<a ', html, re.S)
    return found.group(1).strip() if found else ""


@pytest.fixture
def in_review(world) -> list[Proposal]:
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.APPROVAL)
    world.cycle2021.proposals.update(state=Proposal.State.SUBMITTED, decision_reason="")
    return list(world.cycle2021.proposals.order_by("pk"))


def test_items_waiting_for_the_ministry_are_the_ministrys_move(world, in_review):
    assert overview_words(world).startswith(f"Bộ đang xét duyệt {len(in_review)} đề nghị")


def test_an_answered_return_still_waits_for_the_cluster_to_resubmit(world, in_review):
    first = in_review[0]
    Proposal.objects.filter(pk=first.pk).update(
        state=Proposal.State.RETURNED, decision_reason="Bổ sung thành tích."
    )
    words = overview_words(world)
    assert words.startswith("Bước tiếp theo là của Cụm: Bộ đã trả lại 1 đề nghị —")
    ReturnAnswer.objects.create(
        proposal=first,
        note="Đã bổ sung.",
        return_reason="Bổ sung thành tích.",
        by=world.cast.secretariat,
    )
    words = overview_words(world)
    assert "Bộ đã trả lại 1 đề nghị (đã giải trình 1)" in words and "trình lại Bộ" in words
    assert words.endswith(
        f"Bộ đang xét duyệt {len(in_review) - 1} đề nghị (Hội đồng Thi đua – Khen thưởng cho ý kiến)."
    )


def test_a_draft_in_review_is_the_clusters_move(world, in_review):
    Proposal.objects.filter(pk=in_review[0].pk).update(state=Proposal.State.DRAFT)
    assert overview_words(world).startswith(
        "Bước tiếp theo là của Cụm: còn 1 đề nghị chưa trình Bộ"
    )


def test_every_item_decided_leaves_the_handover_to_the_cluster(world, in_review):
    world.cycle2021.proposals.update(state=Proposal.State.APPROVED)
    words = overview_words(world)
    assert words.startswith("Bộ đã quyết định mọi đề nghị: bước tiếp theo là của Cụm")
    assert "Bộ đang xét duyệt" not in words
