"""Permission ladder of the background jobs (/tac-vu/).

A job is its owner's alone: the subject here is a finished job of the Ministry approver, with its
result file; everyone else, the other Ministry users included, gets 404 (its existence is not
revealed). Starting the year's documents of every cluster is for the Ministry (every cluster) and a
secretariat (the clusters it leads: Yên Bái leads Cụm 3 / 2021); everyone else is refused (403).
"""

from __future__ import annotations

import io

from tests.ladder import CAST, OK, Entry


def expect(*values) -> dict:
    return dict(zip(CAST, values, strict=True))


#                  anon  a    b    secr insp appr view
EVERYONE = expect(302, 200, 200, 200, 200, 200, 200)
OWNER_ONLY = expect(302, 404, 404, 404, 404, 200, 404)
STARTERS_SEE = expect(302, 403, 403, 200, 403, 200, 403)
STARTERS_ACT = expect(302, 403, 403, OK, 403, OK, 403)


def approver_job(world) -> list:
    """A finished documents job of the approver, with a (small) result file."""
    from django.core.files.storage import default_storage

    from thidua.jobs.models import Job
    from thidua.jobs.runner import folder

    job = Job.objects.filter(owner=world.cast.approver, title="Thang quyền").first()
    if job is None:
        job = Job.objects.create(
            kind=Job.Kind.DOCUMENTS_YEAR,
            owner=world.cast.approver,
            title="Thang quyền",
            params={"year": 2021, "clusters": []},
            state=Job.State.DONE,
            done=1,
            total=1,
        )
        job.result_file = default_storage.save(f"{folder(job)}/ket-qua.zip", io.BytesIO(b"PK"))
        job.result_name, job.result_type = "ket-qua.zip", "application/zip"
        job.save()
    return [job.pk]


def year_2021(world) -> list:
    return [2021]


ENTRIES = [
    Entry("job_list", EVERYONE),
    Entry("job_detail", OWNER_ONLY, args=approver_job),
    Entry("job_progress", OWNER_ONLY, args=approver_job),
    Entry("job_download", OWNER_ONLY, args=approver_job),
    Entry("jobs_documents_year", STARTERS_SEE, args=year_2021),
    Entry("jobs_documents_year", STARTERS_ACT, args=year_2021, method="post"),
]
