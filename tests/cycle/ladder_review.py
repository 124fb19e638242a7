"""Permission ladder of proposals outside the ranking and of the Ministry's council review.

Cluster 3 / 2021 is closed: allowed writes are refused for the stage (409) or bad input (422),
which the ladder counts as allowed (OK); what matters here is who gets 302/403/404.
"""

from django.core.files.base import ContentFile

from tests.files import tiny_pdf
from tests.ladder import MEMBERS_SEE, OK, SECRETARIAT_ONLY, Entry, cluster3_2021

# Proposing for a unit: its own officers (and the secretariat, for a member's collective award).
PROPOSERS = {
    "anonymous": 302,
    "officer_a": OK,
    "officer_b": 404,
    "secretariat": OK,
    "inspector": 403,
    "approver": 403,
    "viewer": 403,
}
MINISTRY_ONLY = {
    "anonymous": 302,
    "officer_a": 403,
    "officer_b": 404,
    "secretariat": 403,
    "inspector": 403,
    "approver": OK,
    "viewer": 403,
}


def _proposal(world) -> list:
    return [2021, 3, world.proposal("phu-tho").pk]


def _with_council(world) -> list:
    """The approver sits on the council (as its secretary member); nobody else of the cast does."""
    from thidua.cycle.models import Council, CouncilMember

    council = Council.objects.create(opinions_needed=1)
    CouncilMember.objects.create(
        council=council, user=world.cast.approver, role=CouncilMember.Role.SECRETARY
    )
    return _proposal(world)


def _answer_file(world) -> list:
    from thidua.cycle.models import AnswerFile, ReturnAnswer

    answer = ReturnAnswer.objects.create(
        proposal=world.proposal("phu-tho"), note="Bổ sung biên bản.", by=world.cast.secretariat
    )
    row = AnswerFile(
        answer=answer,
        original_name="bien-ban.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=world.cast.secretariat,
    )
    row.file.save("bien-ban.pdf", ContentFile(tiny_pdf()), save=False)
    row.save()
    return [2021, 3, row.pk]


ENTRIES = [
    Entry("cycle_unit_proposals", MEMBERS_SEE, args=cluster3_2021),
    Entry(
        "cycle_unit_proposals",
        PROPOSERS,
        args=cluster3_2021,
        method="post",
        data=lambda w: {
            "kind": "outside",
            "out-unit": w.unit("bac-giang").pk,
            "out-award": "bang_khen_thu_tuong",
            "out-dossier": "Thành tích xuất sắc đột xuất.",
        },
    ),
    Entry("cycle_review", MEMBERS_SEE, args=cluster3_2021),
    Entry(
        "cycle_review_decide",
        MINISTRY_ONLY,
        args=cluster3_2021,
        method="post",
        data=lambda w: {
            "bulk-proposals": [w.proposal("phu-tho").pk],
            "bulk-decision": "approve",
            "bulk-confirm": "on",
        },
    ),
    Entry(
        "cycle_review_opinion",
        MINISTRY_ONLY,
        args=_with_council,
        method="post",
        data=lambda w: {f"o{w.proposal('phu-tho').pk}-stance": "agree"},
    ),
    Entry(
        "cycle_review_answer",
        SECRETARIAT_ONLY,
        args=_proposal,
        method="post",
        data=lambda w: {f"a{w.proposal('phu-tho').pk}-note": "Bổ sung biên bản họp Cụm."},
    ),
    Entry("cycle_review_file", MEMBERS_SEE, args=_answer_file),
]
