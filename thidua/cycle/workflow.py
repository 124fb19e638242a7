"""The year's stages and actions in one table (DESIGN §4.7).

- Stage: the stages of a cluster's year, in order. What each needs before the year may enter it (its
  readiness check, in the words a secretariat uses) and the work entering it starts are the table's
  other half: STAGES in `thidua.cycle.gates`.
- ACTIONS: each step of the year with the stages it is allowed in, who may take it and the sentence
  that refuses anyone else (Vietnamese, as the pages and the API show it).

Models (`Cycle.require_step`), the access helpers, the to-do list, the pages and the API all ask
this table instead of writing the permission again; the permission tests walk it. A new step is a
row here, its model step and its pages.

The module imports nothing of its own app but the impartiality rules: the models import it (the
stages are defined here).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models

from thidua.cycle.impartiality import (
    OWN_UNIT_DISPUTE,
    OWN_UNIT_INSPECTION,
    arbiter_for,
    concerns,
    may_decide_for,
)
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Unit, User

if TYPE_CHECKING:
    from thidua.cycle.models import Cycle


class Stage(models.TextChoices):
    """The stages of a cluster's year, in order (Cycle.Stage)."""

    PLANNING = "planning", "Lập kế hoạch, giao ước"
    IN_PROGRESS = "in_progress", "Thực hiện, báo cáo kết quả"
    INSPECTION = "inspection", "Kiểm tra chéo"
    RANKING = "ranking", "Tổng hợp điểm, xếp hạng"
    VOTING = "voting", "Suy tôn"
    PROPOSALS = "proposals", "Đề nghị khen thưởng"
    APPROVAL = "approval", "Bộ xét duyệt"
    CLOSED = "closed", "Đã kết thúc"


ORDER = list(Stage)
S = Stage
OPEN_YEAR = tuple(s for s in Stage if s != S.CLOSED)  # every stage until the year is closed


# -- who may act ------------------------------------------------------------------------------------

# The cast the permission tests use (tests/ladder.py), by what each is to a cluster's year:
# the leader unit's secretariat, an officer, an assigned inspector and a read-only account of
# member units, the Ministry's approver, and an officer of a unit outside the cluster.
PERSONAS = ("secretariat", "officer_a", "inspector", "viewer", "approver", "officer_b")


class Who(Enum):
    """Who may take an action; `personas` are those of PERSONAS it admits (for a member unit's
    matter other than the leader's: see thidua.cycle.impartiality for the leader unit's)."""

    SECRETARIAT = ("Thường trực Cụm (đơn vị Cụm trưởng)", ("secretariat",))
    APPROVER = ("cán bộ phê duyệt của Bộ", ("approver",))
    TRUSTEE = ("cán bộ phê duyệt của Bộ (giữ khóa thứ hai của biểu quyết)", ("approver",))
    UNIT_OFFICER = (
        "cán bộ thi đua của chính đơn vị (hoặc Thường trực Cụm cho đơn vị thành viên)",
        ("officer_a", "secretariat"),
    )
    REPORTER = ("cán bộ thi đua của chính đơn vị", ("officer_a", "secretariat"))
    DISPUTER = ("cán bộ thi đua của đơn vị được kiểm tra", ("officer_a", "secretariat"))
    VOTER = (
        "đơn vị thành viên (không phải tài khoản chỉ xem)",
        ("officer_a", "secretariat", "inspector"),
    )
    SCORER = (
        "thành viên đoàn kiểm tra được phân công, hoặc người quyết định thay Thường trực Cụm; "
        "không ai chấm đơn vị mình",
        ("inspector", "secretariat"),
    )
    ARBITER = (
        "Thường trực Cụm; với việc của đơn vị Cụm trưởng: Cụm phó hoặc Bộ; không ai xét đơn vị mình",
        ("secretariat",),
    )

    def __init__(self, label: str, personas: tuple[str, ...]) -> None:
        self.label = label
        self.personas = personas

    def permits(
        self, user: User, cycle: Cycle, *, unit: Unit | None = None, inspects: bool = False
    ) -> bool:
        """Whether the user is who this action needs (`unit`: the unit the matter concerns;
        `inspects`: the user is an assigned inspector of that unit)."""
        role = getattr(user, "role", None)
        officer = role in (User.Role.UNIT_OFFICER, User.Role.SECRETARIAT)
        if self is Who.SECRETARIAT:
            return user.is_secretariat_of(cycle.cluster)
        if self is Who.APPROVER:
            return user.is_superuser or role == User.Role.MINISTRY_APPROVER
        if self is Who.TRUSTEE:
            return role == User.Role.MINISTRY_APPROVER
        if self is Who.UNIT_OFFICER:  # for `unit` if given, else for the user's own member unit
            if user.is_secretariat_of(cycle.cluster):
                return True
            if unit is not None:
                return officer and user.unit_id == unit.pk
            return officer and user.unit_id is not None and user.unit_id in cycle.member_ids()
        if self is Who.REPORTER:
            return officer and unit is not None and user.unit_id == unit.pk
        if self is Who.DISPUTER:
            return officer and user.unit_id is not None and user.unit_id in cycle.member_ids()
        if self is Who.VOTER:
            return role != User.Role.VIEWER and user.unit_id in cycle.member_ids()
        if unit is None:
            raise ValueError(f"{self.name}: cần biết đơn vị liên quan.")
        if concerns(user, unit):
            return False
        decides = may_decide_for(user, cycle.cluster, unit)
        return decides or (self is Who.SCORER and inspects)


