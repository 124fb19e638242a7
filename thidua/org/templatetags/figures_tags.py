"""``{% published_totals cluster as totals %}`` and ``{% may_edit_figures cluster can_manage as x %}``:
a cluster's published totals as lines, and whether the user may enter them (issue 19)."""

from __future__ import annotations

from typing import Any

from django import template

from thidua.org import published_figures as pf

register = template.Library()


@register.simple_tag
def published_totals(cluster: Any) -> list[str]:
    return pf.totals_text(cluster)


@register.simple_tag(takes_context=True)
def may_edit_figures(context: Any, cluster: Any, can_manage: bool) -> bool:
    user = context["request"].user
    return user.is_authenticated and pf.may_edit(user, bool(can_manage))
