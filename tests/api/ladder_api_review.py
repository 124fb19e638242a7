"""The API matrix of the council review and of proposals outside the ranking (routers/review.py),
on the closed Cluster 3 / 2021 year: the pages' own ladder (tests/cycle/ladder_review.py) with 401
for the anonymous caller. Writes allowed on a closed year come back 409, counted as allowed."""

from __future__ import annotations

from tests.api.ladder_api_cycle import api, cluster, phu_tho_proposal
from tests.cycle import ladder_review
from tests.ladder import ApiEntry

BASE = "/api/v1/clusters/{year}/{number}"


def _row(name: str, method: str = "get") -> dict:
    (entry,) = [e for e in ladder_review.ENTRIES if e.name == name and e.method == method]
    return api(entry.expect)


def _with_council(world) -> dict:
    ladder_review._with_council(world)
    return phu_tho_proposal(world)


API_ENTRIES = [
    ApiEntry(f"GET {BASE}/review", _row("cycle_review"), path=cluster),
    ApiEntry(
        f"POST {BASE}/proposals/outside",
        _row("cycle_unit_proposals", "post"),
        path=cluster,
        body=lambda w: {
            "unit": "bac-giang",
            "award": "bang_khen_thu_tuong",
            "dossier": "Thành tích xuất sắc đột xuất.",
        },
    ),
    ApiEntry(
        f"POST {BASE}/proposals/{{proposal_id}}/opinion",
        _row("cycle_review_opinion", "post"),
        path=_with_council,
        body=lambda w: {"stance": "agree"},
    ),
    ApiEntry(
        f"POST {BASE}/review/decisions",
        _row("cycle_review_decide", "post"),
        path=cluster,
        body=lambda w: {
            "proposals": [w.proposal("phu-tho").pk],
            "decision": "approve",
            "confirm": True,
        },
    ),
    ApiEntry(
        f"POST {BASE}/proposals/{{proposal_id}}/answer",
        _row("cycle_review_answer", "post"),
        path=phu_tho_proposal,
        body=lambda w: {"note": "Bổ sung biên bản họp Cụm."},
    ),
]
