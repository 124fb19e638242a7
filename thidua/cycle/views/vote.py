"""Step 9: the honouring vote (suy tôn), a secret ballot with two key holders.

The secretariat opens the vote with its passphrase, the Ministry's approver adds the second one,
member units vote (each gets a receipt), the secretariat ends the ballot with its passphrase and the
Ministry's approver tallies with theirs. Each trustee types their passphrase while signed in as
themselves; pages show who voted, never how, and counts only after the tally.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from thidua.cycle.access import CycleAccess, get_cycle_for_user, get_vote_for_user, may_vote
from thidua.cycle.forms_outcome import BallotForm, NewPassphraseForm, OpenVoteForm, PassphraseForm
from thidua.cycle.models import Cycle, HonourVote
from thidua.lib.steps import run_step
from thidua.org.access import require

NOT_OPEN = "Biểu quyết suy tôn chưa mở."


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
    access = get_cycle_for_user(request.user, year, number)
    require(
        HonourVote.is_ministry_trustee(request.user),
        "Chỉ cán bộ phê duyệt của Bộ đặt cụm mật khẩu của Bộ cho biểu quyết suy tôn.",
    )
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error=NOT_OPEN)
    form = NewPassphraseForm(request.POST)
    if not form.is_valid():
        return _page(request, access, forms={"key": form}, status=422)
    ok, _, status = run_step(
        request,
        lambda: vote.set_ministry_key(by=request.user, passphrase=form.cleaned_data["passphrase"]),
        success="Đã đặt cụm mật khẩu của Bộ: các đơn vị thành viên bắt đầu biểu quyết được.",
        form=form,
    )
    return _done(year, number) if ok else _page(request, access, forms={"key": form}, status=status)


@require_POST
def cycle_vote_cast(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(may_vote(access), "Chỉ cán bộ của đơn vị thành viên Cụm được biểu quyết.")
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
    require(access.is_secretariat, "Chỉ Thường trực Cụm được kết thúc biểu quyết suy tôn.")
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
        success="Đã kết thúc bỏ phiếu suy tôn.",
        form=form,
    )
    return (
        _done(year, number) if ok else _page(request, access, forms={"close": form}, status=status)
    )


@require_POST
def cycle_vote_tally(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(
        HonourVote.is_ministry_trustee(request.user),
        "Chỉ cán bộ phê duyệt của Bộ kiểm phiếu suy tôn cùng Thường trực Cụm.",
    )
    vote, _ = get_vote_for_user(access)
    if vote is None:
        return _page(request, access, status=409, error=NOT_OPEN)
    form = PassphraseForm(request.POST)
    if not form.is_valid():
        return _page(request, access, forms={"tally": form}, status=422)
    ok, _, status = run_step(
        request,
        lambda: vote.tally(by=request.user, passphrase=form.cleaned_data["passphrase"]),
        success="Đã kiểm phiếu và công bố kết quả biểu quyết suy tôn.",
        form=form,
    )
    return (
        _done(year, number) if ok else _page(request, access, forms={"tally": form}, status=status)
    )


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
    trustee = HonourVote.is_ministry_trustee(request.user)
    context = {
        "access": access,
        "cycle": cycle,
        "vote": vote,
        "can_cast": can_cast,
        "error": error,
        "receipt": receipt,
        "can_advance": access.is_secretariat
        and cycle.stage == Cycle.Stage.VOTING
        and vote is not None
        and vote.is_closed,
    }
    if vote is None:
        can_open = access.is_secretariat and cycle.stage == Cycle.Stage.VOTING
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
        if trustee and vote.state == S.SETUP
        else None,
        close_form=(forms.get("close") or PassphraseForm())
        if access.is_secretariat and vote.state == S.OPEN
        else None,
        tally_form=(forms.get("tally") or PassphraseForm())
        if trustee and vote.state == S.TALLYING
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
