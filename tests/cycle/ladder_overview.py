from tests.ladder import OK, Entry

MEMBERS_SEE = {
    "anonymous": 302,
    "officer_a": 200,
    "officer_b": 404,
    "secretariat": 200,
    "inspector": 200,
    "approver": 200,
    "viewer": 200,
}

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
