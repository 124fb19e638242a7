"""Permission ladder of the Ministry's publication of clusters: only the approver publishes or
changes a composition; out-of-scope clusters stay 404 for the others."""

from __future__ import annotations

from tests.ladder import OK, Entry

MINISTRY_ONLY = {
    "anonymous": 302,
    "officer_a": 403,
    "officer_b": 403,
    "secretariat": 403,
    "inspector": 403,
    "approver": 200,
    "viewer": 403,
}
# On Cluster 3 / 2021 (the cast's cluster): Gia Lai's officer does not see it.
ON_CLUSTER3 = {**MINISTRY_ONLY, "officer_b": 404}

ENTRIES = [
    Entry("cluster_publish", MINISTRY_ONLY),
    Entry("cluster_composition", ON_CLUSTER3, args=lambda w: [2021, 3]),
    # Issue 19: the published year figures: the cluster's secretariat or the Ministry.
    Entry(
        "cluster_figures",
        {**ON_CLUSTER3, "secretariat": 200},
        args=lambda w: [2021, 3],
    ),
    Entry(
        "cluster_publish_next",
        {**ON_CLUSTER3, "approver": OK},
        args=lambda w: [2021, 3],
        method="post",
    ),
]
