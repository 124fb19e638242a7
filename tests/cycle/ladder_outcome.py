"""Permission ladder of the year's outcome: ranking, vote, proposals, approval, handover.

Cluster 3 / 2021 is closed: allowed actions are then refused for the stage (409) or bad input (422),
which the ladder counts as allowed (OK); what matters here is who gets 302/403/404.
"""

from tests.ladder import MEMBERS_SEE, OK, SECRETARIAT_ONLY, Entry, cluster3_2021

# A unit's ballot: officers of member units (any role but read-only); not the Ministry.
MEMBER_OFFICERS = {
    "anonymous": 302,
    "officer_a": OK,
    "officer_b": 404,
    "secretariat": OK,
    "inspector": OK,
    "approver": 403,
    "viewer": 403,
}
MINISTRY_ONLY = {
    "anonymous": 302,
    "officer_a": 403,
    "officer_b": 404,
    "secretariat": 403,
    "inspector": 403,
    "approver": OK,
    "viewer": 403,
}


def _proposal(world) -> list:
    return [2021, 3, world.proposal("phu-tho").pk]


ENTRIES = [
    Entry("cycle_ranking", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_ranking_recompute", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    Entry("cycle_unit_score", MEMBERS_SEE, args=lambda w: [2021, 3, "bac-giang"]),
    Entry("cycle_vote", MEMBERS_SEE, args=cluster3_2021),
    Entry(
        "cycle_vote_open",
        SECRETARIAT_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"candidate": w.unit("yen-bai").pk},
    ),
    Entry(
        "cycle_vote_cast",
        MEMBER_OFFICERS,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"choice": "yes"},
    ),
    Entry("cycle_vote_close", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    # The vote's second key holder is the Ministry's approver, signed in as themselves.
    Entry(
        "cycle_vote_key",
        MINISTRY_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"passphrase": "Đại diện Bộ giữ khóa", "confirm": "Đại diện Bộ giữ khóa"},
    ),
    Entry(
        "cycle_vote_tally",
        MINISTRY_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"passphrase": "Đại diện Bộ giữ khóa"},
    ),
    Entry("cycle_proposals", MEMBERS_SEE, args=cluster3_2021),
    Entry(
        "cycle_proposal_add",
        SECRETARIAT_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {
            "add-unit": w.unit("phu-tho").pk,
            "add-award_code": "CO_BCA",
            "add-reason": "Hội nghị Cụm thống nhất.",
        },
    ),
    Entry("cycle_proposals_resubmit", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    Entry(
        "cycle_proposal_withdraw",
        SECRETARIAT_ONLY,
        args=_proposal,
        method="post",
        data=lambda w: {f"w{w.proposal('phu-tho').pk}-reason": "Đơn vị xin rút."},
    ),
    Entry(
        "cycle_proposal_decide",
        MINISTRY_ONLY,
        args=_proposal,
        method="post",
        data=lambda w: {
            f"d{w.proposal('phu-tho').pk}-decision": "approve",
            f"d{w.proposal('phu-tho').pk}-version": w.proposal("phu-tho").version,
        },
    ),
    Entry("cycle_handover", MEMBERS_SEE, args=cluster3_2021),
    Entry(
        "cycle_handover",
        SECRETARIAT_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {
            "next_leader": w.unit("bac-giang").pk,
            "next_deputy": w.unit("quang-ninh").pk,
        },
    ),
]
