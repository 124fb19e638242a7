"""Pages for units and clusters (the per-role home page gathers every app: thidua/portal). Thin:
access helper, act, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from thidua.lib.list_workbook import exported_by, workbook, xlsx_response
from thidua.org.access import get_cluster_for_user, get_unit_for_user, require
from thidua.org.forms import ClusterYearForm, HandoverForm, UnitSearchForm
from thidua.org.models import Cluster, Handover, Membership, Unit


def _units(request: HttpRequest) -> tuple[UnitSearchForm, Any]:
    """The units the list shows for the request's search, year and kind filters."""
    form = UnitSearchForm(request.GET or None)
    units = Unit.objects.select_related("successor").ordered()
    if form.is_valid():
        if form.cleaned_data["q"]:
            units = units.search(form.cleaned_data["q"])
        if form.cleaned_data["year"]:
            units = units.valid_in_year(form.cleaned_data["year"])
        if form.cleaned_data["kind"]:
            units = units.filter(kind=form.cleaned_data["kind"])
    return form, units


def unit_list(request: HttpRequest) -> HttpResponse:
    form, units = _units(request)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    template = "org/unit_table.html" if request.htmx else "org/unit_list.html"
    return render(request, template, {"form": form, "page_obj": page})


def unit_list_excel(request: HttpRequest) -> HttpResponse:
    """Every unit the list shows with the same filters (all pages), as a workbook."""
    form, units = _units(request)
    kinds = dict(Unit.Kind.choices)
    filters = ", ".join(
        f"{form.fields[k].label.lower()}: {kinds.get(v, v) if k == 'kind' else v}"
        for k, v in (form.cleaned_data.items() if form.is_valid() else ())
        if v
    )
    rows = [
        [
            u.code,
            u.name,
            u.get_kind_display(),
            u.valid_from,
            u.valid_to,
            u.period_label,
            u.successor.name if u.successor else "",
        ]
        for u in units
    ]
    data = workbook(
        "Danh sách đơn vị" + (f" ({filters})" if filters else ""),
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Loại",
            "Hiệu lực từ",
            "Hiệu lực đến",
            "Thời gian tồn tại",
            "Kế thừa bởi",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[24, 44, 24, 12, 12, 24, 44],
        sheet="Đơn vị",
    )
    return xlsx_response(data, "don-vi.xlsx")


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit, _can_edit = get_unit_for_user(request.user, code)
    lineage = unit.lineage()
    memberships = (
        Membership.objects.filter(unit__in=lineage)
        .select_related("cluster", "unit")
        .order_by("-year", "unit__sort_key")
    )
    visible = set(
        Cluster.objects.visible_to(request.user)
        .filter(pk__in=[m.cluster_id for m in memberships])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "lineage": lineage,
            "successors": unit.successors(),
            "memberships": memberships,
            "visible_cluster_ids": visible,
        },
    )


def _clusters(request: HttpRequest) -> tuple[ClusterYearForm, Any, int | None]:
    """The clusters the user may see, for the request's year filter, in the list's order."""
    form = ClusterYearForm(request.GET or None)
    clusters = (
        Cluster.objects.visible_to(request.user)
        .with_members()
        .prefetch_related(Prefetch("handover__next_leader"), Prefetch("handover__next_deputy"))
        .select_related("handover")
    )
    year = form.cleaned_data.get("year") if form.is_valid() else None
    if year:
        clusters = clusters.filter(year=year)
    return form, clusters.order_by("-year", "kind", "number"), year


def cluster_list(request: HttpRequest) -> HttpResponse:
    form, clusters, year = _clusters(request)
    years = sorted(
        set(Cluster.objects.visible_to(request.user).values_list("year", flat=True)), reverse=True
    )
    return render(
        request,
        "org/cluster_list.html",
        {
            "form": form,
            "clusters": clusters,
            "years": years,
            "year": year,
        },
    )


def cluster_list_excel(request: HttpRequest) -> HttpResponse:
    """The clusters the list shows (same scope, same year filter), as a workbook."""
    _, clusters, year = _clusters(request)

    def handover(cluster) -> str:
        h = getattr(cluster, "handover", None)
        if h is None:
            return ""
        deputy = f", {cluster.deputy_word} {h.next_deputy.short_name}" if h.next_deputy else ""
        return f"{cluster.leader_word} {h.next_leader.short_name}{deputy}"

    rows = [
        [
            c.year,
            c.title,
            len(c.members()),
            "; ".join(m.unit.short_name for m in c.members()),
            c.leader.short_name if c.leader else "",
            c.deputy.short_name if c.deputy else "",
            handover(c),
        ]
        for c in clusters
    ]
    data = workbook(
        "Cụm, khối thi đua" + (f" năm {year}" if year else ""),
        [
            "Năm",
            "Cụm, khối",
            "Số thành viên",
            "Thành viên",
            "Đơn vị trưởng cụm, khối",
            "Đơn vị phó cụm, khối",
            "Năm sau",
        ],
        rows,
        subtitle=exported_by(request.user),
        widths=[8, 40, 12, 80, 20, 20, 44],
        sheet="Cụm, khối thi đua",
    )
    return xlsx_response(data, f"cum-thi-dua-{year}.xlsx" if year else "cum-thi-dua.xlsx")


def _cycle_of(cluster):
    """The cluster's year when it is run in the system: the year (cycle app, above this one) is
    reached through its one-to-one relation, never imported here."""
    return getattr(cluster, "cycle", None)  # RelatedObjectDoesNotExist is an AttributeError


def _detail(request, cluster, can_manage, form, status=200):
    return render(
        request,
        "org/cluster_detail.html",
        {
            "cluster": cluster,
            "can_manage": can_manage,
            "handover": Handover.objects.filter(cluster=cluster)
            .select_related("next_leader", "next_deputy")
            .first(),
            "form": form,
            "cycle": _cycle_of(cluster),
        },
        status=status,
    )


def cluster_detail(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, can_manage = get_cluster_for_user(request.user, year, number)
    # With the year run in the system, the handover is the cycle's last step, not this form.
    manual = can_manage and _cycle_of(cluster) is None
    form = (
        HandoverForm(cluster=cluster, instance=getattr(cluster, "handover", None))
        if manual
        else None
    )
    return _detail(request, cluster, can_manage, form)


@require_http_methods(["POST"])
def cluster_handover(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cluster, can_manage = get_cluster_for_user(request.user, year, number)
    kind, leader = cluster.kind_word, cluster.leader_word
    require(can_manage, f"Chỉ Thường trực {kind} (đơn vị {leader}) được ghi nhận bàn giao.")
    if _cycle_of(cluster) is not None:
        messages.error(
            request,
            f"Năm thi đua của {kind} được quản lý trên hệ thống: bàn giao được ghi nhận ở bước "
            "cuối, khi kết thúc năm thi đua.",
        )
        return _detail(request, cluster, can_manage, None, status=409)
    handover = getattr(cluster, "handover", None)
    form = HandoverForm(request.POST, cluster=cluster, instance=handover)
    if form.is_valid():
        try:
            cluster.record_handover(
                next_leader=form.cleaned_data["next_leader"],
                next_deputy=form.cleaned_data["next_deputy"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Đã ghi nhận {leader}, {cluster.deputy_word} năm sau.")
            return redirect(cluster)
    return _detail(request, cluster, can_manage, form, status=422)


@require_http_methods(["GET"])
def styleguide(request: HttpRequest) -> HttpResponse:
    require(request.user.is_staff, "Trang mẫu giao diện chỉ dành cho quản trị viên.")
    return render(request, "styleguide.html")
