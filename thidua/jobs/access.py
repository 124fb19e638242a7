"""Who may see a job: its owner, and nobody else (not even the Ministry or an administrator).

A job's result is a copy of data its owner could see when it started; handing it to anyone else
would bypass the checks made then. Anyone else gets a 404: the job's existence is not revealed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from thidua.jobs.models import Job
from thidua.jobs.runner import refresh

if TYPE_CHECKING:  # only named in hints: the job mechanism imports no domain app
    from thidua.org.models import User


def get_job_for_user(user: User, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, owner_id=user.pk).first()
    if job is None:
        raise Http404("Không tìm thấy tác vụ (hoặc tác vụ không phải của bạn).")
    return refresh(job)


def active_job(user: User, kind: str) -> Job | None:
    """The user's job of this kind still queued or running (one at a time per kind)."""
    for job in Job.objects.filter(owner_id=user.pk, kind=kind, state__in=Job.ACTIVE):
        if refresh(job).active:
            return job
    return None