# -- the actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    key: str
    verb: str  # "Không thể {verb} ở giai đoạn …": the stage refusal
    stages: tuple[Stage, ...]  # the stages it is allowed in
    who: Who
    refusal: str  # the 403 for anyone else (pages and API alike); {arbiter}, {unit}: the matter's
    own_unit: str = ""  # the 403 for anyone of the unit concerned (nobody judges their own unit)

    def open_in(self, stage: str) -> bool:
        return stage in self.stages

    def open_now(self, cycle: Cycle) -> bool:
        return self.open_in(cycle.stage)

    def permits(self, user: User, cycle: Cycle, **matter) -> bool:
        return self.who.permits(user, cycle, **matter)

    def may(self, user: User, cycle: Cycle, **matter) -> bool:
        """Whether the user may take the action now (who and stage; the object's state aside)."""
        return self.open_now(cycle) and self.permits(user, cycle, **matter)

    def refusal_for(self, user: User, cycle: Cycle, unit: Unit | None = None) -> str:
        """The sentence refusing this user (naming who decides instead, for a unit's matter)."""
        if unit is None:
            return self.refusal
        if self.own_unit and concerns(user, unit):
            return self.own_unit
        arbiter = arbiter_for(cycle.cluster, unit)
        return self.refusal.format(arbiter=arbiter.label, unit=unit.short_name)

    def require_actor(self, user: User, cycle: Cycle, **matter) -> None:
        """403 with the action's refusal unless the user is who the action needs."""
        if not self.permits(user, cycle, **matter):
            raise PermissionDenied(self.refusal_for(user, cycle, matter.get("unit")))

    def require_stage(self, cycle: Cycle) -> None:
        """409 (WorkflowError) unless the year is at a stage the action is allowed in."""
        require_stage(cycle, self.stages, self.verb)

    def require(self, user: User, cycle: Cycle, **matter) -> None:
        """Both, who first: what a model step checks before it acts."""
        self.require_actor(user, cycle, **matter)
        self.require_stage(cycle)


def require_stage(cycle: Cycle, stages: tuple[str, ...], verb: str) -> None:
    if cycle.stage not in stages:
        allowed = ", ".join(Stage(s).label.lower() for s in stages)
        raise WorkflowError(
            f"Không thể {verb} ở giai đoạn “{cycle.get_stage_display()}” "
            f"(chỉ được ở giai đoạn: {allowed})."
        )


