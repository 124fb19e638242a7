"""The API matrix of the register's statistics and a decision's certificates
(thidua/api/routers/honours_reports.py): every signed-in user reads the statistics of the rows
they may see; the certificates of the demo's signed Ministry decision for Cluster 3 / 2021 are
printed by those who read the decision (a reader whose unit has no line on a blank gets 409,
allowed), not by the officer of another cluster (404)."""

from __future__ import annotations

from tests.honours.ladder_api_decisions import decision
from tests.ladder import API_EVERYONE_SIGNED_IN, OK, ApiEntry

CERTIFICATE_READERS = {
    "anonymous": 401,
    "officer_a": OK,
    "officer_b": 404,
    "secretariat": OK,
    "inspector": OK,
    "approver": OK,
    "viewer": OK,
}

API_ENTRIES = [
    ApiEntry(
        "GET /api/v1/statistics",
        API_EVERYONE_SIGNED_IN,
        query=lambda w: {"year_from": 2021, "year_to": 2021, "unit": "bac giang"},
    ),
    ApiEntry(
        "GET /api/v1/decisions/{decision_id}/certificates.pdf",
        CERTIFICATE_READERS,
        path=decision,
    ),
]
