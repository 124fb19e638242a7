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
import json
from collections.abc import Iterable, Sequence
from functools import cache

from thidua.engine import eligibility as engine
from thidua.engine.eligibility import RuleSet, Suggestion, Verdict
from thidua.engine.eligibility_catalogue import RULESET_DIR
from thidua.engine.eligibility_rules import parse_ruleset, reference_date
from thidua.honours.models import Commendation, Discipline, Person, RuleSetVersion, UnitRating
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


@cache
def _bundled_raw() -> dict[str, dict]:
    raw = {}
    for path in sorted(RULESET_DIR.glob("[0-9]*.json")):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        raw[str(data["id"])] = data
    return raw


def raw_rulesets() -> dict[str, dict]:
    """Every rule set as raw JSON by id (the ones ``extends`` may name): shipped, then published."""
    raw = dict(_bundled_raw())
    for version in RuleSetVersion.objects.order_by("effective_from", "pk"):
        raw[version.set_id] = version.data
    return raw


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


def ruleset_for(year: int, as_of: dt.date | None = None) -> RuleSet:
    """The set in force on the consideration day; on equal dates the later publication wins."""
    day = as_of or reference_date(year)
    found = [(s.effective_from, i, s) for i, (s, _) in enumerate(rulesets()) if s.in_force(day)]
    if not found:
        raise LookupError(
            f"Không có bộ quy tắc nào có hiệu lực vào ngày {day:%d/%m/%Y} (năm {year})"
        )
    return max(found, key=lambda t: (t[0], t[1]))[2]


def ruleset_by_id(set_id: str) -> tuple[RuleSet, str] | None:
    return next(((s, o) for s, o in rulesets() if s.id == set_id), None)


# ---------------------------------------------------------------------------------------------
# People


def _award(c: Commendation) -> engine.Award:
    return engine.Award(
        code=c.award_code,
        year=c.year,
        decision_no=c.decision_no or None,
        decision_date=c.decision_date,
        achievement_ref=c.achievement_ref or None,
        revoked=c.revoked,
        revocation_decision=c.revocation_decision_no or None,
        holder=c.unit.code if c.unit_id else None,
    )


def _discipline(d: Discipline) -> engine.Discipline:
    return engine.Discipline(
        start=d.start,
        end=d.end,
        # The Vietnamese name reads well in the verdict; the engine ranks names and codes alike.
        form=d.get_form_display() if d.form else None,
        awaiting_review=d.awaiting_review,
        decision_no=d.decision_no or None,
    )


def posting_spans(unit: Unit, start: dt.date, end: dt.date | None) -> list[engine.UnitSpan]:
    """A posting as unit spans, carried into the successor when the unit merged while the
    officer was still posted there (Hòa Bình until 30/6/2025, then Phú Thọ)."""
    spans = []
    while unit is not None:
        stop = unit.valid_to
        if stop is None or (end is not None and end <= stop):
            spans.append(engine.UnitSpan(unit.code, start, end))
            break
        spans.append(engine.UnitSpan(unit.code, start, stop))
        start, unit = stop + _DAY, unit.successor
    return spans


def person_candidate(person: Person) -> engine.Person:
    """The engine's view of one person (use Person.objects.for_eligibility() to prefetch)."""
    return engine.Person(
        id=str(person.pk),
        name=person.full_name,
        ratings={r.year: r.rating for r in person.ratings.all()},
        awards=tuple(_award(c) for c in person.commendations.all()),
        initiatives=tuple(
            engine.Initiative(i.year, i.scope, i.kind, i.title, i.decision_no or None)
            for i in person.initiatives.all()
        ),
        disciplines=tuple(_discipline(d) for d in person.disciplines.all())
        if person.discipline_checked
        else None,
        units=tuple(
            span for p in person.postings.all() for span in posting_spans(p.unit, p.start, p.end)
        ),
        records_from=person.records_from,
    )


def check_person(
    person: Person,
    award_code: str,
    year: int,
    *,
    as_of: dt.date | None = None,
    achievement_ref: str | None = None,
) -> Verdict:
    person = Person.objects.for_eligibility().get(pk=person.pk)
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


def roster(unit: Unit, day: dt.date) -> list[Person]:
    """The people posted in ``unit`` on ``day``, postings in merged predecessors included."""
    line = unit.lineage()
    codes = {u.code for u in line}
    people = Person.objects.for_eligibility().filter(postings__unit__in=line).distinct()
    members = []
    for person in people:
        for p in person.postings.all():
            span = next((s for s in posting_spans(p.unit, p.start, p.end) if s.covers(day)), None)
            if span is not None and span.code in codes:
                members.append(person)
                break
    return members


def _leads_cluster(line: Sequence[Unit], year: int) -> dict[int, bool]:
    """Whether the unit led its cluster in ``year``: the honouring vote once closed, else the
    top of the latest ranking; nothing known when the year was not run in the system."""
    from thidua.cycle.models import Cycle

    pks = {u.pk for u in line}
    cycle = (
        Cycle.objects.filter(cluster__year=year, cluster__memberships__unit__in=pks)
        .select_related("cluster")
        .first()
    )
    if cycle is None:
        return {}
    vote = getattr(cycle, "honour_vote", None)  # RelatedObjectDoesNotExist is an AttributeError
    if vote is not None and vote.state == vote.State.CLOSED:
        return {year: bool(vote.passed) and vote.candidate_id in pks}
    ranking = cycle.rankings.first()
    if ranking is None:
        return {}
    top = {e.unit_id for e in ranking.entries.all() if e.rank == 1 and not e.vetoed}
    return {year: bool(top & pks)}


def unit_candidate(
    unit: Unit, year: int, *, as_of: dt.date | None = None, members: Iterable[Person] | None = None
) -> engine.Unit:
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
    people = list(members) if members is not None else roster(unit, day)
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
        disciplines=tuple(_discipline(d) for d in Discipline.objects.filter(unit__in=line)),
        members=tuple(person_candidate(p) for p in people) if people else None,
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
    people = {str(p.pk): p for p in roster(unit, day)}
    found = engine.suggest(
        [person_candidate(p) for p in people.values()],
        year,
        ruleset_for(year, as_of),
        include_unknown=include_unknown,
        as_of=as_of,
    )
    return [(people[s.candidate_id], s) for s in found]
