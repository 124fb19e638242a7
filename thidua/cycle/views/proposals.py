"""Steps 10–12: award proposals within the cluster's rules, the Ministry's decision, the handover."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_handover_for_user,
    get_proposal_for_user,
    proposals_for_user,
)
from thidua.cycle.models import Cycle, Proposal
from thidua.cycle.outcome import proposals as rules
from thidua.cycle.outcome.decisions import DECISION_RELATED, with_decisions
from thidua.cycle.outcome.forms import AddProposalForm, DecisionForm, WithdrawForm
from thidua.lib.steps import run_step
from thidua.org.forms import HandoverForm

S = Cycle.Stage

# -- the proposals page ----------------------------------------------------------------------------


@require_GET
def cycle_proposals(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    return _page(request, access)


@require_POST
def cycle_proposal_withdraw(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, pk)
    workflow.WITHDRAW_PROPOSAL.require_actor(request.user, access.cycle)
    form = WithdrawForm(request.POST, prefix=f"w{pk}")
    ok, status = False, 422
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: proposal.withdraw(by=request.user, reason=form.cleaned_data["reason"]),
            success=f"Đã rút đề nghị {proposal.award_name} cho {proposal.unit.name}.",
            form=form,
        )
    return _done(year, number) if ok else _page(request, access, {pk: form}, status=status)


@require_POST
def cycle_proposal_add(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.ADJUST_PROPOSALS.require_actor(request.user, access.cycle)
    form = AddProposalForm(request.POST, cycle=access.cycle, prefix="add")
    ok, status = False, 422
    if form.is_valid():
        data = form.cleaned_data
        ok, _, status = run_step(
            request,
            rules.with_unit_names(
                access.cycle,
                lambda: rules.add_proposal(
                    access.cycle,
                    by=request.user,
                    unit=data["unit"],
                    award_code=data["award_code"],
                    reason=data["reason"],
                ),
            ),
            success=f"Đã thêm đề nghị cho {data['unit'].name}.",
            form=form,
        )
    return _done(year, number) if ok else _page(request, access, add_form=form, status=status)


@require_POST
def cycle_proposals_resubmit(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.RESUBMIT.require_actor(request.user, access.cycle)
    ok, _, status = run_step(
        request,
        rules.with_unit_names(access.cycle, lambda: rules.resubmit(access.cycle, by=request.user)),
        success="Đã trình lại Bộ các đề nghị đã điều chỉnh.",
    )
    return _done(year, number) if ok else _page(request, access, status=status)


@require_POST
def cycle_proposal_decide(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, pk)
    workflow.DECIDE.require_actor(request.user, access.cycle)
    form = DecisionForm(request.POST, prefix=f"d{pk}")
    ok, status = False, 422
    if form.is_valid():
        data = form.cleaned_data
        ok, _, status = run_step(
            request,
            lambda: proposal.decide(
                by=request.user,
                decision=data["decision"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
            success=f"Đã ghi nhận quyết định của Bộ đối với đề nghị cho {proposal.unit.name}.",
            form=form,
        )
    return _done(year, number) if ok else _page(request, access, {pk: form}, status=status)


def _done(year: int, number: int) -> HttpResponse:
    return redirect(reverse("cycle_proposals", args=[year, number]))


def _page(
    request: HttpRequest,
    access: CycleAccess,
    bound: dict[int, Any] | None = None,
    *,
    add_form: AddProposalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cycle = access.cycle
    bound = bound or {}
    rows = proposals_for_user(access).select_related("person", *DECISION_RELATED)
    proposals = [
        p
        for p in rows
        # A unit's individual proposals name its people: the unit, the secretariat, the Ministry.
        if not p.person_id
        or access.is_secretariat
        or access.national
        or p.unit_id == access.user.unit_id
    ]
    with_decisions(proposals, access.user)
    can_adjust = workflow.WITHDRAW_PROPOSAL.may(access.user, cycle)
    for p in proposals:
        # The engine's basis reads "<why>. Căn cứ: <legal basis>": the legal part set apart.
        p.basis_why, _, p.basis_legal = p.basis.partition(" Căn cứ: ")
        p.can_withdraw = can_adjust and p.state in (Proposal.State.DRAFT, Proposal.State.RETURNED)
        p.can_decide = p.state == Proposal.State.SUBMITTED and workflow.DECIDE.may(
            access.user, cycle
        )
        if p.can_withdraw:
            p.withdraw_form = bound.get(p.pk) or WithdrawForm(prefix=f"w{p.pk}")
        if p.can_decide:
            p.decide_form = bound.get(p.pk) or DecisionForm(
                prefix=f"d{p.pk}", initial={"version": p.version}
            )
    ranking = cycle.rankings.first()
    refusals: dict[str, list] = {}
    for d in ranking.refusals() if ranking else []:
        refusals.setdefault(d["award_name"], []).append(d)
    can_add = workflow.ADJUST_PROPOSALS.may(access.user, cycle)
    states = [p.state for p in proposals]
    context = {
        "access": access,
        "cycle": cycle,
        "proposals": proposals,
        "refusals": refusals,
        "rules_name": (ranking.allocation or {}).get("rules", "") if ranking else "",
        "counts": {s: states.count(s) for s in Proposal.State.values},
        "can_add": can_add,
        "add_form": add_form or (AddProposalForm(cycle=cycle, prefix="add") if can_add else None),
        "can_submit": access.is_secretariat and cycle.stage == S.PROPOSALS and proposals,
        "can_resubmit": workflow.RESUBMIT.may(access.user, cycle)
        and Proposal.State.RETURNED in states,
        "ready_to_close": cycle.stage == S.APPROVAL and not any(p.pending for p in proposals),
        # Rules and eligibility (issue 5) problems that block sending the proposals to the Ministry.
        "blocking": rules.selection_problems(cycle)
        if access.is_secretariat and cycle.stage == S.PROPOSALS
        else [],
    }
    return render(request, "cycle/outcome/proposals.html", context, status=status)


# -- step 12: handover and closing the year --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cycle_handover(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    handover, _ = get_handover_for_user(access)
    cycle = access.cycle
    form = None
    if request.method == "POST":
        workflow.HAND_OVER.require_actor(request.user, access.cycle)
        form = HandoverForm(request.POST, cluster=cycle.cluster, instance=handover)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            ok, _, status = run_step(
                request,
                lambda: cycle.close(
                    by=request.user,
                    next_leader=data["next_leader"],
                    next_deputy=data["next_deputy"],
                    reason=data["reason"],
                ),
                success=f"Đã ghi nhận {cycle.cluster.leader_word}, {cycle.cluster.deputy_word} "
                f"năm {cycle.year + 1} và kết thúc năm thi đua.",
                form=form,
            )
            if ok:
                return redirect(reverse("cycle_handover", args=[year, number]))
        return _handover_page(request, access, form, status)
    return _handover_page(request, access, form, 200)


def _handover_page(request, access: CycleAccess, form, status: int) -> HttpResponse:
    handover, can_record = get_handover_for_user(access)
    cycle = access.cycle
    pending = [p for p in proposals_for_user(access) if p.pending]
    if can_record and not pending and form is None:
        form = HandoverForm(cluster=cycle.cluster, instance=handover)
    context = {
        "access": access,
        "cycle": cycle,
        "handover": handover,
        "can_record": can_record,
        "pending": pending,
        "form": form if can_record else None,
    }
    return render(request, "cycle/outcome/handover.html", context, status=status)
