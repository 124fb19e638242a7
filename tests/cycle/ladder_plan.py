"""Permission ladder of the plan pages (steps 1–4), on Cluster 3 / 2021 (closed: every allowed
write is then refused for the stage, 409, which the ladder counts as allowed)."""

from tests.ladder import MEMBERS_SEE, OK, SECRETARIAT_ONLY, Entry, cluster3_2021

# Officer A (Bắc Giang) registers and signs for their own unit; the secretariat for any member.
OWN_UNIT = {**SECRETARIAT_ONLY, "officer_a": OK}


def _drive(world) -> list:
    from thidua.cycle.models import Drive

    drive = Drive.objects.filter(cycle=world.cycle2021).first()
    if drive is None:
        import datetime as dt

        drive = Drive.objects.create(
            cycle=world.cycle2021,
            kind=Drive.Kind.PEAK,
            name="Đợt cao điểm tấn công, trấn áp tội phạm Tết Nguyên đán",
            starts_on=dt.date(2021, 1, 15),
            ends_on=dt.date(2021, 2, 28),
            created_by=world.cast.secretariat,
        )
    return [2021, 3, drive.pk]


ENTRIES = [
    Entry("cycle_method", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_method_download", MEMBERS_SEE, args=lambda w: [2021, 3, "thang-diem"]),
    Entry("cycle_method_upload", SECRETARIAT_ONLY, args=cluster3_2021),
    Entry("cycle_method_upload", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    Entry("cycle_method_targets", SECRETARIAT_ONLY, args=cluster3_2021),
    Entry("cycle_method_targets", SECRETARIAT_ONLY, args=cluster3_2021, method="post"),
    Entry("cycle_method_rules", SECRETARIAT_ONLY, args=cluster3_2021),
    Entry(
        "cycle_method_rules",
        SECRETARIAT_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"vote_quorum": "2/3", "vote_threshold": "1/2", "reason": "Thử"},
    ),
    Entry("cycle_method_criterion", SECRETARIAT_ONLY, args=lambda w: [2021, 3, "TP1"]),
    Entry(
        "cycle_method_criterion",
        SECRETARIAT_ONLY,
        args=lambda w: [2021, 3, "TP1"],
        method="post",
        data=lambda w: {"name": "Tỷ lệ điều tra khám phá án", "max_points": "10"},
    ),
    Entry(
        "cycle_method_criterion_delete",
        SECRETARIAT_ONLY,
        args=lambda w: [2021, 3, "TP5"],
        method="post",
    ),
    Entry("cycle_method_criterion_new", SECRETARIAT_ONLY, args=lambda w: [2021, 3, "DTPCTP"]),
    Entry(
        "cycle_method_criterion_new",
        SECRETARIAT_ONLY,
        args=lambda w: [2021, 3, "DTPCTP"],
        method="post",
        data=lambda w: {"kind": "judged", "code": "TP9", "name": "Thử", "max_points": "1"},
    ),
    Entry("cycle_covenant", MEMBERS_SEE, args=cluster3_2021),
    Entry(
        "cycle_covenant",
        SECRETARIAT_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"text": "Giao ước", "version": "1"},
    ),
    Entry(
        "cycle_covenant_sign",
        OWN_UNIT,
        args=cluster3_2021,
        method="post",
        data=lambda w: {"unit": "bac-giang"},
    ),
    Entry("cycle_registrations", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_registration_edit", OWN_UNIT, args=lambda w: [2021, 3, "bac-giang"]),
    Entry(
        "cycle_registration_edit",
        OWN_UNIT,
        args=lambda w: [2021, 3, "bac-giang"],
        method="post",
        data=lambda w: {"collective_titles": ["don_vi_quyet_thang"], "version": "1"},
    ),
    Entry("cycle_drives", MEMBERS_SEE, args=cluster3_2021),
    Entry("cycle_drive_new", SECRETARIAT_ONLY, args=cluster3_2021),
    Entry(
        "cycle_drive_new",
        SECRETARIAT_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {
            "kind": "peak",
            "name": "Đợt cao điểm",
            "starts_on": "01/06/2021",
            "ends_on": "30/06/2021",
        },
    ),
    Entry("cycle_drive_edit", SECRETARIAT_ONLY, args=_drive),
    Entry(
        "cycle_drive_edit",
        SECRETARIAT_ONLY,
        args=_drive,
        method="post",
        data=lambda w: {
            "kind": "peak",
            "name": "Đợt cao điểm",
            "starts_on": "01/06/2021",
            "ends_on": "30/06/2021",
        },
    ),
]
