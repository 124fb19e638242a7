"""Deadline calendars (national, per cluster), notifications and the personal calendar feed.

Thin views: an access helper per object type, act, render. Out-of-scope objects answer 404,
in-scope actions the user may not take 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.cycle.models import Cycle
from thidua.lib.workflow import WorkflowError
from thidua.notifications import deadlines, ical
from thidua.notifications.forms import CalendarForm
from thidua.notifications.models import (
    STEPS,
    CalendarToken,
    ClusterDeadline,
    NationalDeadline,
    Notification,
    set_cluster_calendar,
    set_national_calendar,
)
from thidua.org.access import get_cluster_for_user, require
from thidua.org.models import Cluster, User

# -- access helpers --------------------------------------------------------------------------------


def may_set_national_calendar(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.MINISTRY_APPROVER


def get_cycle_calendar_for_user(user: User, year: int, number: int) -> tuple[Cycle, bool]:
    """The cluster's year (404 out of scope or not opened) and whether the user sets its deadlines."""
    cluster, is_secretariat = get_cluster_for_user(user, year, number)
    cycle = Cycle.objects.filter(cluster=cluster).first()
    if cycle is None:
        raise Http404(f"{cluster.kind_word} chưa mở năm thi đua trên hệ thống.")
    cycle.cluster = cluster
    return cycle, is_secretariat


def get_notification_for_user(user: User, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=user)


# -- calendars -------------------------------------------------------------------------------------


def _year(raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return timezone.localdate().year
    return year if 1990 <= year <= 2100 else timezone.localdate().year


@require_http_methods(["GET", "POST"])
def national_calendar(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("nam"))
    can_edit = may_set_national_calendar(request.user)
    current = {d.stage: d.due for d in NationalDeadline.objects.filter(year=year)}
    form = CalendarForm(initial_days=current)
    status = 200
    if request.method == "POST":
        require(can_edit, "Chỉ cán bộ phê duyệt của Bộ được đặt lịch thời hạn toàn quốc.")
        form = CalendarForm(request.POST, initial_days=current)
        if form.is_valid():
            changed = set_national_calendar(year, form.days(), by=request.user)
            messages.success(
                request, f"Đã lưu lịch thời hạn toàn quốc năm {year} ({changed} thay đổi)."
            )
            return redirect(reverse("national_calendar") + f"?nam={year}")
        status = 422
    years = sorted(
        {
            *Cluster.objects.values_list("year", flat=True).distinct(),
            year,
            timezone.localdate().year,
        },
        reverse=True,
    )
    rows = [(stage, current.get(stage.value)) for stage in STEPS]
    return render(
        request,
        "notifications/national_calendar.html",
        {"year": year, "years": years, "form": form, "can_edit": can_edit, "rows": rows},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def cluster_calendar(request: HttpRequest, year: int, number: int) -> HttpResponse:
    cycle, can_edit = get_cycle_calendar_for_user(request.user, year, number)
    own = {d.stage: d.due for d in ClusterDeadline.objects.filter(cycle=cycle)}
    form = CalendarForm(initial_days=own)
    status = 200
    if request.method == "POST":
        c = cycle.cluster
        require(
            can_edit,
            f"Chỉ Thường trực {c.kind_word} (đơn vị {c.leader_word}) được đặt thời hạn "
            f"của {c.kind_word}.",
        )
        form = CalendarForm(request.POST, initial_days=own)
        if form.is_valid():
            try:
                changed = set_cluster_calendar(cycle, form.days(), by=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"Đã lưu thời hạn của {c.kind_word} ({changed} thay đổi)."
                )
                return redirect("cluster_deadlines", year, number)
        status = 422
    steps = deadlines.calendars([cycle])[cycle.pk]
    national = {d.stage: d.due for d in NationalDeadline.objects.filter(year=year)}
    rows = []
    for stage in STEPS:
        deadline = steps.get(stage.value)
        done = cycle.stage_index() > cycle.stage_index(stage)
        rows.append(
            {
                "stage": stage,
                "national": national.get(stage.value),
                "own": own.get(stage.value),
                "deadline": deadline,
                "current": cycle.stage == stage,
                "status": deadlines.status(deadline.due, done=done) if deadline else None,
            }
        )
    return render(
        request,
        "notifications/cluster_calendar.html",
        {
            "cycle": cycle,
            "form": form,
            "can_edit": can_edit and cycle.stage != Cycle.Stage.CLOSED,
            "rows": rows,
        },
        status=status,
    )


# -- notifications -----------------------------------------------------------------------------------


def _unread(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(recipient=request.user)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "unread": _unread(request.user),
            "token": CalendarToken.objects.filter(user=request.user).first(),
        },
    )


@require_safe
def notification_bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_bell.html", {"unread": _unread(request.user)})


def _changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = "notifications-changed"
    return response


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_notification_for_user(request.user, pk)
    note.mark_read()
    if request.htmx:
        return _changed(render(request, "notifications/_item.html", {"note": note}))
    return redirect("notification_list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("notification_list")
        return _changed(response)
    return redirect("notification_list")


# -- the calendar feed -----------------------------------------------------------------------------


@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    """A new feed address (the previous one stops working), shown once."""
    raw = CalendarToken.issue(request.user)
    url = request.build_absolute_uri(reverse("calendar_feed", args=[raw]))
    notes = Notification.objects.filter(recipient=request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": Paginator(notes, 30).get_page(1),
            "unread": _unread(request.user),
            "token": CalendarToken.objects.filter(user=request.user).first(),
            "feed_url": url,
        },
    )


@require_POST
def calendar_token_revoke(request: HttpRequest) -> HttpResponse:
    if CalendarToken.revoke(request.user):
        messages.success(request, "Đã thu hồi địa chỉ lịch: ứng dụng lịch không còn tải được.")
    return redirect("notification_list")


@login_not_required
@never_cache
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's deadlines as iCalendar, for calendar apps that fetch without a session."""
    user = CalendarToken.user_for(token)
    if user is None:
        raise Http404("Địa chỉ lịch không hợp lệ hoặc đã bị thu hồi.")
    events = deadlines.feed_events(user, request.get_host().split(":")[0])
    body = ical.render(events, name=f"Thi Đua — thời hạn của {user.display_name}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="thidua.ics"'
    return response
