"""The job pages (/tac-vu/): its progress (polled by htmx), its result, and starting the year's
documents of every cluster."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from thidua.jobs import tasks
from thidua.jobs.access import active_job, get_job_for_user
from thidua.jobs.models import Job
from thidua.jobs.runner import refresh, start
from thidua.org.access import require


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = [refresh(job) for job in Job.objects.filter(owner_id=request.user.pk)[:30]]
    return render(request, "jobs/list.html", {"jobs": jobs})


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/detail.html", {"job": job})


@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment htmx polls every second while the job runs (it stops polling once ended)."""
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    if job.state != Job.State.DONE or not job.result_file:
        raise Http404("Tác vụ chưa có tệp kết quả.")
    try:
        handle = default_storage.open(job.result_file, "rb")
    except FileNotFoundError:
        raise Http404("Tệp kết quả không còn trên máy chủ; vui lòng chạy lại tác vụ.") from None
    response = FileResponse(handle, content_type=job.result_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, job.result_name)
    return response


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
