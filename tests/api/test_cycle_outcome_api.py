"""The year's outcome through /api/v1/: ranking, a unit's scores, proposals, decisions, ballots."""

from __future__ import annotations

import pytest

from tests.cycle.conftest import year  # noqa: F401  (the rebuilt 2021 year, as a fixture)
from tests.cycle.test_outcome_pages import approving, at_stage, client_of, ranked_year, voting
from tests.vote_helpers import open_vote
from thidua.cycle.models import Cycle, Proposal

pytestmark = pytest.mark.django_db
BASE = "/api/v1/clusters/2021/3"


def test_ranking_lists_units_with_total_rank_and_robustness(world):
    response = world.cast.client(world.cast.officer_a).get(f"{BASE}/ranking")
    assert response.status_code == 200
    body = response.json()
    first = body["units"][0]
    assert (first["unit"]["code"], first["rank"], first["total"]) == ("yen-bai", 1, "98.110")
    assert first["robustness"] == {
        "median_rank": 1.0,
        "p5_rank": 1.0,
        "p95_rank": 1.0,
        "p_first": 1.0,
    }
    assert body["method_version"] == 1 and body["excluded"] == []
    assert body["tie_breaks"][0] == "điểm nhóm “Đấu tranh phòng, chống tội phạm”"
    assert "Hòa Bình xếp trên" in body["units"][4]["note"]


def test_ranking_lists_vetoed_units_apart_with_their_reasons(year):  # noqa: F811
    ranked_year(year)
    body = client_of(year["officers"]["bac-giang"]).get(f"{BASE}/ranking").json()
    assert "phu-tho" not in [u["unit"]["code"] for u in body["units"]]
    (excluded,) = body["excluded"]
    assert excluded["unit"]["code"] == "phu-tho" and excluded["kind"] == "veto"
    assert any("điểm nóng" in reason for reason in excluded["reasons"])
    assert body["discrepancies"][0]["unit_name"] == "Bắc Giang"


def test_ranking_is_not_published_to_members_before_the_ranking_stage(world):
    at_stage(world.cycle2021, Cycle.Stage.INSPECTION)
    response = world.cast.client(world.cast.officer_a).get(f"{BASE}/ranking")
    assert response.status_code == 404
    assert response.json() == {"detail": "Bảng xếp hạng chưa được công bố."}
    assert world.cast.client(world.cast.approver).get(f"{BASE}/ranking").status_code == 200


def test_another_clusters_officer_gets_404(world):
    client = world.cast.client(world.cast.officer_b)
    for path in ("ranking", "units/bac-giang/score", "proposals"):
        assert client.get(f"{BASE}/{path}").status_code == 404


def test_unit_score_explains_every_criterion(world):
    body = world.cast.client(world.cast.viewer).get(f"{BASE}/units/bac-giang/score").json()
    assert body["total"] == "97.080" and body["rank"] == 2 and body["stage"] == "consolidated"
    tp1 = next(c for c in body["criteria"] if c["code"] == "TP1")
    assert tp1["inputs"] == {"value": "91.8", "target": "76", "unit": "%"}
    assert tp1["rule_text"].startswith("Chỉ tiêu (càng cao càng tốt)")
    assert "cộng 1,58 điểm" in tp1["formula"] and tp1["points"] == "11.58"
    assert len(body["criteria"]) == 23 and len(body["groups"]) == 5
    assert {s["stage"] for s in body["sheets"]} == {"self", "inspection", "consolidated"}


def test_unknown_unit_score_is_404_in_vietnamese(world):
    response = world.cast.client(world.cast.approver).get(f"{BASE}/units/khong-co/score")
    assert response.status_code == 404
    assert response.json()["detail"] == "Đơn vị không thuộc cụm thi đua này."


