"""Permission ladder of the next-year pages of Cluster 3 / 2021: the method draft (members read,
the secretariat adopts) and a unit's years."""

from __future__ import annotations

from tests.ladder import MEMBERS_SEE, SECRETARIAT_ONLY, Entry, cluster3_2021

ENTRIES = [
    Entry("cycle_method_inherit", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_method_inherit", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    Entry("cycle_unit_years", MEMBERS_SEE, args=lambda w: [2021, 3, "bac-giang"]),
]
