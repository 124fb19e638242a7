"""Step 9: the honouring vote (suy tôn). Pages show who voted and when, never how; the tally
only once the secretariat has closed the vote."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from thidua.cycle.access import CycleAccess, get_cycle_for_user, get_vote_for_user, may_vote
from thidua.cycle.forms_outcome import BallotForm, OpenVoteForm
from thidua.cycle.models import Cycle, HonourVote
from thidua.cycle.views.common import run_step
from thidua.org.access import require


@require_GET
def cycle_vote(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    return _page(request, access)


@require_POST
def cycle_vote_open(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được mở biểu quyết suy tôn.")
    form = OpenVoteForm(request.POST, cycle=access.cycle)
    if not form.is_valid():
        return _page(request, access, open_form=form, status=422)
    ok, _, status = run_step(
        request,
        lambda: HonourVote.open_vote(
            access.cycle, by=request.user, candidate=form.cleaned_data["candidate"]
        ),
        success=f"Đã mở biểu quyết suy tôn {form.cleaned_data['candidate'].name}.",
        form=form,
    )
    return _done(year, number) if ok else _page(request, access, open_form=form, status=status)


@require_POST
def cycle_vote_cast(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(may_vote(access), "Chỉ cán bộ của đơn vị thành viên Cụm được biểu quyết.")
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error="Biểu quyết suy tôn chưa mở.")
    form = BallotForm(request.POST)
    if not form.is_valid():
        return _page(request, access, ballot_form=form, status=422)
    unit = access.own_unit
    # The message names the unit, never the choice.
    ok, _, status = run_step(
        request,
        lambda: vote.cast(by=request.user, choice=form.cleaned_data["choice"]),
        success=f"Đã ghi nhận phiếu biểu quyết của {unit.name}.",
        form=form,
    )
    return _done(year, number) if ok else _page(request, access, ballot_form=form, status=status)


@require_POST
def cycle_vote_close(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat, "Chỉ Thường trực Cụm được kết thúc biểu quyết suy tôn.")
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error="Biểu quyết suy tôn chưa mở.")
    ok, _, status = run_step(
        request, lambda: vote.close(by=request.user), success="Đã kết thúc biểu quyết suy tôn."
    )
    return _done(year, number) if ok else _page(request, access, status=status)


def _done(year: int, number: int) -> HttpResponse:
    return redirect(reverse("cycle_vote", args=[year, number]))


def _page(
    request: HttpRequest,
    access: CycleAccess,
    *,
    open_form: OpenVoteForm | None = None,
    ballot_form: BallotForm | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    cycle = access.cycle
    vote, can_cast = get_vote_for_user(access)
    context = {
        "access": access,
        "cycle": cycle,
        "vote": vote,
        "can_cast": can_cast,
        "error": error,
        "can_advance": access.is_secretariat
        and cycle.stage == Cycle.Stage.VOTING
        and vote is not None
        and not vote.is_open,
    }
    if vote is None:
        can_open = access.is_secretariat and cycle.stage == Cycle.Stage.VOTING
        if can_open and open_form is None:
            open_form = OpenVoteForm(cycle=cycle, initial={"candidate": _leading_unit(cycle)})
        context.update(can_open=can_open, open_form=open_form)
    else:
        voters = vote.voter_rows()
        voted = {v.unit_id for v in voters}
        context.update(
            voters=voters,
            not_voted=[u for u in cycle.members() if u.pk not in voted],
            own_voted=access.own_unit is not None and access.own_unit.pk in voted,
            may_vote=may_vote(access),
            ballot_form=ballot_form or BallotForm(),
        )
    return render(request, "cycle/outcome/vote.html", context, status=status)


def _leading_unit(cycle: Cycle):
    """The default candidate: the unit ranked first in the ranking in force."""
    ranking = cycle.rankings.first()
    if ranking is None:
        return None
    first = ranking.entries.filter(rank=1, vetoed=False).select_related("unit").first()
    return first.unit if first else None
