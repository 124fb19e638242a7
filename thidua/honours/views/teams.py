"""A unit's subordinate units (phòng, đội, Công an xã, phường): the list with each one's data of
a year, registering a team, one team's year data, and the Excel sheet of all of them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.honours import exports, teams_excel
from thidua.honours.access import UnitRecords, get_unit_records_for_user
from thidua.honours.forms_teams import TeamForm, TeamRosterForm
from thidua.honours.models import YEAR_MAX, YEAR_MIN, UnitRating, UnitYearRoster
from thidua.honours.teams import RowsRefused, register_team, set_rosters, teams_of
from thidua.lib.steps import run_step
from thidua.org.access import require

REFUSED = "Bạn không có quyền cập nhật đơn vị trực thuộc của đơn vị này."


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() else dt.date.today().year
    return year if YEAR_MIN <= year <= YEAR_MAX else dt.date.today().year


def _page(
    request: HttpRequest,
    records: UnitRecords,
    year: int,
    *,
    team_form: TeamForm | None = None,
    roster_form: TeamRosterForm | None = None,
    status: int = 200,
) -> HttpResponse:
    unit = records.unit
    teams = teams_of(unit)
    rosters = {r.unit_id: r for r in UnitYearRoster.objects.filter(unit__in=teams, year=year)}
    ratings = {r.unit_id: r for r in UnitRating.objects.filter(unit__in=teams, year=year)}
    return render(
        request,
        "honours/unit_teams.html",
        {
            "unit": unit,
            "records": records,
            "year": year,
            "rows": [(t, rosters.get(t.pk), ratings.get(t.pk)) for t in teams],
            "team_form": team_form or TeamForm(teams=teams, unit=unit),
            "roster_form": roster_form or TeamRosterForm(teams=teams, initial={"year": year}),
        },
        status=status,
    )


def unit_teams(request: HttpRequest, code: str) -> HttpResponse:
    records = get_unit_records_for_user(request.user, code)
    return _page(request, records, _year(request))


def _editable(request: HttpRequest, code: str) -> UnitRecords:
    records = get_unit_records_for_user(request.user, code)
    require(records.can_edit, REFUSED)
    return records


@require_POST
def team_create(request: HttpRequest, code: str) -> HttpResponse:
    records = _editable(request, code)
    form = TeamForm(request.POST, teams=teams_of(records.unit), unit=records.unit)
    if form.is_valid():
        ok, _, status = run_step(
            request,
            lambda: register_team(by=request.user, unit=records.unit, **form.cleaned_data),
            success="Đã đăng ký đơn vị trực thuộc.",
            form=form,
        )
        if ok:
            return redirect(reverse("honours_unit_teams", args=[code]) + "#teams")
        return _page(request, records, _year(request), team_form=form, status=status)
    return _page(request, records, _year(request), team_form=form, status=422)


@require_POST
def team_roster(request: HttpRequest, code: str) -> HttpResponse:
    """One team's roster (and rating) of a year: the API's and the Excel sheet's step, one row."""
    records = _editable(request, code)
    form = TeamRosterForm(request.POST, teams=teams_of(records.unit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            set_rosters(by=request.user, unit=records.unit, rows=[data])
        except RowsRefused as exc:
            for _, field, message in exc.rows:
                form.add_error(field if field in form.fields else None, message)
        except ValidationError as exc:  # e.g. the Ministry itself has no teams here
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"Đã ghi quân số năm {data['year']} của {data['name']}.")
            return redirect(f"{reverse('honours_unit_teams', args=[code])}?nam={data['year']}")
    year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    return _page(request, records, year or _year(request), roster_form=form, status=422)


def teams_excel_view(request: HttpRequest, code: str) -> HttpResponse:
    """GET: every team with its data of ?nam= as a workbook to fill in; POST: the filled workbook
    back (all rows or none, each error with its row and column)."""
    records = get_unit_records_for_user(request.user, code)
    year = _year(request)
    if request.method == "POST":
        require(records.can_edit, REFUSED)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Chọn tệp Excel đơn vị trực thuộc (.xlsx) để nhập.")
        else:
            try:
                count = teams_excel.import_rosters(
                    by=request.user, unit=records.unit, source=upload
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, f"Đã nhập {count} dòng quân số đơn vị trực thuộc.")
        return redirect(f"{reverse('honours_unit_teams', args=[code])}?nam={year}#teams")
    return exports.xlsx_response(
        teams_excel.sheet(records.unit, year, request.user),
        f"don-vi-truc-thuoc-{records.unit.code}-{year}.xlsx",
    )
