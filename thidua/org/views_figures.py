"""The page where a cluster's published year figures are entered (issue 19): the cluster's
secretariat or the Ministry; others 403, clusters out of scope 404. Access helper, act, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from thidua.lib.steps import run_step
from thidua.org import published_figures as pf
from thidua.org.access import get_cluster_for_user, require
from thidua.org.forms_figures import PublishedFiguresForm


@require_http_methods(["GET", "POST"])
def cluster_figures(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, can_manage = get_cluster_for_user(request.user, year, number)
    require(pf.may_edit(request.user, can_manage), pf.EDIT_REFUSED)
    form = PublishedFiguresForm(
        request.POST or None,
        initial=PublishedFiguresForm.initial_from(pf.figures_of(cluster)),
        kind_word=cluster.kind_word,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            ok, _, status = run_step(
                request,
                lambda: pf.set_figures(
                    cluster,
                    by=request.user,
                    collectives=d["collectives"],
                    individuals=d["individuals"],
                    totals=d["totals"],
                    source=d["source"],
                ),
                success="Đã lưu số liệu đã công bố; thay đổi được ghi nhật ký.",
                form=form,
            )
            if ok:
                return redirect(cluster.get_absolute_url() + "#published")
    return render(
        request, "org/cluster_figures.html", {"cluster": cluster, "form": form}, status=status
    )
