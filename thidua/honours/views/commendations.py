"""Commendation decisions: list, record, edit, revoke (keeping the history), attachments."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from thidua.engine import text
from thidua.engine.eligibility_catalogue import load_catalogue
from thidua.honours import exports
from thidua.honours.access import (
    get_attachment_for_user,
    get_commendation_for_user,
    require_editor,
)
from thidua.honours.forms import (
    AttachmentForm,
    CommendationCreateForm,
    CommendationEditForm,
    CommendationFilterForm,
    RevokeForm,
)
from thidua.honours.models import Commendation, may_edit_somewhere
from thidua.honours.views.common import edit_record, history, wants_excel
from thidua.lib.steps import run_step
from thidua.org.access import require
from thidua.org.models import Unit


def _filtered(request: HttpRequest, form: CommendationFilterForm):
    rows = (
        Commendation.objects.visible_to(request.user)
        .in_register_order()
        .select_related("person__current_unit", "unit")
    )
    if not form.is_valid():
        return rows
    data = form.cleaned_data
    if data["year"]:
        rows = rows.filter(year=data["year"])
    if data["award"]:
        rows = rows.filter(award_code=data["award"])
    if data["recipient"]:
        rows = rows.filter(recipient_kind=data["recipient"])
    if data["state"]:
        rows = rows.filter(revoked=data["state"] == "revoked")
    if data["q"]:
        key = text.search_key(data["q"])
        unit_key = text.unit_query_key(data["q"])
        # The award as officers write it ("chiến sỹ thi đua" finds "Chiến sĩ thi đua cơ sở").
        catalogue = load_catalogue()
        awards = [
            code
            for code, kind in catalogue.awards.items()
            if key in text.search_key(kind.name)
            or any(key in text.search_key(alias) for alias in kind.aliases)
        ]
        rows = rows.filter(
            Q(person__search_key__contains=key)
            | Q(unit__search_key__contains=unit_key)
            | Q(award_code__in=awards)
            | Q(decision_no__icontains=data["q"])
        )
    return rows


def commendation_list(request: HttpRequest) -> HttpResponse:
    form = CommendationFilterForm(request.GET or None)
    rows = _filtered(request, form)
    if wants_excel(request):
        return exports.xlsx_response(
            exports.commendations(rows, request.user), "quyet-dinh-khen-thuong.xlsx"
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "honours/commendation_list.html",
        {"form": form, "page_obj": page, "can_create": may_edit_somewhere(request.user)},
    )


def _initial(request: HttpRequest) -> dict:
    initial: dict = {"recipient_kind": Commendation.Recipient.INDIVIDUAL}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    elif request.GET.get("unit"):
        unit = Unit.objects.filter(code=request.GET["unit"]).first()
        if unit:
            initial.update(recipient_kind=Commendation.Recipient.COLLECTIVE, unit=unit.pk)
    return initial


@require_http_methods(["GET", "POST"])
def commendation_create(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    form = CommendationCreateForm(
        request.POST or None, user=request.user, initial=_initial(request)
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            ok, row, status = run_step(
                request,
                lambda: Commendation.create(by=request.user, **form.model_fields()),
                success="Đã ghi quyết định khen thưởng.",
                form=form,
            )
            if ok:
                return redirect(row)
    return render(request, "honours/commendation_form.html", {"form": form}, status=status)


def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row, can_edit = get_commendation_for_user(request.user, pk)
    return render(
        request,
        "honours/commendation_detail.html",
        {
            "c": row,
            "can_edit": can_edit and not row.revoked,
            "attachments": row.attachments.select_related("uploaded_by"),
            "attach_form": AttachmentForm(),
            "history": history(row),
        },
    )


@require_http_methods(["GET", "POST"])
def commendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row, can_edit = get_commendation_for_user(request.user, pk)
    require(can_edit, "Bạn không có quyền sửa quyết định khen thưởng này.")
    return edit_record(
        request,
        row,
        CommendationEditForm,
        template="honours/commendation_edit.html",
        context_name="c",
        success="Đã cập nhật quyết định khen thưởng.",
    )


@require_http_methods(["GET", "POST"])
def commendation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    row, can_edit = get_commendation_for_user(request.user, pk)
    require(can_edit, "Bạn không có quyền hủy bỏ quyết định khen thưởng này.")
    form = RevokeForm(request.POST or None, initial={"version": row.version})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            ok, _, status = run_step(
                request,
                lambda: row.revoke(by=request.user, expected_version=version, **data),
                success="Đã ghi nhận hủy bỏ, thu hồi khen thưởng; hồ sơ được giữ làm lịch sử.",
                form=form,
            )
            if ok:
                return redirect(row)
    return render(
        request, "honours/commendation_revoke.html", {"form": form, "c": row}, status=status
    )


@require_POST
def commendation_attach(request: HttpRequest, pk: int) -> HttpResponse:
    row, can_edit = get_commendation_for_user(request.user, pk)
    require(can_edit, "Bạn không có quyền đính kèm tệp cho quyết định này.")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        run_step(
            request,
            lambda: row.attach(by=request.user, upload=form.cleaned_data["file"]),
            success="Đã đính kèm tệp.",
        )
    else:
        from django.contrib import messages

        messages.error(request, " ".join(form.errors.get("file", ["Tệp không hợp lệ."])))
    return redirect(f"{row.get_absolute_url()}#tep")


def attachment_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    found = get_attachment_for_user(request.user, pk, attachment)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
