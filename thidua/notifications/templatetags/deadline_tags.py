"""Deadlines shown on pages of other apps, which must not import this one (it sits above them):
the home page includes `{% my_deadlines %}`, the Ministry's board `{% deadline_board year as … %}`."""

from __future__ import annotations

from django import template

from thidua.notifications import deadlines

register = template.Library()


@register.inclusion_tag("notifications/_home_deadlines.html", takes_context=True)
def my_deadlines(context) -> dict:
    """What is due, soon due and overdue for the signed-in user."""
    user = context["request"].user
    items = deadlines.due_for(user)
    return {
        "overdue": [i for i in items if i.status.state == deadlines.OVERDUE],
        "soon": [i for i in items if i.status.state == deadlines.SOON],
        "due": [i for i in items if i.status.state == deadlines.DUE],
        "has_national_scope": user.has_national_scope,
    }


@register.simple_tag
def deadline_board(year: int | None) -> dict:
    """cluster id → the current step's deadline and lateness (for the Ministry's board)."""
    return deadlines.board(year) if year else {}


@register.filter
def board_row(board: dict, cluster_id: int):
    return board.get(cluster_id)


@register.filter
def overdue_count(board: dict) -> int:
    return sum(1 for row in board.values() if row.status and row.status.state == deadlines.OVERDUE)
