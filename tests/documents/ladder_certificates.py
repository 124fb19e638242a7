"""Permission ladder of certificate printing for the demo's signed decision of Cluster 3 / 2021
(Ministry flags and a certificate): the Ministry prints every line, a member unit its own lines
(the secretariat Yên Bái has none in it: 409, nothing to print), Gia Lai does not see it."""

from __future__ import annotations

from tests.ladder import OK, Entry

SEEN = {
    "anonymous": 302,
    "officer_a": OK,
    "officer_b": 404,
    "secretariat": OK,
    "inspector": OK,
    "approver": OK,
    "viewer": OK,
}


def demo_decision(world) -> list:
    from thidua.cycle.outcome.decisions import build_demo_decisions  # as load_demo makes them

    return [next(d for d in build_demo_decisions(world.cycle2021) if d.authority == "BCA").pk]


ENTRIES = [
    Entry("certificate_page", SEEN, args=demo_decision),
    Entry(
        "certificate_page",
        SEEN,
        args=demo_decision,
        method="post",
        data=lambda w: {"printer": "Máy in thử", "x": "1", "y": "0", "action": "save"},
    ),
    Entry("certificate_pdf", SEEN, args=demo_decision),
    Entry("certificate_preview", SEEN, args=demo_decision),
]
