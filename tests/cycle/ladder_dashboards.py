"""Permission ladder of the dashboards: a cluster's (who may see its ranking) and the Ministry's."""

from tests.ladder import Entry, cluster3_2021

ENTRIES = [
    # Cluster 3 / 2021 is closed (ranked): every member sees it; another cluster's officer does not.
    Entry(
        "cycle_dashboard",
        {
            "anonymous": 302,
            "officer_a": 200,
            "officer_b": 404,
            "secretariat": 200,
            "inspector": 200,
            "approver": 200,
            "viewer": 200,
        },
        args=cluster3_2021,
    ),
    # National scope only.
    Entry(
        "ministry_dashboard",
        {
            "anonymous": 302,
            "officer_a": 403,
            "officer_b": 403,
            "secretariat": 403,
            "inspector": 403,
            "approver": 200,
            "viewer": 403,
        },
    ),
]
