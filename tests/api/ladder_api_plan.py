"""The API matrix of the plan of a cluster's year (thidua/api/routers/cycle_plan.py), on Cluster 3 /
2021 (the cast's cluster, closed: an allowed write is refused for the stage, 409, or for its body,
422 — both count as allowed).

Mirrors the pages' ladders, tests/cycle/ladder_overview.py and ladder_plan.py: every member of the
cluster and the Ministry read the year, its method, covenant, registrations and drives (the method
page shows the targets and the rules to all of them); only the secretariat opens and advances the
year, changes the method, writes the covenant and runs the drives; officer A signs the covenant and
registers for their own unit (Bắc Giang), as the secretariat may for any member.
"""

from __future__ import annotations

from tests.ladder import API_MEMBERS_SEE, API_SECRETARIAT_ONLY, OK, ApiEntry

BASE = "/api/v1/clusters/{year}/{number}"
OWN_UNIT = {**API_SECRETARIAT_ONLY, "officer_a": OK}


def cluster3_2021(world) -> dict:
    return {"year": 2021, "number": 3}


def _drive(world) -> dict:
    from tests.cycle.ladder_plan import _drive as drive_args

    return {"year": 2021, "number": 3, "drive_id": drive_args(world)[2]}


def _bac_giang(world) -> dict:
    return {"year": 2021, "number": 3, "code": "bac-giang"}


DRIVE = {
    "kind": "peak",
    "name": "Đợt cao điểm",
    "starts_on": "2021-06-01",
    "ends_on": "2021-06-30",
}
RULES = {"operating_rules": "", "vote_quorum": "2/3", "vote_threshold": "1/2", "reason": "Thử"}


def _token(world) -> str:
    from thidua.cycle.models.plan import method_token

    world.cycle2021._method = None
    return method_token(world.cycle2021.method)


API_ENTRIES = [
    # the year itself
    ApiEntry(f"GET {BASE}/cycle", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(f"POST {BASE}/cycle", API_SECRETARIAT_ONLY, path=cluster3_2021, body=lambda w: {}),
    ApiEntry(
        f"POST {BASE}/cycle/advance",
        API_SECRETARIAT_ONLY,
        path=cluster3_2021,
        body=lambda w: {"to": "closed"},
    ),
    # the method
    ApiEntry(f"GET {BASE}/method", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(
        f"PUT {BASE}/method",
        API_SECRETARIAT_ONLY,
        path=cluster3_2021,
        body=lambda w: {"award_rules": w.cycle2021.method.award_rules, "token": _token(w)},
    ),
    ApiEntry(f"GET {BASE}/method/targets", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(
        f"PUT {BASE}/method/targets",
        API_SECRETARIAT_ONLY,
        path=cluster3_2021,
        body=lambda w: {"targets": {"bac-giang": {"DA1": 1150000}}, "token": _token(w)},
    ),
    ApiEntry(f"GET {BASE}/method/rules", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(
        f"PUT {BASE}/method/rules",
        API_SECRETARIAT_ONLY,
        path=cluster3_2021,
        body=lambda w: {**RULES, "token": _token(w)},
    ),
    # covenant
    ApiEntry(f"GET {BASE}/covenant", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(
        f"PUT {BASE}/covenant",
        API_SECRETARIAT_ONLY,
        path=cluster3_2021,
        body=lambda w: {"text": "Giao ước", "version": 1},
    ),
    ApiEntry(
        f"POST {BASE}/covenant/signatures",
        OWN_UNIT,
        path=cluster3_2021,
        body=lambda w: {"unit": "bac-giang"},
    ),
    # registrations: everyone in scope reads them (the list page shows every unit's); officer A
    # writes their own unit's
    ApiEntry(f"GET {BASE}/registrations", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(f"GET {BASE}/registrations/{{code}}", API_MEMBERS_SEE, path=_bac_giang),
    ApiEntry(
        f"PUT {BASE}/registrations/{{code}}",
        OWN_UNIT,
        path=_bac_giang,
        body=lambda w: {"collective_titles": ["don_vi_quyet_thang"], "version": 1},
    ),
    # drives
    ApiEntry(f"GET {BASE}/drives", API_MEMBERS_SEE, path=cluster3_2021),
    ApiEntry(f"POST {BASE}/drives", API_SECRETARIAT_ONLY, path=cluster3_2021, body=lambda w: DRIVE),
    ApiEntry(f"GET {BASE}/drives/{{drive_id}}", API_MEMBERS_SEE, path=_drive),
    ApiEntry(
        f"PUT {BASE}/drives/{{drive_id}}",
        API_SECRETARIAT_ONLY,
        path=_drive,
        body=lambda w: {**DRIVE, "version": 1},
    ),
]
