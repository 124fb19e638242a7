"""Permission ladder of "Đọc số liệu từ báo cáo" (issue 19), on the closed Cluster 3 / 2021 year:
the same rows as the results sheet it feeds (tests/cycle/ladder_results.py). Whoever may read the
sheet may read its readings and the report; only the unit's own officer may upload or accept (the
closed year then refuses: a redirect with the reason); an assigned inspector reads them during the
cross-inspection, which is where the sentence behind a value is checked.
"""

from tests.cycle.ladder_results import (
    INSPECTED_SEES,
    INSPECTION_OVER,
    ONLY_OWN_OFFICER,
    OWN_UNIT_SEES,
    at_inspection,
    sheet_args,
)
from tests.ladder import Entry

TEXT = "Tỷ lệ điều tra khám phá án hình sự đạt 91,6%."


def reading_of(world, code: str) -> list:
    """A reading of a small report on the unit's 2021 sheet (file stored once, reused)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from thidua.cycle.models import ReportReading
    from thidua.engine.extract import find_figures

    name = f"bao-cao/2021/cum-3/{code}/ladder-bao-cao.txt"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(TEXT.encode()))
    figures = [f.to_dict() for f in find_figures(TEXT)]
    reading = ReportReading.objects.create(
        sheet=world.cycle2021.result_sheets.get(unit__code=code),
        file=name,
        original_name="Báo cáo tổng kết.txt",
        content_type="text/plain; charset=utf-8",
        size=len(TEXT.encode()),
        sha256="0" * 64,
        text=TEXT,
        figures=figures,
        suggestions=[{"criterion": "TP1", "value": 91.6, "figure": 0, "confidence": 1.0}],
        uploaded_by=world.cast.officer_a,
    )
    return [2021, 3, code, reading.pk]


def bac_giang_reading(world) -> list:
    return reading_of(world, "bac-giang")


def yen_bai_reading(stage_inspection: bool):
    def args(world) -> list:
        if stage_inspection:
            at_inspection(world)
        return reading_of(world, "yen-bai")

    return args


ENTRIES = [
    Entry("cycle_reading_upload", OWN_UNIT_SEES, args=sheet_args),
    Entry("cycle_reading_upload", ONLY_OWN_OFFICER, args=sheet_args, method="post"),
    Entry("cycle_reading_review", OWN_UNIT_SEES, args=bac_giang_reading),
    Entry("cycle_reading_review", INSPECTED_SEES, args=yen_bai_reading(stage_inspection=True)),
    Entry("cycle_reading_review", INSPECTION_OVER, args=yen_bai_reading(stage_inspection=False)),
    Entry(
        "cycle_reading_accept",
        ONLY_OWN_OFFICER,
        args=bac_giang_reading,
        method="post",
        data=lambda w: {"accept": ["TP1"], "value_TP1": "91,6"},
    ),
    Entry("cycle_reading_download", OWN_UNIT_SEES, args=bac_giang_reading),
    Entry("cycle_reading_download", INSPECTED_SEES, args=yen_bai_reading(stage_inspection=True)),
]
