"""Permission ladder of the results pages (steps 5–6), on the closed Cluster 3 / 2021 year.

Bắc Giang's sheet is the subject: its own officer (officer_a) may act (the closed year then refuses
with 409), the secretariat may return it (409 too), and no one may act for another unit (403).

Least privilege on the raw results and evidence (CycleAccess.can_see_unit_sheet): the unit itself,
the secretariat and the Ministry read them at any stage; an assigned inspector only during the
cross-inspection; other members never — not even after the ranking is published (they then read
points and explanations, tests/cycle/ladder_outcome.py). By stage: Yên Bái's sheet and evidence,
which the cast's inspector (Quảng Ninh, Team 1) inspects, at the inspection stage and after it.
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
# Members who may not read another unit's sheet (the inspector of others, the viewer) get 404.
ONLY_OWN_OFFICER = dict(zip(BAC_GIANG, (302, OK, 404, 403, 404, 403, 404), strict=True))
ONLY_SECRETARIAT = dict(zip(BAC_GIANG, (302, 403, 404, OK, 404, 403, 404), strict=True))
# The unit, the secretariat and the Ministry; not the other members, not an inspector of others.
OWN_UNIT_SEES = dict(zip(BAC_GIANG, (302, 200, 404, 200, 404, 200, 404), strict=True))
# Yên Bái (the secretariat's unit) while Team 1 inspects it, then once the inspection is over.
INSPECTED_SEES = dict(zip(BAC_GIANG, (302, 404, 404, 200, 200, 200, 404), strict=True))
INSPECTION_OVER = {**INSPECTED_SEES, "inspector": 404}
# Deleting evidence: only the unit's officer, only while the sheet is editable (Bắc Giang's 2021
# sheet was sent, so even its own officer is refused); those who may not see it get 404.
DELETE_EVIDENCE = dict(zip(BAC_GIANG, (302, 403, 404, 403, 404, 403, 404), strict=True))


def sheet_args(world) -> list:
    return [2021, 3, "bac-giang"]


def at_inspection(world) -> None:
    from thidua.cycle.models import Cycle

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)


def yen_bai_sheet(stage_inspection: bool):
    def args(world) -> list:
        if stage_inspection:
            at_inspection(world)
        return [2021, 3, "yen-bai"]

    return args


def yen_bai_evidence(stage_inspection: bool):
    def args(world) -> list:
        if stage_inspection:
            at_inspection(world)
        return _evidence(world, "yen-bai")

    return args


def evidence_args(world) -> list:
    """A PDF on Bắc Giang's 2021 sheet (stored once under MEDIA_ROOT, reused by every run)."""
    return _evidence(world, "bac-giang")


def _evidence(world, code: str) -> list:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from thidua.cycle.models import Evidence

    name = f"minh-chung/2021/cum-3/{code}/ladder-minh-chung.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4\n% ladder\n"))
    evidence = Evidence.objects.create(
        sheet=world.cycle2021.result_sheets.get(unit__code=code),
        criterion="TP1",
        file=name,
        original_name="Báo cáo tỷ lệ khám phá án.pdf",
        content_type="application/pdf",
        size=18,
        sha256="0" * 64,
        uploaded_by=world.cast.officer_a,
    )
    return [2021, 3, code, evidence.pk]


ENTRIES = [
    Entry("cycle_results", MEMBERS_SEE, args=lambda w: [2021, 3]),
    Entry("cycle_result_sheet", OWN_UNIT_SEES, args=sheet_args),
    Entry("cycle_result_sheet", INSPECTED_SEES, args=yen_bai_sheet(stage_inspection=True)),
    Entry("cycle_result_sheet", INSPECTION_OVER, args=yen_bai_sheet(stage_inspection=False)),
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
    Entry("cycle_evidence_download", OWN_UNIT_SEES, args=evidence_args),
    Entry("cycle_evidence_delete", DELETE_EVIDENCE, args=evidence_args, method="post"),
    Entry("cycle_evidence_download", INSPECTED_SEES, args=yen_bai_evidence(stage_inspection=True)),
    Entry(
        "cycle_evidence_download", INSPECTION_OVER, args=yen_bai_evidence(stage_inspection=False)
    ),
]
