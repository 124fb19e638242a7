"""Navigation for the base layout, built from the user's role."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from thidua.org.second_factor import pending_step


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or pending_step(request) is not None:
        return {"nav_items": []}  # nothing to offer before the second factor
    items = [
        ("Trang chủ", reverse("home")),
        ("Cụm thi đua", reverse("cluster_list")),
        ("Đơn vị", reverse("unit_list")),
        ("Hồ sơ khen thưởng", reverse("honours_home")),
    ]
    if user.has_national_scope:
        items.append(("Toàn quốc", reverse("ministry_dashboard")))
    path = request.path
    nav = []
    for label, url in items:
        active = path == url if url == "/" else path.startswith(url)
        nav.append({"label": label, "url": url, "active": active})
    return {"nav_items": nav}
