"""The bridge from database records to the pure eligibility engine.

Builds the engine's frozen inputs from rows: a person's ratings, awards, initiatives, discipline
and unit spans (a posting in a unit that later merged continues in its successor, so the person
follows the unit through the merger); a unit with its line of predecessors (awards held by Công an
tỉnh Hòa Bình count for Công an tỉnh Phú Thọ), its level, rating and the roster of the year.

The rules are the engine's bundled sets plus the versions the Ministry published (RuleSetVersion);
a year is judged by the latest set in force on its consideration day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from thidua.engine import eligibility as engine
from thidua.engine.eligibility import RuleSet, Suggestion, Verdict
from thidua.engine.eligibility_rules import parse_ruleset, reference_date
from thidua.honours.models import (
    DISCIPLINE_FORMS,
    Commendation,
    Discipline,
    Initiative,
    Person,
    PersonRating,
    Posting,
    RuleSetVersion,
    UnitRating,
)
from thidua.honours.models.common import with_subordinates
from thidua.honours.models.rosters import UnitYearRoster
from thidua.honours.models.rules import raw_rulesets
from thidua.org.models import Unit

# org.Unit.Level → the engine's collective levels (TT 12/2019 Art. 8). The Ministry itself has
# no level for titles: its verdicts say "no level known" rather than guess.
LEVELS = {
    Unit.Level.DEPARTMENT: "cap_cuc_tinh",
    Unit.Level.BASE: "cap_phong_huyen",
    Unit.Level.SUB_BASE: "cap_doi_xa",
}
_DAY = dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Rule sets: shipped defaults + published versions


_POOL: dict[tuple, tuple[tuple[RuleSet, str], ...]] = {}


def rulesets() -> tuple[tuple[RuleSet, str], ...]:
    """(rule set, origin) pairs in priority order: shipped first, then published by date of
    publication. Parsed once per state of the versions table."""
    versions = list(RuleSetVersion.objects.order_by("pk").values_list("pk", "set_id"))
    key = tuple(versions)
    pool = _POOL.get(key)
    if pool is None:
        bases = raw_rulesets()
        shipped = tuple((s, "shipped") for s in engine.bundled_rulesets())
        published = tuple(
            (parse_ruleset(bases[set_id], bases=bases), "published") for _, set_id in versions
        )
        _POOL.clear()
        pool = _POOL[key] = shipped + published
    return pool


class NoRuleSet(LookupError):
    """No rule set is in force on the consideration day of the year asked (a year before the
    first set, e.g. 1976): the caller's year is out of range, a 4xx for pages and the API."""


def ruleset_for(year: int, as_of: dt.date | None = None) -> RuleSet:
    """The set in force on the consideration day; on equal dates the later publication wins."""
    day = as_of or reference_date(year)
    found = [(s.effective_from, i, s) for i, (s, _) in enumerate(rulesets()) if s.in_force(day)]
    if not found:
        raise NoRuleSet(f"Không có bộ quy tắc nào có hiệu lực vào ngày {day:%d/%m/%Y} (năm {year})")
    return max(found, key=lambda t: (t[0], t[1]))[2]


def ruleset_by_id(set_id: str) -> tuple[RuleSet, str] | None:
    return next(((s, o) for s, o in rulesets() if s.id == set_id), None)


# ---------------------------------------------------------------------------------------------
# People: built from plain value rows in a fixed number of queries (no model instances), because
# a unit's roster can be thousands of officers with ten years of records each.


def _award(c: Commendation) -> engine.Award:
    return engine.Award(
        code=c.award_code,
        year=c.year,
        decision_no=c.decision_no or None,
        decision_date=c.decision_date,
        achievement_ref=c.achievement_ref or None,
        revoked=c.revoked,
        revocation_decision=c.revocation_decision_no or None,
        revocation_ground=c.revocation_ground or None,
        holder=c.unit.code if c.unit_id else None,
    )


_FORM_NAMES = dict(DISCIPLINE_FORMS)


def _discipline(start, end, form, awaiting, decision_no) -> engine.Discipline:
    return engine.Discipline(
        start=start,
        end=end,
        # The Vietnamese name reads well in the verdict; the engine ranks names and codes alike.
        form=_FORM_NAMES.get(form) if form else None,
        awaiting_review=awaiting,
        decision_no=decision_no or None,
    )


