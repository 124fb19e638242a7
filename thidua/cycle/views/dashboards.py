"""Dashboards: one cluster over the years, and every cluster of a year for the Ministry."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from thidua.cycle import dashboards
from thidua.cycle.access import get_cycle_for_user, ranking_is_published, require_outcome_scope
from thidua.cycle.models import Ranking
from thidua.jobs.models import Job
from thidua.org.access import require


@require_GET
def cycle_dashboard(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    require_outcome_scope(access)
    context = {"access": access, "cycle": access.cycle, "published": False}
    # The same rule as the ranking page: members see the figures once the year is ranked.
    if ranking_is_published(access):
        context.update(
            published=True, board=dashboards.cluster_dashboard(request.user, access.cycle)
        )
    return render(request, "cycle/dashboard/cluster.html", context)


@require_GET
def ministry_dashboard(request: HttpRequest) -> HttpResponse:
    require(
        request.user.has_national_scope,
        "Chỉ cán bộ cấp Bộ được xem bảng điều khiển toàn quốc.",
    )
    years = dashboards.years_with_clusters()
    year = _chosen_year(request.GET.get("nam"), years)
    rows = dashboards.ministry_rows(year) if year else []
    context = {
        "years": years,
        "year": year,
        "rows": rows,
        "chart": dashboards.progress_chart(rows),
        "opened": sum(1 for r in rows if r.cycle),
        "closed": sum(1 for r in rows if r.cycle and r.cycle.stage == "closed"),
        "late_units": sum(r.late for r in rows),
        # The documents of every cluster as one ZIP, made by a background job (thidua/jobs).
        "documents_ready": Ranking.objects.filter(cycle__cluster__year=year)
        .values("cycle")
        .distinct()
        .count(),
        "documents_jobs": Job.objects.filter(
            owner_id=request.user.pk, kind=Job.Kind.DOCUMENTS_YEAR, params__year=year
        )[:3]
        if year
        else [],
    }
    return render(request, "cycle/dashboard/ministry.html", context)


def _chosen_year(raw: str | None, years: list[int]) -> int | None:
    if not raw:
        return years[0] if years else None
    try:
        year = int(raw)
    except ValueError:
        raise Http404("Năm không hợp lệ.") from None
    if year not in years:
        raise Http404("Không có cụm thi đua nào trong năm này.")
    return year
