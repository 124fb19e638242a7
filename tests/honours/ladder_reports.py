"""Permission ladder of the register's reports: statistics and the reward fund (every signed-in
user reads them over the rows they may see)."""

from __future__ import annotations

from tests.ladder import Entry

EVERYONE = {
    "anonymous": 302,
    "officer_a": 200,
    "officer_b": 200,
    "secretariat": 200,
    "inspector": 200,
    "approver": 200,
    "viewer": 200,
}

ENTRIES = [
    Entry("honours_statistics", EVERYONE),
    Entry("honours_fund", EVERYONE),
]
