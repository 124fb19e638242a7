"""Step 7: cross-inspection teams, each team's scoring of the units it inspects, and disputes.

Who sees what is decided in thidua.cycle.access; what may be done, and when, by the model methods.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    disputes_for_user,
    get_cycle_for_user,
    get_dispute_for_user,
    get_inspection_for_user,
    get_team_for_user,
    inspections_for_user,
    leader_handover,
)
from thidua.cycle.inspection.forms import DisputeForm, InspectionForm, ResolveForm, TeamForm
from thidua.cycle.models import Dispute, Inspection, InspectionTeam, ResultSheet
from thidua.cycle.results.forms import score_summary, show_value
from thidua.cycle.results.plausibility import sheet_warnings
from thidua.cycle.scoring import criterion_names, resolve_dispute
from thidua.lib.steps import run_step
from thidua.lib.workflow import WorkflowError
from thidua.org.models import User

# -- teams -------------------------------------------------------------------------------------


def _teams_page(
    request: HttpRequest, access: CycleAccess, form: TeamForm | None = None, status: int = 200
) -> HttpResponse:
    cycle = access.cycle
    teams = list(
        InspectionTeam.objects.filter(cycle=cycle)
        .select_related("leader_unit")
        .prefetch_related(
            "member_units",
            Prefetch("members", queryset=User.objects.select_related("unit")),
            Prefetch("inspections", queryset=Inspection.objects.select_related("unit")),
        )
    )
    visible = set(inspections_for_user(access).values_list("pk", flat=True))
    covered = {i.unit_id for team in teams for i in team.inspections.all()}
    user = access.user
    for team in teams:
        team._member_ids = {u.pk for u in team.members.all()}
    mine = [
        i
        for team in teams
        if user.pk in team._member_ids
        or (user.role == User.Role.INSPECTOR and user.unit_id in team.inspector_unit_ids())
        for i in team.inspections.all()
    ]
    can_form = workflow.FORM_TEAM.may(user, cycle)
    leader = cycle.cluster.leader
    inspected = {i.unit_id for team in teams for i in team.inspections.all()}
    handover_note = (
        leader_handover(
            access,
            leader,
            f"thay đoàn nhập, sửa hay gửi kết quả kiểm tra chéo của {leader.short_name}",
        )
        if leader is not None and leader.pk in inspected and workflow.FORM_TEAM.open_now(cycle)
        else ""
    )
    return render(
        request,
        "cycle/inspection/teams.html",
        {
            "access": access,
            "cycle": cycle,
            "teams": teams,
            "visible": visible,
            "uncovered": [u for u in cycle.members() if u.pk not in covered],
            "mine": mine,
            "handover_note": handover_note,
            "can_edit_teams": workflow.EDIT_TEAM.may(user, cycle),
            "form": form
            or (
                TeamForm(cycle=cycle, initial={"name": f"Đoàn kiểm tra số {len(teams) + 1}"})
                if can_form
                else None
            ),
        },
        status=status,
    )


def cycle_teams(request: HttpRequest, year: int, number: int) -> HttpResponse:
    return _teams_page(request, get_cycle_for_user(request.user, year, number))


@require_POST
def cycle_team_new(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.FORM_TEAM.require_actor(request.user, access.cycle)
    form = TeamForm(request.POST, cycle=access.cycle)
    status = 422
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: InspectionTeam.form(access.cycle, by=request.user, **form.step_kwargs()),
            success=f"Đã lập {form.cleaned_data['name']}.",
            form=form,
        )
        if ok:
            return redirect(access.cycle.page_url("cycle_teams"))
    return _teams_page(request, access, form=form, status=status)


def cycle_team_edit(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    """The secretariat changes a team's units and officers until the inspection stage starts."""
    access = get_cycle_for_user(request.user, year, number)
    team, can_edit = get_team_for_user(access, pk)
    workflow.EDIT_TEAM.require_actor(request.user, access.cycle)
    url = access.cycle.page_url("cycle_teams") + f"#doan-{team.pk}"
    if not can_edit:  # the stage has moved on: the table's sentence, on the teams page
        try:
            workflow.EDIT_TEAM.require_stage(access.cycle)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        return redirect(url)
    form = TeamForm.of(team)
    status = 200
    if request.method == "POST":
        form = TeamForm(request.POST, cycle=access.cycle, prefix=f"doan{team.pk}")
        status = 422
        if form.is_valid():
            ok, _, status = run_step(
                request,
                lambda: team.edit(by=request.user, **form.step_kwargs()),
                success=f"Đã sửa {form.cleaned_data['name']}.",
                form=form,
            )
            if ok:
                return redirect(url)
    context = {"access": access, "cycle": access.cycle, "team": team, "form": form}
    return render(request, "cycle/inspection/team_edit.html", context, status=status)


