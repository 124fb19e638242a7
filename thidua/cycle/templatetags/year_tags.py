"""``{% year_pages cycle request.user as pages %}``: the pages of a cluster's year the user may open,
for the links on the cluster's page. Each page is offered by the check its view applies
(`get_cycle_for_user` for the overview; `sees_outcome` for the ranking, the vote, the proposals and
the documents), so a link never leads to a refusal."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from thidua.cycle.access import sees_outcome
from thidua.org.models import User

register = template.Library()

OUTCOME_PAGES = (
    ("cycle_ranking", "Xếp hạng"),
    ("cycle_vote", "Suy tôn"),
    ("cycle_proposals", "Đề nghị khen thưởng"),
    ("cycle_documents", "Văn bản"),
)


@register.simple_tag
def year_pages(cycle: Any, user: User) -> list[dict[str, str]]:
    """Label and address of each page of the year the user may open (none without a year)."""
    if cycle is None or not cycle.cluster.is_visible_to(user):
        return []
    args = [cycle.cluster.year, cycle.cluster.number]
    pages = [{"label": "Tổng quan năm thi đua", "url": reverse("cycle_overview", args=args)}]
    if sees_outcome(user, cycle):
        pages += [
            {"label": label, "url": reverse(name, args=args)} for name, label in OUTCOME_PAGES
        ]
    return pages
