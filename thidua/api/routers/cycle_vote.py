"""API for the honouring vote of a cluster's year (step 9, mounted under /api/v1/clusters/): a secret
ballot with two key holders. The secretariat opens it with its passphrase, the Ministry's approver
adds the second key, member units vote (`cycle_outcome`: vote/cast), the secretariat ends the ballot
and the Ministry's approver tallies. No response ever says how a unit voted; the tally appears only
once the vote is closed. Who may take each step and when: `thidua.cycle.workflow`.

Operation ids are those the operations had in `cycle_workflow` (the API's clients keep them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from ninja import Router, Schema

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.api.routers.cycle_workflow import BASE, _member, operation_id
from thidua.api.schemas import UnitRef
from thidua.cycle import workflow
from thidua.cycle.access import CycleAccess, get_cycle_for_user, get_vote_for_user
from thidua.cycle.models import HonourVote
from thidua.lib.workflow import WorkflowError

router = Router(tags=["Năm thi đua"])


# -- the honouring vote (step 9) ----------------------------------------------------------------


class VoterOut(Schema):
    unit: UnitRef


class TallyOut(Schema):
    """Counts only when the quorum was met and both trustees tallied (null otherwise)."""

    yes: int | None
    no: int | None
    abstain: int | None
    present: int
    quorum_met: bool
    passed: bool | None
    outcome: str
    receipts: list[str]  # every counted ballot's receipt, sorted


class VoteOut(Schema):
    state: Literal["not_open", "setup", "open", "tallying", "closed"]
    state_label: str
    candidate: UnitRef | None
    member_count: int
    rules: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    voters: list[VoterOut]  # who voted, never how nor when
    not_voted: list[UnitRef]
    own_unit_voted: bool
    can_cast: bool
    can_open: bool
    can_close: bool
    can_set_key: bool  # the Ministry's approver, before ballots open
    can_tally: bool  # the Ministry's approver, once the secretariat ended the ballot
    tally: TallyOut | None  # only once closed


class OpenVoteIn(Schema):
    candidate: str
    passphrase: str = ""  # the secretariat trustee's passphrase (never stored)


class PassphraseIn(Schema):
    passphrase: str = ""


def _vote_out(access: CycleAccess) -> dict[str, Any]:
    cycle = access.cycle
    vote, can_cast = get_vote_for_user(access)
    if vote is None:
        return {
            "state": "not_open",
            "state_label": "Chưa mở biểu quyết",
            "candidate": None,
            "member_count": len(cycle.member_ids()),
            "rules": "",
            "opened_at": None,
            "closed_at": None,
            "voters": [],
            "not_voted": [],
            "own_unit_voted": False,
            "can_cast": False,
            "can_open": workflow.OPEN_VOTE.may(access.user, cycle),
            "can_close": False,
            "can_set_key": False,
            "can_tally": False,
            "tally": None,
        }
    voters = vote.voter_rows()
    voted = {v.unit_id for v in voters}
    closed = vote.state == HonourVote.State.CLOSED
    return {
        "state": vote.state,
        "state_label": vote.get_state_display(),
        "candidate": vote.candidate,
        "member_count": vote.member_count,
        "rules": vote.rules_text(),
        "opened_at": vote.opened_at,
        "closed_at": vote.closed_at,
        "voters": [{"unit": v.unit} for v in voters],
        "not_voted": [u for u in cycle.members() if u.pk not in voted],
        "own_unit_voted": access.own_unit is not None and access.own_unit.pk in voted,
        "can_cast": can_cast,
        "can_open": False,
        "can_close": workflow.CLOSE_VOTE.permits(access.user, cycle) and vote.is_open,
        "can_set_key": workflow.SET_VOTE_KEY.permits(access.user, cycle)
        and vote.state == HonourVote.State.SETUP,
        "can_tally": workflow.TALLY_VOTE.permits(access.user, cycle)
        and vote.state == HonourVote.State.TALLYING,
        "tally": {
            "yes": vote.yes,
            "no": vote.no,
            "abstain": vote.abstain,
            "present": vote.present,
            "quorum_met": vote.quorum_met,
            "passed": vote.passed,
            "outcome": vote.outcome_text(),
            "receipts": vote.receipts() if vote.published else [],
        }
        if closed
        else None,
    }


@router.get(
    BASE + "/vote",
    response={200: VoteOut, **COMMON_ERRORS},
    summary="Biểu quyết suy tôn: trạng thái, đơn vị đã/chưa biểu quyết; kết quả chỉ khi đã kết thúc",
    description=(
        "Phiếu kín: không phản hồi nào cho biết đơn vị nào chọn gì; trong khi đang bỏ phiếu cũng "
        "không có số phiếu (`tally` là null đến khi Thường trực Cụm kết thúc biểu quyết)."
    ),
    operation_id=operation_id("get_vote"),
)
def get_vote(request, year: int, number: int):
    access = get_cycle_for_user(request.user, year, number)
    return _vote_out(access)


@router.post(
    BASE + "/vote/open",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Thường trực Cụm mở biểu quyết suy tôn một đơn vị thành viên",
    description=(
        "`candidate` là mã đơn vị (thường là đơn vị xếp hạng 1); `passphrase` là cụm mật khẩu "
        "của Thường trực Cụm (ít nhất 12 ký tự, không được lưu). Chỉ ở giai đoạn suy tôn, "
        "mỗi năm một lần (409 nếu khác). Bỏ phiếu bắt đầu khi đại diện Bộ đặt cụm mật khẩu "
        "thứ hai (`vote/key`)."
    ),
    operation_id=operation_id("open_vote"),
)
def open_vote(request, year: int, number: int, payload: OpenVoteIn):
    access = get_cycle_for_user(request.user, year, number)
    workflow.OPEN_VOTE.require_actor(request.user, access.cycle)
    candidate = _member(access, payload.candidate, "candidate")
    HonourVote.open_vote(
        access.cycle, by=request.user, candidate=candidate, passphrase=payload.passphrase
    )
    return _vote_out(access)


@router.post(
    BASE + "/vote/key",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Đại diện Bộ đặt cụm mật khẩu thứ hai; từ đó các đơn vị bắt đầu biểu quyết",
    description="Chỉ cán bộ phê duyệt của Bộ, khi biểu quyết đang chờ khóa của Bộ (409 nếu khác).",
    operation_id=operation_id("set_vote_key"),
)
def set_vote_key(request, year: int, number: int, payload: PassphraseIn):
    return _trustee_step(
        request,
        year,
        number,
        workflow.SET_VOTE_KEY,
        lambda vote: vote.set_ministry_key(by=request.user, passphrase=payload.passphrase),
    )


@router.post(
    BASE + "/vote/tally",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Đại diện Bộ kiểm phiếu bằng cụm mật khẩu của Bộ; kết quả được công bố",
    description=(
        "Sau khi Thường trực Cụm kết thúc bỏ phiếu (đủ số đơn vị). Chỉ tổng số phiếu được giải mã, "
        "không phiếu riêng nào."
    ),
    operation_id=operation_id("tally_vote"),
)
def tally_vote(request, year: int, number: int, payload: PassphraseIn):
    return _trustee_step(
        request,
        year,
        number,
        workflow.TALLY_VOTE,
        lambda vote: vote.tally(by=request.user, passphrase=payload.passphrase),
    )


def _trustee_step(
    request, year: int, number: int, action: workflow.Action, step: Callable[[HonourVote], Any]
) -> dict[str, Any]:
    """The Ministry trustee's two steps (its key, then the tally) on the vote once opened."""
    access = get_cycle_for_user(request.user, year, number)
    action.require_actor(request.user, access.cycle)
    vote, _ = get_vote_for_user(access)
    if vote is None:
        raise WorkflowError("Biểu quyết suy tôn chưa mở.")
    step(vote)
    return _vote_out(access)


@router.post(
    BASE + "/vote/close",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Thường trực Cụm kết thúc bỏ phiếu suy tôn (kèm cụm mật khẩu nếu đủ số đơn vị)",
    description=(
        "Không đủ số đơn vị tham gia: biểu quyết kết thúc, không kiểm phiếu, không công bố số phiếu. "
        "Đủ số: cần `passphrase` của Thường trực Cụm; kết quả công bố khi đại diện Bộ kiểm phiếu."
    ),
    operation_id=operation_id("close_vote"),
)
def close_vote(request, year: int, number: int, payload: PassphraseIn | None = None):
    access = get_cycle_for_user(request.user, year, number)
    workflow.CLOSE_VOTE.require_actor(request.user, access.cycle)
    vote, _ = get_vote_for_user(access)
    if vote is None:
        raise WorkflowError("Biểu quyết suy tôn chưa mở.")
    vote.close(by=request.user, passphrase=payload.passphrase if payload else "")
    return _vote_out(access)
