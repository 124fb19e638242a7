"""Excel in and out for a cluster's year: templates to download, uploads, list exports.

Who may do what is decided by thidua.cycle.access and the model methods, exactly as for the forms:
an upload is parsed in full (thidua.cycle.results.excel), then written by the same model step the form
uses, so the same checks, atomicity and audit apply.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from thidua.cycle import workflow
from thidua.cycle.access import (
    CycleAccess,
    get_cycle_for_user,
    get_ranking_for_user,
    get_result_sheet_for_user,
)
from thidua.cycle.models import Registration, ResultSheet
from thidua.cycle.models.outcome import readable_units
from thidua.cycle.models.plan import COLLECTIVE_TITLES, INDIVIDUAL_TITLES
from thidua.cycle.plan import excel_scale
from thidua.cycle.plan.forms import MethodForm
from thidua.cycle.results import excel
from thidua.cycle.results.plausibility import sheet_warnings
from thidua.cycle.scoring import set_method
from thidua.cycle.views.plan import _method_access, _method_form_kwargs, _save_method
from thidua.cycle.views.results import _rows_for_list
from thidua.honours.exports import exported_by, workbook, xlsx_response
from thidua.lib.steps import run_step
from thidua.lib.workflow import WorkflowError
from thidua.org.access import require

MAX_UPLOAD = 5 * 1024 * 1024
NO_SCALE = "{kind} chưa ban hành thang điểm: chưa có mẫu Excel."


def _xlsx(upload: Any) -> Any:
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError("Chọn tệp .xlsx (tải mẫu ở trên, điền rồi tải lên).")
    if upload.size > MAX_UPLOAD:
        raise ValidationError("Tệp quá lớn (tối đa 5 MB).")
    return upload


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")

    def clean_file(self):
        return _xlsx(self.cleaned_data["file"])


class ScaleUploadForm(MethodForm):
    """The scale as a workbook; adopted like the JSON upload (token, reason once locked)."""

    file = forms.FileField(label="Tệp thang điểm (.xlsx)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document: dict[str, Any] | None = None

    def clean_file(self):
        return _xlsx(self.cleaned_data["file"])

    def changes(self) -> dict[str, Any]:
        return {**super().changes(), "scale": self.document}


class TargetsUploadForm(UploadForm):
    reason = forms.CharField(
        label="Lý do thay đổi",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi phương pháp chấm đã khóa (đã bắt đầu chấm điểm).",
    )


def _method_or_404(access: CycleAccess):
    method = access.cycle.method
    if method is None or not method.scale:
        raise Http404(NO_SCALE.format(kind=access.cycle.cluster.kind_word))
    return method


def _slug(access: CycleAccess) -> str:
    cluster = access.cycle.cluster
    return f"cum-{cluster.number}-{cluster.year}"


# -- a unit's results ------------------------------------------------------------------------------


def results_template(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, _ = get_result_sheet_for_user(access, code)
    method = _method_or_404(access)
    data = excel.results_template(
        method, sheet.unit, values=sheet.written_values(), remarks=sheet.remarks
    )
    return xlsx_response(data, f"so-lieu-{sheet.unit.code}-{year}.xlsx")


def results_upload(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, _ = get_result_sheet_for_user(access, code)
    workflow.ENTER_RESULTS.require_actor(request.user, access.cycle, unit=sheet.unit)
    back = reverse("cycle_result_sheet", args=[year, number, code])
    try:
        sheet.require_editable(by=request.user)
        method = _method_or_404(access)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                values, remarks = excel.parse_results(
                    form.cleaned_data["file"].read(), method, sheet.unit
                )
            except excel.UploadError as exc:
                errors = exc.messages
            else:
                ok, _, status = run_step(
                    request,
                    lambda: sheet.save_values(by=request.user, values=values, remarks=remarks),
                    success=f"Đã nhập {len(values)} số liệu từ tệp Excel vào bản nháp.",
                    form=form,
                )
                if ok:
                    # Implausible figures are imported, and named by row for the officer to check.
                    warnings = sheet_warnings(sheet, values)
                    for line in excel.result_warnings(method, warnings):
                        messages.warning(request, f"Cần kiểm tra — {line}")
                    return redirect(back)
    context = {
        "access": access,
        "cycle": access.cycle,
        "sheet": sheet,
        "form": form,
        "errors": errors,
        "template_url": reverse("cycle_excel_results_template", args=[year, number, code]),
        "back_url": back,
    }
    return render(request, "cycle/exchange/results_upload.html", context, status=status)


# -- targets per unit ------------------------------------------------------------------------------

ONLY_SECRETARIAT = workflow.SET_TARGETS.refusal


def targets_template(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require(access.is_secretariat or access.national, ONLY_SECRETARIAT)
    method = _method_or_404(access)
    data = excel.targets_template(method, access.cycle.members())
    return xlsx_response(data, f"chi-tieu-{_slug(access)}.xlsx")


def targets_upload(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    workflow.SET_TARGETS.require_actor(request.user, access.cycle)
    cycle = access.cycle
    back = reverse("cycle_method", args=[year, number])
    if not workflow.SET_TARGETS.open_now(cycle):
        messages.error(request, "Năm thi đua đã kết thúc: không thể thay đổi chỉ tiêu.")
        return redirect(back)
    method = _method_or_404(access)
    form = TargetsUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            members = [u.code for u in cycle.members()]
            try:
                targets = excel.parse_targets(form.cleaned_data["file"].read(), method, members)
            except excel.UploadError as exc:
                errors = exc.messages
            else:
                ok, _, status = run_step(
                    request,
                    lambda: set_method(
                        cycle, by=request.user, targets=targets, reason=form.cleaned_data["reason"]
                    ),
                    success=f"Đã cập nhật chỉ tiêu riêng của {len(targets)} đơn vị từ tệp Excel.",
                    form=form,
                )
                if ok:
                    return redirect(back)
    context = {
        "access": access,
        "cycle": cycle,
        "form": form,
        "errors": errors,
        "locked": cycle.method_locked,
        "template_url": reverse("cycle_excel_targets_template", args=[year, number]),
        "back_url": back,
    }
    return render(request, "cycle/exchange/targets_upload.html", context, status=status)


# -- the scale -------------------------------------------------------------------------------------


def scale_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The scale in force as the editable workbook: upload it back and it is the same scale."""
    access = get_cycle_for_user(request.user, year, number)
    method = _method_or_404(access)
    data = excel_scale.scale_workbook(method.scale)
    return xlsx_response(data, f"thang-diem-{_slug(access)}-phien-ban-{method.number}.xlsx")


