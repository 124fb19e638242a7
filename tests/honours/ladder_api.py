"""The API matrix of the commendation records (thidua/api/routers/honours*.py).

Mirrors the pages' ladder (tests/honours/ladder.py) with the same subject, a Bắc Giang officer's
record: officer_a (Bắc Giang) and the Ministry approver read and change it; everyone else is out
of scope for personal data (404). Collective records and unit ratings are public to every signed-in
user, and changing them outside the unit's line is 403. Roles that never edit (inspector, viewer)
are refused creation with 403 before anything else; an editor naming a unit outside their line is
refused by the model step (403), a person outside it is not found (404). Rule sets are public;
only the Ministry approver publishes one.
"""

from __future__ import annotations

from tests.honours.ladder import (
    EDITORS,
    LINE_ACTS,
    LINE_READS,
    PUBLIC_RECORD_ACTS,
    collective_args,
    commendation_args,
    eligibility_query,
    subject,
)
from tests.ladder import API_EVERYONE_SIGNED_IN, OK, ApiEntry


def api(expectations: dict) -> dict:
    return {**expectations, "anonymous": 401}


EVERYONE = API_EVERYONE_SIGNED_IN
LINE_READS_API = api(LINE_READS)
LINE_ACTS_API = api(LINE_ACTS)
PUBLIC_ACTS_API = api(PUBLIC_RECORD_ACTS)
# Creating a record for Bắc Giang: editors of other lines get past the role check, then the step
# refuses them (403) for a unit, or does not find the person (404).
CREATE_FOR_UNIT = api(
    {**EDITORS, "officer_a": OK, "officer_b": 403, "secretariat": 403, "approver": OK}
)
CREATE_FOR_PERSON = {**CREATE_FOR_UNIT, "officer_b": 404, "secretariat": 404}
APPROVER_PUBLISHES = {**{who: 403 for who in EVERYONE}, "anonymous": 401, "approver": OK}


def person(w) -> dict:
    return {"person_id": subject(w).pk}


def individual(w) -> dict:
    return {"commendation_id": commendation_args(w)[0]}


def collective(w) -> dict:
    return {"commendation_id": collective_args(w)[0]}


def rating_item(w) -> dict:
    p = subject(w)
    return {"person_id": p.pk, "kind": "ratings", "item_id": p.ratings.get().pk}


def attachment(w) -> dict:
    c = subject(w).commendations.get()
    return {"commendation_id": c.pk, "attachment_id": c.attachments.get().pk}


BAC_GIANG = {"code": "bac-giang"}
DECISION = {
    "award_code": "chien_si_tien_tien",
    "decision_date": "2023-12-20",
    "issuer": "Giám đốc Công an tỉnh Bắc Giang",
}

