"""The Ministry's publication actions on a cluster's page (next year from the handover, change of
composition), shown only to those who may take them."""

from __future__ import annotations

from typing import Any

from django import template

from thidua.engine.eligibility_catalogue import UnknownAward, load_catalogue
from thidua.org import publishing
from thidua.org.models import Cluster, Handover

register = template.Library()


@register.inclusion_tag("org/_publish_actions.html", takes_context=True)
def publish_actions(context: dict[str, Any], cluster: Cluster) -> dict[str, Any]:
    user = context["request"].user
    if not publishing.is_ministry(user):
        return {"show": False}
    return {
        "show": True,
        "cluster": cluster,
        "csrf_token": context.get("csrf_token"),
        "has_handover": Handover.objects.filter(cluster=cluster).exists(),
        "next_cluster": publishing.next_year_of(cluster),
        "next_year": cluster.year + 1,
    }


@register.filter
def award_name(name: str) -> str:
    """A published award as the catalogue names it ("Bằng khen của Bộ Công an" in the press is
    the catalogue's "Bằng khen của Bộ trưởng Bộ Công an"); a name the catalogue does not know is
    shown as written."""
    catalogue = load_catalogue()
    try:
        return catalogue.name(catalogue.resolve(name))
    except UnknownAward:
        return name