def scale_template(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The blank scale workbook: instructions, lists, the year and cluster filled in."""
    access = get_cycle_for_user(request.user, year, number)
    cluster = access.cycle.cluster
    data = excel_scale.scale_workbook(None, year=cluster.year, cluster=str(cluster))
    return xlsx_response(data, f"mau-thang-diem-{_slug(access)}.xlsx")


def scale_upload(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The secretariat adopts a scale from a workbook, exactly as from the JSON upload."""
    access = _method_access(request, year, number)
    cycle = access.cycle
    back = reverse("cycle_method", args=[year, number])
    if not workflow.CHANGE_METHOD.open_now(cycle):
        messages.error(request, "Năm thi đua đã kết thúc: không thể thay đổi thang điểm.")
        return redirect(back)
    form = ScaleUploadForm(**_method_form_kwargs(request, cycle))
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                form.document = excel_scale.parse_scale_workbook(form.cleaned_data["file"].read())
            except excel.UploadError as exc:
                errors = exc.messages
            else:
                ok, status = _save_method(request, access, form)
                if ok:
                    return redirect(back)
    method = cycle.method
    context = {
        "access": access,
        "cycle": cycle,
        "method": method,
        "form": form,
        "errors": errors,
        "template_url": reverse("cycle_excel_scale_template", args=[year, number]),
        "current_url": reverse("cycle_excel_scale", args=[year, number])
        if method and method.scale
        else "",
        "back_url": back,
    }
    return render(request, "cycle/exchange/scale_upload.html", context, status=status)


# -- exports ---------------------------------------------------------------------------------------


def _whole(value: float | None) -> float | int | None:
    """A rank or share that is a whole number is written as one (4, not 4,00)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def ranking_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    ranking, _ = get_ranking_for_user(access)
    if ranking is None:
        raise Http404("Chưa có bảng xếp hạng.")
    entries = ranking.entries.select_related("unit").order_by("position")
    names = {u.code: u.short_name for u in access.cycle.members()}  # notes name units by code
    rows: list[list[Any]] = [
        [
            e.rank,
            e.unit.name,
            None if e.total is None else float(e.total),
            "Có" if e.vetoed else "",
            _whole(e.median_rank),
            _whole(e.rank_p5),
            _whole(e.rank_p95),
            None if e.p_first is None else _whole(round(e.p_first * 100, 1)),
            readable_units(e.note, names),
        ]
        for e in entries
    ]
    data = workbook(
        f"Bảng xếp hạng {access.cycle.cluster}",
        [
            "Hạng",
            "Đơn vị",
            "Tổng điểm",
            "Điểm liệt",
            "Hạng trung vị",
            "Hạng từ (90/100 lần tính)",
            "Hạng đến (90/100 lần tính)",
            "Khả năng đứng đầu (%)",
            "Ghi chú",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[8, 40, 12, 10, 12, 14, 14, 14, 50],
        sheet="Xếp hạng",
    )
    return xlsx_response(data, f"xep-hang-{_slug(access)}.xlsx")


def results_list_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    rows = []
    for row in _rows_for_list(access):
        sheet: ResultSheet | None = row["sheet"]
        score = row["score"]
        rows.append(
            [
                row["unit"].name,
                sheet.get_state_display() if sheet else "Chưa nhập",
                sheet.revision if sheet else None,
                sheet.submitted_at.replace(tzinfo=None) if sheet and sheet.submitted_at else None,
                getattr(sheet, "evidence_count", 0) if sheet else 0,
                None if score is None or score.total is None else float(score.total),
                sheet.return_reason if sheet else "",
            ]
        )
    data = workbook(
        f"Tình hình nhập số liệu — {access.cycle.cluster}",
        [
            "Đơn vị",
            "Trạng thái",
            "Lần gửi",
            "Ngày gửi",
            "Số minh chứng",
            "Tự chấm",
            "Lý do trả lại",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[40, 14, 10, 14, 14, 12, 50],
        sheet="Số liệu",
    )
    return xlsx_response(data, f"tinh-hinh-so-lieu-{_slug(access)}.xlsx")


def registrations_export(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    cycle = access.cycle
    by_unit = {r.unit_id: r for r in Registration.objects.filter(cycle=cycle)}
    collective = dict(COLLECTIVE_TITLES)
    rows = []
    for unit in cycle.members():
        reg = by_unit.get(unit.pk)
        titles = "; ".join(collective.get(t, t) for t in reg.collective_titles) if reg else ""
        counts = [
            reg.individual_counts.get(code, 0) if reg else None for code, _ in INDIVIDUAL_TITLES
        ]
        rows.append([unit.name, "Đã đăng ký" if reg else "Chưa đăng ký", titles, *counts])
    data = workbook(
        f"Đăng ký thi đua — {cycle.cluster}",
        ["Đơn vị", "Tình trạng", "Danh hiệu tập thể", *(name for _, name in INDIVIDUAL_TITLES)],
        rows,
        subtitle=exported_by(request.user),
        widths=[40, 16, 50, *([16] * len(INDIVIDUAL_TITLES))],
        sheet="Đăng ký",
    )
    return xlsx_response(data, f"dang-ky-{_slug(access)}.xlsx")
