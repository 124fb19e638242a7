"""Pages where the Ministry publishes clusters and blocks: a new one, next year's from the
handover (one click), and a change of composition with its reason. Access helper, act, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from thidua.lib.steps import run_step
from thidua.org import publishing
from thidua.org.access import get_cluster_for_user, require
from thidua.org.forms_publish import ClusterPublishForm, CompositionForm
from thidua.org.loaders import movement

MINISTRY_ONLY = "Chỉ cán bộ phê duyệt của Bộ được công bố cụm, khối thi đua."


@require_http_methods(["GET", "POST"])
def cluster_publish(request: HttpRequest) -> HttpResponse:
    require(publishing.is_ministry(request.user), MINISTRY_ONLY)
    form = ClusterPublishForm(request.POST or None, initial=request.GET.dict() or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            ok, cluster, status = run_step(
                request,
                lambda: publishing.publish_cluster_year(
                    by=request.user,
                    movement=movement(),
                    year=d["year"],
                    kind=d["kind"],
                    number=d["number"],
                    members=d["members"],
                    leader=d["leader"],
                    deputy=d["deputy"],
                    name=d["name"],
                    reason=d["reason"],
                ),
                success="Đã công bố cụm, khối thi đua.",
                form=form,
            )
            if ok:
                return redirect(cluster)
    return render(request, "org/cluster_publish.html", {"form": form}, status=status)


@require_POST
def cluster_publish_next(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, _ = get_cluster_for_user(request.user, year, number)
    require(publishing.is_ministry(request.user), MINISTRY_ONLY)
    ok, created, _ = run_step(
        request,
        lambda: publishing.publish_next_year(cluster, by=request.user),
        success=f"Đã công bố {cluster.title} năm {year + 1} theo bàn giao.",
    )
    # Refused (no handover, already published): back to the cluster, the reason in the messages.
    return redirect(created if ok else cluster)


@require_http_methods(["GET", "POST"])
def cluster_composition(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, _ = get_cluster_for_user(request.user, year, number)
    require(publishing.is_ministry(request.user), MINISTRY_ONLY)
    form = CompositionForm(request.POST or None, cluster=cluster)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            ok, _, status = run_step(
                request,
                lambda: publishing.change_composition(
                    cluster, by=request.user, add=d["add"], remove=d["remove"], reason=d["reason"]
                ),
                success="Đã thay đổi thành phần cụm; thay đổi được ghi nhật ký.",
                form=form,
            )
            if ok:
                return redirect(cluster)
    return render(
        request,
        "org/cluster_composition.html",
        {"cluster": cluster, "form": form},
        status=status,
    )
