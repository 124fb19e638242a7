"""Step 5–6: each unit reports its results with evidence; the engine scores the self-assessment.

Who sees what is decided in thidua.cycle.access; what may be done, and when, by the model methods.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_evidence_for_user,
    get_result_sheet_for_user,
)
from thidua.cycle.models import Evidence, ResultSheet, ScoreSheet
from thidua.cycle.results.cluster_spread import cluster_figures
from thidua.cycle.results.forms import EvidenceForm, ResultSheetForm, ReturnForm, score_summary
from thidua.cycle.results.plausibility import (
    empty_criteria,
    is_complete,
    previous_values_by_unit,
    sheet_warnings,
    value_warnings,
)
from thidua.lib.steps import run_step
from thidua.lib.workflow import WorkflowError

NOT_REPORTER = workflow.ENTER_RESULTS.refusal


def _sheet_url(sheet: ResultSheet) -> str:
    cluster = sheet.cycle.cluster
    return reverse("cycle_result_sheet", args=[cluster.year, cluster.number, sheet.unit.code])


def _rows_for_list(access: CycleAccess) -> list[dict[str, Any]]:
    """One row per member the user may follow: every member for the secretariat and the Ministry,
    otherwise the user's own unit (and, for inspectors during the inspection, the units they
    inspect): `CycleAccess.can_see_unit_sheet`."""
    cycle = access.cycle
    sheets = {
        s.unit_id: s
        for s in ResultSheet.objects.filter(cycle=cycle)
        .select_related("submitted_by")
        .annotate(evidence_count=Count("evidence"))
    }
    totals = {
        s.unit_id: s
        for s in ScoreSheet.objects.filter(cycle=cycle, stage=ScoreSheet.Stage.SELF).only(
            "unit_id", "total", "vetoed", "blocked"
        )
    }
    everyone = access.is_secretariat or access.national
    rows = []
    for unit in cycle.members():
        own = unit.pk == access.user.unit_id
        if not access.can_see_unit_sheet(unit):
            continue
        sheet = sheets.get(unit.pk)
        submitted = sheet is not None and sheet.state == ResultSheet.State.SUBMITTED
        rows.append(
            {
                "unit": unit,
                "own": own,
                "sheet": sheet,
                "score": totals.get(unit.pk) if submitted else None,
                # The secretariat follows every started sheet; others see drafts only of their own.
                "linked": own or (sheet is not None and (everyone or submitted)),
            }
        )
    return rows


def cycle_results(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    rows = _rows_for_list(access)
    counts = defaultdict(int)
    method = access.cycle.method
    checks = (
        method is not None and bool(method.scale) and (access.is_secretariat or access.national)
    )
    previous = previous_values_by_unit(access.cycle) if checks else {}
    # Every member's row for those who check (the sheets already read): no query more.
    cluster = (
        cluster_figures(access.cycle, {row["unit"].code: row["sheet"] for row in rows})
        if checks
        else None
    )
    for row in rows:
        counts[row["sheet"].state if row["sheet"] else "none"] += 1
        submitted = row["sheet"] is not None and row["sheet"].state == ResultSheet.State.SUBMITTED
        row["complete"] = (
            submitted and method is not None and is_complete(method, row["sheet"].values)
        )
        counts["complete"] += bool(row["complete"])
        # Implausible figures of a sent sheet, flagged to those who check it.
        row["warnings"] = (
            value_warnings(
                method,
                row["unit"],
                row["sheet"].values,
                previous.get(row["unit"].code),
                out_of_range=True,  # stored figures: those out of range predate the check
                cluster=cluster,
            )
            if submitted and checks
            else {}
        )
    # Counted against the cluster's members, never against the sheets that happen to exist.
    counts["members"] = len(access.cycle.member_ids())
    return render(
        request,
        "cycle/results/list.html",
        {
            "access": access,
            "cycle": access.cycle,
            "rows": rows,
            "counts": counts,
            "everyone": access.is_secretariat or access.national,
        },
    )


def _sheet_page(
    request: HttpRequest,
    access: CycleAccess,
    sheet: ResultSheet,
    can_edit: bool,
    *,
    form: ResultSheetForm | None = None,
    return_form: ReturnForm | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
    confirm: dict[str, str] | None = None,
) -> HttpResponse:
    cycle, method = access.cycle, access.cycle.method
    if method is None or not method.scale:
        return render(
            request,
            "cycle/results/no_scale.html",
            {"cycle": cycle, "access": access},
            status=status,
        )
    form = form or ResultSheetForm(
        method=method,
        unit=sheet.unit,
        values=sheet.values,
        remarks=sheet.remarks,
        qualifiers=sheet.qualifiers,
        version=sheet.version,
    )
    evidence = defaultdict(list)
    for item in sheet.evidence.order_by("uploaded_at"):
        evidence[item.criterion].append(item)
    assessment = sheet.self_assessment()
    # Warnings for the figures on the page: those just posted, else those stored.
    shown = getattr(form, "values", None) if form.is_bound else None
    warnings = sheet_warnings(sheet, shown)
    can_return = sheet.state == ResultSheet.State.SUBMITTED and workflow.RETURN_RESULTS.may(
        access.user, cycle
    )
    context = {
        "access": access,
        "cycle": cycle,
        "sheet": sheet,
        "can_edit": can_edit,
        "form": form,
        "groups": form.rows(
            stored=sheet.values,
            stored_remarks=sheet.remarks,
            qualifiers=sheet.qualifiers,
            evidence=evidence,
            score=assessment.sheet if assessment else None,
            editable=can_edit,
            warnings=warnings,
        ),
        "warnings": warnings,
        "confirm": confirm,
        "empty": empty_criteria(method, shown if shown is not None else sheet.values)
        if can_edit
        else [],
        "assessment": assessment,
        "summary": score_summary(assessment.sheet) if assessment else None,
        "evidence_count": sum(len(v) for v in evidence.values()),
        "evidence_form": evidence_form or (EvidenceForm(method=method) if can_edit else None),
        "return_form": return_form or (ReturnForm() if can_return else None),
    }
    return render(request, "cycle/results/sheet.html", context, status=status)


def cycle_result_sheet(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    if request.method != "POST":
        return _sheet_page(request, access, sheet, can_edit)
    refused = _refuse_unless_editable(request, sheet)
    if refused:
        return refused
    form = ResultSheetForm(request.POST, method=access.cycle.method, unit=sheet.unit)
    status = 422
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: sheet.save_values(
                by=request.user,
                values=form.values,
                remarks=form.remarks,
                expected_version=form.cleaned_data["version"],
            ),
            success="Đã lưu nháp số liệu.",
            form=form,
        )
        if ok:
            return redirect(_sheet_url(sheet))
    return _sheet_page(request, access, sheet, can_edit, form=form, status=status)


def _refuse_unless_editable(request: HttpRequest, sheet: ResultSheet) -> HttpResponse | None:
    """403 for anyone but the unit's officers; back to the (read-only) sheet if it is locked."""
    workflow.ENTER_RESULTS.require_actor(request.user, sheet.cycle, unit=sheet.unit)
    try:
        sheet.require_editable(by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(_sheet_url(sheet))
    return None


@require_POST
def cycle_result_submit(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    refused = _refuse_unless_editable(request, sheet)
    if refused:
        return refused
    form = ResultSheetForm(request.POST, method=access.cycle.method, unit=sheet.unit)
    if not form.is_valid():
        return _sheet_page(request, access, sheet, can_edit, form=form, status=422)
    version = form.cleaned_data["version"]
    values = form.values if form.has_values() else sheet.values
    # Implausible figures are not refused: the officer confirms them (kept in the audit).
    warnings = sheet_warnings(sheet, values)
    if warnings and request.POST.get("xac_nhan") != "co":
        messages.warning(
            request,
            f"Số liệu chưa được gửi: kiểm tra {len(warnings)} số liệu được cảnh báo ở cuối bảng, "
            "đánh dấu ô “Tôi đã kiểm tra” nếu đúng rồi gửi lại.",
        )
        return _sheet_page(request, access, sheet, can_edit, form=form, confirm=warnings)
    confirmed = "Đã xác nhận số liệu được cảnh báo: " + " | ".join(warnings.values())
    confirmed = confirmed if warnings else ""
    if form.has_values():
        step = lambda: sheet.save_and_submit(  # noqa: E731
            by=request.user,
            values=form.values,
            remarks=form.remarks,
            expected_version=version,
            confirmed=confirmed,
        )
    else:
        step = lambda: sheet.submit(  # noqa: E731
            by=request.user, expected_version=version, confirmed=confirmed
        )
    empty = empty_criteria(access.cycle.method, values)
    success = f"Đã gửi số liệu tới Thường trực {access.cycle.cluster.kind_word}."
    if empty:
        success += f" Còn trống {len(empty)} tiêu chí: " + "; ".join(e.text for e in empty) + "."
    ok, _, status = run_step(request, step, success=success, form=form)
    if ok:
        return redirect(_sheet_url(sheet) + "#tu-cham")
    sheet.refresh_from_db()
    return _sheet_page(request, access, sheet, can_edit, form=form, status=status)


@require_POST
def cycle_result_return(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    workflow.RETURN_RESULTS.require_actor(request.user, access.cycle)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _sheet_page(request, access, sheet, can_edit, return_form=form, status=422)
    ok, _, status = run_step(
        request,
        lambda: sheet.return_to_unit(by=request.user, reason=form.cleaned_data["reason"]),
        success=f"Đã trả lại số liệu cho {sheet.unit.name}.",
        form=form,
    )
    if ok or status == 409:
        return redirect(_sheet_url(sheet))
    return _sheet_page(request, access, sheet, can_edit, return_form=form, status=status)


@require_POST
def cycle_evidence_upload(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    refused = _refuse_unless_editable(request, sheet)
    if refused:
        # htmx would swap a whole page into the card: reload the (now read-only) page instead.
        return HttpResponseClientRedirect(_sheet_url(sheet)) if request.htmx else refused
    form = EvidenceForm(request.POST, request.FILES, method=access.cycle.method)
    ok, evidence, status = False, None, 422
    if form.is_valid():
        ok, evidence, status = run_step(
            request,
            lambda: sheet.add_evidence(
                by=request.user,
                criterion=form.cleaned_data["criterion"],
                upload=form.cleaned_data["file"],
            ),
            success="Đã tải lên tệp minh chứng.",
            form=form,
        )
    if request.htmx:
        return _evidence_card(request, access, sheet, form, evidence, status)
    if ok:
        return redirect(_sheet_url(sheet) + f"#tc-{evidence.criterion}")
    return _sheet_page(request, access, sheet, can_edit, evidence_form=form, status=status)


@require_POST
def cycle_evidence_delete(
    request: HttpRequest, year: int, number: int, code: str, pk: int
) -> HttpResponse:
    """The unit's officer deletes a file of its own draft sheet; 403 for anyone else, and once
    the sheet is sent (a sent sheet's evidence is what the secretariat and inspectors rely on)."""
    access = get_cycle_for_user(request.user, year, number)
    evidence = get_evidence_for_user(access, code, pk)
    sheet = evidence.sheet
    workflow.ENTER_RESULTS.require_actor(request.user, access.cycle, unit=sheet.unit)
    if not sheet.editable_by_unit:
        raise PermissionDenied("Số liệu đã gửi: không thể xóa minh chứng.")
    run_step(
        request,
        lambda: sheet.remove_evidence(by=request.user, evidence=evidence),
        success=f"Đã xóa tệp minh chứng “{evidence.original_name}” ({evidence.criterion}).",
    )
    return redirect(_sheet_url(sheet) + f"#tc-{evidence.criterion}")


def _evidence_card(
    request: HttpRequest,
    access: CycleAccess,
    sheet: ResultSheet,
    form: EvidenceForm,
    evidence: Evidence | None,
    status: int,
) -> HttpResponse:
    """The upload card again (empty after a success) and, out of band, the criterion's files."""
    context = {
        "cycle": access.cycle,
        "sheet": sheet,
        "evidence_form": EvidenceForm(method=access.cycle.method) if evidence else form,
        "evidence_count": sheet.evidence.count(),
        "uploaded": evidence,
        "items": list(sheet.evidence.filter(criterion=evidence.criterion).order_by("uploaded_at"))
        if evidence
        else [],
    }
    return render(request, "cycle/results/evidence_uploaded.html", context, status=status)


def cycle_evidence_download(
    request: HttpRequest, year: int, number: int, code: str, pk: int
) -> FileResponse:
    access = get_cycle_for_user(request.user, year, number)
    evidence = get_evidence_for_user(access, code, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp minh chứng không còn trên máy chủ.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    # Police documents: never kept by shared caches, never sniffed into something executable.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
