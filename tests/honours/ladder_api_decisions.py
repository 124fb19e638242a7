"""The API matrix of commendation decisions (thidua/api/routers/decisions.py), on the demo's
signed Ministry decision for Cluster 3 / 2021: its recipients (officer_a's Bắc Giang, the
inspector's Quảng Ninh, the viewer's Thái Nguyên) and the cluster's secretariat read it, the
officer of another cluster does not see it (404); only the Ministry approver signs and revokes
(a signed decision signed again is 409, which counts as allowed)."""

from __future__ import annotations

import datetime as dt

from tests.ladder import OK, ApiEntry

#                anon officer_a officer_b secretariat inspector approver viewer
READERS = dict(
    zip(
        ("anonymous", "officer_a", "officer_b", "secretariat", "inspector", "approver", "viewer"),
        (401, 200, 404, 200, 200, 200, 200),
        strict=True,
    )
)
APPROVER_ACTS = {
    **READERS,
    "officer_a": 403,
    "secretariat": 403,
    "inspector": 403,
    "viewer": 403,
    "approver": OK,
}
EVERYONE = {**READERS, "officer_b": 200}
CLUSTER_APPROVER = {**APPROVER_ACTS}


def ministry_decision(world):
    """The demo's signed Ministry decision (made here once per test, as load_demo makes it)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions

    return next(d for d in build_demo_decisions(world.cycle2021) if d.authority == "BCA")


def decision(world) -> dict:
    return {"decision_id": ministry_decision(world).pk}


def line(world) -> dict:
    d = ministry_decision(world)
    return {"decision_id": d.pk, "line_id": d.lines.get(unit__code="bac-giang").pk}


def revocation(world) -> dict:
    return {
        "decision_no": "99/QĐ-BCA",
        "decision_date": dt.date(2022, 6, 1).isoformat(),
        "ground": "gian_doi_ke_khai",
        "reason": "Kiểm tra quyền",
    }


def signing(world) -> dict:
    d = ministry_decision(world)
    return {"seq": 402, "date": "2022-01-21", "signer_name": "Người ký", "version": d.version}


API_ENTRIES = [
    ApiEntry("GET /api/v1/decisions", EVERYONE),
    ApiEntry("GET /api/v1/decisions/{decision_id}", READERS, path=decision),
    ApiEntry(
        "GET /api/v1/decisions/{decision_id}/document.{ext}",
        READERS,
        path=lambda w: {**decision(w), "ext": "pdf"},
    ),
    ApiEntry(
        "POST /api/v1/decisions/{decision_id}/sign", APPROVER_ACTS, path=decision, body=signing
    ),
    ApiEntry(
        "POST /api/v1/decisions/{decision_id}/revoke", APPROVER_ACTS, path=decision, body=revocation
    ),
    ApiEntry(
        "POST /api/v1/decisions/{decision_id}/lines/{line_id}/revoke",
        APPROVER_ACTS,
        path=line,
        body=revocation,
    ),
    ApiEntry(
        "POST /api/v1/clusters/{year}/{number}/decisions",
        CLUSTER_APPROVER,
        path=lambda w: {"year": 2021, "number": 3},
        body=lambda w: {"authority": "BCA"},
    ),
]
