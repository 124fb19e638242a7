"""Permission ladder of cross-inspection and disputes (step 7), on the closed Cluster 3 / 2021 year.

Team 1 (Bắc Giang leads, Quảng Ninh sits on it) inspects Yên Bái: the cast's inspector (Quảng Ninh)
is on that team; Bắc Giang's officer and the Thái Nguyên viewer are not inspectors, so the
inspection of another unit does not exist for them (404).
"""

from tests.ladder import MEMBERS_SEE, OK, Entry

CAST = ("anonymous", "officer_a", "officer_b", "secretariat", "inspector", "approver", "viewer")
ONLY_SECRETARIAT = dict(zip(CAST, (302, 403, 404, OK, 403, 403, 403), strict=True))


def yen_bai_inspection(world) -> list:
    return [2021, 3, world.inspection("yen-bai").pk]


def bac_giang_dispute(world) -> list:
    from thidua.cycle.models import Dispute

    dispute = Dispute.objects.create(
        cycle=world.cycle2021,
        unit=world.unit("bac-giang"),
        criterion="TP1",
        statement="Đề nghị xem lại tỷ lệ khám phá án.",
        raised_by=world.cast.officer_a,
    )
    return [2021, 3, dispute.pk]


ENTRIES = [
    Entry("cycle_teams", MEMBERS_SEE, args=lambda w: [2021, 3]),
    Entry("cycle_team_new", ONLY_SECRETARIAT, args=lambda w: [2021, 3], method="post"),
    Entry(
        "cycle_inspection",
        dict(zip(CAST, (302, 404, 404, 200, 200, 200, 404), strict=True)),
        args=yen_bai_inspection,
    ),
    Entry(
        "cycle_inspection",
        dict(zip(CAST, (302, 404, 404, OK, OK, 403, 404), strict=True)),
        args=yen_bai_inspection,
        method="post",
    ),
    Entry(
        "cycle_inspection_submit",
        dict(zip(CAST, (302, 404, 404, OK, OK, 403, 404), strict=True)),
        args=yen_bai_inspection,
        method="post",
    ),
    Entry("cycle_disputes", MEMBERS_SEE, args=lambda w: [2021, 3]),
    Entry(
        "cycle_dispute_new",
        dict(zip(CAST, (302, 200, 404, 200, 403, 403, 403), strict=True)),
        args=lambda w: [2021, 3],
    ),
    Entry(
        "cycle_dispute_resolve",
        dict(zip(CAST, (302, 403, 404, OK, 404, 403, 404), strict=True)),
        args=bac_giang_dispute,
        method="post",
    ),
]
