"""The API matrix of the reference data (thidua/api/api.py): units and clusters.

Mirrors tests/org/ladder.py: units are public to every signed-in user; a cluster's year is seen by
its members, the Ministry and the secretariat, not by an officer of another cluster (404).
"""

from __future__ import annotations

from tests.ladder import API_EVERYONE_SIGNED_IN, ApiEntry

API_ENTRIES = [
    ApiEntry("GET /api/v1/units", API_EVERYONE_SIGNED_IN, query=lambda w: {"q": "bac giang"}),
    ApiEntry(
        "GET /api/v1/units/{code}", API_EVERYONE_SIGNED_IN, path=lambda w: {"code": "hoa-binh"}
    ),
    ApiEntry("GET /api/v1/clusters", API_EVERYONE_SIGNED_IN, query=lambda w: {"year": 2021}),
    ApiEntry(
        "GET /api/v1/clusters/{year}/{number}",
        {**API_EVERYONE_SIGNED_IN, "officer_b": 404},
        path=lambda w: {"year": 2021, "number": 3},
    ),
]
