"""Starting the year's documents of every cluster as one ZIP, made by a background job."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from thidua.documents import tasks
from thidua.jobs.access import active_job
from thidua.jobs.models import Job
from thidua.jobs.runner import start
from thidua.org.access import require


@require_http_methods(["GET", "POST"])
def documents_year(request: HttpRequest, year: int) -> HttpResponse:
    """Every cluster's documents of a year in one ZIP: the Ministry (every cluster and block) or a
    secretariat (the clusters it leads that year)."""
    user = request.user
    require(
        user.has_national_scope or user.role == user.Role.SECRETARIAT,
        "Chỉ cán bộ cấp Bộ hoặc Thường trực Cụm được lập văn bản của các cụm.",
    )
    choices = tasks.clusters_in_scope(user, year)
    if not choices:
        raise Http404("Không có cụm, khối thi đua nào của năm này trong phạm vi của bạn.")
    ready = [c for c in choices if c.ready]
    if request.method == "POST":
        running = active_job(user, Job.Kind.DOCUMENTS_YEAR)
        if running is not None:
            messages.info(
                request, "Bạn đang có một tác vụ lập văn bản chưa xong: xem tiến độ dưới đây."
            )
            return redirect(running)
        if not ready:
            messages.error(
                request,
                f"Chưa cụm, khối nào năm {year} có bảng tổng hợp điểm, xếp hạng: chưa có văn bản để lập.",
            )
            return redirect("jobs_documents_year", year=year)
        job = start(
            Job.Kind.DOCUMENTS_YEAR,
            user,
            title=f"Văn bản tổng kết của các cụm, khối năm {year}",
            params={"year": year, "clusters": [c.cluster.pk for c in choices]},
        )
        return redirect(job)
    return render(
        request,
        "jobs/documents_year.html",
        {"year": year, "choices": choices, "ready": ready, "files": len(tasks.DOCUMENT_FILES)},
    )
