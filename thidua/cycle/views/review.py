"""Pages of proposals outside the ranking (a unit's individuals, state and Government awards) and of
the Ministry's council review (opinions, decisions on many items, the cluster's answers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_proposal_for_user,
    require_outcome_scope,
)
from thidua.cycle.models import AnswerFile, Council, Cycle, Opinion, Proposal
from thidua.cycle.outcome import review
from thidua.cycle.outcome import review_checks as checks
from thidua.cycle.outcome.decisions import DECISION_RELATED, to_judge, with_decisions
from thidua.cycle.outcome.forms import ReasonField, UnitChoiceField
from thidua.honours.models import Person, by_name
from thidua.lib.steps import run_step
from thidua.org.access import require
from thidua.org.models import Unit

S = Cycle.Stage
CLASS_CHOICES = [("", "— Không chia hạng —"), *checks.CLASSES.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _award_field(recipient: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Danh hiệu, hình thức khen thưởng",
        choices=[("", "— Chọn —")] + [(c.code, c.name) for c in checks.award_choices(recipient)],
        error_messages={"required": "Chọn danh hiệu, hình thức khen thưởng."},
    )


class IndividualForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Cán bộ, chiến sĩ",
        queryset=Person.objects.none(),
        empty_label="— Chọn cán bộ, chiến sĩ —",
        error_messages={"required": "Chọn cán bộ, chiến sĩ được đề nghị."},
    )
    award = _award_field("ca_nhan")
    award_class = forms.ChoiceField(label="Hạng (nếu có)", choices=CLASS_CHOICES, required=False)
    dossier = ReasonField(label="Tóm tắt thành tích", rows=3, required=False)

    def __init__(self, *args, unit: Unit | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["person"].queryset = Person.objects.filter(
                current_unit__in=[u.pk for u in unit.lineage()]
            )


class OutsideForm(forms.Form):
    unit = UnitChoiceField(label="Tập thể được đề nghị", queryset=Unit.objects.none())
    award = _award_field("tap_the")
    award_class = forms.ChoiceField(label="Hạng (nếu có)", choices=CLASS_CHOICES, required=False)
    dossier = ReasonField(label="Tóm tắt thành tích, hồ sơ đề nghị", rows=3, required=False)

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])


class OpinionForm(forms.Form):
    stance = forms.ChoiceField(
        label="Ý kiến",
        choices=Opinion.Stance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn Đồng ý, Không đồng ý hoặc Ý kiến khác."},
    )
    text = ReasonField(label="Nội dung", required=False)


class BulkDecisionForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(
        label="Đề nghị", coerce=int, error_messages={"required": "Chọn ít nhất một đề nghị."}
    )
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[(k, v.capitalize()) for k, v in review.DECISIONS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn phê duyệt, trả lại hoặc không phê duyệt."},
    )
    reason = ReasonField(
        label="Ý kiến của Bộ (bắt buộc khi trả lại, không phê duyệt)", required=False
    )
    confirm = forms.BooleanField(
        label="Tôi xác nhận quyết định này cho tất cả các đề nghị đã chọn",
        error_messages={
            "required": "Đánh dấu xác nhận trước khi ghi quyết định cho nhiều đề nghị."
        },
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = choices


class AnswerForm(forms.Form):
    note = ReasonField(label="Nội dung giải trình, bổ sung", rows=3, required=False)
    files = MultipleFileField(
        label="Tệp bổ sung",
        required=False,
        help_text="PDF, JPG, PNG, DOCX hoặc XLSX; tối đa 5 tệp, mỗi tệp 10 MB.",
    )


# -- proposals outside the ranking ------------------------------------------------------------------


def _proposer_units(access: CycleAccess) -> tuple[Unit | None, list[Unit]]:
    """The unit whose people this user proposes, and the units whose collective awards."""
    cycle, user = access.cycle, access.user
    own = user.unit if access.is_member else None
    if own is not None and not review.may_propose_for(cycle, user, own, individual=True):
        own = None
    outside = [
        u for u in cycle.members() if review.may_propose_for(cycle, user, u, individual=False)
    ]
    return own, outside


def visible_outside(access: CycleAccess) -> list[Proposal]:
    """Individual and outside proposals: a member sees its own unit's, the secretariat, the
    Ministry and the council see all."""
    require_outcome_scope(access)
    rows = (
        Proposal.objects.filter(cycle=access.cycle)
        .exclude(origin__in=[Proposal.Origin.ENGINE, Proposal.Origin.ADJUSTED])
        .select_related("unit", "person", "cycle__cluster", "decided_by", *DECISION_RELATED)
        .order_by("unit__sort_key", by_name("person"), "pk")
    )
    if not (access.is_secretariat or access.national):
        rows = rows.filter(unit_id=access.user.unit_id)
    return with_decisions(list(rows), access.user)


@require_http_methods(["GET", "POST"])
def cycle_unit_proposals(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    own, outside_units = _proposer_units(access)
    individual = IndividualForm(unit=own, prefix="ind")
    outside = OutsideForm(units=outside_units, prefix="out")
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "individual":
            require(
                own is not None, "Chỉ cán bộ thi đua của đơn vị được đề nghị cá nhân của đơn vị."
            )
            individual = IndividualForm(request.POST, unit=own, prefix="ind")
            form: forms.Form = individual
        else:
            require(
                outside_units,
                f"Chỉ đơn vị thành viên hoặc Thường trực {access.cycle.cluster.kind_word} "
                "được đề nghị.",
            )
            outside = OutsideForm(request.POST, units=outside_units, prefix="out")
            form = outside
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            ok, _, status = run_step(
                request,
                lambda: review.propose(
                    access.cycle,
                    by=request.user,
                    unit=own if kind == "individual" else data["unit"],
                    person=data.get("person"),
                    award=data["award"],
                    award_class=data["award_class"],
                    dossier=data["dossier"],
                ),
                success="Đã ghi đề nghị; đề nghị được trình Bộ cùng các đề nghị của "
                f"{access.cycle.cluster.kind_word}.",
                form=form,
            )
            if ok:
                return redirect(reverse("cycle_unit_proposals", args=[year, number]))
    rows = visible_outside(access)
    judged = checks.verdicts(to_judge(rows))
    for p in rows:
        p.verdict = judged.get(p.pk)
    open_ = access.cycle.stage == S.PROPOSALS
    context = {
        "access": access,
        "cycle": access.cycle,
        "rows": rows,
        "quotas": _quota_lines(access),
        "individual_form": individual if open_ and own else None,
        "outside_form": outside if open_ and outside_units else None,
        "own": own,
    }
    return render(request, "cycle/review/unit_proposals.html", context, status=status)


def _quota_lines(access: CycleAccess) -> list[checks.QuotaLine]:
    lines = list(checks.quota_report(access.cycle).lines)
    if access.is_secretariat or access.national:
        return lines
    code = access.user.unit.code if access.user.unit_id else None
    return [q for q in lines if q.group in (code, "*")]


# -- the Ministry's review ---------------------------------------------------------------------------


@require_GET
def cycle_review(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    return _review_page(request, access)


def _review_page(
    request: HttpRequest,
    access: CycleAccess,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    require_outcome_scope(access)
    bound = bound or {}
    cycle = access.cycle
    sent = [
        Proposal.State.SUBMITTED,
        Proposal.State.RETURNED,
        Proposal.State.APPROVED,
        Proposal.State.REJECTED,
    ]
    rows = list(
        Proposal.objects.filter(cycle=cycle, state__in=sent)
        .select_related("unit", "person", "cycle__cluster", "decided_by", *DECISION_RELATED)
        .prefetch_related("opinions__member__user", "answers__files", "answers__by")
        .order_by("rank", "unit__sort_key", by_name("person"), "pk")
    )
    if not (access.is_secretariat or access.national):
        rows = [p for p in rows if not p.person_id or p.unit_id == access.user.unit_id]
    with_decisions(rows, access.user)
    council = Council.current()
    seat = review.council_seat(request.user)
    judged = checks.verdicts(to_judge(rows))
    reviewing = cycle.stage == S.APPROVAL
    for p in rows:
        p.verdict = judged.get(p.pk)
        p.gap = review.opinion_gap(p, council) if p.state == Proposal.State.SUBMITTED else None
        p.can_opine = bool(seat) and reviewing and p.state == Proposal.State.SUBMITTED
        if p.can_opine:
            p.opinion_form = bound.get(f"o{p.pk}") or OpinionForm(prefix=f"o{p.pk}")
        p.can_answer = access.is_secretariat and reviewing and p.state == Proposal.State.RETURNED
        if p.can_answer:
            p.answer_form = bound.get(f"a{p.pk}") or AnswerForm(prefix=f"a{p.pk}")
        p.scores_visible = access.can_see_unit_details(p.unit) or access.national
    waiting = [(p.pk, str(p)) for p in rows if p.state == Proposal.State.SUBMITTED]
    can_decide = access.is_approver and reviewing and bool(waiting)
    context = {
        "access": access,
        "cycle": cycle,
        "rows": rows,
        "council": council,
        "seat": seat,
        "quotas": _quota_lines(access),
        "can_decide": can_decide,
        "bulk_form": bound.get("bulk")
        or (BulkDecisionForm(choices=waiting, prefix="bulk") if can_decide else None),
        "returned": sum(1 for p in rows if p.state == Proposal.State.RETURNED),
    }
    return render(request, "cycle/review/review.html", context, status=status)


def _back(year: int, number: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cycle_review", args=[year, number]) + anchor)


@require_POST
def cycle_review_opinion(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, pk)
    if review.council_seat(request.user) is None:
        raise PermissionDenied("Chỉ thành viên Hội đồng Thi đua – Khen thưởng được ghi ý kiến.")
    form = OpinionForm(request.POST, prefix=f"o{pk}")
    ok, status = False, 422
    if form.is_valid():
        data = form.cleaned_data
        ok, _, status = run_step(
            request,
            lambda: review.record_opinion(
                proposal, by=request.user, stance=data["stance"], text=data["text"]
            ),
            success=f"Đã ghi ý kiến về đề nghị {proposal}.",
            form=form,
        )
    if ok:
        return _back(year, number, f"#review-{pk}")
    return _review_page(request, access, bound={f"o{pk}": form}, status=status)


@require_POST
def cycle_review_decide(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    workflow.DECIDE.require_actor(request.user, access.cycle)
    waiting = Proposal.objects.filter(cycle=access.cycle, state=Proposal.State.SUBMITTED)
    form = BulkDecisionForm(
        request.POST, choices=[(p.pk, str(p.pk)) for p in waiting], prefix="bulk"
    )
    ok, status = False, 422
    if form.is_valid():
        data = form.cleaned_data
        ok, _, status = run_step(
            request,
            lambda: review.decide_many(
                access.cycle,
                by=request.user,
                ids=data["proposals"],
                decision=data["decision"],
                reason=data["reason"],
            ),
            success=f"Đã ghi quyết định “{review.DECISIONS.get(data['decision'], '')}” "
            f"cho {len(data['proposals'])} đề nghị.",
            form=form,
        )
    if ok:
        return _back(year, number)
    return _review_page(request, access, bound={"bulk": form}, status=status)


@require_POST
def cycle_review_answer(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    proposal, _ = get_proposal_for_user(access, pk)
    workflow.ANSWER_RETURNED.require_actor(request.user, access.cycle)
    form = AnswerForm(request.POST, request.FILES, prefix=f"a{pk}")
    ok, status = False, 422
    if form.is_valid():
        data = form.cleaned_data
        ok, _, status = run_step(
            request,
            lambda: review.answer_return(
                proposal, by=request.user, note=data["note"], files=data["files"]
            ),
            success=f"Đã gửi giải trình cho đề nghị {proposal}; trình lại Bộ khi đã đủ.",
            form=form,
        )
    if ok:
        return _back(year, number, f"#review-{pk}")
    return _review_page(request, access, bound={f"a{pk}": form}, status=status)


@require_GET
def cycle_review_file(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    """A file of an answer: served to whoever may see the proposal (never a public URL)."""
    access = get_cycle_for_user(request.user, year, number)
    row = (
        AnswerFile.objects.filter(pk=pk, answer__proposal__cycle=access.cycle)
        .select_related("answer__proposal")
        .first()
    )
    if row is None:
        raise Http404("Không tìm thấy tệp.")
    proposal, _ = get_proposal_for_user(access, row.answer.proposal_id)
    others = not (access.is_secretariat or access.national)
    if proposal.person_id and others and proposal.unit_id != access.user.unit_id:
        raise Http404("Không tìm thấy tệp.")
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=row.original_name,
        content_type=row.content_type,
    )
