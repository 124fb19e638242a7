"""Step 5: "Đọc số liệu từ báo cáo" — a unit's year-end report read into its results sheet.

The officer uploads the report, sees each suggested value beside its criterion with the sentence
it came from, and accepts (or corrects) values one by one or all at once. Nothing enters the sheet
without that click. Who may see and change the sheet is decided by thidua.cycle.access, as for the
sheet itself; the model methods check the workflow.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.cycle.access import CycleAccess, get_cycle_for_user, get_result_sheet_for_user
from thidua.cycle.models import ReportReading, ResultSheet
from thidua.cycle.results.forms import show_value
from thidua.cycle.scales import written_value
from thidua.cycle.scoring import scale_of
from thidua.cycle.views.results import _refuse_unless_editable, _sheet_url
from thidua.jobs.models import Job
from thidua.jobs.runner import start
from thidua.lib.steps import run_step


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="Báo cáo tổng kết",
        help_text="Tệp DOCX, PDF (bản xuất từ Word, có lớp chữ) hoặc TXT; tối đa 20 MB. "
        "Tệp được lưu làm minh chứng.",
        error_messages={"required": "Chọn tệp báo cáo.", "empty": "Tệp rỗng."},
    )


def _reading_url(reading: ReportReading) -> str:
    sheet = reading.sheet
    cluster = sheet.cycle.cluster
    return reverse(
        "cycle_reading_review", args=[cluster.year, cluster.number, sheet.unit.code, reading.pk]
    )


def _get_reading(sheet: ResultSheet, pk: int) -> ReportReading:
    return get_object_or_404(
        ReportReading.objects.select_related("uploaded_by"), sheet=sheet, pk=pk
    )


def _start_reading(request: HttpRequest, sheet: ResultSheet, upload):
    """Checks the page's reading would make first (the officer, the stage, a draft), then starts
    the job with the file; the job reads it exactly as the page does."""
    sheet.require_editable(by=request.user)
    name = PurePath(upload.name or "bao-cao").name
    return start(
        Job.Kind.REPORT_READING,
        request.user,
        title=f"Đọc số liệu từ báo cáo “{name}” — {sheet.unit.short_name}",
        params={"sheet": sheet.pk, "name": name},
        upload=upload,
        upload_name="bao-cao" + PurePath(name).suffix.lower(),
    )


def reading_upload(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    form = ReportUploadForm()
    status = 200
    if request.method == "POST":
        refused = _refuse_unless_editable(request, sheet)
        if refused:
            return refused
        form = ReportUploadForm(request.POST, request.FILES)
        status = 422
        if (
            form.is_valid()
            and form.cleaned_data["file"].size > settings.THIDUA_READING_BACKGROUND_BYTES
        ):
            # A long report is read by a worker, with progress on the job's page.
            ok, job, status = run_step(
                request,
                lambda: _start_reading(request, sheet, form.cleaned_data["file"]),
                success="Báo cáo dài: đang đọc trên máy chủ, xem tiến độ dưới đây.",
                form=form,
            )
            if ok and job is not None:
                return redirect(job)
        elif form.is_valid():
            ok, reading, status = run_step(
                request,
                lambda: ReportReading.read(
                    sheet, by=request.user, upload=form.cleaned_data["file"]
                ),
                success="Đã đọc báo cáo. Xem từng giá trị gợi ý rồi bấm nhận vào bảng số liệu.",
                form=form,
            )
            if ok and reading is not None:
                return redirect(_reading_url(reading))
    readings = sheet.readings.select_related("uploaded_by").order_by("-uploaded_at")
    return render(
        request,
        "cycle/results/reading_upload.html",
        {
            "access": access,
            "cycle": access.cycle,
            "sheet": sheet,
            "can_edit": can_edit,
            "form": form,
            "readings": readings,
        },
        status=status,
    )


def _review_rows(access: CycleAccess, sheet: ResultSheet, reading: ReportReading, posted=None):
    scale = scale_of(access.cycle.method)
    rows = []
    for suggestion in reading.suggestions:
        code = suggestion["criterion"]
        if not scale.has_criterion(code):
            continue  # the scale changed since the reading
        before, figure, after = reading.highlighted(suggestion["figure"])
        f = reading.figure(suggestion["figure"])
        typed = (posted or {}).get(f"value_{code}")
        rows.append(
            {
                "code": code,
                "criterion": scale.criterion(code),
                "current": show_value(sheet.values.get(code)),
                "suggested": show_value(str(suggestion["value"])),
                "typed": typed
                if typed is not None
                else written_value(show_value(str(suggestion["value"])), f.get("qualifier")),
                "confidence": round(suggestion["confidence"] * 100),
                "before": before,
                "figure": figure,
                "after": after,
                "qualifier": f.get("qualifier"),
                "comparison": f.get("comparison"),
                "accepted": code in reading.accepted,
            }
        )
    return rows


def reading_review(
    request: HttpRequest, year: int, number: int, code: str, pk: int
) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    reading = _get_reading(sheet, pk)
    return _review_page(request, access, sheet, reading, can_edit)


def _review_page(request, access, sheet, reading, can_edit, *, errors=(), posted=None, status=200):
    context: dict[str, Any] = {
        "access": access,
        "cycle": access.cycle,
        "sheet": sheet,
        "reading": reading,
        "can_edit": can_edit and sheet.editable_by_unit and sheet.is_reporter(request.user),
        "rows": _review_rows(access, sheet, reading, posted),
        "figure_count": len(reading.figures),
        # "cao hơn chỉ tiêu 16%" with no rate of its own: flagged, never suggested
        "to_check": [
            dict(zip(("before", "figure", "after"), reading.highlighted(i), strict=True))
            for i, f in enumerate(reading.figures)
            if (f.get("comparison") or {}).get("alone")
        ],
        "errors": errors,
    }
    return render(request, "cycle/results/reading_review.html", context, status=status)


@require_POST
def reading_accept(
    request: HttpRequest, year: int, number: int, code: str, pk: int
) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, can_edit = get_result_sheet_for_user(access, code)
    reading = _get_reading(sheet, pk)
    refused = _refuse_unless_editable(request, sheet)
    if refused:
        return refused
    codes = [s["criterion"] for s in reading.suggestions]
    chosen = codes if request.POST.get("action") == "all" else request.POST.getlist("accept")
    values = {c: request.POST.get(f"value_{c}", "").strip() for c in chosen if c in codes}
    empty = [c for c, v in values.items() if not v]
    if empty:
        names = {c.code: c.name for c in scale_of(access.cycle.method).criteria}
        errors = [f"{names.get(c, c)}: chưa có giá trị để nhận." for c in empty]
        return _review_page(
            request,
            access,
            sheet,
            reading,
            can_edit,
            errors=errors,
            posted=request.POST,
            status=422,
        )
    form = forms.Form({})  # collects the model's refusals for the page
    form.is_valid()
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    ok, _, status = run_step(
        request,
        lambda: reading.accept(by=request.user, values=values, expected_version=version),
        success=f"Đã đưa {len(values)} giá trị vào bảng số liệu (chưa gửi Thường trực "
        f"{access.cycle.cluster.kind_word}).",
        form=form,
    )
    if ok:
        return redirect(_sheet_url(sheet) + "#values")
    sheet.refresh_from_db()
    reading.refresh_from_db()
    errors = [str(e) for e in form.non_field_errors()]
    return _review_page(
        request, access, sheet, reading, can_edit, errors=errors, posted=request.POST, status=status
    )


def reading_download(
    request: HttpRequest, year: int, number: int, code: str, pk: int
) -> FileResponse:
    access = get_cycle_for_user(request.user, year, number)
    sheet, _ = get_result_sheet_for_user(access, code)
    reading = _get_reading(sheet, pk)
    try:
        handle = reading.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp báo cáo không còn trên máy chủ.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=reading.original_name,
        content_type=reading.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
