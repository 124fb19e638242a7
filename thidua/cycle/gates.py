"""What each stage needs before the cycle may enter it, and what entering it does.

Kept apart from the models so the whole sequence of the year reads in one place.
"""

from __future__ import annotations

from thidua.cycle.models import Cycle, Dispute, Inspection, Proposal, ResultSheet
from thidua.org.models import User

S = Cycle.Stage


def next_stage(cycle: Cycle) -> Cycle.Stage | None:
    """The stage after the current one (None once the year is closed)."""
    index = cycle.stage_index()
    return Cycle.ORDER[index + 1] if index + 1 < len(Cycle.ORDER) else None


def problems_before(cycle: Cycle, to: str) -> list[str]:
    """Everything missing before `to`, in the words a secretariat uses (empty: ready)."""
    check = {
        S.IN_PROGRESS: _ready_to_report,
        S.INSPECTION: _ready_to_inspect,
        S.RANKING: _ready_to_rank,
        S.VOTING: _ready_to_vote,
        S.PROPOSALS: _ready_to_propose,
        S.APPROVAL: _ready_for_approval,
        S.CLOSED: _ready_to_close,
    }.get(S(to))
    return check(cycle) if check else []


def _ready_to_report(cycle: Cycle) -> list[str]:
    method = cycle.method
    problems = []
    if method is None or not method.scale:
        problems.append("Chưa ban hành thang điểm.")
    if method is None or not method.award_rules:
        problems.append("Chưa ban hành quy chế xét khen thưởng.")
    if not hasattr(cycle, "covenant"):
        problems.append("Chưa có nội dung giao ước thi đua.")
    return problems


def _ready_to_inspect(cycle: Cycle) -> list[str]:
    submitted = set(
        ResultSheet.objects.filter(cycle=cycle, state=ResultSheet.State.SUBMITTED).values_list(
            "unit_id", flat=True
        )
    )
    missing = [u.short_name for u in cycle.members() if u.pk not in submitted]
    problems = []
    if missing:
        problems.append(f"Chưa gửi số liệu: {', '.join(missing)}.")
    inspected = set(Inspection.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    uncovered = [u.short_name for u in cycle.members() if u.pk not in inspected]
    if uncovered:
        problems.append(
            f"Chưa có đoàn kiểm tra cho: {', '.join(uncovered)} (kể cả đơn vị Cụm trưởng)."
        )
    return problems


def _ready_to_rank(cycle: Cycle) -> list[str]:
    pending = Inspection.objects.filter(cycle=cycle).exclude(state=Inspection.State.SUBMITTED)
    names = [i.unit.short_name for i in pending.select_related("unit")]
    return [f"Đoàn kiểm tra chưa gửi kết quả chấm: {', '.join(names)}."] if names else []


def _ready_to_vote(cycle: Cycle) -> list[str]:
    problems = []
    if not cycle.rankings.exists():
        problems.append("Chưa có bảng xếp hạng.")
    open_disputes = Dispute.objects.filter(cycle=cycle, state=Dispute.State.OPEN).count()
    if open_disputes:
        problems.append(f"Còn {open_disputes} khiếu nại chưa giải quyết.")
    return problems


def _ready_to_propose(cycle: Cycle) -> list[str]:
    vote = getattr(cycle, "honour_vote", None)
    if vote is None or vote.state != vote.State.CLOSED:
        return ["Chưa kết thúc biểu quyết suy tôn."]
    return []


def _ready_for_approval(cycle: Cycle) -> list[str]:
    live = Proposal.objects.filter(
        cycle=cycle, state__in=[Proposal.State.DRAFT, Proposal.State.RETURNED]
    )
    if not live.exists():
        return ["Chưa có đề nghị khen thưởng nào để trình Bộ."]
    from thidua.cycle.proposals import selection_problems

    return selection_problems(cycle)


def _ready_to_close(cycle: Cycle) -> list[str]:
    pending = Proposal.objects.filter(
        cycle=cycle,
        state__in=[Proposal.State.SUBMITTED, Proposal.State.DRAFT, Proposal.State.RETURNED],
    )
    problems = []
    if pending.exists():
        problems.append(f"Còn {pending.count()} đề nghị khen thưởng chưa được Bộ quyết định.")
    if not hasattr(cycle.cluster, "handover"):
        problems.append("Chưa ghi nhận Cụm trưởng, Cụm phó năm sau.")
    return problems


def on_enter(cycle: Cycle, stage: str, *, by: User) -> None:
    """The work a stage starts with (explicit, not a signal)."""
    if stage == S.RANKING:
        from thidua.cycle.scoring import rank_cycle

        rank_cycle(cycle, by=by)
    elif stage == S.PROPOSALS:
        from thidua.cycle.proposals import allocate

        allocate(cycle, by=by)
    elif stage == S.APPROVAL:
        from thidua.cycle.proposals import submit_all

        submit_all(cycle, by=by)
