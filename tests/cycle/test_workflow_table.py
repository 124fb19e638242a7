"""The year's table of stages and actions (thidua.cycle.workflow, thidua.cycle.gates), walked whole.

- Every action × every stage × every member of the cast: what the table says (`allowed`) is what
  the real checks answer for the real users on the real Cluster 3 / 2021 year at that stage.
- A sample of real API requests, for every stage and every member of the cast: refused by the
  table → 403 (404 out of scope); allowed but at another stage → 409 with the table's sentence;
  allowed at its stage → neither (the object's state or the input may still refuse it).
- Every refusal is written once, in the table: no page or API module spells it again.
- The stages: in order, each with its readiness check, and entering one runs its entry action.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from tests.ladder import CAST
from thidua.cycle import gates, workflow
from thidua.cycle.gates import STAGES
from thidua.cycle.workflow import ACTIONS, ORDER, PERSONAS, Who, allowed

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_the_cast_is_the_tables_personas():
    assert set(PERSONAS) == set(CAST) - {"anonymous"}
    for who in Who:
        assert set(who.personas) <= set(PERSONAS), who


def test_every_action_has_its_stages_its_actor_and_its_refusal():
    assert len(ACTIONS) >= 25
    for key, action in ACTIONS.items():
        assert action.key == key
        assert action.refusal.startswith(("Chỉ ", "Khiếu nại của ")), key
        assert action.verb and action.verb == action.verb.strip()
        assert set(action.stages) <= set(ORDER), key
        if key != "open_year":  # taken before the year exists
            assert action.stages, key
    assert list(STAGES) == ORDER


def _matter(world, action, persona: str) -> dict:
    """The unit the matter concerns: the persona's own member unit for a unit's own step, Hòa Bình
    (inspected by the cast inspector's team; nobody of the cast belongs to it) for a judgement."""
    who = action.who
    user = getattr(world.cast, persona)
    if who in (Who.REPORTER, Who.UNIT_OFFICER):
        members = world.cycle2021.member_ids()
        return {"unit": user.unit if user.unit_id in members else world.unit("bac-giang")}
    if who in (Who.SCORER, Who.ARBITER):
        inspection = world.inspection("hoa-binh")
        matter = {"unit": inspection.unit}
        if who is Who.SCORER:
            matter["inspects"] = inspection.is_inspector(user)
        return matter
    return {}


def test_allowed_is_what_the_real_checks_answer_for_every_action_stage_and_persona(world):
    cycle = world.cycle2021
    walked = 0
    for key, action in ACTIONS.items():
        for stage in ORDER:
            cycle.stage = stage  # in memory: the checks read the year's stage from it
            for persona in PERSONAS:
                user = getattr(world.cast, persona)
                real = action.may(user, cycle, **_matter(world, action, persona))
                assert real == allowed(key, stage, persona), (key, stage, persona)
                walked += 1
    assert walked == len(ACTIONS) * len(ORDER) * len(PERSONAS)


def test_a_refused_actor_gets_the_tables_sentence_and_a_wrong_stage_the_tables_409(world):
    from django.core.exceptions import PermissionDenied

    from thidua.lib.workflow import WorkflowError

    cycle = world.cycle2021
    cycle.stage = workflow.Stage.PLANNING
    with pytest.raises(PermissionDenied) as refused:
        workflow.RECOMPUTE.require(world.cast.officer_a, cycle)
    assert str(refused.value) == "Chỉ Thường trực Cụm được tính lại bảng xếp hạng."
    with pytest.raises(WorkflowError) as wrong_stage:
        workflow.RECOMPUTE.require(world.cast.secretariat, cycle)
    assert wrong_stage.value.message == (
        "Không thể tính lại bảng xếp hạng ở giai đoạn “Lập kế hoạch, giao ước” "
        "(chỉ được ở giai đoạn: tổng hợp điểm, xếp hạng, suy tôn)."
    )
    # A judgement names who decides instead; one's own unit is refused with its own sentence.
    dispute = workflow.RESOLVE_DISPUTE
    yen_bai = world.unit("yen-bai")
    with pytest.raises(PermissionDenied) as own:
        dispute.require_actor(world.cast.secretariat, cycle, unit=yen_bai)
    assert "chính đơn vị bạn" in str(own.value)
    with pytest.raises(PermissionDenied) as other:
        dispute.require_actor(world.cast.officer_a, cycle, unit=world.unit("hoa-binh"))
    assert str(other.value) == "Khiếu nại của Hòa Bình do Thường trực Cụm giải quyết."


# -- real requests ----------------------------------------------------------------------------------

API = "/api/v1/clusters/2021/3"


def _sample(world) -> dict[str, tuple[str, dict]]:
    """The API operation of each sampled action, with a body that passes the router's own checks
    (member codes that exist), so that what answers is the table's check then the model step's."""
    proposal = world.cycle2021.proposals.order_by("pk").first()
    return {
        "return_results": (
            f"{API}/units/bac-giang/results/return",
            {"reason": "Thiếu minh chứng.", "version": 1},
        ),
        "form_team": (
            f"{API}/inspection-teams",
            {
                "name": "Đoàn kiểm tra bổ sung",
                "leader_unit": "bac-giang",
                "inspected_units": ["hoa-binh"],
            },
        ),
        "raise_dispute": (f"{API}/disputes", {"criterion": "TP1", "statement": "Xem lại."}),
        "recompute_ranking": (f"{API}/ranking/recompute", {"reason": "Kiểm tra."}),
        "open_vote": (
            f"{API}/vote/open",
            {"candidate": "bac-giang", "passphrase": "cum-mat-khau-thu-truong-truc"},
        ),
        "adjust_proposals": (
            f"{API}/proposals/add",
            {"unit": "bac-giang", "award_code": "X", "reason": "Điều chỉnh."},
        ),
        "withdraw_proposal": (
            f"{API}/proposals/{proposal.pk}/withdraw",
            {"reason": "Rút.", "version": proposal.version},
        ),
        "resubmit_proposals": (f"{API}/proposals/resubmit", {}),
        "decide_proposal": (
            f"{API}/proposals/{proposal.pk}/decision",
            {"decision": "approve", "version": proposal.version},
        ),
    }


@pytest.fixture
def tokens(world) -> dict[str, str]:
    from thidua.api.models import ApiToken

    return {p: ApiToken.issue(getattr(world.cast, p), "bảng quy trình")[1] for p in PERSONAS}


def test_real_api_requests_answer_as_the_table_says_at_every_stage(world, tokens):
    from thidua.cycle.models import Cycle

    client = Client()
    sample = _sample(world)
    for key, (url, body) in sample.items():
        action = ACTIONS[key]
        for stage in ORDER:
            for persona in PERSONAS:
                with transaction.atomic():
                    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=stage)
                    response = client.post(
                        url,
                        json.dumps(body),
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {tokens[persona]}",
                    )
                    transaction.set_rollback(True)
                status, detail = response.status_code, response.json().get("detail", "")
                where = (key, stage, persona, status, detail)
                stage_refusal = f"Không thể {action.verb} ở giai đoạn"
                assert status < 500, where
                if persona not in action.who.personas:
                    assert status in (403, 404), where
                    if status == 403:
                        assert detail == action.refusal, where
                elif not action.open_in(stage):
                    assert status == 409 and detail.startswith(stage_refusal), where
                else:
                    assert status not in (401, 403, 404), where
                    assert not detail.startswith(stage_refusal), where
    assert len(sample) >= 9


