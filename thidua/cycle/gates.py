"""The year's stages: what each needs before the cycle may enter it, and what entering it does.

STAGES is the second half of the year's table (the first, who may take each action at which stage,
is `thidua.cycle.workflow`): each stage of a cluster's year with its readiness check, in the words a
secretariat uses (a `Problem` also says where it is fixed, for the pages to link), and the work
entering it starts. `Cycle.advance`, the year's page and the API ask here.

Like the actions, this module imports nothing of its own app above the workflow: the readiness
checks reach the year's objects through the cycle's own relations, and the work that lives above
the models (ranking the year, allocating and submitting the proposals, checking a selection against
the rules) is handed over when the app starts (`register_stage_work`, called from
CycleConfig.ready): no import reaches up from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from thidua.cycle.workflow import ORDER, Stage

if TYPE_CHECKING:
    from thidua.cycle.models import Cycle
    from thidua.org.models import User


@dataclass(frozen=True)
class StageStep:
    stage: Stage
    ready: Callable[[Cycle], list[str]] | None  # what is missing before entering (empty: ready)
    on_enter: Callable[[Cycle, User], None] | None  # the work entering it starts (explicit)


class Problem(str):
    """A readiness problem: the sentence (a str, as every caller reads it) and where it is fixed,
    for the pages to link: `fix` a page of the year (URL name), or `items` one page per unit named
    in the sentence (label, URL name, arguments after the year and cluster number)."""

    lead: str
    items: tuple[tuple[str, str, tuple], ...]
    tail: str
    fix: str

    def __new__(
        cls,
        text: str = "",
        *,
        fix: str = "",
        lead: str = "",
        items: tuple[tuple[str, str, tuple], ...] = (),
        tail: str = "",
    ) -> Problem:
        if items:
            text = lead + ", ".join(label for label, _, _ in items) + tail
        problem = super().__new__(cls, text)
        problem.lead, problem.items, problem.tail, problem.fix = lead, items, tail, fix
        return problem


def _ready_to_report(cycle: Cycle) -> list[str]:
    method = cycle.method
    problems = []
    if method is None or not method.scale:
        problems.append(Problem("Chưa ban hành thang điểm.", fix="cycle_method"))
    if method is None or not method.award_rules:
        problems.append(Problem("Chưa ban hành quy chế xét khen thưởng.", fix="cycle_method_rules"))
    if not hasattr(cycle, "covenant"):
        problems.append(Problem("Chưa có nội dung giao ước thi đua.", fix="cycle_covenant"))
    return problems


def _ready_to_inspect(cycle: Cycle) -> list[str]:
    sheets = cycle.result_sheets
    started = dict(sheets.values_list("unit_id", "state"))
    submitted = sheets.model.State.SUBMITTED
    # A unit's sheet once it has one (the secretariat reads drafts); else the list of sheets.
    missing = tuple(
        (u.short_name, "cycle_result_sheet", (u.code,))
        if u.pk in started
        else (u.short_name, "cycle_results", ())
        for u in cycle.members()
        if started.get(u.pk) != submitted
    )
    problems = []
    if missing:
        problems.append(Problem(lead="Chưa gửi số liệu: ", items=missing, tail="."))
    inspected = set(cycle.inspections.values_list("unit_id", flat=True))
    uncovered = tuple(
        (u.short_name, "cycle_teams", ()) for u in cycle.members() if u.pk not in inspected
    )
    if uncovered:
        problems.append(
            Problem(
                lead="Chưa có đoàn kiểm tra cho: ",
                items=uncovered,
                tail=" (kể cả đơn vị Cụm trưởng).",
            )
        )
    return problems


def _ready_to_rank(cycle: Cycle) -> list[str]:
    inspections = cycle.inspections
    pending = inspections.exclude(state=inspections.model.State.SUBMITTED)
    items = tuple(
        (i.unit.short_name, "cycle_inspection", (i.pk,)) for i in pending.select_related("unit")
    )
    if not items:
        return []
    return [Problem(lead="Đoàn kiểm tra chưa gửi kết quả chấm: ", items=items, tail=".")]


def _ready_to_vote(cycle: Cycle) -> list[str]:
    problems = []
    if not cycle.rankings.exists():
        problems.append(Problem("Chưa có bảng xếp hạng.", fix="cycle_ranking"))
    disputes = cycle.disputes
    open_disputes = disputes.filter(state=disputes.model.State.OPEN).count()
    if open_disputes:
        problems.append(
            Problem(f"Còn {open_disputes} khiếu nại chưa giải quyết.", fix="cycle_disputes")
        )
    return problems


def _ready_to_propose(cycle: Cycle) -> list[str]:
    vote = getattr(cycle, "honour_vote", None)
    if vote is None or vote.state != vote.State.CLOSED:
        return [Problem("Chưa kết thúc biểu quyết suy tôn.", fix="cycle_vote")]
    return []


def _ready_for_approval(cycle: Cycle) -> list[str]:
    proposals = cycle.proposals
    state = proposals.model.State
    if not proposals.filter(state__in=[state.DRAFT, state.RETURNED]).exists():
        return [Problem("Chưa có đề nghị khen thưởng nào để trình Bộ.", fix="cycle_proposals")]
    return [Problem(p, fix="cycle_proposals") for p in _work("selection_problems")(cycle)]


def _ready_to_close(cycle: Cycle) -> list[str]:
    proposals = cycle.proposals
    state = proposals.model.State
    pending = proposals.filter(state__in=[state.SUBMITTED, state.DRAFT, state.RETURNED])
    problems = []
    if pending.exists():
        problems.append(
            Problem(
                f"Còn {pending.count()} đề nghị khen thưởng chưa được Bộ quyết định.",
                fix="cycle_review",
            )
        )
    if not hasattr(cycle.cluster, "handover"):
        problems.append(Problem("Chưa ghi nhận Cụm trưởng, Cụm phó năm sau.", fix="cycle_handover"))
    return problems


# The work above the models that the stages call: set once at start-up (register_stage_work).
_WORK: dict[str, Callable] = {}


def register_stage_work(
    *,
    rank: Callable[..., object],
    allocate: Callable[..., object],
    submit_all: Callable[..., object],
    selection_problems: Callable[[Cycle], list[str]],
) -> None:
    """Hand the table the steps it runs on entering a stage and the rules check before approval
    (thidua.cycle.scoring.rank_cycle, thidua.cycle.outcome.proposals.allocate / submit_all /
    selection_problems): called by CycleConfig.ready."""
    _WORK.update(
        rank=rank, allocate=allocate, submit_all=submit_all, selection_problems=selection_problems
    )


def _work(name: str) -> Callable:
    if name not in _WORK:
        raise ImproperlyConfigured(f"thidua.cycle.gates: chưa đăng ký bước “{name}”.")
    return _WORK[name]


def _rank(cycle: Cycle, by: User) -> None:
    _work("rank")(cycle, by=by)


def _allocate(cycle: Cycle, by: User) -> None:
    _work("allocate")(cycle, by=by)


def _submit_all(cycle: Cycle, by: User) -> None:
    _work("submit_all")(cycle, by=by)


STAGES: dict[Stage, StageStep] = {
    step.stage: step
    for step in (
        StageStep(Stage.PLANNING, None, None),
        StageStep(Stage.IN_PROGRESS, _ready_to_report, None),
        StageStep(Stage.INSPECTION, _ready_to_inspect, None),
        StageStep(Stage.RANKING, _ready_to_rank, _rank),
        StageStep(Stage.VOTING, _ready_to_vote, None),
        StageStep(Stage.PROPOSALS, _ready_to_propose, _allocate),
        StageStep(Stage.APPROVAL, _ready_for_approval, _submit_all),
        StageStep(Stage.CLOSED, _ready_to_close, None),
    )
}


def next_stage(cycle: Cycle) -> Stage | None:
    """The stage after the current one (None once the year is closed)."""
    index = ORDER.index(Stage(cycle.stage))
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def problems_before(cycle: Cycle, to: str) -> list[str]:
    """Everything missing before `to`, in the words a secretariat uses (empty: ready)."""
    ready = STAGES[Stage(to)].ready
    return ready(cycle) if ready else []


def on_enter(cycle: Cycle, stage: str, *, by: User) -> None:
    """The work a stage starts with (explicit, not a signal)."""
    enter = STAGES[Stage(stage)].on_enter
    if enter is not None:
        enter(cycle, by)
