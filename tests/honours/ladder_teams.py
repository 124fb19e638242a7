"""Permission ladder of a unit's subordinate units pages (/khen-thuong/don-vi/<code>/truc-thuoc/).

Bắc Giang's teams: everyone signed in reads them (collective data, like the unit's rosters);
officer_a (Bắc Giang) and the Ministry approver register teams and give their year data; every
other role or unit is refused (403). A team's own pages follow its unit: officer_a writes its
roster, officer_b does not."""

from __future__ import annotations

from tests.honours.ladder import EVERYONE, LINE_READS, PUBLIC_RECORD_ACTS
from tests.ladder import Entry

TEAM_NAME = "Đội Cảnh sát giao thông số 1"


def team(world):
    """A team of Bắc Giang (registered once per test)."""
    from thidua.honours.teams import register_team
    from thidua.org.models import Unit

    found = Unit.objects.filter(name=TEAM_NAME).first()
    return found or register_team(
        by=None, unit=world.unit("bac-giang"), name=TEAM_NAME, level="sub_base"
    )


def bac_giang(world) -> list:
    return ["bac-giang"]


def roster_row(world) -> dict:
    return {"name": team(world).name, "year": 2024, "members": 30, "advanced": 24}


ENTRIES = [
    Entry("honours_unit_teams", EVERYONE, args=bac_giang),
    Entry(
        "honours_team_create",
        PUBLIC_RECORD_ACTS,
        args=bac_giang,
        method="post",
        data=lambda w: {"name": "Phòng Cảnh sát hình sự", "level": "base"},
    ),
    Entry(
        "honours_team_roster", PUBLIC_RECORD_ACTS, args=bac_giang, method="post", data=roster_row
    ),
    Entry("honours_teams_excel", EVERYONE, args=bac_giang),
    Entry("honours_teams_excel", PUBLIC_RECORD_ACTS, args=bac_giang, method="post"),
    # The team's own unit pages: its roster is Bắc Giang's to write, its people Bắc Giang's to see.
    Entry(
        "honours_unit_roster",
        PUBLIC_RECORD_ACTS,
        args=lambda w: [team(w).code],
        method="post",
        data=lambda w: {"year": 2024, "members": 30, "advanced": 24},
    ),
    Entry(
        "honours_eligibility",
        LINE_READS,
        data=lambda w: {"unit": team(w).code, "award": "don_vi_quyet_thang", "year": 2024},
    ),
]
