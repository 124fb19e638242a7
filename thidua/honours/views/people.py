"""Personnel records: the list, a person's history page, and the entries that make it up."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from thidua.engine.eligibility_catalogue import INDIVIDUAL
from thidua.honours import exports
from thidua.honours.access import get_person_for_user, require_editor
from thidua.honours.forms import (
    DisciplineForm,
    EligibilityForm,
    InitiativeForm,
    PersonCreateForm,
    PersonEditForm,
    PersonSearchForm,
    PostingForm,
    RatingForm,
)
from thidua.honours.models import Person, may_edit_somewhere
from thidua.honours.views.common import edit_record, history, wants_excel
from thidua.lib.steps import run_step
from thidua.org.access import require


def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    people = Person.objects.visible_to(request.user).select_related(
        "current_unit__successor__successor"
    )
    if form.is_valid():
        if form.cleaned_data["q"]:
            people = people.search(form.cleaned_data["q"])
        if form.cleaned_data["unit"]:
            people = people.in_line_of(form.cleaned_data["unit"])
    if wants_excel(request):
        return exports.xlsx_response(exports.people(people, request.user), "danh-sach-can-bo.xlsx")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "honours/person_list.html",
        {"form": form, "page_obj": page, "can_create": may_edit_somewhere(request.user)},
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    form = PersonCreateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            ok, person, status = run_step(
                request,
                lambda: Person.create(by=request.user, **form.cleaned_data),
                success="Đã tạo hồ sơ cán bộ.",
                form=form,
            )
            if ok:
                return redirect(person)
    return render(request, "honours/person_form.html", {"form": form}, status=status)


ADD_FORMS = {
    "cong-tac": (PostingForm, "add_posting", "Đã ghi quá trình công tác."),
    "xep-loai": (RatingForm, "set_rating", "Đã ghi kết quả xếp loại."),
    "sang-kien": (InitiativeForm, "add_initiative", "Đã ghi sáng kiến, đề tài."),
    "ky-luat": (DisciplineForm, "add_discipline", "Đã ghi thông tin kỷ luật."),
}
ITEMS = {
    "cong-tac": "postings",
    "xep-loai": "ratings",
    "sang-kien": "initiatives",
    "ky-luat": "disciplines",
}


def _forms(request: HttpRequest, bound: dict | None = None) -> dict:
    forms = {
        kind: (cls(user=request.user) if cls is PostingForm else cls())
        for kind, (cls, _, _) in ADD_FORMS.items()
    }
    forms.update(bound or {})
    return {k.replace("-", "_"): v for k, v in forms.items()}


def _by_year(commendations) -> list[tuple[int, list]]:
    years: dict[int, list] = defaultdict(list)
    for c in commendations:
        years[c.year].append(c)
    return sorted(years.items(), reverse=True)


def _detail(request, person, can_edit, *, bound=None, status=200) -> HttpResponse:
    commendations = list(person.commendations.all())
    if wants_excel(request):
        return exports.xlsx_response(
            exports.commendations(
                commendations, request.user, f"Khen thưởng của {person.full_name}"
            ),
            f"khen-thuong-{person.officer_code}.xlsx",
        )
    postings = list(person.postings.select_related("unit__successor"))
    return render(
        request,
        "honours/person_detail.html",
        {
            "person": person,
            "can_edit": can_edit,
            "postings": postings,
            "ratings": person.ratings.all(),
            "initiatives": person.initiatives.all(),
            "disciplines": person.disciplines.all(),
            "years": _by_year(commendations),
            "forms": _forms(request, bound) if can_edit else {},
            "check_form": EligibilityForm(
                recipient=INDIVIDUAL, initial={"year": dt.date.today().year}
            ),
            "history": history(person),
        },
        status=status,
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person, can_edit = get_person_for_user(request.user, pk)
    return _detail(request, person, can_edit)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person, can_edit = get_person_for_user(request.user, pk)
    require(can_edit, "Bạn không có quyền sửa hồ sơ cán bộ này.")
    return edit_record(
        request,
        person,
        PersonEditForm,
        template="honours/person_edit.html",
        context_name="person",
        success="Đã cập nhật hồ sơ cán bộ.",
    )


@require_POST
def person_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    person, can_edit = get_person_for_user(request.user, pk)
    require(can_edit, "Bạn không có quyền cập nhật hồ sơ cán bộ này.")
    if kind not in ADD_FORMS:
        raise Http404("Không có mục hồ sơ này.")
    form_class, method, success = ADD_FORMS[kind]
    kwargs = {"user": request.user} if form_class is PostingForm else {}
    form = form_class(request.POST, **kwargs)
    status = 422
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: getattr(person, method)(by=request.user, **form.cleaned_data),
            success=success,
            form=form,
        )
        if ok:
            return redirect(f"{person.get_absolute_url()}#{ITEMS[kind]}")
    person.refresh_from_db()
    return _detail(request, person, can_edit, bound={kind: form}, status=status)


@require_POST
def person_remove(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    person, can_edit = get_person_for_user(request.user, pk)
    require(can_edit, "Bạn không có quyền cập nhật hồ sơ cán bộ này.")
    if kind not in ITEMS:
        raise Http404("Không có mục hồ sơ này.")
    entry = getattr(person, ITEMS[kind]).filter(pk=item).first()
    if entry is not None:
        run_step(
            request,
            lambda: person.remove(by=request.user, item=entry),
            success="Đã xóa mục khỏi hồ sơ.",
        )
    return redirect(reverse("honours_person", args=[person.pk]) + f"#{ITEMS[kind]}")
