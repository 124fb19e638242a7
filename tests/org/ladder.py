from tests.ladder import OK, Entry

ANY_SIGNED_IN = {
    "anonymous": 302,
    "officer_a": 200,
    "officer_b": 200,
    "secretariat": 200,
    "inspector": 200,
    "approver": 200,
    "viewer": 200,
}

ENTRIES = [
    # The reverse proxy's readiness probe: anonymous, for everyone.
    Entry("health", {k: 200 for k in ANY_SIGNED_IN}),
    Entry("home", ANY_SIGNED_IN),
    Entry("unit_list", ANY_SIGNED_IN),
    Entry("unit_detail", ANY_SIGNED_IN, args=lambda w: ["hoa-binh"]),
    Entry("cluster_list", ANY_SIGNED_IN),
    Entry("unit_list_excel", ANY_SIGNED_IN),
    Entry("cluster_list_excel", ANY_SIGNED_IN),
    Entry("cluster_detail", {**ANY_SIGNED_IN, "officer_b": 404}, args=lambda w: [2021, 3]),
    Entry("styleguide", {**{k: 403 for k in ANY_SIGNED_IN}, "anonymous": 302}),
    Entry(
        "cluster_handover",
        # Cluster 3 / 2021 is run in the system: the secretariat is answered 409 (close the year instead).
        {
            "anonymous": 302,
            "officer_a": 403,
            "officer_b": 404,
            "inspector": 403,
            "viewer": 403,
            "approver": 403,
            "secretariat": OK,
        },
        args=lambda w: [2021, 3],
        method="post",
        data=lambda w: {
            "next_leader": w.unit("bac-giang").pk,
            "next_deputy": w.unit("quang-ninh").pk,
        },
    ),
    # The account page and the second factor (TOTP): enrolment and removal are for approvers (and
    # administrators); the code page sends a user with nothing to verify on to the home page.
    Entry("account", ANY_SIGNED_IN),
    Entry("password_change", ANY_SIGNED_IN),
    Entry("totp_enrol", {**{k: 403 for k in ANY_SIGNED_IN}, "anonymous": 302, "approver": 200}),
    Entry(
        "totp_remove",
        {**{k: 403 for k in ANY_SIGNED_IN}, "anonymous": 302, "approver": OK},
        method="post",
        data=lambda w: {"code": "123456"},
    ),
    Entry("totp_verify", {k: 302 for k in ANY_SIGNED_IN}),
]