@dataclass(frozen=True)
class _UnitRow:
    code: str
    valid_to: dt.date | None
    successor_id: int | None


def _units() -> dict[int, _UnitRow]:
    return {
        pk: _UnitRow(code, valid_to, successor_id)
        for pk, code, valid_to, successor_id in Unit.objects.values_list(
            "pk", "code", "valid_to", "successor_id"
        )
    }


def posting_spans(
    unit_id: int, start: dt.date, end: dt.date | None, units: dict[int, _UnitRow]
) -> list[engine.UnitSpan]:
    """A posting as unit spans, carried into the successor when the unit merged while the
    officer was still posted there (Hòa Bình until 30/6/2025, then Phú Thọ)."""
    spans = []
    seen = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        unit = units[unit_id]
        stop = unit.valid_to
        if stop is None or (end is not None and end <= stop):
            spans.append(engine.UnitSpan(unit.code, start, end))
            break
        spans.append(engine.UnitSpan(unit.code, start, stop))
        start, unit_id = stop + _DAY, unit.successor_id
    return spans


def candidates(people: QuerySet[Person]) -> dict[int, engine.Person]:
    """The engine's view of every person in ``people``, by primary key (six queries in all)."""
    ids = people.values("pk")
    rows: dict[int, dict] = {
        pk: {"name": name, "checked": checked, "from": records_from}
        for pk, name, checked, records_from in Person.objects.filter(pk__in=ids).values_list(
            "pk", "full_name", "discipline_checked", "records_from"
        )
    }
    for row in rows.values():
        row.update(ratings={}, awards=[], initiatives=[], disciplines=[], units=[])
    for pid, year, rating in PersonRating.objects.filter(person__in=ids).values_list(
        "person_id", "year", "rating"
    ):
        rows[pid]["ratings"][year] = rating
    for pid, *award in Commendation.objects.filter(person__in=ids).values_list(
        "person_id",
        "award_code",
        "year",
        "decision_no",
        "decision_date",
        "achievement_ref",
        "revoked",
        "revocation_decision_no",
        "revocation_ground",
    ):
        code, year, number, day, ref, revoked, revocation, ground = award
        rows[pid]["awards"].append(
            engine.Award(
                code,
                year,
                number or None,
                day,
                ref or None,
                revoked,
                revocation or None,
                ground or None,
            )
        )
    for pid, year, scope, kind, title, number in Initiative.objects.filter(
        person__in=ids
    ).values_list("person_id", "year", "scope", "kind", "title", "decision_no"):
        rows[pid]["initiatives"].append(engine.Initiative(year, scope, kind, title, number or None))
    for pid, *fields in Discipline.objects.filter(person__in=ids).values_list(
        "person_id", "start", "end", "form", "awaiting_review", "decision_no"
    ):
        rows[pid]["disciplines"].append(_discipline(*fields))
    units = _units()
    for pid, unit_id, start, end in (
        Posting.objects.filter(person__in=ids)
        .order_by("start")
        .values_list("person_id", "unit_id", "start", "end")
    ):
        rows[pid]["units"].extend(posting_spans(unit_id, start, end, units))
    return {
        pk: engine.Person(
            id=str(pk),
            name=row["name"],
            ratings=row["ratings"],
            awards=tuple(row["awards"]),
            initiatives=tuple(row["initiatives"]),
            disciplines=tuple(row["disciplines"]) if row["checked"] else None,
            units=tuple(row["units"]),
            records_from=row["from"],
        )
        for pk, row in rows.items()
    }


def person_candidate(person: Person) -> engine.Person:
    return candidates(Person.objects.filter(pk=person.pk))[person.pk]


def check_person(
    person: Person,
    award_code: str,
    year: int,
    *,
    as_of: dt.date | None = None,
    achievement_ref: str | None = None,
) -> Verdict:
    return engine.check(
        person_candidate(person),
        award_code,
        year,
        ruleset_for(year, as_of),
        as_of=as_of,
        achievement_ref=achievement_ref,
    )


# ---------------------------------------------------------------------------------------------
# Units


