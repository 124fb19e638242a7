"""API: a unit's subordinate units (phòng, đội, Công an xã, phường) and their year rosters.

The same steps as the page and the Excel sheet (thidua/honours/teams.py): a unit's emulation
officer (and the Ministry approver) registers the unit's teams and gives each one's roster of a
year; everyone signed in reads them (collective data, like the unit's own rosters). A team is a
unit with its own code: its records, rating and collective eligibility are then read and written
through the unit operations (/units/{code}/…, /eligibility?unit=…). Values are checked by the step,
not here, so a bad value is refused with the page's and the Excel sheet's sentence; 422 names the
row and field in `loc` (["rows", index, field]); nothing is saved when one row is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from thidua.api.errors import COMMON_ERRORS, WRITE_ERRORS
from thidua.honours.access import get_unit_records_for_user
from thidua.honours.models import YEAR_MAX, YEAR_MIN, RatingLevel, UnitRating, UnitYearRoster
from thidua.honours.models.rosters import COUNT_FIELDS, COUNT_MAX
from thidua.honours.teams import (
    LEVEL_HINT,
    NAME_MAX,
    TEAM_LEVELS,
    register_team,
    set_rosters,
    teams_of,
)
from thidua.org.access import require
from thidua.org.models import Unit

router = Router(tags=["Đơn vị trực thuộc"])

WRITE_DOC = (
    "Lỗi: 401 chưa đăng nhập; 403 không phải cán bộ thi đua của đơn vị (hoặc cán bộ phê duyệt "
    "của Bộ); 404 không có đơn vị mã `code`; 422 dữ liệu không hợp lệ, mỗi lỗi có `loc` (trường, "
    'hoặc ["rows", số thứ tự dòng từ 0, trường]) và câu tiếng Việt giống trang và tệp Excel; '
    "413 nội dung quá lớn. Một dòng lỗi thì không dòng nào được ghi."
)

# Bounds are documented here and checked by the step (one message on every path).
Count = Annotated[int, Field(json_schema_extra={"minimum": 0, "maximum": COUNT_MAX})]
Year = Annotated[int, Field(json_schema_extra={"minimum": YEAR_MIN, "maximum": YEAR_MAX})]
LEVELS = ", ".join(f"{code} ({Unit.Level(code).label})" for code in TEAM_LEVELS)
RATINGS = ", ".join(f"{code} ({label})" for code, label in RatingLevel.choices)
Name = Annotated[
    str,
    Field(
        description="Tên đơn vị trực thuộc, ví dụ “Đội Cảnh sát giao thông số 1”.",
        json_schema_extra={"maxLength": NAME_MAX},
    ),
]
Parent = Annotated[
    str,
    Field(
        description="Đơn vị cấp trên trong đơn vị (tên hoặc mã một đơn vị trực thuộc đã có); "
        "để trống: trực thuộc thẳng đơn vị."
    ),
]
COUNT_DOCS = {
    "completed": "Số hoàn thành nhiệm vụ trở lên",
    "advanced": "Số đạt Chiến sĩ tiên tiến",
    "emulation": "Số đạt Chiến sĩ thi đua cơ sở",
    "reprimanded": "Số bị kỷ luật khiển trách",
    "warned": "Số bị kỷ luật từ cảnh cáo trở lên",
}


class TeamIn(Schema):
    name: Name
    level: str = Field(description=f"Cấp: {LEVELS}; {LEVEL_HINT}.")
    parent: Parent = ""


class TeamRowIn(Schema):
    """One team's year data; the team is registered first when new (then `level` is needed)."""

    year: Year
    name: Name
    level: str | None = Field(None, description=f"Cấp ({LEVELS}): bắt buộc với đơn vị mới.")
    parent: Parent = ""
    rating: str | None = Field(
        None, description=f"Xếp loại đơn vị trong năm ({RATINGS}); để trống: giữ như đã ghi."
    )
    members: Count | None = Field(
        None,
        description="Tổng quân số của đơn vị trong năm: bắt buộc khi dòng có số liệu; dòng không "
        "có số liệu nào (quân số, xếp loại) chỉ đăng ký đơn vị.",
    )
    completed: Count | None = Field(None, description=COUNT_DOCS["completed"])
    advanced: Count | None = Field(None, description=COUNT_DOCS["advanced"])
    emulation: Count | None = Field(None, description=COUNT_DOCS["emulation"])
    reprimanded: Count | None = Field(None, description=COUNT_DOCS["reprimanded"])
    warned: Count | None = Field(None, description=COUNT_DOCS["warned"])


