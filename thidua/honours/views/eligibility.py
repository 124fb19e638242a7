"""A unit's history across mergers, "who is eligible now", and the eligibility page ("why not")."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.engine.eligibility_catalogue import COLLECTIVE, INDIVIDUAL
from thidua.engine.eligibility_rules import reference_date
from thidua.honours import exports, rosters_excel
from thidua.honours.access import (
    can_publish_rules,
    get_person_for_user,
    get_unit_people_for_user,
    get_unit_records_for_user,
)
from thidua.honours.eligibility import (
    NoRuleSet,
    check_collective,
    check_person,
    suggest_for_unit,
)
from thidua.honours.forms import (
    EligibilityForm,
    SubjectForm,
    UnitRatingForm,
    UnitRosterForm,
    YearForm,
)
from thidua.honours.models import Commendation, UnitRating, UnitYearRoster, award_name
from thidua.honours.views.common import wants_excel
from thidua.lib.steps import run_step
from thidua.org.access import require


def unit_honours(request: HttpRequest, code: str) -> HttpResponse:
    records = get_unit_records_for_user(request.user, code)
    unit = records.unit
    line = unit.lineage()
    collective = list(
        Commendation.objects.filter(unit__in=line).select_related("unit").order_by("-year", "pk")
    )
    if wants_excel(request):
        return exports.xlsx_response(
            exports.commendations(collective, request.user, f"Khen thưởng tập thể — {unit.name}"),
            f"khen-thuong-{unit.code}.xlsx",
        )
    years: dict[int, dict] = defaultdict(lambda: {"collective": [], "individual": Counter()})
    for c in collective:
        years[c.year]["collective"].append(c)
    ratings = {r.year: r for r in UnitRating.objects.filter(unit__in=line).select_related("unit")}
    if records.sees_people:
        individual = Commendation.objects.filter(
            person__current_unit__in=line, revoked=False
        ).values_list("year", "award_code")
        for year, code_ in individual:
            years[year]["individual"][award_name(code_)] += 1
    for year in ratings:
        years[year]  # a rated year with no award still has a row
    return render(
        request,
        "honours/unit_honours.html",
        {
            "unit": unit,
            "records": records,
            "lineage": line,
            "successors": unit.successors(),
            "years": [
                (y, v["collective"], sorted(v["individual"].items()), ratings.get(y))
                for y, v in sorted(years.items(), reverse=True)
            ],
            "rating_form": UnitRatingForm(initial={"year": dt.date.today().year - 1}),
            "rosters": UnitYearRoster.objects.filter(unit=unit).order_by("-year")[:10],
            "roster_form": UnitRosterForm(initial={"year": dt.date.today().year}),
            "check_form": EligibilityForm(
                recipient=COLLECTIVE, initial={"year": dt.date.today().year}
            ),
        },
    )


@require_POST
def unit_rating(request: HttpRequest, code: str) -> HttpResponse:
    records = get_unit_records_for_user(request.user, code)
    require(records.can_edit, "Bạn không có quyền ghi xếp loại của đơn vị này.")
    form = UnitRatingForm(request.POST)
    if form.is_valid():
        run_step(
            request,
            lambda: UnitRating.set(by=request.user, unit=records.unit, **form.cleaned_data),
            success="Đã ghi xếp loại của đơn vị.",
        )
    else:
        from django.contrib import messages

        messages.error(request, "Năm hoặc mức xếp loại không hợp lệ.")
    return redirect("honours_unit", code=code)


@require_POST
def unit_roster(request: HttpRequest, code: str) -> HttpResponse:
    """Record the unit's roster of a year as counts, for its collective titles."""
    records = get_unit_records_for_user(request.user, code)
    require(records.can_edit, "Bạn không có quyền ghi quân số của đơn vị này.")
    form = UnitRosterForm(request.POST)
    if form.is_valid():
        run_step(
            request,
            lambda: UnitYearRoster.set(by=request.user, unit=records.unit, **form.cleaned_data),
            success="Đã ghi quân số của đơn vị.",
        )
    else:
        from django.contrib import messages

        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("honours_unit", code=code)


