"""The Ministry's publication actions on a cluster's page (next year from the handover, change of
composition), shown only to those who may take them."""

from __future__ import annotations

from typing import Any

from django import template

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
