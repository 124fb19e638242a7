"""The per-role home page: what is waiting for the user across the apps, and their clusters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.cycle.todo import tasks_for
from thidua.org.models import Cluster


def home(request: HttpRequest) -> HttpResponse:
    """Per role: what is waiting for the user, the clusters they lead, the clusters they see."""
    user = request.user
    clusters = list(
        Cluster.objects.visible_to(user).with_members().order_by("-year", "kind", "number")[:12]
    )
    led = [c for c in clusters if user.is_secretariat_of(c)]
    return render(
        request,
        "org/home.html",
        {"clusters": clusters, "led_clusters": led, "tasks": tasks_for(user)},
    )
