"""Pages of the commendation decisions (under /quyet-dinh-khen-thuong/): the Ministry's list, a
decision with its recipients, a draft from a cluster-year's approved proposals, signing (with a
confirmation), revoking the whole decision or one line (with the reason), the DOCX/PDF document.

Above honours and cycle (like the documents themselves): the pages use honours' access helper and
model steps, cycle's draft builder and the decision document. Reading: the Ministry every decision;
units and secretariats the signed ones that concern them. Acting: the Ministry approver.
"""

from __future__ import annotations

import datetime as dt
import functools

from django import forms
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from thidua.cycle.access import get_cycle_for_user
from thidua.cycle.models import Cycle, Proposal
from thidua.cycle.outcome.decisions import approved, authorities_of, draft_from_cycle
from thidua.documents import decision as document
from thidua.honours import money, revoking, signing
from thidua.honours.access import can_sign_decisions, get_decision_for_user
from thidua.honours.forms import RevokeForm, ViDateField
from thidua.honours.models import Authority, Decision
from thidua.honours.signing import next_number
from thidua.honours.views.common import history
from thidua.lib.steps import VersionedForm, run_step
from thidua.org.access import require

STEP_NAMES = {"sign": "Ký ban hành", "revoke": "Hủy bỏ"}
APPROVER_ONLY = "Chỉ cán bộ phê duyệt của Bộ được lập, ký hoặc hủy bỏ quyết định khen thưởng."


class SignForm(VersionedForm):
    seq = forms.IntegerField(
        label="Số quyết định (số thứ tự trong năm)", min_value=1, max_value=999999
    )
    date = ViDateField(label="Ngày ký")
    signer_name = forms.CharField(label="Họ tên người ký", max_length=150)
    gap_reason = forms.CharField(
        label="Lý do cách số (nếu số không liền sau số cuối cùng đã cấp)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DraftForm(forms.Form):
    authority = forms.ChoiceField(label="Cơ quan ban hành", choices=Authority.choices)
    proposals = forms.TypedMultipleChoiceField(
        label="Đề nghị đưa vào quyết định", coerce=int, required=False, choices=()
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer passes the form: the model step says by name which is not in the list.
        self.fields["proposals"].valid_value = lambda value: True


def decision_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = (
        Decision.objects.visible_to(user)
        .select_related("cluster")
        .annotate(n=Count("lines"))
        .order_by("-year", "-number_year", "-seq", "-pk")
    )
    pending = []
    if can_sign_decisions(user):
        cycles = (
            Cycle.objects.filter(
                proposals__state=Proposal.State.APPROVED, proposals__decision_line__isnull=True
            )
            .select_related("cluster")
            .distinct()
        )
        pending = [c for c in cycles if authorities_of(c)]
    return render(
        request,
        "honours/decision_list.html",
        {"decisions": rows, "pending": pending, "can_sign": can_sign_decisions(user)},
    )


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision, can_sign = get_decision_for_user(request.user, pk)
    lines = list(decision.lines.select_related("unit", "person", "commendation"))
    for line in lines:  # money the Vietnamese way: 11.920.000 đ
        line.amount_text = money.vnd(line.amount)
    return render(
        request,
        "honours/decision_detail.html",
        {
            "d": decision,
            "lines": lines,
            "can_sign": can_sign,
            "collectives": sum(1 for x in lines if not x.person_id),
            "people": sum(1 for x in lines if x.person_id),
            "history": [
                {**h, "action": STEP_NAMES.get(h["action"], h["action"])} for h in history(decision)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def decision_draft(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_approver, APPROVER_ONLY)
    cycle = access.cycle
    authority = request.POST.get("authority") or request.GET.get("co-quan") or Authority.BCA
    if authority not in Authority.values:
        authority = Authority.BCA
    rows = approved(cycle, authority)
    form = DraftForm(request.POST or None, initial={"authority": authority})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            chosen = form.cleaned_data["proposals"] or None
            ok, decision, status = run_step(
                request,
                lambda: draft_from_cycle(
                    cycle, by=request.user, authority=authority, proposal_ids=chosen
                ),
                success="Đã lập dự thảo quyết định khen thưởng.",
                form=form,
            )
            if ok:
                return redirect(decision)
    return render(
        request,
        "honours/decision_draft.html",
        {
            "cycle": cycle,
            "form": form,
            "rows": rows,
            "authority": authority,
            "authorities": Authority.choices,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def decision_sign(request: HttpRequest, pk: int) -> HttpResponse:
    decision, can_sign = get_decision_for_user(request.user, pk)
    require(can_sign, APPROVER_ONLY)
    today = dt.date.today()
    initial = {
        "version": decision.version,
        "seq": decision.seq or next_number(decision.authority, today.year),
        "date": decision.date or today,
        "signer_name": decision.signer_name,
    }
    form = SignForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            ok, _, status = run_step(
                request,
                lambda: signing.sign(decision, by=request.user, expected_version=version, **data),
                success="Đã ký ban hành quyết định; hồ sơ khen thưởng đã được ghi vào sổ.",
                form=form,
            )
            if ok:
                return redirect(decision)
    return render(
        request,
        "honours/decision_sign.html",
        {"d": decision, "form": form, "lines": decision.lines.count()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def decision_revoke(request: HttpRequest, pk: int, line: int | None = None) -> HttpResponse:
    decision, can_sign = get_decision_for_user(request.user, pk)
    target = None
    if line is not None:
        target = decision.lines.select_related("unit", "person").filter(pk=line).first()
        if target is None:
            raise Http404("Không có dòng này trong quyết định.")
    require(can_sign, APPROVER_ONLY)
    form = RevokeForm(request.POST or None, initial={"version": decision.version})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("version")
            step = (
                functools.partial(revoking.revoke_line, target)
                if target is not None
                else functools.partial(revoking.revoke_decision, decision)
            )
            ok, _, status = run_step(
                request,
                lambda: step(by=request.user, **data),
                success="Đã ghi nhận hủy bỏ; hồ sơ khen thưởng được giữ làm lịch sử.",
                form=form,
            )
            if ok:
                return redirect(decision)
    return render(
        request,
        "honours/decision_revoke.html",
        {"d": decision, "line": target, "form": form},
        status=status,
    )


def decision_document(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    decision, _ = get_decision_for_user(request.user, pk)
    if ext not in document.CONTENT_TYPES:
        raise Http404("Chỉ có văn bản DOCX hoặc PDF.")
    response = HttpResponse(
        document.render(decision, ext), content_type=document.CONTENT_TYPES[ext]
    )
    response["Content-Disposition"] = content_disposition_header(
        True, document.filename(decision, ext)
    )
    return response