def roster(unit: Unit, day: dt.date) -> dict[int, engine.Person]:
    """The people posted in ``unit`` on ``day`` (postings in merged predecessors and in the
    subordinate units below them included: a province's officers are those of its phòng and đội
    too), as engine inputs by primary key."""
    ids = with_subordinates(frozenset(u.pk for u in unit.lineage()))
    codes = set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))
    found = candidates(Person.objects.filter(postings__unit__in=ids))
    return {
        pk: person
        for pk, person in found.items()
        if (span := next((s for s in person.units if s.covers(day)), None)) and span.code in codes
    }


# Whether a unit led its cluster in a year is the year's business (the cycle app, which sits above
# the register and may not be imported from here): the cycle app tells this module how to find it
# when it starts (CycleConfig.ready). A source answers {year: led?} for a set of unit primary keys
# (the unit and its predecessors), or {} when the year was not run in the system.
ClusterStanding = Callable[[set[int], int], dict[int, bool]]
_standing_sources: list[ClusterStanding] = []


def register_cluster_standing(source: ClusterStanding) -> None:
    """Called once by the app that knows the cluster years' outcomes (idempotent)."""
    if source not in _standing_sources:
        _standing_sources.append(source)


def _leads_cluster(line: Sequence[Unit], year: int) -> dict[int, bool]:
    """Whether the unit led its cluster in ``year``, as the registered source (the cycle app) says;
    nothing known when the year was not run in the system."""
    pks = {u.pk for u in line}
    for source in _standing_sources:
        found = source(pks, year)
        if found:
            return found
    return {}


def unit_candidate(unit: Unit, year: int, *, as_of: dt.date | None = None) -> engine.Unit:
    day = as_of or reference_date(year)
    line = unit.lineage()
    by_year: dict[int, dict[int, str]] = {}
    for r in UnitRating.objects.filter(unit__in=line):
        by_year.setdefault(r.year, {})[r.unit_id] = r.rating
    ratings = {}
    for y, found in by_year.items():
        # The unit's own rating; a predecessor's only when it is the only one for that year.
        if unit.pk in found:
            ratings[y] = found[unit.pk]
        elif len(set(found.values())) == 1:
            ratings[y] = next(iter(found.values()))
    # The counts the unit declared for the year (its year data) take precedence over the
    # officers recorded in it: hundreds of people need not be entered to judge a collective.
    declared = UnitYearRoster.objects.filter(unit=unit, year=year).first()
    people = {} if declared else roster(unit, day)
    level = LEVELS.get(unit.level)
    return engine.Unit(
        code=unit.code,
        name=unit.name,
        levels=(engine.LevelSpan(level, unit.valid_from, unit.valid_to),) if level else (),
        lineage=tuple(engine.UnitSpan(u.code, u.valid_from, u.valid_to) for u in line),
        ratings=ratings,
        awards=tuple(
            _award(c) for c in Commendation.objects.filter(unit__in=line).select_related("unit")
        ),
        disciplines=tuple(
            _discipline(d.start, d.end, d.form, d.awaiting_review, d.decision_no)
            for d in Discipline.objects.filter(unit__in=line)
        ),
        members=tuple(people.values()) if people else None,
        roster=declared.counts() if declared else None,
        leads_cluster=_leads_cluster(line, year),
    )


def check_collective(
    unit: Unit,
    award_code: str,
    year: int,
    *,
    as_of: dt.date | None = None,
    achievement_ref: str | None = None,
) -> Verdict:
    """Whether ``unit`` may receive the collective title or award ``award_code`` for ``year``,
    with every condition explained (for the annual cycle's proposals too)."""
    return engine.check(
        unit_candidate(unit, year, as_of=as_of),
        award_code,
        year,
        ruleset_for(year, as_of),
        as_of=as_of,
        achievement_ref=achievement_ref,
    )


def suggest_for_unit(
    unit: Unit, year: int, *, include_unknown: bool = False, as_of: dt.date | None = None
) -> list[tuple[Person, Suggestion]]:
    """Who in the unit (on the consideration day) is eligible now, for which titles."""
    day = as_of or reference_date(year)
    found = engine.suggest(
        list(roster(unit, day).values()),
        year,
        ruleset_for(year, as_of),
        include_unknown=include_unknown,
        as_of=as_of,
    )
    people = Person.objects.in_bulk({int(s.candidate_id) for s in found})
    return [(people[int(s.candidate_id)], s) for s in found]
