"""The API matrix of a unit's subordinate units (thidua/api/routers/honours_teams.py).

Same subject and expectations as the pages (tests/honours/ladder_teams.py): Bắc Giang's teams are
read by everyone signed in, registered and given their year data by officer_a and the Ministry
approver only; a team's own unit operations follow Bắc Giang's line."""

from __future__ import annotations

from tests.honours.ladder_api import BAC_GIANG, EVERYONE, LINE_READS_API, PUBLIC_ACTS_API
from tests.honours.ladder_teams import TEAM_NAME, team
from tests.ladder import ApiEntry

ROW = {"year": 2024, "name": TEAM_NAME, "level": "sub_base", "members": 30, "advanced": 24}

API_ENTRIES = [
    ApiEntry("GET /api/v1/units/{code}/teams", EVERYONE, path=lambda w: BAC_GIANG),
    ApiEntry(
        "POST /api/v1/units/{code}/teams",
        PUBLIC_ACTS_API,
        path=lambda w: BAC_GIANG,
        body=lambda w: {"name": "Phòng Cảnh sát hình sự", "level": "base"},
    ),
    ApiEntry(
        "POST /api/v1/units/{code}/teams/rosters",
        PUBLIC_ACTS_API,
        path=lambda w: BAC_GIANG,
        body=lambda w: {"rows": [ROW]},
    ),
    ApiEntry(
        "POST /api/v1/units/{code}/rosters",
        PUBLIC_ACTS_API,
        path=lambda w: {"code": team(w).code},
        body=lambda w: {"year": 2024, "members": 30, "advanced": 24},
        case="a team of Bắc Giang",
    ),
    ApiEntry(
        "GET /api/v1/eligibility",
        LINE_READS_API,
        query=lambda w: {"unit": team(w).code, "award": "don_vi_quyet_thang", "year": 2024},
        case="a team of Bắc Giang",
    ),
]
