"""Permission ladder of the honours pages (/khen-thuong/).

The subject is a Bắc Giang officer's record: officer_a (Bắc Giang) and the Ministry approver may
read and change it; everyone else is out of scope for personal data (404), including the viewer
(Thái Nguyên) and the secretariat (Yên Bái). Collective records are public to every signed-in user,
and changing them outside the unit's line is 403. Roles that never edit (inspector, viewer) are
refused creation pages with 403.
"""

from __future__ import annotations

import datetime as dt

from tests.ladder import CAST, OK, Entry


def expect(*values) -> dict:
    return dict(zip(CAST, values, strict=True))


#                   anon  a    b    secr insp appr view
EVERYONE = expect(302, 200, 200, 200, 200, 200, 200)
EDITORS = expect(302, 200, 200, 200, 403, 200, 403)
LINE_READS = expect(302, 200, 404, 404, 404, 200, 404)
LINE_ACTS = expect(302, OK, 404, 404, 404, OK, 404)
PUBLIC_RECORD_ACTS = expect(302, OK, 403, 403, 403, OK, 403)
APPROVER_ONLY = expect(302, 403, 403, 403, 403, 200, 403)


def subject(world):
    """A Bắc Giang officer with a rating, a title and a scanned decision (made once per test)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from thidua.honours.models import Attachment, Commendation, Person

    found = Person.objects.filter(officer_code="LADDER-BG").first()
    if found:
        return found
    p = Person.create(
        by=None,
        unit=world.unit("bac-giang"),
        start=dt.date(2015, 1, 1),
        officer_code="LADDER-BG",
        full_name="Cán Bộ Thang Quyền",
    )
    p.set_rating(by=None, year=2023, rating="hoan_thanh_xuat_sac")
    c = Commendation.create(
        by=None,
        person=p,
        award_code="chien_si_tien_tien",
        year=2023,
        decision_no="1/LADDER",
        decision_date=dt.date(2023, 12, 20),
        issuer="Giám đốc Công an tỉnh Bắc Giang",
    )
    name = "khen-thuong/ladder/quyet-dinh.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4\n% ladder\n"))
    Attachment.objects.create(
        commendation=c,
        file=name,
        original_name="Quyết định.pdf",
        content_type="application/pdf",
        size=18,
        sha256="0" * 64,
        uploaded_by=world.cast.officer_a,
    )
    return p


def person_args(world) -> list:
    return [subject(world).pk]


def commendation_args(world) -> list:
    return [subject(world).commendations.get().pk]


def attachment_args(world) -> list:
    c = subject(world).commendations.get()
    return [c.pk, c.attachments.get().pk]


def rating_args(world) -> list:
    p = subject(world)
    return [p.pk, "xep-loai", p.ratings.get().pk]


def collective_args(world) -> list:
    from thidua.honours.models import Commendation

    c = Commendation.objects.filter(unit__code="bac-giang", decision_no="2/LADDER").first()
    if c is None:
        c = Commendation.create(
            by=None,
            unit=world.unit("bac-giang"),
            award_code="don_vi_tien_tien",
            year=2023,
            decision_no="2/LADDER",
            decision_date=dt.date(2024, 1, 15),
            issuer="Bộ trưởng Bộ Công an",
        )
    return [c.pk]


def eligibility_query(world) -> dict:
    return {"person": subject(world).pk, "award": "chien_si_tien_tien", "year": 2023}


ENTRIES = [
    Entry("honours_home", EVERYONE),
    Entry("honours_people", EVERYONE),
    Entry("honours_person_create", EDITORS),
    Entry(
        "honours_person_create",
        {**EDITORS, "officer_a": OK, "officer_b": OK, "secretariat": OK, "approver": OK},
        method="post",
    ),
    Entry("honours_person", LINE_READS, args=person_args),
    Entry("honours_person_edit", LINE_READS, args=person_args),
    Entry(
        "honours_person_edit",
        LINE_ACTS,
        args=person_args,
        method="post",
        data=lambda w: {"version": 1, "full_name": "Cán Bộ Thang Quyền"},
    ),
    Entry(
        "honours_person_add",
        LINE_ACTS,
        args=lambda w: [subject(w).pk, "xep-loai"],
        method="post",
        data=lambda w: {"year": 2024, "rating": "hoan_thanh_tot"},
    ),
    Entry("honours_person_remove", LINE_ACTS, args=rating_args, method="post"),
    Entry("honours_commendations", EVERYONE),
    Entry("honours_commendation_create", EDITORS),
    Entry("honours_commendation", LINE_READS, args=commendation_args),
    Entry("honours_commendation", EVERYONE, args=collective_args),
    Entry("honours_commendation_edit", LINE_READS, args=commendation_args),
    Entry("honours_commendation_edit", PUBLIC_RECORD_ACTS, args=collective_args),
    Entry("honours_commendation_revoke", LINE_READS, args=commendation_args),
    Entry("honours_commendation_revoke", PUBLIC_RECORD_ACTS, args=collective_args, method="post"),
    Entry("honours_commendation_attach", PUBLIC_RECORD_ACTS, args=collective_args, method="post"),
    Entry("honours_attachment", LINE_READS, args=attachment_args),
    Entry("honours_unit", EVERYONE, args=lambda w: ["bac-giang"]),
    Entry(
        "honours_unit_rating",
        PUBLIC_RECORD_ACTS,
        args=lambda w: ["bac-giang"],
        method="post",
        data=lambda w: {"year": 2023, "rating": "hoan_thanh_tot"},
    ),
    Entry(
        "honours_unit_roster",
        PUBLIC_RECORD_ACTS,
        args=lambda w: ["bac-giang"],
        method="post",
        data=lambda w: {"year": 2023, "members": 300, "advanced": 210, "emulation": 4},
    ),
    Entry("honours_unit_rosters_excel", EVERYONE, args=lambda w: ["bac-giang"]),
    Entry(
        "honours_unit_rosters_excel",
        PUBLIC_RECORD_ACTS,
        args=lambda w: ["bac-giang"],
        method="post",
        data=lambda w: {},
    ),
    Entry("honours_suggestions", LINE_READS, args=lambda w: ["bac-giang"]),
    Entry("honours_eligibility", EVERYONE),
    Entry("honours_eligibility", LINE_READS, data=eligibility_query),
    Entry(
        "honours_eligibility",
        LINE_READS,
        data=lambda w: {"unit": "bac-giang", "award": "don_vi_tien_tien", "year": 2023},
    ),
    Entry("honours_import", EDITORS),
    Entry("honours_import_template", EVERYONE),
    Entry("honours_rulesets", EVERYONE),
    Entry("honours_ruleset", EVERYONE, args=lambda w: ["nd-152-2025"]),
    Entry("honours_ruleset_create", APPROVER_ONLY),
    Entry("honours_ruleset_create", {**APPROVER_ONLY, "approver": OK}, method="post"),
]
