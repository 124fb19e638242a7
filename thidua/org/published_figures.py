"""A cluster's published year figures (issue 19): the commendations of the year and the cluster's
totals as the press and the cluster's closing report publish them ("3.264 vụ", "3.356 lượt").

Entered on a page by the cluster's secretariat or the Ministry (no longer JSON in the admin site),
one transaction, audited; shown on the cluster's year page. They are stored in ``Cluster.published``
beside the published ranking and proposals, which this page leaves as they are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine.numbers import fmt_number
from thidua.org.models import Cluster, User
from thidua.org.publishing import is_ministry

EDIT_REFUSED = "Chỉ Thường trực Cụm hoặc cán bộ phê duyệt của Bộ được nhập số liệu đã công bố."


def may_edit(user: User, can_manage: bool) -> bool:
    """The cluster's secretariat (``can_manage`` from get_cluster_for_user) or the Ministry."""
    return bool(can_manage or is_ministry(user))


def figures_of(cluster: Cluster) -> dict[str, Any]:
    """What the form edits, from the stored document."""
    published = cluster.published or {}
    commendations = published.get("commendations_in_year") or {}
    return {
        "collectives": commendations.get("collectives"),
        "individuals": commendations.get("individuals"),
        "totals": list(published.get("totals") or []),
        "source": published.get("source", ""),
    }


def totals_text(cluster: Cluster) -> list[str]:
    """The cluster's totals as lines a reader reads: "Điều tra khám phá: 3.264 vụ"."""
    out = []
    for item in (cluster.published or {}).get("totals") or []:
        value = fmt_number(Decimal(str(item["value"])))
        unit = item.get("unit") or ""
        out.append(f"{item['name']}: {value}{unit if unit == '%' else f' {unit}' if unit else ''}")
    return out


@transaction.atomic
def set_figures(
    cluster: Cluster,
    *,
    by: User,
    collectives: int | None,
    individuals: int | None,
    totals: list[dict[str, Any]],
    source: str,
) -> None:
    """Store the figures (other published keys are kept), audited with before and after."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    before = snapshot(cluster, ["published"])
    published = dict(cluster.published or {})
    if collectives is None and individuals is None:
        published.pop("commendations_in_year", None)
    else:
        published["commendations_in_year"] = {
            "collectives": collectives or 0,
            "individuals": individuals or 0,
        }
    if totals:
        published["totals"] = totals
    else:
        published.pop("totals", None)
    if source:
        published["source"] = source
    else:
        published.pop("source", None)
    cluster.published = published
    cluster.save(update_fields=["published"])
    audit(
        actor=by,
        action="update",
        obj=cluster,
        before=before,
        after=snapshot(cluster, ["published"]),
    )
