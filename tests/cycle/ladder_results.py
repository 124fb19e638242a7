"""Permission ladder of the results pages (steps 5–6), on the closed Cluster 3 / 2021 year.

Bắc Giang's sheet is the subject: its own officer (officer_a) may act (the closed year then refuses
with 409), the secretariat may return it (409 too), everyone else in the cluster may read it once
ranked, and no one may act for another unit (403).
"""

from tests.ladder import MEMBERS_SEE, OK, Entry

BAC_GIANG = (
    "anonymous",
    "officer_a",
    "officer_b",
    "secretariat",
    "inspector",
    "approver",
    "viewer",
)
ONLY_OWN_OFFICER = dict(zip(BAC_GIANG, (302, OK, 404, 403, 403, 403, 403), strict=True))
ONLY_SECRETARIAT = dict(zip(BAC_GIANG, (302, 403, 404, OK, 403, 403, 403), strict=True))


def sheet_args(world) -> list:
    return [2021, 3, "bac-giang"]


def evidence_args(world) -> list:
    """A PDF on Bắc Giang's 2021 sheet (stored once under MEDIA_ROOT, reused by every run)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from thidua.cycle.models import Evidence

    name = "minh-chung/2021/cum-3/bac-giang/ladder-minh-chung.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4\n% ladder\n"))
    evidence = Evidence.objects.create(
        sheet=world.cycle2021.result_sheets.get(unit__code="bac-giang"),
        criterion="TP1",
        file=name,
        original_name="Báo cáo tỷ lệ khám phá án.pdf",
        content_type="application/pdf",
        size=18,
        sha256="0" * 64,
        uploaded_by=world.cast.officer_a,
    )
    return [2021, 3, "bac-giang", evidence.pk]


ENTRIES = [
    Entry("cycle_results", MEMBERS_SEE, args=lambda w: [2021, 3]),
    Entry("cycle_result_sheet", MEMBERS_SEE, args=sheet_args),
    Entry("cycle_result_sheet", ONLY_OWN_OFFICER, args=sheet_args, method="post"),
    Entry("cycle_result_submit", ONLY_OWN_OFFICER, args=sheet_args, method="post"),
    Entry(
        "cycle_result_return",
        ONLY_SECRETARIAT,
        args=sheet_args,
        method="post",
        data=lambda w: {"reason": "Thiếu minh chứng."},
    ),
    Entry("cycle_evidence_upload", ONLY_OWN_OFFICER, args=sheet_args, method="post"),
    Entry("cycle_evidence_download", MEMBERS_SEE, args=evidence_args),
]