class TeamRostersIn(Schema):
    rows: list[TeamRowIn] = Field(
        description="Một dòng cho mỗi đơn vị trực thuộc và năm; cả danh sách hoặc không dòng nào.",
        min_length=1,
        max_length=2000,
    )


class TeamRosterOut(Schema):
    year: int
    members: int
    completed: int | None
    advanced: int | None
    emulation: int | None
    reprimanded: int | None
    warned: int | None


class TeamOut(Schema):
    code: str = Field(description="Mã của đơn vị trực thuộc (dùng với /units/{code}/…).")
    name: str
    level: str
    level_label: str
    parent_code: str
    parent_name: str
    depth: int = Field(description="0: trực thuộc thẳng đơn vị; 1: thuộc một đơn vị trực thuộc…")
    year: int | None
    rating: str | None
    rating_label: str | None
    roster: TeamRosterOut | None


def _out(team: Unit, year: int | None, roster: UnitYearRoster | None, rating: Any) -> dict:
    return {
        "code": team.code,
        "name": team.name,
        "level": team.level,
        "level_label": team.get_level_display(),
        "parent_code": team.parent.code,
        "parent_name": team.parent.name,
        "depth": team.depth,
        "year": year,
        "rating": rating.rating if rating else None,
        "rating_label": rating.get_rating_display() if rating else None,
        "roster": (
            {f: getattr(roster, f) for f in ("year", "members", *COUNT_FIELDS)} if roster else None
        ),
    }


def _year_data(teams: list[Unit], years: set[int]) -> tuple[dict, dict]:
    """Rosters and ratings of ``teams`` in ``years``, by (unit id, year): two queries."""
    found = {}
    for model in (UnitYearRoster, UnitRating):
        rows = model.objects.filter(unit__in=teams, year__in=years)
        found[model] = {(r.unit_id, r.year): r for r in rows}
    return found[UnitYearRoster], found[UnitRating]


def _teams(unit: Unit, year: int | None) -> list[dict[str, Any]]:
    teams = teams_of(unit)
    rosters, ratings = _year_data(teams, {year} if year else set())
    return [_out(t, year, rosters.get((t.pk, year)), ratings.get((t.pk, year))) for t in teams]


@router.get(
    "/units/{code}/teams",
    response={200: list[TeamOut], **COMMON_ERRORS},
    summary="Các đơn vị trực thuộc (phòng, đội, Công an xã, phường), kèm quân số và xếp loại "
    "của năm `year` nếu có",
)
def list_teams(
    request,
    code: str,
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="Năm của quân số."),
):
    unit = get_unit_records_for_user(request.user, code).unit
    return _teams(unit, year)


def _editable(request, code: str) -> Unit:
    records = get_unit_records_for_user(request.user, code)
    require(records.can_edit, "Bạn không có quyền cập nhật đơn vị trực thuộc của đơn vị này.")
    return records.unit


@router.post(
    "/units/{code}/teams",
    response={201: TeamOut, **WRITE_ERRORS},
    summary="Đăng ký một đơn vị trực thuộc (tên, cấp, đơn vị cấp trên trong đơn vị)",
    description=WRITE_DOC,
)
def create_team(request, code: str, payload: TeamIn):
    unit = _editable(request, code)
    team = register_team(by=request.user, unit=unit, **payload.dict())
    return Status(201, next(t for t in _teams(unit, None) if t["code"] == team.code))


@router.post(
    "/units/{code}/teams/rosters",
    response={200: list[TeamOut], **WRITE_ERRORS},
    summary="Ghi quân số (và xếp loại) của nhiều đơn vị trực thuộc, mỗi dòng một đơn vị và năm; "
    "đơn vị chưa đăng ký được đăng ký theo dòng; cả danh sách hoặc không dòng nào",
    description=WRITE_DOC,
)
def set_team_rosters(request, code: str, payload: TeamRostersIn):
    unit = _editable(request, code)
    rows = payload.dict()["rows"]
    done = set_rosters(by=request.user, unit=unit, rows=rows)
    depth = {t.pk: t.depth for t in teams_of(unit)}
    _, ratings = _year_data([team for team, _ in done], {row["year"] for row in rows})
    out = []
    for (team, roster), row in zip(done, rows, strict=True):
        team.depth = depth[team.pk]
        out.append(_out(team, row["year"], roster, ratings.get((team.pk, row["year"]))))
    return out
