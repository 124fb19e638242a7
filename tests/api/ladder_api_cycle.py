"""The API matrix of the year's existing results, inspection and outcome operations
(cycle_results.py, cycle_outcome.py), on the closed Cluster 3 / 2021 year.

Each expectation is the pages' own ladder (tests/cycle/ladder_*.py) with 401 for the anonymous
caller: the API refuses exactly whom the pages refuse. Writes allowed on a closed year come back
409 (the stage), which counts as allowed (OK).
"""

from __future__ import annotations

from tests.cycle import ladder_inspection, ladder_outcome, ladder_results
from tests.ladder import API_MEMBERS_SEE, ApiEntry

BASE = "/api/v1/clusters/{year}/{number}"


def api(page_expectation: dict) -> dict:
    """The page's ladder row as the API answers it: anonymous callers get 401, not a redirect."""
    return {**page_expectation, "anonymous": 401}


def _page_row(entries: list, name: str, method: str = "get") -> dict:
    (entry,) = [e for e in entries if e.name == name and e.method == method]
    return api(entry.expect)


def cluster(world) -> dict:
    return {"year": 2021, "number": 3}


def bac_giang(world) -> dict:
    return {**cluster(world), "code": "bac-giang"}


def yen_bai_inspection(world) -> dict:
    return {**cluster(world), "inspection_id": world.inspection("yen-bai").pk}


def phu_tho_proposal(world) -> dict:
    return {**cluster(world), "proposal_id": world.proposal("phu-tho").pk}


def _sheet_body(world) -> dict:
    sheet = world.cycle2021.result_sheets.get(unit__code="bac-giang")
    return {"values": {}, "remarks": {}, "version": sheet.version}


def yen_bai_results(stage_inspection: bool):
    def path(world) -> dict:
        ladder_results.yen_bai_sheet(stage_inspection)(world)
        return {**cluster(world), "code": "yen-bai"}

    return path


def inspection_of(code: str, scored: bool = False):
    """An inspection of the closed year, or (`scored`) reopened at the inspection stage."""

    def path(world) -> dict:
        if scored:
            ladder_inspection.being_scored(code)(world)
        return {**cluster(world), "inspection_id": world.inspection(code).pk}

    return path


def inspection_body(code: str):
    return lambda world: {"values": {}, "remarks": {}, "version": world.inspection(code).version}


OWN_OFFICER = _page_row(ladder_results.ENTRIES, "cycle_result_sheet", "post")

API_ENTRIES = [
    # results (steps 5–6)
    # least privilege: the unit, the secretariat, the Ministry; inspectors during the inspection
    ApiEntry(
        f"GET {BASE}/units/{{code}}/results", api(ladder_results.OWN_UNIT_SEES), path=bac_giang
    ),
    ApiEntry(
        f"GET {BASE}/units/{{code}}/results",
        api(ladder_results.INSPECTED_SEES),
        path=yen_bai_results(stage_inspection=True),
        case="inspected unit, inspection stage",
    ),
    ApiEntry(
        f"GET {BASE}/units/{{code}}/results",
        api(ladder_results.INSPECTION_OVER),
        path=yen_bai_results(stage_inspection=False),
        case="inspected unit, year closed",
    ),
    ApiEntry(f"PUT {BASE}/units/{{code}}/results", OWN_OFFICER, path=bac_giang, body=_sheet_body),
    ApiEntry(
        f"POST {BASE}/units/{{code}}/results/submit",
        _page_row(ladder_results.ENTRIES, "cycle_result_submit", "post"),
        path=bac_giang,
        body=lambda w: {"version": _sheet_body(w)["version"]},
    ),
    # cross-inspection (step 7): the list is filtered per user, so every member reads it
    ApiEntry(f"GET {BASE}/inspections", API_MEMBERS_SEE, path=cluster),
    # by own unit: Yên Bái is the secretariat's (the Ministry stands in), Hòa Bình another's
    ApiEntry(
        f"GET {BASE}/inspections/{{inspection_id}}",
        api(ladder_inspection.INSPECTION_READ),
        path=inspection_of("yen-bai"),
    ),
    ApiEntry(
        f"GET {BASE}/inspections/{{inspection_id}}",
        api(ladder_inspection.OWN_UNIT_SCORED_READ),
        path=inspection_of("yen-bai", scored=True),
        case="own unit, being scored",
    ),
]
for _code, _row in (
    ("yen-bai", ladder_inspection.OWN_UNIT_WRITE),
    ("hoa-binh", ladder_inspection.OTHER_UNIT_WRITE),
):
    for _scored in (False, True):
        _case = f"{_code}{', being scored' if _scored else ''}"
        API_ENTRIES += [
            ApiEntry(
                f"PUT {BASE}/inspections/{{inspection_id}}",
                api(_row),
                path=inspection_of(_code, _scored),
                body=inspection_body(_code),
                case=_case,
            ),
            ApiEntry(
                f"POST {BASE}/inspections/{{inspection_id}}/submit",
                api(_row),
                path=inspection_of(_code, _scored),
                body=lambda w, c=_code: {"version": w.inspection(c).version},
                case=_case,
            ),
        ]
API_ENTRIES += [
    # outcome (steps 8–11)
    ApiEntry(
        f"GET {BASE}/ranking", _page_row(ladder_outcome.ENTRIES, "cycle_ranking"), path=cluster
    ),
    ApiEntry(
        f"GET {BASE}/units/{{code}}/score",
        _page_row(ladder_outcome.ENTRIES, "cycle_unit_score"),
        path=bac_giang,
    ),
    ApiEntry(
        f"GET {BASE}/proposals",
        _page_row(ladder_outcome.ENTRIES, "cycle_proposals"),
        path=cluster,
    ),
    ApiEntry(
        f"POST {BASE}/proposals/{{proposal_id}}/decision",
        _page_row(ladder_outcome.ENTRIES, "cycle_proposal_decide", "post"),
        path=phu_tho_proposal,
        body=lambda w: {"decision": "approve", "version": w.proposal("phu-tho").version},
    ),
    ApiEntry(
        f"POST {BASE}/vote/ballot",
        _page_row(ladder_outcome.ENTRIES, "cycle_vote_cast", "post"),
        path=cluster,
        body=lambda w: {"choice": "yes"},
    ),
]