@require_POST
def cycle_team_dissolve(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    team, _ = get_team_for_user(access, pk)
    workflow.DISSOLVE_TEAM.require_actor(request.user, access.cycle)
    run_step(request, lambda: team.dissolve(by=request.user), success=f"Đã giải thể {team.name}.")
    return redirect(access.cycle.page_url("cycle_teams"))


# -- one inspection ----------------------------------------------------------------------------


def _reported(access: CycleAccess, inspection: Inspection) -> dict[str, Any]:
    values = (
        ResultSheet.objects.filter(cycle=access.cycle, unit=inspection.unit)
        .values_list("values", flat=True)
        .first()
    )
    return values or {}


def _inspection_page(
    request: HttpRequest,
    access: CycleAccess,
    inspection: Inspection,
    can_edit: bool,
    form: InspectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cycle, method = access.cycle, access.cycle.method
    report = ResultSheet.objects.filter(cycle=cycle, unit=inspection.unit).first()
    reported = report.values if report else {}
    reported_remarks = report.remarks if report else {}
    started = bool(inspection.values) or inspection.version > 1
    # A new inspection starts from the unit's own figures: the team changes what it finds different.
    form = form or InspectionForm(
        method=method,
        unit=inspection.unit,
        values=inspection.values if started else reported,
        remarks=inspection.remarks if started else reported_remarks,
        version=inspection.version,
    )
    evidence = defaultdict(list)
    if report is not None:
        for item in report.evidence.order_by("uploaded_at"):
            evidence[item.criterion].append(item)
    scored = inspection.score_sheet()
    return render(
        request,
        "cycle/inspection/inspection.html",
        {
            "access": access,
            "cycle": cycle,
            "inspection": inspection,
            "can_edit": can_edit,
            # Evidence files open for the unit, the secretariat, the Ministry, and the team only
            # during the cross-inspection (least privilege): otherwise their names are shown.
            "evidence_open": access.can_see_unit_sheet(inspection.unit),
            "prefilled": can_edit and not started,
            "form": form,
            "groups": form.rows(
                stored=inspection.values,
                stored_remarks=inspection.remarks,
                reported=reported,
                reported_remarks=reported_remarks,
                reported_qualifiers=report.qualifiers if report else {},
                evidence=evidence,
                score=scored.sheet if scored else None,
                editable=can_edit,
                # The unit's figures that look implausible, flagged for the team to verify.
                warnings=sheet_warnings(report) if report else {},
            ),
            "scored": scored,
            "summary": score_summary(scored.sheet) if scored else None,
            "flags": inspection.discrepancies(),
        },
        status=status,
    )


def _refuse_unless_editable(
    request: HttpRequest, access: CycleAccess, inspection: Inspection
) -> HttpResponse | None:
    inspection.require_scorer(request.user)  # 403: not on the team, or the user's own unit
    try:
        inspection.require_editable(by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(access.cycle.page_url("cycle_inspection", inspection.pk))
    return None


def cycle_inspection(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    inspection, can_edit = get_inspection_for_user(access, pk)
    if request.method != "POST":
        return _inspection_page(request, access, inspection, can_edit)
    refused = _refuse_unless_editable(request, access, inspection)
    if refused:
        return refused
    form = InspectionForm(
        request.POST,
        method=access.cycle.method,
        unit=inspection.unit,
        reported=_reported(access, inspection),
    )
    status = 422
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: inspection.save_scores(
                by=request.user,
                values=form.values,
                remarks=form.remarks,
                expected_version=form.cleaned_data["version"],
            ),
            success="Đã lưu kết quả kiểm tra.",
            form=form,
        )
        if ok:
            return redirect(access.cycle.page_url("cycle_inspection", inspection.pk))
    return _inspection_page(request, access, inspection, can_edit, form=form, status=status)


@require_POST
def cycle_inspection_submit(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    inspection, can_edit = get_inspection_for_user(access, pk)
    refused = _refuse_unless_editable(request, access, inspection)
    if refused:
        return refused
    form = InspectionForm(
        request.POST,
        method=access.cycle.method,
        unit=inspection.unit,
        reported=_reported(access, inspection),
    )
    if not form.is_valid():
        return _inspection_page(request, access, inspection, can_edit, form=form, status=422)
    version = form.cleaned_data["version"]
    if form.has_values():
        step = lambda: inspection.save_and_submit(  # noqa: E731
            by=request.user, values=form.values, remarks=form.remarks, expected_version=version
        )
    else:
        step = lambda: inspection.submit(by=request.user, expected_version=version)  # noqa: E731
    ok, _, status = run_step(request, step, success="Đã gửi kết quả kiểm tra.", form=form)
    if ok:
        return redirect(access.cycle.page_url("cycle_inspection", inspection.pk) + "#diem-kiem-tra")
    inspection.refresh_from_db()
    return _inspection_page(request, access, inspection, can_edit, form=form, status=status)


# -- disputes ----------------------------------------------------------------------------------


def _disputes_page(
    request: HttpRequest,
    access: CycleAccess,
    bound: ResolveForm | None = None,
    bound_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    cycle = access.cycle
    names = criterion_names(cycle.method)
    disputes = list(disputes_for_user(access).select_related("unit", "raised_by", "resolved_by"))
    figures = Dispute.figures(cycle, disputes)
    rows = []
    for dispute in disputes:
        dispute.cycle = cycle
        code = dispute.criterion
        open_ = dispute.state == Dispute.State.OPEN and workflow.RESOLVE_DISPUTE.open_now(cycle)
        form, handover = None, ""
        if open_ and dispute.may_resolve(access.user):
            form = bound if dispute.pk == bound_pk else ResolveForm(prefix=f"kn{dispute.pk}")
        elif open_:
            handover = leader_handover(access, dispute.unit, "giải quyết khiếu nại này")
        rows.append(
            {
                "dispute": dispute,
                "criterion": names.get(code),
                "form": form,
                "handover": handover,
                "reported": show_value(figures[dispute.pk]["reported"]),
                "verified": [(t, show_value(v)) for t, v in figures[dispute.pk]["verified"]],
            }
        )
    return render(
        request,
        "cycle/inspection/disputes.html",
        {
            "access": access,
            "cycle": cycle,
            "rows": rows,
            "may_raise": workflow.RAISE_DISPUTE.may(access.user, cycle),
            "open_stage": workflow.RAISE_DISPUTE.open_now(cycle),
        },
        status=status,
    )


def cycle_disputes(request: HttpRequest, year: int, number: int) -> HttpResponse:
    return _disputes_page(request, get_cycle_for_user(request.user, year, number))


def cycle_dispute_new(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.RAISE_DISPUTE.require_actor(request.user, access.cycle)
    cycle = access.cycle
    form = DisputeForm(request.POST or None, method=cycle.method)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            ok, _, status = run_step(
                request,
                lambda: Dispute.raise_(
                    cycle,
                    by=request.user,
                    unit=access.own_unit,
                    criterion=form.cleaned_data["criterion"],
                    statement=form.cleaned_data["statement"],
                ),
                success="Đã gửi khiếu nại tới Thường trực Cụm.",
                form=form,
            )
            if ok:
                return redirect(cycle.page_url("cycle_disputes"))
    context = {
        "access": access,
        "cycle": cycle,
        "form": form,
        "open_stage": workflow.RAISE_DISPUTE.open_now(cycle),
    }
    return render(request, "cycle/inspection/dispute_new.html", context, status=status)


@require_POST
def cycle_dispute_resolve(request: HttpRequest, year: int, number: int, pk: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    dispute, _ = get_dispute_for_user(access, pk)
    dispute.require_resolver(request.user)  # 403: not the arbiter, or the user's own unit
    form = ResolveForm(request.POST, prefix=f"kn{dispute.pk}")
    status = 422
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: resolve_dispute(
                dispute,
                by=request.user,
                accept=form.accept,
                resolution=form.cleaned_data["resolution"],
                corrected_value=form.cleaned_data["corrected_value"],
            ),
            success=f"Đã giải quyết khiếu nại của {dispute.unit.name}.",
            form=form,
        )
        if ok or status == 409:
            return redirect(access.cycle.page_url("cycle_disputes"))
    return _disputes_page(request, access, bound=form, bound_pk=dispute.pk, status=status)
