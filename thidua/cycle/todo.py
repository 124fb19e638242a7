"""What is waiting for this user, across the years they take part in: the home page's to-do list."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from thidua.cycle import workflow
from thidua.cycle.models import (
    Cycle,
    Dispute,
    HonourVote,
    Inspection,
    InspectionTeam,
    Proposal,
    Registration,
    ResultSheet,
)
from thidua.org.models import User


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    cluster: str
    urgent: bool = False


def _args(cycle: Cycle) -> list[int]:
    return [cycle.cluster.year, cycle.cluster.number]


def tasks_for(user: User) -> list[Task]:
    cycles = list(
        Cycle.objects.exclude(stage=Cycle.Stage.CLOSED)
        .select_related("cluster")
        .prefetch_related("cluster__memberships__unit")
        .order_by("-cluster__year", "cluster__number")
    )
    tasks: list[Task] = []
    for cycle in cycles:
        members = {m.unit_id for m in cycle.cluster.memberships.all()}
        where = str(cycle.cluster)
        if workflow.ADVANCE.may(user, cycle):
            tasks.append(
                Task(
                    f"Điều hành năm thi đua: giai đoạn “{cycle.get_stage_display()}”",
                    reverse("cycle_overview", args=_args(cycle)),
                    where,
                )
            )
            tasks.extend(_secretariat_tasks(user, cycle, where))
        if user.unit_id in members:
            tasks.extend(_unit_tasks(user, cycle, where))
        if workflow.SCORE.open_now(cycle):  # named on a team, or an inspector of its units
            for inspection in (
                Inspection.objects.filter(cycle=cycle, state=Inspection.State.DRAFT)
                .for_inspector(user)
                .exclude(unit_id=user.unit_id)  # nobody scores their own unit
                .select_related("unit")
            ):
                tasks.append(
                    Task(
                        f"Chấm kiểm tra chéo {inspection.unit.name}",
                        reverse("cycle_inspection", args=[*_args(cycle), inspection.pk]),
                        where,
                        urgent=True,
                    )
                )
        elif workflow.EDIT_TEAM.open_now(cycle):  # before the inspection: the teams naming them
            tasks.extend(_team_member_tasks(user, cycle, where))
        if workflow.SET_VOTE_KEY.may(user, cycle):  # and the tally: the trustee's two steps
            tasks.extend(_trustee_tasks(cycle, where))
        if cycle.stage == Cycle.Stage.APPROVAL:
            tasks.extend(_review_tasks(user, cycle, where))
        if user.role == User.Role.MINISTRY_APPROVER and workflow.DECIDE.open_now(cycle):
            waiting = Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED).count()
            if waiting:
                tasks.append(
                    Task(
                        f"Xét duyệt {waiting} đề nghị khen thưởng",
                        reverse("cycle_proposals", args=_args(cycle)),
                        where,
                        urgent=True,
                    )
                )
    return tasks


def _secretariat_tasks(user: User, cycle: Cycle, where: str) -> list[Task]:
    """What waits for the secretariat itself: each sheet sent in to check (while it may still be
    returned) and each dispute to settle, one link each."""
    args = _args(cycle)
    tasks = []
    if workflow.RETURN_RESULTS.open_now(cycle):
        for sheet in (
            ResultSheet.objects.filter(cycle=cycle, state=ResultSheet.State.SUBMITTED)
            .select_related("unit")
            .order_by("submitted_at")
        ):
            tasks.append(
                Task(
                    f"Kiểm tra số liệu {sheet.unit.name} đã gửi",
                    reverse("cycle_result_sheet", args=[*args, sheet.unit.code]),
                    where,
                )
            )
    if workflow.RESOLVE_DISPUTE.open_now(cycle):
        for dispute in Dispute.objects.filter(cycle=cycle, state=Dispute.State.OPEN).select_related(
            "unit"
        ):
            if not workflow.RESOLVE_DISPUTE.permits(user, cycle, unit=dispute.unit):
                continue  # its own unit's: the deputy or the Ministry settles it
            tasks.append(
                Task(
                    f"Giải quyết khiếu nại của {dispute.unit.name}",
                    reverse("cycle_disputes", args=args),
                    where,
                    urgent=True,
                )
            )
    return tasks


def _team_member_tasks(user: User, cycle: Cycle, where: str) -> list[Task]:
    """An officer named on a team, before the inspection stage: which units the team inspects."""
    tasks = []
    for team in InspectionTeam.objects.filter(cycle=cycle, members=user).prefetch_related(
        "inspected_units"
    ):
        names = ", ".join(u.short_name for u in team.inspected_units.all())
        url = reverse("cycle_teams", args=_args(cycle)) + f"#doan-{team.pk}"
        tasks.append(Task(f"Thành viên {team.name}: chuẩn bị kiểm tra chéo {names}", url, where))
    return tasks


def _review_tasks(user: User, cycle: Cycle, where: str) -> list[Task]:
    """Items the Ministry returned wait for the cluster; items submitted wait for the council."""
    from thidua.cycle.outcome.review import council_seat

    tasks = []
    url = reverse("cycle_review", args=_args(cycle))
    if user.is_secretariat_of(cycle.cluster):
        returned = Proposal.objects.filter(cycle=cycle, state=Proposal.State.RETURNED).count()
        if returned:
            tasks.append(
                Task(
                    f"Bộ trả lại {returned} đề nghị: giải trình, bổ sung rồi trình lại",
                    url,
                    where,
                    urgent=True,
                )
            )
    seat = council_seat(user)
    if seat is not None:
        waiting = (
            Proposal.objects.filter(cycle=cycle, state=Proposal.State.SUBMITTED)
            .exclude(opinions__member=seat)
            .count()
        )
        if waiting:
            tasks.append(Task(f"Cho ý kiến Hội đồng về {waiting} đề nghị", url, where))
    return tasks


def _trustee_tasks(cycle: Cycle, where: str) -> list[Task]:
    """The Ministry's approver holds the honouring vote's second key: set it, then tally."""
    words = {
        HonourVote.State.SETUP: "Đặt cụm mật khẩu của Bộ để mở bỏ phiếu suy tôn",
        HonourVote.State.TALLYING: "Kiểm phiếu suy tôn (nhập cụm mật khẩu của Bộ)",
    }
    vote = HonourVote.objects.filter(cycle=cycle, state__in=list(words)).first()
    if vote is None:
        return []
    return [Task(words[vote.state], reverse("cycle_vote", args=_args(cycle)), where, urgent=True)]


def _unit_tasks(user: User, cycle: Cycle, where: str) -> list[Task]:
    unit = user.unit
    if not workflow.ENTER_RESULTS.permits(user, cycle, unit=unit):  # the unit's own officers
        return []
    tasks = []
    args = _args(cycle)
    covenant = getattr(cycle, "covenant", None)
    if covenant is not None and not covenant.signatures.filter(unit=unit).exists():
        tasks.append(Task("Ký giao ước thi đua", reverse("cycle_covenant", args=args), where))
    if (
        workflow.REGISTER.open_now(cycle)
        and not Registration.objects.filter(cycle=cycle, unit=unit).exists()
    ):
        tasks.append(
            Task("Đăng ký danh hiệu thi đua", reverse("cycle_registrations", args=args), where)
        )
    if workflow.ENTER_RESULTS.open_now(cycle):
        sheet = ResultSheet.objects.filter(cycle=cycle, unit=unit).first()
        url = reverse("cycle_result_sheet", args=[*args, unit.code])
        if sheet is None or sheet.state == ResultSheet.State.DRAFT:
            tasks.append(
                Task("Nhập và gửi số liệu kết quả thực hiện chỉ tiêu", url, where, urgent=True)
            )
        elif sheet.state == ResultSheet.State.RETURNED:
            tasks.append(
                Task(f"Số liệu bị trả lại: {sheet.return_reason}", url, where, urgent=True)
            )
    vote = HonourVote.objects.filter(cycle=cycle, state=HonourVote.State.OPEN).first()
    if vote is not None and not vote.voters.filter(unit=unit).exists():
        tasks.append(
            Task(
                f"Biểu quyết suy tôn {vote.candidate.name}",
                reverse("cycle_vote", args=args),
                where,
                urgent=True,
            )
        )
    return tasks
