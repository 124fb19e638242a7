"""The next year: last year's method as a draft to adopt, and a unit's years compared."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from thidua.cycle.access import get_cycle_for_user
from thidua.cycle.plan import next_year
from thidua.lib.steps import run_step
from thidua.org.access import require


@require_http_methods(["GET", "POST"])
def cycle_method_inherit(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    cycle = access.cycle
    status = 200
    if request.method == "POST":
        require(
            access.is_secretariat,
            f"Chỉ Thường trực {cycle.cluster.kind_word} (đơn vị {cycle.cluster.leader_word}) "
            "được kế thừa phương pháp chấm.",
        )
        ok, _, status = run_step(
            request,
            lambda: next_year.adopt_method(cycle, by=request.user),
            success="Đã kế thừa phương pháp chấm năm trước làm bản nháp: sửa lại nếu cần.",
        )
        if ok:
            return redirect(reverse("cycle_method", args=[year, number]))
    draft = next_year.method_draft(cycle)
    return render(
        request,
        "cycle/next_year/method_inherit.html",
        {
            "access": access,
            "cycle": cycle,
            "cluster": cycle.cluster,
            "draft": draft,
            "current": cycle.method,
            "can_adopt": access.is_secretariat and not cycle.method_locked and draft is not None,
        },
        status=status,
    )


def cycle_unit_years(request: HttpRequest, year: int, number: int, code: str) -> HttpResponse:
    access = get_cycle_for_user(request.user, year, number)
    unit = next((u for u in access.cycle.members() if u.code == code), None)
    if unit is None:
        raise Http404("Đơn vị không phải thành viên của cụm trong năm này.")
    rows, chart = next_year.unit_years(request.user, unit, year)
    return render(
        request,
        "cycle/next_year/unit_years.html",
        {
            "access": access,
            "cycle": access.cycle,
            "cluster": access.cycle.cluster,
            "unit": unit,
            "rows": rows,
            "chart": chart,
            "members": access.cycle.members(),
        },
    )
