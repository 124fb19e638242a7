"""The job pages (/tac-vu/): the owner's jobs, a job's progress (polled by htmx) and its result.
Starting a job is each app's page (the documents of a year, a large honours import)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from thidua.jobs.access import get_job_for_user
from thidua.jobs.models import Job
from thidua.jobs.runner import refresh


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
