"""Eligibility for emulation titles and forms of commendation, judged by the rules of the year.

Public API (pure Python, no Django):

- ``check(candidate, award, year, rules=None, *, as_of=None, achievement_ref=None, assumed=None)``
  → ``Verdict``: eligible True / False / None (unknown), one explained line per condition, each
  citing its rule id and legal basis.
- ``apply_quotas(proposals, year, rules=None, *, existing=None, as_of=None)`` → ``QuotaResult``:
  a batch of proposals checked, with double use of an achievement refused, discipline blocks and
  the caps (15% Chiến sĩ thi đua cơ sở, 20% Cờ thi đua của Chính phủ) applied in priority order.
- ``suggest(members, year, rules=None, ...)`` → who is eligible now, and for what.
- ``ruleset_for(year)``, ``load_rulesets()``, ``parse_ruleset(data)``, ``load_catalogue()``.

The rules themselves are JSON data in ``rulesets/`` (see docs/eligibility-rules.md). This module
is the public face; the judge of a rule set is ``eligibility_judge``, batches and quotas are
``eligibility_quotas``, rule sets are ``eligibility_ruleset`` (what they are) and
``eligibility_rules`` (reading and choosing them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from thidua.engine.eligibility_catalogue import (
    INDIVIDUAL,
    Catalogue,
    EligibilityError,
    Problem,
    RuleSetError,
    UnknownAward,
    load_catalogue,
)
from thidua.engine.eligibility_judge import Judge, consideration_day
from thidua.engine.eligibility_model import (
    Award,
    Candidate,
    ConditionResult,
    Discipline,
    Initiative,
    LevelSpan,
    Person,
    Rating,
    RosterCounts,
    Scope,
    Status,
    Unit,
    UnitSpan,
    Verdict,
)
from thidua.engine.eligibility_quotas import (
    CLUSTER_LEADERS,
    Decision,
    Proposal,
    QuotaResult,
    QuotaUsage,
    Reason,
    apply_quotas,
)
from thidua.engine.eligibility_rules import (
    bundled_rulesets,
    load_rulesets,
    parse_ruleset,
    ruleset_for,
)
from thidua.engine.eligibility_ruleset import Rule, RuleSet

__all__ = [
    "CLUSTER_LEADERS",
    "Award",
    "Catalogue",
    "ConditionResult",
    "Decision",
    "Discipline",
    "EligibilityError",
    "Initiative",
    "LevelSpan",
    "Person",
    "Problem",
    "Proposal",
    "QuotaResult",
    "QuotaUsage",
    "Rating",
    "Reason",
    "RosterCounts",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Scope",
    "Status",
    "Suggestion",
    "Unit",
    "UnitSpan",
    "UnknownAward",
    "Verdict",
    "apply_quotas",
    "bundled_rulesets",
    "check",
    "load_catalogue",
    "load_rulesets",
    "parse_ruleset",
    "ruleset_for",
    "suggest",
]


def check(
    candidate: Candidate,
    award: str,
    year: int,
    rules: RuleSet | None = None,
    *,
    as_of: date | None = None,
    achievement_ref: str | None = None,
    assumed: Mapping[str, Collection[str]] | None = None,
    catalogue: Catalogue | None = None,
) -> Verdict:
    """Whether ``candidate`` may receive ``award`` for emulation ``year``.

    ``rules`` defaults to the set in force for the year; ``as_of`` is the consideration date
    (default 31/12 of the year) used to pick rules and to test discipline. ``achievement_ref``
    is the achievement the proposal rests on (checked against earlier awards).
    ``assumed`` maps candidate or member ids to award codes taken as granted for this year
    (proposals accepted in the same batch, e.g. Chiến sĩ tiên tiến before Chiến sĩ thi đua cơ sở).
    """
    catalogue = catalogue or load_catalogue()
    day = consideration_day(year, as_of, catalogue.get(award).annual)
    ruleset = rules or ruleset_for(year, as_of=as_of)
    judge = Judge(ruleset, catalogue, year, day, achievement_ref, assumed)
    return judge.verdict(candidate, award)


# ---------------------------------------------------------------------------------------------
# Suggestions


@dataclass(frozen=True)
class Suggestion:
    candidate_id: str
    name: str
    award: str
    award_name: str
    verdict: Verdict
    # Lower titles of the same year this suggestion relies on (eligible but not yet decided).
    assumes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "name": self.name,
            "award": self.award,
            "award_name": self.award_name,
            "assumes": list(self.assumes),
            "verdict": self.verdict.to_dict(),
        }


def suggest(
    members: Iterable[Person],
    year: int,
    rules: RuleSet | None = None,
    *,
    awards: Sequence[str] | None = None,
    include_unknown: bool = False,
    as_of: date | None = None,
    catalogue: Catalogue | None = None,
) -> list[Suggestion]:
    """Who is eligible now, and for which individual titles or awards they do not hold yet.

    Titles are tried from the lowest up; a lower title the person is eligible for this year is
    assumed granted when judging the higher ones (e.g. a third consecutive Chiến sĩ thi đua cơ sở
    → Chiến sĩ thi đua toàn lực lượng CAND), and listed in ``assumes``."""
    catalogue = catalogue or load_catalogue()
    day = consideration_day(
        year,
        as_of,
        annual=as_of is None or awards is None or any(catalogue.get(c).annual for c in awards),
    )
    ruleset = rules or ruleset_for(year, as_of=as_of)
    codes = (
        list(awards)
        if awards is not None
        else ruleset.awards_with_rules(day, catalogue, INDIVIDUAL)
    )
    codes.sort(key=lambda c: catalogue.get(c).rank)
    out: list[Suggestion] = []
    for person in members:
        assumed: set[str] = set()
        judge = Judge(ruleset, catalogue, year, day, None, {person.id: assumed})
        for code in codes:
            if year in person.history.valid.get(code, {}):
                continue
            # A title revoked for this year is judged (and explained) like any other: the
            # verdict says it was revoked and whether the year may be judged again.
            judge.assumed = {person.id: frozenset(assumed)}
            judge.used_assumptions.clear()
            verdict = judge.verdict(person, code)
            if verdict.eligible or (include_unknown and verdict.eligible is None):
                relied = sorted(c for _, c in judge.used_assumptions)
                relied.sort(key=lambda c: catalogue.get(c).rank)
                out.append(
                    Suggestion(
                        person.id, person.name, code, verdict.award_name, verdict, tuple(relied)
                    )
                )
            if verdict.eligible:
                assumed.add(code)
    return out