def _action(
    key: str, verb: str, stages: tuple[Stage, ...], who: Who, refusal: str, own_unit: str = ""
) -> Action:
    action = Action(key, verb, stages, who, refusal, own_unit)
    ACTIONS[key] = action
    return action


ACTIONS: dict[str, Action] = {}
PLAN = (S.PLANNING, S.IN_PROGRESS)
DISPUTES = (S.INSPECTION, S.RANKING)
TEAMS = (S.PLANNING, S.IN_PROGRESS, S.INSPECTION)
_SECRETARIAT_ONLY = "Chỉ Thường trực Cụm được "

# step 1–3: the year, its method and its plan
OPEN = _action(
    "open_year",
    "mở năm thi đua",
    (),  # before the year exists: the cluster has no cycle yet
    Who.SECRETARIAT,
    "Chỉ Thường trực Cụm (đơn vị Cụm trưởng) được mở năm thi đua.",
)
ADVANCE = _action(
    "advance",
    "chuyển giai đoạn",
    OPEN_YEAR,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "chuyển giai đoạn.",
)
CHANGE_METHOD = _action(
    "change_method",
    "thay đổi phương pháp chấm",
    OPEN_YEAR,
    Who.SECRETARIAT,
    "Chỉ Thường trực Cụm (đơn vị Cụm trưởng) được thay đổi phương pháp chấm.",
)
SET_TARGETS = _action(
    "set_targets",
    "nhập chỉ tiêu",
    OPEN_YEAR,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "nhập chỉ tiêu của các đơn vị.",
)
WRITE_COVENANT = _action(
    "write_covenant",
    "sửa giao ước",
    PLAN,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "soạn, sửa giao ước thi đua.",
)
SIGN_COVENANT = _action(
    "sign_covenant",
    "ký giao ước",
    PLAN,
    Who.UNIT_OFFICER,
    "Chỉ cán bộ thi đua của đơn vị thành viên được ký giao ước cho đơn vị.",
)
REGISTER = _action(
    "register_titles",
    "đăng ký danh hiệu",
    PLAN,
    Who.UNIT_OFFICER,
    "Chỉ cán bộ thi đua của chính đơn vị được đăng ký danh hiệu cho đơn vị.",
)
ADD_DRIVE = _action(
    "add_drive",
    "thêm đợt thi đua",
    OPEN_YEAR,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "thêm đợt thi đua.",
)
EDIT_DRIVE = _action(
    "edit_drive",
    "sửa đợt thi đua",
    OPEN_YEAR,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "sửa đợt thi đua.",
)
# steps 5–6: results
ENTER_RESULTS = _action(
    "enter_results",
    "nhập số liệu",
    (S.IN_PROGRESS,),
    Who.REPORTER,
    "Chỉ cán bộ thi đua của chính đơn vị được nhập, gửi số liệu của đơn vị.",
)
SUBMIT_RESULTS = _action(
    "submit_results", "gửi số liệu", (S.IN_PROGRESS,), Who.REPORTER, ENTER_RESULTS.refusal
)
RETURN_RESULTS = _action(
    "return_results",
    "trả lại số liệu",
    (S.IN_PROGRESS,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "trả lại số liệu.",
)
# step 7: cross-inspection and disputes
FORM_TEAM = _action(
    "form_team",
    "lập đoàn kiểm tra",
    TEAMS,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "lập đoàn kiểm tra.",
)
EDIT_TEAM = _action(
    "edit_team",
    "sửa đoàn kiểm tra",
    PLAN,  # until the inspection stage starts: then the teams are at work
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "sửa đoàn kiểm tra (đơn vị, cán bộ thành viên).",
)
DISSOLVE_TEAM = _action(
    "dissolve_team",
    "giải thể đoàn kiểm tra",
    PLAN,
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "giải thể đoàn kiểm tra.",
)
SCORE = _action(
    "score_inspection",
    "chấm kiểm tra chéo",
    (S.INSPECTION,),
    Who.SCORER,
    "Chỉ thành viên đoàn kiểm tra được phân công hoặc {arbiter} mới được chấm đơn vị này.",
    OWN_UNIT_INSPECTION,
)
SUBMIT_INSPECTION = _action(
    "submit_inspection",
    "gửi kết quả kiểm tra",
    (S.INSPECTION,),
    Who.SCORER,
    SCORE.refusal,
    OWN_UNIT_INSPECTION,
)
RAISE_DISPUTE = _action(
    "raise_dispute",
    "khiếu nại",
    DISPUTES,
    Who.DISPUTER,
    "Chỉ cán bộ thi đua của đơn vị được khiếu nại điểm của đơn vị.",
)
RESOLVE_DISPUTE = _action(
    "resolve_dispute",
    "giải quyết khiếu nại",
    DISPUTES,
    Who.ARBITER,
    "Khiếu nại của {unit} do {arbiter} giải quyết.",
    OWN_UNIT_DISPUTE,
)
# step 8: ranking
RECOMPUTE = _action(
    "recompute_ranking",
    "tính lại bảng xếp hạng",
    (S.RANKING, S.VOTING),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "tính lại bảng xếp hạng.",
)
# step 9: the honouring vote (two keys: the secretariat's and the Ministry's)
OPEN_VOTE = _action(
    "open_vote",
    "mở biểu quyết suy tôn",
    (S.VOTING,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "mở biểu quyết suy tôn.",
)
SET_VOTE_KEY = _action(
    "set_vote_key",
    "đặt cụm mật khẩu của Bộ",
    (S.VOTING,),
    Who.TRUSTEE,
    "Chỉ cán bộ phê duyệt của Bộ đặt cụm mật khẩu của Bộ cho biểu quyết suy tôn.",
)
CAST_VOTE = _action(
    "cast_vote",
    "biểu quyết",
    (S.VOTING,),
    Who.VOTER,
    "Chỉ cán bộ của đơn vị thành viên Cụm được biểu quyết.",
)
CLOSE_VOTE = _action(
    "close_vote",
    "kết thúc biểu quyết suy tôn",
    (S.VOTING,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "kết thúc biểu quyết suy tôn.",
)
TALLY_VOTE = _action(
    "tally_vote",
    "kiểm phiếu suy tôn",
    (S.VOTING,),
    Who.TRUSTEE,
    "Chỉ cán bộ phê duyệt của Bộ kiểm phiếu suy tôn cùng Thường trực Cụm.",
)
# steps 10–11: proposals and the Ministry's decisions
ADJUST_PROPOSALS = _action(
    "adjust_proposals",
    "điều chỉnh đề nghị",
    (S.PROPOSALS,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "điều chỉnh đề nghị khen thưởng.",
)
WITHDRAW_PROPOSAL = _action(
    "withdraw_proposal",
    "rút đề nghị",
    (S.PROPOSALS, S.APPROVAL),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "rút đề nghị khen thưởng.",
)
RESUBMIT = _action(
    "resubmit_proposals",
    "trình lại đề nghị",
    (S.APPROVAL,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "trình lại đề nghị.",
)
DECIDE = _action(
    "decide_proposal",
    "xét duyệt đề nghị",
    (S.APPROVAL,),
    Who.APPROVER,
    "Chỉ cán bộ phê duyệt của Bộ được quyết định đề nghị khen thưởng.",
)
ANSWER_RETURNED = _action(
    "answer_returned",
    "giải trình đề nghị bị trả lại",
    (S.APPROVAL,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "giải trình đề nghị bị trả lại.",
)
# step 12: handover
HAND_OVER = _action(
    "hand_over",
    "bàn giao và kết thúc năm thi đua",
    (S.APPROVAL,),
    Who.SECRETARIAT,
    _SECRETARIAT_ONLY + "bàn giao và kết thúc năm thi đua.",
)


def allowed(key: str, stage: str, persona: str) -> bool:
    """What the table says: may this member of the cast take this action at this stage?"""
    action = ACTIONS[key]
    return action.open_in(stage) and persona in action.who.personas
