"""The API matrix of reading a report into a results sheet (cycle_reading.py), on the closed
Cluster 3 / 2021 year: the pages' rows (tests/cycle/ladder_reading.py) with 401 for the anonymous
caller. Writes by the unit's own officer come back 409 or 422 on the closed year (allowed, OK)."""

from __future__ import annotations

from tests.api.ladder_api_cycle import api, bac_giang, cluster
from tests.cycle import ladder_reading
from tests.cycle.ladder_results import INSPECTED_SEES, ONLY_OWN_OFFICER, OWN_UNIT_SEES
from tests.ladder import ApiEntry

READINGS = "/api/v1/clusters/{year}/{number}/units/{code}/results/readings"


def bac_giang_reading(world) -> dict:
    *_, pk = ladder_reading.bac_giang_reading(world)
    return {**bac_giang(world), "reading_id": pk}


def yen_bai_reading_at_inspection(world) -> dict:
    *_, pk = ladder_reading.yen_bai_reading(stage_inspection=True)(world)
    return {**cluster(world), "code": "yen-bai", "reading_id": pk}


API_ENTRIES = [
    ApiEntry(f"GET {READINGS}", api(OWN_UNIT_SEES), path=bac_giang),
    ApiEntry(f"POST {READINGS}", api(ONLY_OWN_OFFICER), path=bac_giang, body=lambda w: {}),
    ApiEntry(f"GET {READINGS}/{{reading_id}}", api(OWN_UNIT_SEES), path=bac_giang_reading),
    ApiEntry(
        f"GET {READINGS}/{{reading_id}}",
        api(INSPECTED_SEES),
        path=yen_bai_reading_at_inspection,
        case="inspection",
    ),
    ApiEntry(
        f"POST {READINGS}/{{reading_id}}/accept",
        api(ONLY_OWN_OFFICER),
        path=bac_giang_reading,
        body=lambda w: {"values": {"TP1": "91,6"}},
    ),
]
