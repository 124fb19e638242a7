"""The rest of a cluster's year through /api/v1/, as an integrating system uses it (Bearer tokens):
returning a submission, inspection teams, disputes, recomputing the ranking, the honouring vote,
adjusting and resubmitting proposals, the handover. Same rules, same audit rows as the pages.

Live flows use the demo's open 2025 year of Cluster 3 (Cao Bằng leads it); the steps that need a
ranked year use the demo's 2021 year of Cluster 3, moved to the stage the test needs.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.cycle.test_outcome_pages import approving, at_stage, proposing, voting
from tests.vote_helpers import MINISTRY_PASSPHRASE, SECRETARIAT_PASSPHRASE
from thidua.api.models import ApiToken
from thidua.audit.models import AuditRecord
from thidua.cycle.models import (
    Cycle,
    Dispute,
    HonourVote,
    Inspection,
    InspectionTeam,
    Proposal,
    Ranking,
    ResultSheet,
)
from thidua.cycle.scoring import resolve_dispute
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Handover, User

pytestmark = pytest.mark.django_db
S = Cycle.Stage
Y2025 = "/api/v1/clusters/2025/3"
Y2021 = "/api/v1/clusters/2021/3"
MEMBERS_2025 = ("cao-bang", "dien-bien", "lai-chau", "lao-cai-2025", "son-la", "tuyen-quang-2025")


class Api:
    """One caller of the API with their own bearer token."""

    def __init__(self, user: User) -> None:
        self.user = user
        _, token = ApiToken.issue(user, "kiểm thử quy trình")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, body: dict | None = None):
        return self.client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def y2025(reference) -> dict:
    """The open 2025 year: its secretariat (Cao Bằng) and one officer per member unit."""
    cycle = Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)
    secretariat = make_user("api.tt.caobang", User.Role.SECRETARIAT, "cao-bang")
    officers = {
        code: make_user(f"api.cb.{code}", User.Role.UNIT_OFFICER, code) for code in MEMBERS_2025
    }
    return {
        "cycle": cycle,
        "secretariat": Api(secretariat),
        "officers": {code: Api(user) for code, user in officers.items()},
    }


def audit_rows(action: str, obj) -> list[AuditRecord]:
    return list(AuditRecord.objects.for_object(obj).filter(action=action).order_by("seq"))


def messages(response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        out.setdefault(".".join(error["loc"]), []).append(error["message"])
    return out


# -- returning a submission ---------------------------------------------------------------------


def test_secretariat_returns_a_submitted_sheet_with_a_reason_and_the_unit_may_correct_it(y2025):
    sheet = ResultSheet.objects.get(cycle=y2025["cycle"], unit__code="dien-bien")
    url = f"{Y2025}/units/dien-bien/results"
    before = y2025["officers"]["dien-bien"].get(url).json()
    assert (before["state"], before["can_edit"]) == ("submitted", False)

    response = y2025["secretariat"].post(
        f"{url}/return", {"reason": "  Thiếu minh chứng tiêu chí TP1. ", "version": sheet.version}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "returned" and body["return_reason"] == "Thiếu minh chứng tiêu chí TP1."
    assert (body["revision"], body["version"]) == (sheet.revision + 1, sheet.version + 1)
    (row,) = audit_rows("return", sheet)
    assert row.reason == "Thiếu minh chứng tiêu chí TP1." and row.actor == y2025["secretariat"].user
    after = y2025["officers"]["dien-bien"].get(url).json()
    assert (after["state"], after["can_edit"]) == ("returned", True)


def test_returning_a_sheet_that_changed_since_it_was_read_is_refused_and_nothing_changes(y2025):
    sheet = ResultSheet.objects.get(cycle=y2025["cycle"], unit__code="son-la")
    response = y2025["secretariat"].post(
        f"{Y2025}/units/son-la/results/return",
        {"reason": "Sai số liệu.", "version": sheet.version - 1},
    )
    assert response.status_code == 409
    assert "đã được người khác cập nhật" in response.json()["detail"]
    fresh = ResultSheet.objects.get(pk=sheet.pk)
    assert (fresh.state, fresh.version, fresh.return_reason) == ("submitted", sheet.version, "")
    assert audit_rows("return", sheet) == []


def test_returning_needs_a_reason_and_only_a_submitted_sheet_can_be_returned(y2025):
    sheet = ResultSheet.objects.get(cycle=y2025["cycle"], unit__code="son-la")
    blank = y2025["secretariat"].post(
        f"{Y2025}/units/son-la/results/return", {"reason": "   ", "version": sheet.version}
    )
    assert blank.status_code == 422
    assert messages(blank) == {"reason": ["Phải nêu lý do trả lại."]}
    draft = ResultSheet.objects.get(cycle=y2025["cycle"], unit__code="lao-cai-2025")
    refused = y2025["secretariat"].post(
        f"{Y2025}/units/lao-cai-2025/results/return", {"reason": "Sai.", "version": draft.version}
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Chỉ trả lại được bảng số liệu đã gửi."


def test_only_the_secretariat_returns_results_and_another_cluster_sees_nothing(y2025, cast):
    sheet = ResultSheet.objects.get(cycle=y2025["cycle"], unit__code="dien-bien")
    body = {"reason": "Sai số liệu.", "version": sheet.version}
    url = f"{Y2025}/units/dien-bien/results/return"
    own = y2025["officers"]["dien-bien"].post(url, body)
    assert own.status_code == 403
    assert own.json()["detail"] == "Chỉ Thường trực Cụm được trả lại số liệu."
    assert Api(cast.officer_b).post(url, body).status_code == 404
    assert ResultSheet.objects.get(pk=sheet.pk).state == ResultSheet.State.SUBMITTED


# -- inspection teams ---------------------------------------------------------------------------


def test_secretariat_forms_a_team_and_each_inspected_unit_gets_an_inspection(y2025):
    response = y2025["secretariat"].post(
        f"{Y2025}/inspection-teams",
        {
            "name": "Đoàn kiểm tra số 1",
            "leader_unit": "dien-bien",
            "member_units": ["lai-chau"],
            "inspected_units": ["son-la", "cao-bang"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["leader_unit"]["code"] == "dien-bien"
    assert [u["code"] for u in body["member_units"]] == ["lai-chau"]
    assert sorted(i["unit"]["code"] for i in body["inspections"]) == ["cao-bang", "son-la"]
    assert all(i["state"] == "draft" for i in body["inspections"])
    # The secretariat (Cao Bằng) opens Sơn La's inspection, never its own unit's while scored.
    opened = {i["unit"]["code"]: i["id"] for i in body["inspections"]}
    assert opened["son-la"] and opened["cao-bang"] is None
    team = InspectionTeam.objects.get(pk=body["id"])
    assert Inspection.objects.filter(team=team).count() == 2
    (row,) = audit_rows("create", team)
    assert row.after["inspected_units"] == ["cao-bang", "son-la"]

    listing = y2025["secretariat"].get(f"{Y2025}/inspection-teams").json()
    assert listing["can_form"] is True
    assert {u["code"] for u in listing["uncovered"]} == {
        "dien-bien",
        "lai-chau",
        "lao-cai-2025",
        "tuyen-quang-2025",
    }
    # A unit's officer sees the teams, but cannot open another unit's inspection.
    seen = y2025["officers"]["lai-chau"].get(f"{Y2025}/inspection-teams").json()
    assert [i["id"] for i in seen["teams"][0]["inspections"]] == [None, None]
    assert seen["can_form"] is False and seen["uncovered"] == []


def test_a_team_that_would_inspect_itself_is_refused_field_by_field(y2025):
    response = y2025["secretariat"].post(
        f"{Y2025}/inspection-teams",
        {
            "name": " ",
            "leader_unit": "dien-bien",
            "member_units": [],
            "inspected_units": ["dien-bien"],
        },
    )
    assert response.status_code == 422
    assert messages(response) == {
        "inspected_units": ["Công an tỉnh Điện Biên không được tự kiểm tra chính mình."],
        "name": ["Đặt tên đoàn, ví dụ “Đoàn kiểm tra số 1”."],
    }
    outsider = y2025["secretariat"].post(
        f"{Y2025}/inspection-teams",
        {"name": "Đoàn 1", "leader_unit": "bac-giang", "inspected_units": ["son-la"]},
    )
    assert outsider.status_code == 422
    assert messages(outsider) == {
        "leader_unit": ["Đơn vị “bac-giang” không thuộc cụm thi đua này."]
    }
    assert not InspectionTeam.objects.filter(cycle=y2025["cycle"]).exists()


def test_only_the_secretariat_forms_teams(y2025):
    response = y2025["officers"]["dien-bien"].post(
        f"{Y2025}/inspection-teams",
        {"name": "Đoàn 1", "leader_unit": "dien-bien", "inspected_units": ["son-la"]},
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Chỉ Thường trực Cụm được lập đoàn kiểm tra."


# -- disputes -----------------------------------------------------------------------------------


def test_an_officer_raises_a_dispute_and_the_secretariat_resolves_it_audited(y2025):
    at_stage(y2025["cycle"], S.INSPECTION)
    officer = y2025["officers"]["dien-bien"]
    raised = officer.post(
        f"{Y2025}/disputes",
        {"criterion": "TP1", "statement": "Đề nghị xem lại tỷ lệ khám phá án (có minh chứng)."},
    )
    assert raised.status_code == 201, raised.content
    body = raised.json()
    assert (body["unit"]["code"], body["criterion"], body["state"]) == ("dien-bien", "TP1", "open")
    assert body["reported"] == "89.9" and body["verified"] == []
    assert body["can_resolve"] is False
    dispute = Dispute.objects.get(pk=body["id"])
    assert audit_rows("create", dispute)[0].actor == officer.user

    # Another unit's officer does not see it; the secretariat sees it and may resolve it.
    assert y2025["officers"]["son-la"].get(f"{Y2025}/disputes").json()["disputes"] == []
    listing = y2025["secretariat"].get(f"{Y2025}/disputes").json()
    assert [(d["id"], d["can_resolve"]) for d in listing["disputes"]] == [(dispute.pk, True)]

    resolved = y2025["secretariat"].post(
        f"{Y2025}/disputes/{dispute.pk}/resolve",
        {"decision": "reject", "resolution": "Số liệu đoàn kiểm tra đã xác minh là đúng."},
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "rejected"
    assert resolved.json()["resolved_by"] == y2025["secretariat"].user.display_name
    (row,) = audit_rows("resolve", dispute)
    assert row.reason == "Số liệu đoàn kiểm tra đã xác minh là đúng."

    again = y2025["secretariat"].post(
        f"{Y2025}/disputes/{dispute.pk}/resolve",
        {"decision": "accept", "resolution": "Xem lại.", "corrected_value": "95"},
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "Khiếu nại đã được giải quyết."
    assert len(audit_rows("resolve", dispute)) == 1


def test_of_two_concurrent_resolutions_of_a_dispute_only_one_is_recorded(world):
    at_stage(world.cycle2021, S.INSPECTION)
    dispute_id = (
        Api(world.cast.officer_a)
        .post(f"{Y2021}/disputes", {"criterion": "TP1", "statement": "Xem lại."})
        .json()["id"]
    )
    loaded_by_the_other_writer = Dispute.objects.select_related("cycle__cluster").get(pk=dispute_id)
    first = Api(world.cast.secretariat).post(
        f"{Y2021}/disputes/{dispute_id}/resolve",
        {"decision": "reject", "resolution": "Không có căn cứ."},
    )
    assert first.status_code == 200
    with pytest.raises(WorkflowError, match="Khiếu nại đã được giải quyết"):
        resolve_dispute(
            loaded_by_the_other_writer,
            by=world.cast.secretariat,
            accept=True,
            resolution="Có căn cứ.",
            corrected_value="95",
        )
    dispute = Dispute.objects.get(pk=dispute_id)
    assert (dispute.state, dispute.resolution) == ("rejected", "Không có căn cứ.")
    assert len(audit_rows("resolve", dispute)) == 1


def test_accepting_a_dispute_needs_the_right_value_then_corrects_the_inspections_and_reranks(
    world,
):
    cycle = at_stage(world.cycle2021, S.RANKING)
    officer, secretariat = Api(world.cast.officer_a), Api(world.cast.secretariat)
    dispute_id = officer.post(
        f"{Y2021}/disputes", {"criterion": "TP1", "statement": "Tỷ lệ khám phá án là 95%."}
    ).json()["id"]
    url = f"{Y2021}/disputes/{dispute_id}/resolve"

    missing = secretariat.post(url, {"decision": "accept", "resolution": "Có minh chứng."})
    assert missing.status_code == 422
    assert messages(missing) == {
        "corrected_value": ["Chấp nhận khiếu nại thì phải nhập giá trị đúng."]
    }
    wrong = secretariat.post(
        url, {"decision": "accept", "resolution": "Có minh chứng.", "corrected_value": "chín lăm"}
    )
    assert wrong.status_code == 422 and "không phải là số" in messages(wrong)["corrected_value"][0]
    assert Dispute.objects.get(pk=dispute_id).state == Dispute.State.OPEN

    rankings = Ranking.objects.filter(cycle=cycle).count()
    accepted = secretariat.post(
        url, {"decision": "accept", "resolution": "Có minh chứng.", "corrected_value": "95,0"}
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    assert [v["value"] for v in accepted.json()["verified"]] == ["95.0"]
    inspection = world.inspection("bac-giang")
    assert inspection.values["TP1"] == "95.0"
    assert audit_rows("correct", inspection)[0].reason == "Có minh chứng."
    assert Ranking.objects.filter(cycle=cycle).count() == rankings + 1


def test_who_may_raise_and_resolve_disputes(world):
    at_stage(world.cycle2021, S.INSPECTION)
    statement = {"criterion": "TP1", "statement": "Xem lại."}
    for who in ("inspector", "approver", "viewer"):
        response = Api(getattr(world.cast, who)).post(f"{Y2021}/disputes", statement)
        assert response.status_code == 403, who
    assert Api(world.cast.officer_b).post(f"{Y2021}/disputes", statement).status_code == 404
    unknown = Api(world.cast.officer_a).post(f"{Y2021}/disputes", {**statement, "criterion": "X9"})
    assert unknown.status_code == 422
    assert messages(unknown) == {"criterion": ["Chọn một tiêu chí của thang điểm."]}
    dispute_id = Api(world.cast.officer_a).post(f"{Y2021}/disputes", statement).json()["id"]
    resolve = {"decision": "reject", "resolution": "Không có căn cứ."}
    url = f"{Y2021}/disputes/{dispute_id}/resolve"
    assert Api(world.cast.officer_a).post(url, resolve).status_code == 403
    assert Api(world.cast.inspector).post(url, resolve).status_code == 404
    assert Dispute.objects.get(pk=dispute_id).state == Dispute.State.OPEN


# -- recomputing the ranking --------------------------------------------------------------------


def test_secretariat_recomputes_the_ranking_with_a_reason_only_at_the_ranking_stages(world):
    secretariat = Api(world.cast.secretariat)
    closed = secretariat.post(f"{Y2021}/ranking/recompute", {"reason": "Thử."})
    assert closed.status_code == 409
    assert closed.json()["detail"].startswith("Không thể tính lại bảng xếp hạng ở giai đoạn")

    cycle = at_stage(world.cycle2021, S.RANKING)
    count = Ranking.objects.filter(cycle=cycle).count()
    response = secretariat.post(
        f"{Y2021}/ranking/recompute", {"reason": "Sau khi giải quyết khiếu nại."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["units"][0]["unit"]["code"] == "yen-bai"
    latest = Ranking.objects.filter(cycle=cycle).first()
    assert Ranking.objects.filter(cycle=cycle).count() == count + 1
    assert audit_rows("rank", latest)[0].reason == "Sau khi giải quyết khiếu nại."
    assert Api(world.cast.officer_a).post(f"{Y2021}/ranking/recompute").status_code == 403


# -- the honouring vote -------------------------------------------------------------------------


def _ballot(api: Api, choice: str):
    return api.post(f"{Y2025}/vote/ballot", {"choice": choice})


def test_the_vote_is_opened_cast_by_members_and_its_tally_shown_only_once_closed(y2025):
    at_stage(y2025["cycle"], S.VOTING)
    secretariat, officers = y2025["secretariat"], y2025["officers"]
    before = officers["son-la"].get(f"{Y2025}/vote").json()
    assert (before["state"], before["can_open"], before["tally"]) == ("not_open", False, None)
    assert secretariat.get(f"{Y2025}/vote").json()["can_open"] is True

    opened = secretariat.post(
        f"{Y2025}/vote/open", {"candidate": "cao-bang", "passphrase": SECRETARIAT_PASSPHRASE}
    )
    assert opened.status_code == 200, opened.content
    assert opened.json()["state"] == "setup" and opened.json()["candidate"]["code"] == "cao-bang"
    vote = HonourVote.objects.get(cycle=y2025["cycle"])
    assert audit_rows("open_vote", vote)[0].actor == secretariat.user
    assert _ballot(officers["son-la"], "yes").status_code == 409  # no joint key yet
    ministry = Api(make_user("api.bo.pheduyet", User.Role.MINISTRY_APPROVER, "x03"))
    assert ministry.get(f"{Y2025}/vote").json()["can_set_key"] is True
    keyed = ministry.post(f"{Y2025}/vote/key", {"passphrase": MINISTRY_PASSPHRASE})
    assert keyed.status_code == 200, keyed.content
    assert keyed.json()["state"] == "open"

    for code, choice in [("cao-bang", "yes"), ("dien-bien", "yes"), ("son-la", "yes")]:
        assert _ballot(officers[code], choice).status_code == 200
    assert _ballot(officers["lai-chau"], "no").status_code == 200

    # While open: who voted, never how, and no running tally — the same answer whatever they chose.
    state = officers["son-la"].get(f"{Y2025}/vote")
    body = state.json()
    assert body["tally"] is None and body["own_unit_voted"] is True and body["can_cast"] is False
    assert {v["unit"]["code"] for v in body["voters"]} == {
        "cao-bang",
        "dien-bien",
        "son-la",
        "lai-chau",
    }
    assert {u["code"] for u in body["not_voted"]} == {"lao-cai-2025", "tuyen-quang-2025"}
    # ... and no running tally in the database either: no counter exists until the tally.
    assert HonourVote.objects.filter(pk=vote.pk, yes=None, no=None, abstain=None).exists()
    for word in (b'"yes"', b'"no"', b'"abstain"', b"choice"):
        assert word not in state.content

    assert _ballot(officers["tuyen-quang-2025"], "yes").status_code == 200
    closed = secretariat.post(f"{Y2025}/vote/close", {"passphrase": SECRETARIAT_PASSPHRASE})
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "tallying" and closed.json()["tally"] is None
    assert closed.json()["can_tally"] is False and ministry.get(f"{Y2025}/vote").json()["can_tally"]
    counted = ministry.post(f"{Y2025}/vote/tally", {"passphrase": MINISTRY_PASSPHRASE})
    assert counted.status_code == 200, counted.content
    tally = counted.json()["tally"]
    assert (tally["yes"], tally["no"], tally["abstain"], tally["present"]) == (4, 1, 0, 5)
    assert tally["quorum_met"] is True and tally["passed"] is True
    assert tally["outcome"].endswith("Công an tỉnh Cao Bằng được suy tôn.")
    assert officers["son-la"].get(f"{Y2025}/vote").json()["tally"] == tally
    assert audit_rows("tally_vote", vote)[0].after["yes"] == 4
    assert len(tally["receipts"]) == 5
    late = _ballot(officers["lao-cai-2025"], "yes")
    assert late.status_code == 409 and late.json()["detail"] == "Biểu quyết đã kết thúc."


def test_only_the_secretariat_opens_and_closes_the_vote_for_a_member_unit(y2025, cast):
    at_stage(y2025["cycle"], S.VOTING)
    officer = y2025["officers"]["dien-bien"]
    assert officer.post(f"{Y2025}/vote/open", {"candidate": "dien-bien"}).status_code == 403
    secretariat = y2025["secretariat"]
    not_open = secretariat.post(f"{Y2025}/vote/close")
    assert not_open.status_code == 409
    assert not_open.json()["detail"] == "Biểu quyết suy tôn chưa mở."
    outsider = secretariat.post(
        f"{Y2025}/vote/open", {"candidate": "yen-bai", "passphrase": SECRETARIAT_PASSPHRASE}
    )
    assert outsider.status_code == 422
    assert messages(outsider) == {"candidate": ["Đơn vị “yen-bai” không thuộc cụm thi đua này."]}
    assert not HonourVote.objects.filter(cycle=y2025["cycle"]).exists()
    opened = secretariat.post(
        f"{Y2025}/vote/open", {"candidate": "cao-bang", "passphrase": SECRETARIAT_PASSPHRASE}
    )
    assert opened.status_code == 200
    assert officer.post(f"{Y2025}/vote/close").status_code == 403
    assert HonourVote.objects.get(cycle=y2025["cycle"]).state == HonourVote.State.SETUP
    assert Api(cast.officer_b).get(f"{Y2025}/vote").status_code == 404


def test_the_vote_opens_only_at_the_voting_stage_and_once(world):
    secretariat = Api(world.cast.secretariat)
    closed_year = secretariat.post(f"{Y2021}/vote/open", {"candidate": "yen-bai"})
    assert closed_year.status_code == 409
    voting(world)
    opened = secretariat.post(
        f"{Y2021}/vote/open", {"candidate": "yen-bai", "passphrase": SECRETARIAT_PASSPHRASE}
    )
    assert opened.status_code == 200
    twice = secretariat.post(f"{Y2021}/vote/open", {"candidate": "bac-giang"})
    assert twice.status_code == 409
    assert twice.json()["detail"] == "Biểu quyết suy tôn đã được mở."


# -- proposals ----------------------------------------------------------------------------------


def test_secretariat_withdraws_a_proposal_with_a_reason_and_adds_one_within_the_rules(world):
    cycle = proposing(world)
    secretariat = Api(world.cast.secretariat)
    bac_kan = world.proposal("bac-kan")
    url = f"{Y2021}/proposals/{bac_kan.pk}/withdraw"
    blank = secretariat.post(url, {"reason": " ", "version": bac_kan.version})
    assert blank.status_code == 422 and messages(blank) == {
        "reason": ["Phải nêu lý do rút đề nghị."]
    }

    withdrawn = secretariat.post(
        url, {"reason": "Đơn vị đề nghị hình thức khác.", "version": bac_kan.version}
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["state"] == "withdrawn"
    assert withdrawn.json()["version"] == bac_kan.version + 1
    assert audit_rows("withdraw", bac_kan)[0].reason == "Đơn vị đề nghị hình thức khác."

    added = secretariat.post(
        f"{Y2021}/proposals/add",
        {
            "unit": "bac-kan",
            "award_code": "BK_BCA",
            "reason": "Hội nghị Cụm thống nhất đề nghị Bằng khen.",
        },
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["unit"]["code"], body["award_code"], body["origin"]) == (
        "bac-kan",
        "BK_BCA",
        "adjusted",
    )
    proposal = cycle.proposals.get(pk=body["id"])
    assert audit_rows("create", proposal)[0].reason == "Hội nghị Cụm thống nhất đề nghị Bằng khen."


def test_an_adjustment_outside_the_rules_is_refused_with_every_reason_in_unit_names(world):
    cycle = proposing(world)
    response = Api(world.cast.secretariat).post(
        f"{Y2021}/proposals/add",
        {"unit": "bac-giang", "award_code": "CO_CP", "reason": "Đề nghị thêm."},
    )
    assert response.status_code == 422
    reasons = messages(response)["award_code"]
    assert any("Bắc Giang: không đủ điều kiện Cờ thi đua của Chính phủ" in r for r in reasons)
    assert any("Cờ thi đua của Chính phủ: 2 đề nghị, vượt chỉ tiêu" in r for r in reasons)
    assert "bac-giang" not in response.content.decode()
    assert cycle.proposals.count() == 8


def test_withdrawing_a_proposal_that_changed_since_it_was_read_is_refused(world):
    proposing(world)
    proposal = world.proposal("bac-kan")
    response = Api(world.cast.secretariat).post(
        f"{Y2021}/proposals/{proposal.pk}/withdraw",
        {"reason": "Rút.", "version": proposal.version + 1},
    )
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DRAFT and audit_rows("withdraw", proposal) == []


def test_a_returned_proposal_is_resubmitted_by_the_secretariat_only(world):
    proposal = approving(world)
    returned = Api(world.cast.approver).post(
        f"{Y2021}/proposals/{proposal.pk}/decision",
        {"decision": "return", "reason": "Bổ sung hồ sơ.", "version": proposal.version},
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert Api(world.cast.officer_a).post(f"{Y2021}/proposals/resubmit").status_code == 403
    response = Api(world.cast.secretariat).post(f"{Y2021}/proposals/resubmit")
    assert response.status_code == 200, response.content
    assert response.json()["submitted"] == 1
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert audit_rows("submit", proposal)[-1].actor == world.cast.secretariat


# -- handover -----------------------------------------------------------------------------------


def test_handover_keeps_the_rotation_rule_then_closes_the_year(world):
    cycle = at_stage(world.cycle2021, S.APPROVAL)
    Handover.objects.filter(cluster=cycle.cluster).delete()
    secretariat = Api(world.cast.secretariat)
    state = secretariat.get(f"{Y2021}/handover").json()
    assert (state["handover"], state["can_record"], state["pending"]) == (None, True, [])

    same = secretariat.post(
        f"{Y2021}/handover", {"next_leader": "yen-bai", "next_deputy": "bac-giang"}
    )
    assert same.status_code == 422
    assert "luân phiên" in messages(same)["reason"][0]
    unknown = secretariat.post(
        f"{Y2021}/handover", {"next_leader": "khong-co", "next_deputy": "bac-giang"}
    )
    assert messages(unknown) == {"next_leader": ["Không có đơn vị mã “khong-co”."]}
    cycle.refresh_from_db()
    assert cycle.stage == S.APPROVAL and not Handover.objects.filter(cluster=cycle.cluster).exists()

    assert (
        Api(world.cast.officer_a)
        .post(f"{Y2021}/handover", {"next_leader": "bac-giang", "next_deputy": "quang-ninh"})
        .status_code
        == 403
    )
    closed = secretariat.post(
        f"{Y2021}/handover", {"next_leader": "bac-giang", "next_deputy": "quang-ninh"}
    )
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["stage"] == "closed" and body["closed_at"] and body["can_record"] is False
    assert (body["handover"]["next_leader"]["code"], body["handover"]["next_deputy"]["code"]) == (
        "bac-giang",
        "quang-ninh",
    )
    handover = Handover.objects.get(cluster=cycle.cluster)
    assert audit_rows("create", handover)[0].actor == world.cast.secretariat
    cycle.refresh_from_db()
    assert cycle.stage == S.CLOSED


def test_the_year_does_not_close_while_a_proposal_awaits_the_ministry(world):
    approving(world)
    Handover.objects.filter(cluster=world.cycle2021.cluster).delete()
    secretariat = Api(world.cast.secretariat)
    pending = secretariat.get(f"{Y2021}/handover").json()["pending"]
    assert [(p["unit"]["code"], p["state"]) for p in pending] == [("phu-tho", "submitted")]
    response = secretariat.post(
        f"{Y2021}/handover", {"next_leader": "bac-giang", "next_deputy": "quang-ninh"}
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Chưa thể chuyển sang")
    world.cycle2021.refresh_from_db()
    assert world.cycle2021.stage == S.APPROVAL
    assert not Handover.objects.filter(cluster=world.cycle2021.cluster).exists()


# -- scope --------------------------------------------------------------------------------------


def test_another_clusters_officer_gets_404_on_every_read_of_the_year(world):
    officer_b = Api(world.cast.officer_b)
    for path in ("inspection-teams", "disputes", "vote", "handover"):
        response = officer_b.get(f"{Y2021}/{path}")
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_every_workflow_operation_documents_its_errors_in_the_openapi():
    from tests.api.ladder_api_workflow import API_ENTRIES
    from thidua.api.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    for entry in API_ENTRIES:
        method, path = entry.operation.split(" ", 1)
        documented = set(paths[path][method.lower()]["responses"])
        expected = {401, 403, 404, 422} | ({409} if method != "GET" else set())
        assert expected <= {int(code) for code in documented}, entry.operation
