"""Pages for printing certificates from a signed decision on pre-printed blanks: the page with the
recipients, the printer's calibration and a preview; the PDF; the preview image.

Who sees what: the decision as `Decision.objects.visible_to` shows it (the Ministry every one;
a unit the signed decisions that concern its line: `get_decision_for_user`), and of its lines the Ministry prints every one,
a unit only the lines of its own line (its collectives and its people).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from thidua.documents import certificates as C
from thidua.documents.models import DEFAULT_PRINTER, MAX_OFFSET_MM, PrinterCalibration
from thidua.engine import text
from thidua.honours.access import get_decision_for_user
from thidua.honours.models import user_line_ids
from thidua.honours.models.decisions import Decision, DecisionLine
from thidua.org.models import User


def get_decision_lines_for_user(user: User, pk: int) -> tuple[Decision, list[DecisionLine]]:
    decision, _ = get_decision_for_user(user, pk)
    lines = decision.lines.select_related("unit", "person", "commendation").order_by("position")
    if not user.has_national_scope:
        lines = lines.filter(unit__in=user_line_ids(user))
    return decision, list(lines)


def _offset(raw: str, label: str) -> Decimal:
    value = text.normalize(raw or "0").replace(",", ".") or "0"
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise forms.ValidationError(f"{label} phải là số mm (ví dụ: 2,5 hoặc -1).") from None
    if not number.is_finite() or abs(number) > MAX_OFFSET_MM:
        raise forms.ValidationError(f"{label} tối đa ±{MAX_OFFSET_MM} mm.")
    return number.quantize(Decimal("0.1"))


class CalibrationForm(forms.Form):
    printer = forms.CharField(
        label="Tên máy in",
        max_length=100,
        error_messages={"required": "Phải đặt tên máy in."},
    )
    x = forms.CharField(label="Dịch ngang (mm, sang phải là dương)", required=False, max_length=8)
    y = forms.CharField(label="Dịch dọc (mm, xuống dưới là dương)", required=False, max_length=8)

    def clean_printer(self) -> str:
        name = text.normalize(self.cleaned_data["printer"])
        if not name:
            raise forms.ValidationError("Phải đặt tên máy in.")
        return name

    def clean_x(self) -> Decimal:
        return _offset(self.cleaned_data["x"], "Dịch ngang")

    def clean_y(self) -> Decimal:
        return _offset(self.cleaned_data["y"], "Dịch dọc")


def _offsets(request: HttpRequest) -> tuple[str, Decimal, Decimal, CalibrationForm | None]:
    """The printer and offsets asked for: explicit x/y (an unsaved try) or the saved ones."""
    printer = request.GET.get("may-in") or DEFAULT_PRINTER
    if "x" in request.GET or "y" in request.GET:
        form = CalibrationForm(
            {"printer": printer, "x": request.GET.get("x", ""), "y": request.GET.get("y", "")}
        )
        if not form.is_valid():
            return printer, Decimal(0), Decimal(0), form
        d = form.cleaned_data
        return d["printer"], d["x"], d["y"], None
    saved = PrinterCalibration.for_user(request.user, printer)
    return saved.printer, saved.offset_x_mm, saved.offset_y_mm, None


@require_http_methods(["GET", "POST"])
def certificate_page(request: HttpRequest, pk: int) -> HttpResponse:
    decision, lines = get_decision_lines_for_user(request.user, pk)
    if request.method == "POST":
        form = CalibrationForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            query = {"may-in": d["printer"]}
            if request.POST.get("action") == "save":
                PrinterCalibration.save_for(
                    request.user, printer=d["printer"], x_mm=d["x"], y_mm=d["y"]
                )
                messages.success(request, f"Đã lưu căn chỉnh cho máy in “{d['printer']}”.")
            else:  # a try: shown, not saved
                query.update(x=d["x"], y=d["y"])
            return redirect(reverse("certificate_page", args=[pk]) + "?" + urlencode(query))
        status = 422
        printer, dx, dy = request.POST.get("printer", ""), Decimal(0), Decimal(0)
    else:
        printer, dx, dy, bad = _offsets(request)
        form = bad or CalibrationForm(initial={"printer": printer, "x": dx, "y": dy})
        status = 422 if bad else 200
    try:
        printed, elsewhere = C.pages(decision, lines)
        problem = ""
    except C.CertificateError as exc:
        printed, elsewhere, problem = [], [], str(exc)
        status = 409 if status == 200 else status
    query = urlencode({"may-in": printer, "x": dx, "y": dy})
    return render(
        request,
        "certificates/decision.html",
        {
            "decision": decision,
            "printed": printed,
            "elsewhere": elsewhere,
            "problem": problem,
            "form": form,
            "query": query,
            "printers": PrinterCalibration.objects.filter(user=request.user),
        },
        status=status,
    )


def _pages_or_refuse(request: HttpRequest, pk: int):
    decision, lines = get_decision_lines_for_user(request.user, pk)
    _, dx, dy, bad = _offsets(request)
    if bad is not None:
        return None, HttpResponse(
            " ".join(bad.errors.get("x", []) + bad.errors.get("y", [])),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    try:
        printed, _ = C.pages(decision, lines)
    except C.CertificateError as exc:
        return None, HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    return (decision, printed, dx, dy), None


@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found, refusal = _pages_or_refuse(request, pk)
    if refusal is not None:
        return refusal
    decision, printed, dx, dy = found
    response = HttpResponse(C.render(printed, dx=dx, dy=dy), content_type="application/pdf")
    name = f"phoi-qd-{decision.seq}-{decision.authority}-{decision.number_year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def certificate_preview(request: HttpRequest, pk: int) -> HttpResponse:
    found, refusal = _pages_or_refuse(request, pk)
    if refusal is not None:
        return refusal
    _, printed, dx, dy = found
    try:
        page = int(request.GET.get("trang", "1"))
    except ValueError:
        page = 1
    page = min(max(page, 1), len(printed))
    try:
        png = C.preview_png(C.render([printed[page - 1]], dx=dx, dy=dy))
    except C.CertificateError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(png, content_type="image/png")