def test_a_refused_page_says_the_tables_sentence(world):
    """The pages refuse with the same sentence as the API (one place: the table)."""
    from thidua.cycle.models import Cycle

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.VOTING)
    officer = world.cast.client(world.cast.officer_a)
    for name, action in (("mo", workflow.OPEN_VOTE), ("ket-thuc", workflow.CLOSE_VOTE)):
        response = officer.post(f"/cum-thi-dua/2021/3/thi-dua/suy-ton/{name}/", {})
        assert response.status_code == 403, name
        assert action.refusal in response.content.decode(), name
    approver = world.cast.client(world.cast.approver)
    assert approver.post("/cum-thi-dua/2021/3/thi-dua/suy-ton/mo/", {}).status_code == 403


# -- one place for every refusal --------------------------------------------------------------------


def test_every_refusal_is_written_once_in_the_table():
    sentences = {a.refusal for a in ACTIONS.values() if "{" not in a.refusal}
    found = []
    for path in (ROOT / "thidua").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "thidua/cycle/workflow.py":
            continue
        text = path.read_text(encoding="utf-8")
        for sentence in sentences:
            # A sentence spelled as one literal, or cut across two adjacent literals.
            words = re.escape(sentence).replace(r"\ ", r'\s*"?\s*"?\s*')
            if re.search(r'"' + words, text):
                found.append((relative, sentence))
    assert found == []


# -- the stages -------------------------------------------------------------------------------------


def test_each_stage_has_its_readiness_check_and_entering_ranking_ranks(world):
    from thidua.cycle.models import Cycle

    steps = [STAGES[s] for s in ORDER]
    assert steps[0].ready is None  # the year opens planning
    assert all(step.ready is not None for step in steps[1:])
    entering = {s.stage for s in steps if s.on_enter is not None}
    assert entering == {Cycle.Stage.RANKING, Cycle.Stage.PROPOSALS, Cycle.Stage.APPROVAL}
    # The work above the models is handed to the table at start-up (CycleConfig.ready).
    from thidua.cycle import scoring
    from thidua.cycle.outcome import proposals

    assert {
        "rank": scoring.rank_cycle,
        "allocate": proposals.allocate,
        "submit_all": proposals.submit_all,
        "selection_problems": proposals.selection_problems,
    } == gates._WORK
    cycle = world.cycle2021
    assert gates.next_stage(cycle) is None  # closed
    cycle.stage = Cycle.Stage.INSPECTION
    assert gates.next_stage(cycle) == Cycle.Stage.RANKING
    before = cycle.rankings.count()
    gates.on_enter(cycle, Cycle.Stage.RANKING, by=world.cast.secretariat)
    assert cycle.rankings.count() == before + 1
