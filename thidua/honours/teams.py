"""A unit's subordinate units (phòng, đội, Công an xã, phường) and their year rosters.

A provincial department or a Ministry body registers its teams (name, level, optional parent
among its teams) and gives each one's roster of a year as counts, with the team's rating, so that
a team's collective titles (Đơn vị quyết thắng, Đơn vị tiên tiến) are judged from its year data
without a record for each officer. The page, the API and the Excel sheet all call the two steps
here (`register_team`, `set_rosters`), so a bad value is refused with the same sentence everywhere.
Each step checks who acts, validates, saves and audits in one transaction: all rows or none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.honours.models import RatingLevel, UnitRating, UnitYearRoster, require_edit
from thidua.honours.models.common import forget_scope, with_subordinates, year_error
from thidua.honours.models.rosters import COUNT_FIELDS, count_errors
from thidua.org.models import Unit, User

TEAM_LEVELS = (Unit.Level.BASE, Unit.Level.SUB_BASE)
LEVEL_HINT = (
    "ghi “Cấp cơ sở” (phòng, Công an cấp huyện và tương đương) hoặc “Cấp dưới cơ sở” "
    "(đội, Công an xã, phường và tương đương)"
)
NAME_MAX = 200
# Where a value is missing is said by the path (the API's `loc`, the sheet's row and column, the
# page's field): the sentence is the same.
REQUIRED = "Bắt buộc, đang để trống."
# The fields of one row: the team, then its year data (UnitYearRoster's counts and the rating).
ROW_FIELDS = ("year", "name", "level", "parent", "rating", "members", *COUNT_FIELDS)


class RowsRefused(ValidationError):
    """Refusals of a set of rows, each with its row index (0-based) and field: the API names them
    in `loc` (rows, index, field), the Excel sheet by row number and column, the page by field."""

    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        self.rows = rows
        items = []
        for index, field, message in rows:
            error = ValidationError(message)
            error.loc = ["rows", str(index), field]
            items.append(error)
        super().__init__({"rows": items})


# ---------------------------------------------------------------------------------------------
# Reading


def root_of(unit: Unit) -> Unit:
    """The province or Ministry body a team belongs to (the unit itself if it is no team)."""
    seen = set()
    while unit.kind == Unit.Kind.SUBORDINATE and unit.parent_id and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.parent
    return unit


def teams_of(unit: Unit) -> list[Unit]:
    """Every team below ``unit``, each after its parent, siblings in name order."""
    ids = with_subordinates(frozenset({unit.pk})) - {unit.pk}
    found = list(Unit.objects.filter(pk__in=ids).select_related("parent").order_by("sort_key"))
    children: dict[int, list[Unit]] = {}
    for team in found:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[Unit] = []

    def walk(pk: int, depth: int) -> None:
        for team in children.get(pk, ()):
            team.depth = depth
            ordered.append(team)
            walk(team.pk, depth + 1)

    walk(unit.pk, 0)
    return ordered


def parse_level(raw: Any) -> tuple[str | None, str | None]:
    """(level code, error): the code (base, sub_base) or its label, any case or accents."""
    key = text.search_key(str(raw or ""))
    for code in TEAM_LEVELS:
        if key in (code.replace("_", " "), text.search_key(Unit.Level(code).label)):
            return code, None
    return None, f"Cấp “{text.normalize(str(raw or ''))}” không hợp lệ: {LEVEL_HINT}."


def parse_rating(raw: Any) -> tuple[str | None, str | None]:
    """(rating code, error); empty means not given (the year's rating is left as it is)."""
    if raw is None or str(raw).strip() == "":
        return None, None
    key = text.search_key(str(raw))
    for code, label in RatingLevel.choices:
        if key in (code.replace("_", " "), text.search_key(label)):
            return code, None
    labels = "; ".join(f"“{label}”" for _, label in RatingLevel.choices)
    return None, f"Xếp loại “{text.normalize(str(raw))}” không hợp lệ: ghi một trong {labels}."


@dataclass
class _Teams:
    """The teams of one root unit, found by name (case-, space- and tone-placement-insensitive)
    or by code; names are unique in the root unit. ``within``: the unit acted for and its teams
    (a phòng's page writes for the phòng's đội only)."""

    root: Unit
    by_key: dict[str, Unit]
    within: set[int]

    @classmethod
    def of(cls, unit: Unit) -> _Teams:
        root = root_of(unit)
        within = set(with_subordinates(frozenset({unit.pk})))
        return cls(root, {text.name_key(t.name): t for t in teams_of(root)}, within)

    def find(self, name_or_code: str) -> Unit | None:
        wanted = text.name_key(name_or_code)
        if wanted in (text.name_key(self.root.name), text.name_key(self.root.code)):
            return self.root
        return self.by_key.get(wanted) or next(
            (t for t in self.by_key.values() if t.code == name_or_code.strip()), None
        )

    def inside(self, unit: Unit | None) -> bool:
        return unit is not None and unit.pk in self.within

    def add(self, team: Unit) -> None:
        self.by_key[text.name_key(team.name)] = team
        self.within.add(team.pk)


def _code(root: Unit, name: str) -> str:
    base = f"{root.code}-{text.slugify_vi(name)}"[:40].rstrip("-")
    code, n = base, 1
    while Unit.objects.filter(code=code).exists():
        n += 1
        code = f"{base[: 40 - len(str(n)) - 1].rstrip('-')}-{n}"
    return code


# ---------------------------------------------------------------------------------------------
# Registering a team


def _team_errors(
    teams: _Teams, unit: Unit, name: str, level: Any, parent: str
) -> tuple[dict[str, str], str | None, Unit | None]:
    """(errors by field, level code, parent) of a new team of ``unit``."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = REQUIRED
    elif len(name) > NAME_MAX:
        errors["name"] = f"Tên đơn vị trực thuộc dài quá {NAME_MAX} ký tự."
    elif not text.search_key(name):
        errors["name"] = f"Tên đơn vị trực thuộc “{name}” phải có chữ hoặc số."
    elif teams.find(name) == teams.root:
        errors["name"] = f"“{name}” là chính {teams.root.name}, không phải đơn vị trực thuộc."
    elif teams.find(name) is not None:
        errors["name"] = f"{teams.root.name} đã có đơn vị “{teams.find(name).name}”."
    code, level_error = parse_level(level)
    if level_error:
        errors["level"] = level_error
    above = unit
    if parent:
        above = teams.find(parent)
        if not teams.inside(above):
            above = None
            errors["parent"] = (
                f"Không có đơn vị “{parent}” trong các đơn vị trực thuộc của {unit.name}: "
                "ghi đơn vị cấp trên trước (dòng trên, hoặc đăng ký trước)."
            )
    if (
        above is not None
        and above.kind == Unit.Kind.SUBORDINATE
        and above.level == Unit.Level.SUB_BASE
        and code == Unit.Level.BASE
    ):
        errors["parent"] = (
            f"Đơn vị cấp cơ sở không thể trực thuộc “{above.name}” (cấp dưới cơ sở): "
            "phòng là cấp trên của đội, không ngược lại."
        )
    return errors, code, above


def _create(by: User | None, teams: _Teams, name: str, level: str, parent: Unit) -> Unit:
    team = Unit(
        code=_code(teams.root, name),
        name=name,
        short_name=name[:120],
        kind=Unit.Kind.SUBORDINATE,
        level=level,
        parent=parent,
        source=f"Đăng ký bởi {by.display_name}" if by is not None else "",
    )
    team.full_clean()
    team.save()
    audit(actor=by, action="create", obj=team, after=snapshot(team))
    forget_scope(by)  # the new team is theirs from now on
    teams.add(team)
    return team


def _require(by: User | None, unit: Unit) -> None:
    if unit.kind == Unit.Kind.MINISTRY:
        raise ValidationError(
            {"unit": "Bộ Công an không có đơn vị trực thuộc ở đây: chọn Cục, Công an tỉnh."}
        )
    if by is not None:
        require_edit(by, unit.pk, f"đơn vị trực thuộc của {unit.name}")


@transaction.atomic
def register_team(*, by: User | None, unit: Unit, name: str, level: str, parent: str = "") -> Unit:
    """Register a team of ``unit`` (under ``parent``, a team of the same unit, if given)."""
    _require(by, unit)
    name, parent = text.normalize(name or ""), text.normalize(parent or "")
    teams = _Teams.of(unit)
    errors, code, above = _team_errors(teams, unit, name, level, parent)
    if errors:
        raise ValidationError(errors)
    return _create(by, teams, name, code, above)


# ---------------------------------------------------------------------------------------------
# The year data of many teams at once


def _existing(i: int, row: dict, team: Unit, teams: _Teams, errors: list) -> None:
    """A row naming a registered team may repeat its level and parent, not change them."""
    if row["level"] not in (None, ""):
        code, problem = parse_level(row["level"])
        if problem:
            errors.append((i, "level", problem))
        elif code != team.level:
            errors.append((i, "level", _mismatch(team, "cấp", team.get_level_display())))
    if row["parent"] and teams.find(row["parent"]) != team.parent:
        errors.append((i, "parent", _mismatch(team, "đơn vị cấp trên", team.parent.name)))


def _register_missing(
    by: User | None, unit: Unit, teams: _Teams, rows: list[dict], errors: list
) -> dict[int, Unit]:
    """The team of each row: found, or registered from the row (name, level, parent). A row
    naming as parent a team that a later row registers waits for it (rows come in any order)."""
    found: dict[int, Unit] = {}
    waiting = [i for i, row in enumerate(rows) if row["name"]]
    progress = True
    while waiting and progress:
        progress, still = False, []
        for i in waiting:
            row = rows[i]
            team = teams.find(row["name"])
            if team is not None and team.kind == Unit.Kind.SUBORDINATE:
                if not teams.inside(team):
                    errors.append((i, "name", _elsewhere(team, unit)))
                    continue
                _existing(i, row, team, teams, errors)
                found[i], progress = team, True
                continue
            problems, code, above = _team_errors(
                teams, unit, row["name"], row["level"], row["parent"]
            )
            if "parent" in problems and above is None and _named_later(rows, row, waiting, i):
                still.append(i)
            elif problems:
                errors.extend((i, field, message) for field, message in problems.items())
            else:
                found[i], progress = _create(by, teams, row["name"], code, above), True
        waiting = still
    for i in waiting:  # a parent row refused, or parents naming each other
        problems, _, _ = _team_errors(
            teams, unit, rows[i]["name"], rows[i]["level"], rows[i]["parent"]
        )
        errors.extend((i, field, message) for field, message in problems.items())
    return found


def _named_later(rows: list[dict], row: dict, waiting: list[int], i: int) -> bool:
    wanted = text.name_key(row["parent"])
    return any(text.name_key(rows[j]["name"]) == wanted for j in waiting if j != i)


def _elsewhere(team: Unit, unit: Unit) -> str:
    return (
        f"“{team.name}” trực thuộc {team.parent.name}, không thuộc {unit.name}: ghi số liệu "
        "của đơn vị này ở trang (hoặc tệp) của đơn vị cấp trên của nó."
    )


def _mismatch(team: Unit, what: str, registered: str) -> str:
    return (
        f"“{team.name}” đã đăng ký với {what} “{registered}”: không đổi {what} qua quân số "
        "(để trống cột này, hoặc sửa đăng ký của đơn vị)."
    )


def _duplicates(rows: list[dict], errors: list) -> None:
    seen: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        key = (row["year"], text.name_key(row["name"]))
        if row["name"] and key in seen:
            errors.append(
                (i, "name", f"“{row['name']}” năm {row['year']} đã có ở một dòng trước đó.")
            )
        seen.setdefault(key, i)


def _count_problems(row: dict) -> list[tuple[str, str]]:
    """The roster's own checks (rosters.count_errors, then counts above the total)."""
    values = {f: row[f] for f in ("members", *COUNT_FIELDS)}
    bad = count_errors(values)
    if bad:
        return list(bad.items())
    try:
        UnitYearRoster(year=row["year"], **values).clean()
    except ValidationError as exc:
        return [(f, m) for f, ms in exc.message_dict.items() if f != "year" for m in ms]
    return []


def _has_figures(row: dict) -> bool:
    return any(row[f] not in (None, "") for f in ("rating", "members", *COUNT_FIELDS))


def _figure_problems(i: int, row: dict) -> list[tuple[int, str, str]]:
    """The year data's own refusals, whether the row's team is registered or not."""
    if not _has_figures(row):
        return []  # a row without figures registers (or confirms) the team only
    found = []
    if year_error(row["year"]):
        found.append((i, "year", year_error(row["year"])))
    if row["members"] is None:
        found.append((i, "members", REQUIRED))
    else:
        found.extend((i, field, message) for field, message in _count_problems(row))
    _, rating_error = parse_rating(row["rating"])
    if rating_error:
        found.append((i, "rating", rating_error))
    return found


@transaction.atomic
def set_rosters(
    *, by: User | None, unit: Unit, rows: Sequence[Mapping[str, Any]]
) -> list[tuple[Unit, UnitYearRoster | None]]:
    """Record each row's team (registering it if new) and its roster (and rating, if given) for
    the row's year; a row without figures only registers the team. All rows or none:
    RowsRefused names every bad row and field. Returns each row's team and roster, in order."""
    _require(by, unit)
    rows = [
        {f: row.get(f) for f in ROW_FIELDS}
        | {k: text.normalize(str(row.get(k) or "")) for k in ("name", "parent")}
        for row in rows
    ]
    if not rows:
        raise RowsRefused([(0, "name", "Không có dòng số liệu nào.")])
    errors: list[tuple[int, str, str]] = []
    for i, row in enumerate(rows):
        if not row["name"]:
            errors.append((i, "name", REQUIRED))
        errors.extend(_figure_problems(i, row))
    refused = {i for i, _, _ in errors}
    _duplicates(rows, errors)
    teams = _Teams.of(unit)
    found = _register_missing(by, unit, teams, rows, errors)
    done: list[tuple[Unit, UnitYearRoster | None]] = []
    for i, team in sorted(found.items()):
        row = rows[i]
        if i in refused or not _has_figures(row):
            done.append((team, None))
            continue
        counts = {f: row[f] for f in COUNT_FIELDS}
        try:
            roster = UnitYearRoster.set(
                by=by, unit=team, year=row["year"], members=row["members"], **counts
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.extend((i, field if field in ROW_FIELDS else "name", m) for m in messages)
            continue
        rating, _ = parse_rating(row["rating"])
        if rating:
            UnitRating.set(by=by, unit=team, year=row["year"], rating=rating)
        done.append((team, roster))
    if errors:  # raised inside the transaction: nothing of the rows is kept
        raise RowsRefused(sorted(errors, key=lambda e: (e[0], ROW_FIELDS.index(e[1]))))
    return done