def test_proposals_list_reasons_states_and_refusals(world):
    body = world.cast.client(world.cast.officer_a).get(f"{BASE}/proposals").json()
    assert len(body["proposals"]) == 8
    first = body["proposals"][0]
    assert first["award_code"] == "CO_CP" and first["state"] == "approved"
    assert "suy tôn dẫn đầu Cụm" in first["basis"]
    refused = {(r["unit"]["code"], r["award_code"]): r["reason"] for r in body["refusals"]}
    assert "hết chỉ tiêu" in refused[("phu-tho", "CO_BCA")]


def test_only_the_ministry_decides_a_proposal(world):
    proposal = approving(world)
    path = f"{BASE}/proposals/{proposal.pk}/decision"
    payload = {"decision": "approve", "version": proposal.version}
    secretariat = world.cast.client(world.cast.secretariat)
    response = secretariat.post(path, payload, content_type="application/json")
    assert response.status_code == 403 and "Bộ" in response.json()["detail"]
    approver = world.cast.client(world.cast.approver)
    response = approver.post(path, payload, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    again = approver.post(path, payload, content_type="application/json")
    assert again.status_code == 409


def test_a_decision_is_validated_and_stale_versions_are_refused(world):
    proposal = approving(world)
    path = f"{BASE}/proposals/{proposal.pk}/decision"
    approver = world.cast.client(world.cast.approver)
    bad = approver.post(path, {"decision": "ok", "version": 1}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["decision"]
    no_reason = approver.post(
        path, {"decision": "return", "version": proposal.version}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [
        {"loc": ["reason"], "message": "Trả lại hoặc không phê duyệt thì phải nêu lý do."}
    ]
    stale = approver.post(
        path,
        {"decision": "approve", "version": proposal.version - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_a_ballot_is_recorded_for_the_unit_and_never_echoes_the_choice(world):
    cycle = voting(world)
    vote = open_vote(cycle, by=world.cast.secretariat, candidate=world.unit("yen-bai"))
    officer = world.cast.client(world.cast.officer_a)
    response = officer.post(
        f"{BASE}/vote/ballot", {"choice": "no"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"unit", "receipt", "voted", "member_count"}
    assert body["receipt"] == vote.receipts()[0]
    assert body["unit"]["code"] == "bac-giang" and body["voted"] == 1
    assert "no" not in response.content.decode().replace('"', " ").split()
    again = officer.post(f"{BASE}/vote/ballot", {"choice": "yes"}, content_type="application/json")
    assert again.status_code == 409 and "đã biểu quyết" in again.json()["detail"]
    vote.refresh_from_db()
    assert vote.present == 1


def test_the_ministry_and_read_only_accounts_cannot_vote(world):
    cycle = voting(world)
    open_vote(cycle, by=world.cast.secretariat, candidate=world.unit("yen-bai"))
    for user in (world.cast.approver, world.cast.viewer):
        response = world.cast.client(user).post(
            f"{BASE}/vote/ballot", {"choice": "yes"}, content_type="application/json"
        )
        assert response.status_code == 403


def test_a_ballot_before_the_vote_opens_is_409(world):
    voting(world)
    response = world.cast.client(world.cast.officer_a).post(
        f"{BASE}/vote/ballot", {"choice": "yes"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Biểu quyết suy tôn chưa mở."}


def test_openapi_documents_the_outcome_endpoints_and_their_errors(world):
    spec = world.cast.client(world.cast.viewer).get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    reads = [
        "/api/v1/clusters/{year}/{number}/ranking",
        "/api/v1/clusters/{year}/{number}/units/{code}/score",
        "/api/v1/clusters/{year}/{number}/proposals",
    ]
    for path in reads:
        assert set(paths[path]["get"]["responses"]) >= {"200", "401", "403", "404", "422"}
    writes = [
        "/api/v1/clusters/{year}/{number}/proposals/{proposal_id}/decision",
        "/api/v1/clusters/{year}/{number}/vote/ballot",
    ]
    for path in writes:
        assert set(paths[path]["post"]["responses"]) >= {"200", "401", "403", "404", "409", "422"}
