"""The API matrix of the rest of the year's workflow (cycle_workflow.py), on the closed
Cluster 3 / 2021 year: returning a submission, teams, disputes, recomputing, the vote, proposal
adjustments, the handover.

Each expectation is the pages' own ladder row (tests/cycle/ladder_*.py) with 401 for the anonymous
caller. Writes allowed on a closed year come back 409 (the stage), which counts as allowed (OK).
"""

from __future__ import annotations

from tests.api.ladder_api_cycle import (
    BASE,
    _page_row,
    api,
    bac_giang,
    cluster,
    phu_tho_proposal,
)
from tests.cycle import ladder_inspection, ladder_outcome, ladder_results
from tests.ladder import OK, ApiEntry


def bac_giang_dispute(world) -> dict:
    """A dispute Bắc Giang raised (its officer is officer_a; the cast's inspector does not
    inspect Bắc Giang, the viewer's unit is another, so neither sees it)."""
    _, _, pk = ladder_inspection.bac_giang_dispute(world)
    return {**cluster(world), "dispute_id": pk}


def yen_bai_dispute(world) -> dict:
    """The secretariat's own unit's dispute: the Ministry resolves it (no deputy in 2021)."""
    _, _, pk = ladder_inspection.yen_bai_dispute(world)
    return {**cluster(world), "dispute_id": pk}


def first_team(world) -> dict:
    _, _, pk = ladder_inspection.first_team(world)
    return {**cluster(world), "team_id": pk}


def _return_body(world) -> dict:
    sheet = world.cycle2021.result_sheets.get(unit__code="bac-giang")
    return {"reason": "Thiếu minh chứng.", "version": sheet.version}


API_ENTRIES = [
    ApiEntry(
        f"POST {BASE}/units/{{code}}/results/return",
        _page_row(ladder_results.ENTRIES, "cycle_result_return", "post"),
        path=bac_giang,
        body=_return_body,
    ),
    # cross-inspection teams and disputes (step 7)
    ApiEntry(
        f"GET {BASE}/inspection-teams",
        _page_row(ladder_inspection.ENTRIES, "cycle_teams"),
        path=cluster,
    ),
    ApiEntry(
        f"POST {BASE}/inspection-teams",
        _page_row(ladder_inspection.ENTRIES, "cycle_team_new", "post"),
        path=cluster,
        body=lambda w: {
            "name": "Đoàn kiểm tra số 3",
            "leader_unit": "bac-giang",
            "member_units": ["quang-ninh"],
            "inspected_units": ["yen-bai"],
        },
    ),
    ApiEntry(
        f"PUT {BASE}/inspection-teams/{{team_id}}",
        _page_row(ladder_inspection.ENTRIES, "cycle_team_edit", "post"),
        path=first_team,
        body=lambda w: {
            "name": "Đoàn kiểm tra số 1",
            "leader_unit": "bac-giang",
            "member_units": ["quang-ninh"],
            "inspected_units": ["yen-bai"],
            "members": [],
        },
    ),
    ApiEntry(
        f"DELETE {BASE}/inspection-teams/{{team_id}}",
        _page_row(ladder_inspection.ENTRIES, "cycle_team_dissolve", "post"),
        path=first_team,
    ),
    ApiEntry(
        f"GET {BASE}/disputes",
        _page_row(ladder_inspection.ENTRIES, "cycle_disputes"),
        path=cluster,
    ),
    ApiEntry(
        # The page's form (GET) lets the same people in as its POST: a unit's own officers and
        # the secretariat (for its own unit); no one else may raise a dispute.
        f"POST {BASE}/disputes",
        {
            **_page_row(ladder_inspection.ENTRIES, "cycle_dispute_new"),
            "officer_a": OK,
            "secretariat": OK,
        },
        path=cluster,
        body=lambda w: {"criterion": "TP1", "statement": "Đề nghị xem lại tỷ lệ khám phá án."},
    ),
    ApiEntry(
        f"POST {BASE}/disputes/{{dispute_id}}/resolve",
        api(ladder_inspection.rows(302, 403, 404, OK, 404, 403, 404)),
        path=bac_giang_dispute,
        body=lambda w: {"decision": "reject", "resolution": "Số liệu đoàn kiểm tra là đúng."},
    ),
    ApiEntry(
        f"POST {BASE}/disputes/{{dispute_id}}/resolve",
        api(ladder_inspection.OWN_UNIT_DISPUTE),
        path=yen_bai_dispute,
        body=lambda w: {"decision": "reject", "resolution": "Số liệu đoàn kiểm tra là đúng."},
        case="the secretariat's own unit",
    ),
    # ranking and the honouring vote (steps 8–9)
    ApiEntry(
        f"POST {BASE}/ranking/recompute",
        _page_row(ladder_outcome.ENTRIES, "cycle_ranking_recompute", "post"),
        path=cluster,
        body=lambda w: {"reason": "Sau khi giải quyết khiếu nại."},
    ),
    ApiEntry(f"GET {BASE}/vote", _page_row(ladder_outcome.ENTRIES, "cycle_vote"), path=cluster),
    ApiEntry(
        f"POST {BASE}/vote/open",
        _page_row(ladder_outcome.ENTRIES, "cycle_vote_open", "post"),
        path=cluster,
        body=lambda w: {"candidate": "yen-bai", "passphrase": "Thường trực Cụm giữ khóa"},
    ),
    ApiEntry(
        f"POST {BASE}/vote/close",
        _page_row(ladder_outcome.ENTRIES, "cycle_vote_close", "post"),
        path=cluster,
    ),
    ApiEntry(
        f"POST {BASE}/vote/key",
        _page_row(ladder_outcome.ENTRIES, "cycle_vote_key", "post"),
        path=cluster,
        body=lambda w: {"passphrase": "Đại diện Bộ giữ khóa"},
    ),
    ApiEntry(
        f"POST {BASE}/vote/tally",
        _page_row(ladder_outcome.ENTRIES, "cycle_vote_tally", "post"),
        path=cluster,
        body=lambda w: {"passphrase": "Đại diện Bộ giữ khóa"},
    ),
    # proposals (step 10)
    ApiEntry(
        f"POST {BASE}/proposals/add",
        _page_row(ladder_outcome.ENTRIES, "cycle_proposal_add", "post"),
        path=cluster,
        body=lambda w: {
            "unit": "phu-tho",
            "award_code": "CO_BCA",
            "reason": "Hội nghị Cụm thống nhất.",
        },
    ),
    ApiEntry(
        f"POST {BASE}/proposals/{{proposal_id}}/withdraw",
        _page_row(ladder_outcome.ENTRIES, "cycle_proposal_withdraw", "post"),
        path=phu_tho_proposal,
        body=lambda w: {"reason": "Đơn vị xin rút.", "version": w.proposal("phu-tho").version},
    ),
    ApiEntry(
        f"POST {BASE}/proposals/resubmit",
        _page_row(ladder_outcome.ENTRIES, "cycle_proposals_resubmit", "post"),
        path=cluster,
    ),
    # handover (step 12)
    ApiEntry(
        f"GET {BASE}/handover",
        _page_row(ladder_outcome.ENTRIES, "cycle_handover"),
        path=cluster,
    ),
    ApiEntry(
        f"POST {BASE}/handover",
        _page_row(ladder_outcome.ENTRIES, "cycle_handover", "post"),
        path=cluster,
        body=lambda w: {"next_leader": "bac-giang", "next_deputy": "quang-ninh"},
    ),
]
