"""The API matrix of the year's documents (thidua/api/routers/documents.py).

Mirrors tests/cycle/ladder_documents.py: once the year is ranked, everyone in the cluster's scope
downloads its documents; the score table as XLSX is the quickest to build.
"""

from __future__ import annotations

from tests.ladder import API_MEMBERS_SEE, ApiEntry

API_ENTRIES = [
    ApiEntry(
        "GET /api/v1/clusters/{year}/{number}/documents/{kind}.{ext}",
        API_MEMBERS_SEE,
        path=lambda w: {"year": 2021, "number": 3, "kind": "scores", "ext": "xlsx"},
    ),
]
