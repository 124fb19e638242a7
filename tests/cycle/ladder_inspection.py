"""Permission ladder of cross-inspection and disputes (step 7), on the closed Cluster 3 / 2021 year.

Team 1 (Bắc Giang leads, Quảng Ninh sits on it) inspects Yên Bái, Thái Nguyên, Hòa Bình and Phú
Thọ: the cast's inspector (Quảng Ninh) is on that team; Bắc Giang's officer and the Thái Nguyên
viewer are not inspectors, so the inspection of another unit does not exist for them (404).

By "own unit" (thidua.cycle.impartiality): nobody reads for editing, edits or submits the
inspection of their own unit, nor resolves their own unit's dispute (403), whatever the role. Yên
Bái is the secretariat's unit and the cluster has no deputy in 2021: the Ministry stands in. By
stage: the same inspections reopened at the cross-inspection stage, while they are scored.
"""

from tests.ladder import MEMBERS_SEE, OK, Entry

CAST = ("anonymous", "officer_a", "officer_b", "secretariat", "inspector", "approver", "viewer")
ONLY_SECRETARIAT = dict(zip(CAST, (302, 403, 404, OK, 403, 403, 403), strict=True))


def first_team(world) -> list:
    return [2021, 3, world.cycle2021.teams.order_by("pk").first().pk]


def yen_bai_inspection(world) -> list:
    return [2021, 3, world.inspection("yen-bai").pk]


def hoa_binh_inspection(world) -> list:
    return [2021, 3, world.inspection("hoa-binh").pk]


def being_scored(code: str):
    """The inspection of `code`, back to a draft at the cross-inspection stage."""

    def args(world) -> list:
        from thidua.cycle.models import Cycle, Inspection

        Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
        inspection = world.inspection(code)
        Inspection.objects.filter(pk=inspection.pk).update(state=Inspection.State.DRAFT)
        return [2021, 3, inspection.pk]

    return args


def _dispute(world, code: str, by) -> list:
    from thidua.cycle.models import Dispute

    dispute = Dispute.objects.create(
        cycle=world.cycle2021,
        unit=world.unit(code),
        criterion="TP1",
        statement="Đề nghị xem lại tỷ lệ khám phá án.",
        raised_by=by,
    )
    return [2021, 3, dispute.pk]


def bac_giang_dispute(world) -> list:
    return _dispute(world, "bac-giang", world.cast.officer_a)


def yen_bai_dispute(world) -> list:
    """The secretariat's own unit disputes: the Ministry resolves it (no deputy in 2021)."""
    return _dispute(world, "yen-bai", world.cast.secretariat)


def rows(*statuses) -> dict:
    return dict(zip(CAST, statuses, strict=True))


# Rows the API matrix reuses (tests/api/ladder_api_cycle.py).
INSPECTION_READ = rows(302, 404, 404, 200, 200, 200, 404)
OWN_UNIT_WRITE = rows(302, 404, 404, 403, OK, OK, 404)  # Yên Bái: the secretariat's unit
OTHER_UNIT_WRITE = rows(302, 404, 404, OK, OK, 403, 404)
OWN_UNIT_SCORED_READ = rows(302, 404, 404, 403, 200, 200, 404)
OWN_UNIT_DISPUTE = rows(302, 404, 404, 403, 403, OK, 404)


ENTRIES = [
    Entry("cycle_teams", MEMBERS_SEE, args=lambda w: [2021, 3]),
    Entry("cycle_team_new", ONLY_SECRETARIAT, args=lambda w: [2021, 3], method="post"),
    # Editing and dissolving: the secretariat only (a closed year: refused by stage, redirected).
    Entry("cycle_team_edit", ONLY_SECRETARIAT, args=first_team),
    Entry("cycle_team_edit", ONLY_SECRETARIAT, args=first_team, method="post"),
    Entry("cycle_team_dissolve", ONLY_SECRETARIAT, args=first_team, method="post"),
    Entry("cycle_inspection", INSPECTION_READ, args=yen_bai_inspection),
    # The secretariat's own unit: it may not touch it; the Ministry stands in (no deputy).
    Entry("cycle_inspection", OWN_UNIT_WRITE, args=yen_bai_inspection, method="post"),
    Entry("cycle_inspection_submit", OWN_UNIT_WRITE, args=yen_bai_inspection, method="post"),
    # Another unit's: the secretariat may enter the team's sheet, the Ministry may not.
    Entry("cycle_inspection", INSPECTION_READ, args=hoa_binh_inspection),
    Entry("cycle_inspection", OTHER_UNIT_WRITE, args=hoa_binh_inspection, method="post"),
    Entry("cycle_inspection_submit", OTHER_UNIT_WRITE, args=hoa_binh_inspection, method="post"),
    # By stage: while scored, a unit's own inspection is closed to its own people (403).
    Entry("cycle_inspection", OWN_UNIT_SCORED_READ, args=being_scored("yen-bai")),
    Entry("cycle_inspection", OWN_UNIT_WRITE, args=being_scored("yen-bai"), method="post"),
    Entry("cycle_inspection_submit", OWN_UNIT_WRITE, args=being_scored("yen-bai"), method="post"),
    Entry(
        "cycle_inspection",
        rows(302, 404, 404, 200, 200, 200, 403),
        args=being_scored("thai-nguyen"),
    ),
    Entry(
        "cycle_inspection",
        rows(302, 403, 404, 200, 404, 200, 404),
        args=being_scored("bac-giang"),
    ),
    Entry(
        "cycle_inspection",
        rows(302, 403, 404, OK, 404, 403, 404),
        args=being_scored("bac-giang"),
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
        rows(302, 403, 404, OK, 404, 403, 404),
        args=bac_giang_dispute,
        method="post",
    ),
    # The secretariat's own unit's dispute: the Ministry resolves it; its inspector may not.
    Entry("cycle_dispute_resolve", OWN_UNIT_DISPUTE, args=yen_bai_dispute, method="post"),
]
