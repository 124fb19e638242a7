from tests.ladder import MEMBERS_SEE, OK, Entry

ENTRIES = [
    Entry("cycle_overview", MEMBERS_SEE, args=lambda w: [2021, 3]),
    # Cluster 3 / 2021 is already open: the secretariat is allowed (and told it is open).
    Entry(
        "cycle_open",
        {
            "anonymous": 302,
            "officer_a": 403,
            "officer_b": 404,
            "secretariat": OK,
            "inspector": 403,
            "approver": 403,
            "viewer": 403,
        },
        args=lambda w: [2021, 3],
        method="post",
    ),
    Entry(
        "cycle_advance",
        {
            "anonymous": 302,
            "officer_a": 403,
            "officer_b": 404,
            "secretariat": OK,
            "inspector": 403,
            "approver": 403,
            "viewer": 403,
        },
        args=lambda w: [2021, 3],
        method="post",
        data=lambda w: {"to": "closed"},
    ),
]
