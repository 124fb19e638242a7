"""The year at a glance: where the cluster stands, what the next stage needs, who may move it on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.cycle import gates, workflow
from thidua.cycle.access import get_cycle_for_user
from thidua.cycle.models import Cycle, Proposal, ReturnAnswer
from thidua.lib.workflow import WorkflowError
from thidua.org.access import get_cluster_for_user, require


def cycle_overview(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, can_manage = get_cluster_for_user(request.user, year, number)
    if not Cycle.objects.filter(cluster=cluster).exists():
        return render(
            request, "cycle/not_open.html", {"cluster": cluster, "can_manage": can_manage}
        )
    access = get_cycle_for_user(request.user, year, number)
    cycle = access.cycle
    upcoming = gates.next_stage(cycle)
    stages = [
        {
            "value": s.value,
            "label": s.label,
            "done": i < cycle.stage_index(),
            "current": i == cycle.stage_index(),
        }
        for i, s in enumerate(Cycle.ORDER)
    ]
    return render(
        request,
        "cycle/overview.html",
        {
            "access": access,
            "cycle": cycle,
            "cluster": cycle.cluster,
            "stages": stages,
            "upcoming": upcoming,
            "blockers": linked(cycle, gates.problems_before(cycle, upcoming))
            if upcoming and workflow.ADVANCE.permits(request.user, cycle)
            else [],
            "method": cycle.method,
            "review_step": review_step(cycle),
        },
    )


def linked(cycle: Cycle, problems: list[str]) -> list[dict[str, Any]]:
    """Each problem before the next stage with the page where it is fixed (each unit it names
    linked to its own page): `gates.Problem`'s fix and items, reversed for this year."""
    args = [cycle.cluster.year, cycle.cluster.number]
    rows = []
    for problem in problems:
        fix = getattr(problem, "fix", "")
        items = getattr(problem, "items", ())
        rows.append(
            {
                "text": str(problem),
                "url": reverse(fix, args=args) if fix else "",
                "lead": getattr(problem, "lead", ""),
                "tail": getattr(problem, "tail", ""),
                "links": [
                    (label, reverse(name, args=[*args, *extra])) for label, name, extra in items
                ],
            }
        )
    return rows


def review_step(cycle: Cycle) -> str:
    """Whose move it is while the Ministry reviews, from the proposals' states: an item returned
    or not yet submitted waits for the cluster, a submitted one for the Ministry, and once every
    item is decided the year's handover waits for the cluster."""
    if cycle.stage != Cycle.Stage.APPROVAL:
        return ""
    states = list(cycle.proposals.values_list("state", flat=True))
    returned = states.count(Proposal.State.RETURNED)
    drafts = states.count(Proposal.State.DRAFT)
    waiting = states.count(Proposal.State.SUBMITTED)
    kind = cycle.cluster.kind_word
    ministry = (
        f"Bộ đang xét duyệt {waiting} đề nghị (Hội đồng Thi đua – Khen thưởng cho ý kiến)."
        if waiting
        else ""
    )
    if returned or drafts:
        parts = []
        if returned:
            answered = (
                ReturnAnswer.objects.filter(
                    proposal__cycle=cycle,
                    proposal__state=Proposal.State.RETURNED,
                    return_reason=F("proposal__decision_reason"),
                )
                .values("proposal")
                .distinct()
                .count()
            )
            done = f" (đã giải trình {answered})" if answered else ""
            parts.append(
                f"Bộ đã trả lại {returned} đề nghị{done} — Thường trực {kind} giải trình, bổ sung "
                "hồ sơ rồi trình lại Bộ"
            )
        if drafts:
            parts.append(f"còn {drafts} đề nghị chưa trình Bộ — Thường trực {kind} trình Bộ")
        return f"Bước tiếp theo là của {kind}: {'; '.join(parts)}. {ministry}".strip()
    if ministry:
        return ministry
    if states:
        cluster = cycle.cluster
        return (
            f"Bộ đã quyết định mọi đề nghị: bước tiếp theo là của {kind} — Thường trực {kind} ghi "
            f"nhận {cluster.leader_word}, {cluster.deputy_word} năm sau và kết thúc năm thi đua."
        )
    return ""


@require_POST
def cycle_open(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, can_manage = get_cluster_for_user(request.user, year, number)
    require(can_manage, workflow.OPEN.refusal)
    try:
        Cycle.open(cluster, by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã mở năm thi đua {cluster.year} của {cluster.title}.")
    return redirect(reverse("cycle_overview", args=[year, number]))


@require_POST
def cycle_advance(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.ADVANCE.require_actor(request.user, access.cycle)
    target = request.POST.get("to", "")
    try:
        access.cycle.advance(target, by=request.user)
    except (WorkflowError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Giai đoạn không hợp lệ."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã chuyển sang giai đoạn “{access.cycle.get_stage_display()}”.")
    return redirect(reverse("cycle_overview", args=[year, number]))
