"""Step 9: the honouring vote (suy tôn), a secret ballot with two key holders.

The secretariat opens the vote with its passphrase, the Ministry's approver adds the second one,
member units vote (each gets a receipt), the secretariat ends the ballot with its passphrase and the
Ministry's approver tallies with theirs. Each trustee types their passphrase while signed in as
themselves; pages show who voted, never how, and counts only after the tally.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from thidua.cycle import workflow
from thidua.cycle.access import CycleAccess, get_cycle_for_user, get_vote_for_user, may_vote
from thidua.cycle.models import Cycle, HonourVote
from thidua.cycle.outcome.forms import BallotForm, NewPassphraseForm, OpenVoteForm, PassphraseForm
from thidua.lib.steps import run_step

NOT_OPEN = "Biểu quyết suy tôn chưa mở."


@require_GET
def cycle_vote(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    return _page(request, access)


@require_POST
def cycle_vote_open(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.OPEN_VOTE.require_actor(request.user, access.cycle)
    form = OpenVoteForm(request.POST, cycle=access.cycle)
    if not form.is_valid():
        return _page(request, access, forms={"open": form}, status=422)
    data = form.cleaned_data
    ok, _, status = run_step(
        request,
        lambda: HonourVote.open_vote(
            access.cycle,
            by=request.user,
            candidate=data["candidate"],
            passphrase=data["passphrase"],
        ),
        success=(
            f"Đã mở biểu quyết suy tôn {data['candidate'].name}. Các đơn vị bỏ phiếu được sau khi "
            "đại diện Bộ đặt cụm mật khẩu của mình."
        ),
        form=form,
    )
    return (
        _done(year, number) if ok else _page(request, access, forms={"open": form}, status=status)
    )


@require_POST
def cycle_vote_key(request: HttpRequest, year: int, number: int) -> HttpResponse:
    return _passphrase_step(
        request,
        year,
        number,
        workflow.SET_VOTE_KEY,
        "key",
        NewPassphraseForm,
        lambda vote, passphrase: vote.set_ministry_key(by=request.user, passphrase=passphrase),
        "Đã đặt cụm mật khẩu của Bộ: các đơn vị thành viên bắt đầu biểu quyết được.",
    )


@require_POST
def cycle_vote_cast(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.CAST_VOTE.require_actor(request.user, access.cycle)
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error=NOT_OPEN)
    form = BallotForm(request.POST)
    if not form.is_valid():
        return _page(request, access, forms={"ballot": form}, status=422)
    unit = access.own_unit
    # The message names the unit, never the choice. The receipt is shown in this answer only: it is
    # kept nowhere that names the unit (not in the session, not in the voter's row).
    ok, receipt, status = run_step(
        request,
        lambda: vote.cast(by=request.user, choice=form.cleaned_data["choice"]),
        success=f"Đã ghi nhận phiếu biểu quyết của {unit.name}.",
        form=form,
    )
    if ok:
        return _page(request, access, receipt=receipt)
    return _page(request, access, forms={"ballot": form}, status=status)


@require_POST
def cycle_vote_close(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.CLOSE_VOTE.require_actor(request.user, access.cycle)
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error=NOT_OPEN)
    form = PassphraseForm(request.POST)
    if vote.quorum_met and not form.is_valid():
        return _page(request, access, forms={"close": form}, status=422)
    passphrase = form.cleaned_data.get("passphrase", "") if form.is_valid() else ""
    ok, _, status = run_step(
        request,
        lambda: vote.close(by=request.user, passphrase=passphrase),
        success="Đã kết thúc bỏ phiếu suy tôn."
        if vote.quorum_met
        else "Đã kết thúc biểu quyết suy tôn khi chưa đủ số đơn vị tham gia: biểu quyết không "
        "hợp lệ, phiếu không được kiểm, không có đơn vị được suy tôn.",
        form=form,
    )
    return (
        _done(year, number) if ok else _page(request, access, forms={"close": form}, status=status)
    )


@require_POST
def cycle_vote_tally(request: HttpRequest, year: int, number: int) -> HttpResponse:
    return _passphrase_step(
        request,
        year,
        number,
        workflow.TALLY_VOTE,
        "tally",
        PassphraseForm,
        lambda vote, passphrase: vote.tally(by=request.user, passphrase=passphrase),
        "Đã kiểm phiếu và công bố kết quả biểu quyết suy tôn.",
    )


def _passphrase_step(
    request: HttpRequest,
    year: int,
    number: int,
    action: workflow.Action,
    name: str,
    form_class: type[forms.Form],
    step: Callable[[HonourVote, str], object],
    success: str,
) -> HttpResponse:
    """The Ministry trustee's two steps (its key, then the tally): one passphrase form each."""
    access = get_cycle_for_user(request.user, year, number)
    action.require_actor(request.user, access.cycle)
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error=NOT_OPEN)
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, access, forms={name: form}, status=422)
    ok, _, status = run_step(
        request, lambda: step(vote, form.cleaned_data["passphrase"]), success=success, form=form
    )
    return _done(year, number) if ok else _page(request, access, forms={name: form}, status=status)


def _done(year: int, number: int) -> HttpResponse:
    return redirect(reverse("cycle_vote", args=[year, number]))


def _page(
    request: HttpRequest,
    access: CycleAccess,
    *,
    forms: dict | None = None,
    status: int = 200,
    error: str = "",
    receipt: str = "",
) -> HttpResponse:
    cycle = access.cycle
    forms = forms or {}
    vote, can_cast = get_vote_for_user(access)
    context = {
        "access": access,
        "cycle": cycle,
        "vote": vote,
        "can_cast": can_cast,
        "error": error,
        "receipt": receipt,
        "can_advance": workflow.ADVANCE.permits(request.user, cycle)
        and cycle.stage == Cycle.Stage.VOTING
        and vote is not None
        and vote.is_closed,
    }
    if vote is None:
        can_open = workflow.OPEN_VOTE.may(request.user, cycle)
        open_form = forms.get("open")
        if can_open and open_form is None:
            open_form = OpenVoteForm(cycle=cycle, initial={"candidate": _leading_unit(cycle)})
        context.update(can_open=can_open, open_form=open_form)
        return render(request, "cycle/outcome/vote.html", context, status=status)
    voters = vote.voter_rows()
    voted = {v.unit_id for v in voters}
    S = HonourVote.State
    context.update(
        voters=voters,
        not_voted=[u for u in cycle.members() if u.pk not in voted],
        own_voted=access.own_unit is not None and access.own_unit.pk in voted,
        may_vote=may_vote(access),
        ballot_form=forms.get("ballot") or BallotForm(),
        key_form=(forms.get("key") or NewPassphraseForm())
        if workflow.SET_VOTE_KEY.permits(request.user, cycle) and vote.state == S.SETUP
        else None,
        close_form=(forms.get("close") or PassphraseForm())
        if workflow.CLOSE_VOTE.permits(request.user, cycle) and vote.state == S.OPEN
        else None,
        tally_form=(forms.get("tally") or PassphraseForm())
        if workflow.TALLY_VOTE.permits(request.user, cycle) and vote.state == S.TALLYING
        else None,
        receipts=vote.receipts() if vote.published else [],
    )
    return render(request, "cycle/outcome/vote.html", context, status=status)


def _leading_unit(cycle: Cycle):
    """The default candidate: the unit ranked first in the ranking in force."""
    ranking = cycle.rankings.first()
    if ranking is None:
        return None
    first = ranking.entries.filter(rank=1, vetoed=False).select_related("unit").first()
    return first.unit if first else None