def unit_rosters_excel(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the unit's roster counts as a workbook to fill in; POST: the filled workbook back
    (all rows or none, errors by row and column)."""
    records = get_unit_records_for_user(request.user, code)
    if request.method == "POST":
        require(records.can_edit, "Bạn không có quyền ghi quân số của đơn vị này.")
        upload = request.FILES.get("file")
        if upload is None:
            from django.contrib import messages

            messages.error(request, "Chọn tệp Excel quân số (.xlsx) để nhập.")
        else:
            run_step(
                request,
                lambda: rosters_excel.import_rosters(
                    by=request.user, unit=records.unit, source=upload
                ),
                success="Đã nhập quân số từ tệp Excel.",
            )
        return redirect(reverse("honours_unit", args=[code]) + "#rosters")
    return exports.xlsx_response(
        rosters_excel.sheet(records.unit, request.user), f"quan-so-{records.unit.code}.xlsx"
    )


def unit_suggestions(request: HttpRequest, code: str) -> HttpResponse:
    records = get_unit_people_for_user(request.user, code)
    form = YearForm(request.GET or None, initial={"year": dt.date.today().year})
    year = form.cleaned_data["year"] if form.is_valid() else dt.date.today().year
    include_unknown = request.GET.get("ca-chua-du") == "1"
    status = 200
    try:
        found = suggest_for_unit(records.unit, year, include_unknown=include_unknown)
    except NoRuleSet as exc:  # a year before the first rule set: said on the year field
        form.add_error("year", str(exc))
        found, status = [], 422
    if wants_excel(request) and status == 200:
        return exports.xlsx_response(
            exports.suggestions(records.unit, year, found, request.user),
            f"du-dieu-kien-{records.unit.code}-{year}.xlsx",
        )
    return render(
        request,
        "honours/unit_suggestions.html",
        {
            "unit": records.unit,
            "form": form,
            "year": year,
            "rows": [(p, s, [award_name(c) for c in s.assumes]) for p, s in found],
            "include_unknown": include_unknown,
            "day": reference_date(year),
        },
        status=status,
    )


def eligibility(request: HttpRequest) -> HttpResponse:
    """For a person (?person=pk) or a unit (?unit=code) and an award/year: every condition, its
    status and its legal basis; the failing ones first (the "why not")."""
    person_pk, unit_code = request.GET.get("person", ""), request.GET.get("unit", "")
    if not person_pk and not unit_code:
        return render(
            request, "honours/eligibility.html", {"subject_form": SubjectForm(user=request.user)}
        )
    person = unit = None
    if person_pk:
        if not person_pk.isdigit():
            return redirect("honours_eligibility")
        person, _ = get_person_for_user(request.user, int(person_pk))
    else:
        unit = get_unit_people_for_user(request.user, unit_code).unit
    recipient = INDIVIDUAL if person else COLLECTIVE
    form = EligibilityForm(
        request.GET if "award" in request.GET else None,
        recipient=recipient,
        initial={"year": dt.date.today().year},
    )
    verdict = None
    if form.is_valid():
        d = form.cleaned_data
        options = {"as_of": d["as_of"], "achievement_ref": d["achievement_ref"] or None}
        try:
            if person:
                verdict = check_person(person, d["award"], d["year"], **options)
            else:
                verdict = check_collective(unit, d["award"], d["year"], **options)
        except LookupError as exc:  # no rule set for so early a year
            form.add_error("year", str(exc))
        except ValueError as exc:  # EligibilityError: e.g. a consideration date before year end
            form.add_error("as_of", str(exc))
    return render(
        request,
        "honours/eligibility.html",
        {
            "person": person,
            "unit": unit,
            "form": form,
            "verdict": verdict,
            # The rule sets' maintainers see unverified bases and what remains open.
            "admin": can_publish_rules(request.user),
            "status": 200 if verdict or not form.is_bound else 422,
        },
        status=200 if verdict or not form.is_bound else 422,
    )