API_ENTRIES = [
    # Reads
    ApiEntry("GET /api/v1/eligibility", LINE_READS_API, query=eligibility_query),
    ApiEntry("GET /api/v1/units/{code}/commendations", EVERYONE, path=lambda w: BAC_GIANG),
    ApiEntry(
        "GET /api/v1/units/{code}/suggestions",
        LINE_READS_API,
        path=lambda w: BAC_GIANG,
        query=lambda w: {"year": 2024},
    ),
    ApiEntry("GET /api/v1/units/{code}/ratings", EVERYONE, path=lambda w: BAC_GIANG),
    ApiEntry("GET /api/v1/units/{code}/rosters", EVERYONE, path=lambda w: BAC_GIANG),
    ApiEntry("GET /api/v1/people", EVERYONE, query=lambda w: {"q": "thang quyen"}),
    ApiEntry("GET /api/v1/people/{person_id}", LINE_READS_API, path=person),
    ApiEntry("GET /api/v1/commendations", EVERYONE, query=lambda w: {"year": 2023}),
    ApiEntry("GET /api/v1/commendations/{commendation_id}", LINE_READS_API, path=individual),
    ApiEntry(
        "GET /api/v1/commendations/{commendation_id}/attachments/{attachment_id}",
        LINE_READS_API,
        path=attachment,
    ),
    ApiEntry("GET /api/v1/awards", EVERYONE),
    ApiEntry("GET /api/v1/rulesets", EVERYONE),
    ApiEntry("GET /api/v1/rulesets/{set_id}", EVERYONE, path=lambda w: {"set_id": "nd-152-2025"}),
    # People
    ApiEntry(
        "POST /api/v1/people",
        CREATE_FOR_UNIT,
        body=lambda w: {
            "officer_code": "API-LADDER",
            "full_name": "Cán Bộ Ma Trận",
            "unit": "bac-giang",
            "start": "2020-01-01",
        },
    ),
    ApiEntry(
        "PUT /api/v1/people/{person_id}",
        LINE_ACTS_API,
        path=person,
        body=lambda w: {
            "version": 1,
            "full_name": "Cán Bộ Thang Quyền",
            "rank": "Đại úy",
            "discipline_checked": True,
        },
    ),
    ApiEntry(
        "POST /api/v1/people/{person_id}/postings",
        LINE_ACTS_API,
        path=person,
        body=lambda w: {"unit": "bac-giang", "department": "Phòng PV01", "start": "2024-03-01"},
    ),
    ApiEntry(
        "POST /api/v1/people/{person_id}/ratings",
        LINE_ACTS_API,
        path=person,
        body=lambda w: {"year": 2024, "rating": "hoan_thanh_tot"},
    ),
    ApiEntry(
        "POST /api/v1/people/{person_id}/initiatives",
        LINE_ACTS_API,
        path=person,
        body=lambda w: {"year": 2024, "title": "Sáng kiến ma trận", "scope": "co_so"},
    ),
    ApiEntry(
        "POST /api/v1/people/{person_id}/disciplines",
        LINE_ACTS_API,
        path=person,
        body=lambda w: {"awaiting_review": True, "start": "2024-05-01"},
    ),
    ApiEntry("DELETE /api/v1/people/{person_id}/{kind}/{item_id}", LINE_ACTS_API, path=rating_item),
    # Commendations
    ApiEntry(
        "POST /api/v1/commendations",
        CREATE_FOR_PERSON,
        body=lambda w: {
            **DECISION,
            "person": subject(w).pk,
            "year": 2024,
            "decision_no": "9/API",
            "decision_date": "2024-12-20",
        },
    ),
    ApiEntry(
        "PUT /api/v1/commendations/{commendation_id}",
        LINE_ACTS_API,
        path=individual,
        body=lambda w: {**DECISION, "version": 1, "year": 2023, "decision_no": "1/LADDER"},
    ),
    ApiEntry(
        "POST /api/v1/commendations/{commendation_id}/revoke",
        PUBLIC_ACTS_API,
        path=collective,
        body=lambda w: {
            "version": 1,
            "decision_no": "3/LADDER",
            "decision_date": "2024-06-01",
            "ground": "xet_duyet_trai_quy_dinh",
            "reason": "Xét duyệt sai quy định",
        },
    ),
    # A JSON body carries no file: editors of the line are told 422, the rest 403.
    ApiEntry(
        "POST /api/v1/commendations/{commendation_id}/attachments",
        PUBLIC_ACTS_API,
        path=collective,
    ),
    # Unit ratings and rule sets
    ApiEntry(
        "POST /api/v1/units/{code}/ratings",
        PUBLIC_ACTS_API,
        path=lambda w: BAC_GIANG,
        body=lambda w: {"year": 2023, "rating": "hoan_thanh_tot"},
    ),
    ApiEntry(
        "POST /api/v1/units/{code}/rosters",
        PUBLIC_ACTS_API,
        path=lambda w: BAC_GIANG,
        body=lambda w: {"year": 2023, "members": 300, "advanced": 210, "emulation": 4},
    ),
    ApiEntry(
        "POST /api/v1/rulesets",
        APPROVER_PUBLISHES,
        body=lambda w: {
            "effective_from": "2031-01-01",
            "reason": "Thông tư sửa đổi (ma trận quyền)",
            "data": {"id": "api-ladder-2031", "extends": "nd-152-2025", "title": "Ma trận"},
        },
    ),
]
