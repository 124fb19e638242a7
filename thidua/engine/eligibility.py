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

The rules themselves are JSON data in ``rulesets/`` (see docs/eligibility-rules.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from thidua.engine.eligibility_catalogue import (
    COLLECTIVE,
    INDIVIDUAL,
    RECIPIENTS,
    Catalogue,
    EligibilityError,
    Problem,
    RuleSetError,
    UnknownAward,
    load_catalogue,
)
from thidua.engine.eligibility_evaluate import Context, evaluate
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
    normalise_ref,
)
from thidua.engine.eligibility_rules import (
    GROUPS,
    ROUNDING,
    Rule,
    RuleSet,
    bundled_rulesets,
    load_rulesets,
    parse_ruleset,
    reference_date,
    ruleset_for,
)

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

# Key of ``existing`` counts for the number of cluster/block leaders outside the batch.
CLUSTER_LEADERS = "tap_the_dan_dau_cum"
# Condition kinds whose "title"/"award" is a title the judged award's standard is built from.
_CHAIN_KINDS = ("consecutive_years_with_title", "holds_title_same_year", "has_award_before")
_MAX_DEPTH = 4  # eligible_for chains (Government flag → Ministry flag) are short; stop loops


class _Judge:
    """Evaluates the rules of one rule set for one year; shared by check, quotas and suggest."""

    def __init__(
        self,
        ruleset: RuleSet,
        catalogue: Catalogue,
        year: int,
        as_of: date,
        achievement_ref: str | None = None,
        assumed: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.catalogue = catalogue
        self.year = year
        self.as_of = as_of
        self.achievement_ref = achievement_ref
        self.assumed = {k: frozenset(v) for k, v in (assumed or {}).items()}
        self.used_assumptions: set[tuple[str, str]] = set()
        self.count_revoked, _ = ruleset.principle("revoked_awards_count", as_of)
        required, waiver_rule = ruleset.principle("lower_award_required", as_of)
        self.waiver = (
            (waiver_rule.id, waiver_rule.legal_basis) if not required and waiver_rule else None
        )

    def rules(self, candidate: Candidate, award: str) -> tuple[Rule, ...]:
        recipient = COLLECTIVE if candidate.is_unit else INDIVIDUAL
        return self.ruleset.rules_for(award, self.as_of, "eligibility", recipient)

    def conditions(
        self, candidate: Candidate, award: str, standard_only: bool = False, depth: int = 0
    ) -> tuple[ConditionResult, ...]:
        if depth > _MAX_DEPTH:
            return (
                ConditionResult("—", "Quá nhiều tầng tiêu chuẩn lồng nhau", "", Status.UNKNOWN),
            )
        ctx = Context(
            candidate=candidate,
            year=self.year,
            as_of=self.as_of,
            award=award,
            catalogue=self.catalogue,
            rule_id="",
            legal_basis="",
            achievement_ref=None if standard_only else self.achievement_ref,
            assumed=self.assumed,
            count_revoked=self.count_revoked,
            waiver=self.waiver,
            standard=lambda cand, code: self.conditions(cand, code, True, depth + 1),
            used_assumptions=self.used_assumptions,
        )
        ctx.prerequisites = self.prerequisites(candidate, award)
        out: list[ConditionResult] = []
        for rule in self.rules(candidate, award):
            if standard_only and not rule.standard:
                continue
            ctx.rule_id, ctx.legal_basis = rule.id, rule.legal_basis
            ctx.rule_title, ctx.unverified = rule.title, rule.unverified
            cond = rule.condition
            # A rule's top-level "all of" reads better as separate lines, each with the rule id
            # (and evaluating the parts directly skips building a summary nobody reads).
            parts = cond.children if cond.kind == "all_of" and cond.enabled else (cond,)
            for part in parts:
                result = evaluate(part, ctx)
                if result is not None:
                    out.append(result)
        return tuple(out)

    def prerequisites(self, candidate: Candidate, award: str) -> frozenset[str]:
        """Titles the standard of ``award`` is built from (its chain), by the rules in force."""
        codes = set()
        for rule in self.rules(candidate, award):
            if rule.standard and rule.condition is not None:
                for node in rule.condition.walk():
                    if node.kind in _CHAIN_KINDS:
                        codes.add(node.params.get("title") or node.params.get("award"))
        return frozenset(codes - {None})

    def verdict(self, candidate: Candidate, award: str) -> Verdict:
        kind = self.catalogue.get(award)
        recipient = COLLECTIVE if candidate.is_unit else INDIVIDUAL
        if recipient not in kind.recipients:
            raise EligibilityError(f"“{kind.name}” không xét tặng cho {RECIPIENTS[recipient]}")
        conditions = self.conditions(candidate, award)
        if not any(r.standard for r in self.rules(candidate, award)):
            # No standard encoded for this form: say so rather than answer "eligible".
            missing = ConditionResult(
                rule_id="—",
                text=f"Tiêu chuẩn “{kind.name}” cho {RECIPIENTS[recipient]} chưa được mã hóa",
                legal_basis="",
                status=Status.UNKNOWN,
                detail=f"{self.ruleset.title} không có tiêu chuẩn có hiệu lực ngày "
                f"{self.as_of:%d/%m/%Y}",
            )
            conditions = (missing, *conditions)
        return Verdict(
            candidate_id=candidate.id,
            award=award,
            award_name=kind.name,
            year=self.year,
            as_of=self.as_of,
            ruleset_id=self.ruleset.id,
            conditions=conditions,
            ruleset_title=self.ruleset.title,
        )


def consideration_day(year: int, as_of: date | None, annual: bool = True) -> date:
    """The consideration date of ``year``: 31/12 by default.

    An annual title (``annual`` in the catalogue) judged before the year's end is refused: the
    year's achievement is not complete, and the set in force before it (the 2003 law for 2024
    judged on 01/06/2023) would judge it. A form of commendation that is not annual (Bằng khen)
    may be considered during the year, as its achievement is reached ("thành tích đến đâu khen
    thưởng đến đó", Luật Thi đua, khen thưởng 2022, Điều 5), but never before the year begins."""
    day = as_of or reference_date(year)
    first = date(year, 1, 1) if not annual else reference_date(year)
    if day < first:
        if annual:
            raise EligibilityError(
                f"Ngày xét {day:%d/%m/%Y} trước khi kết thúc năm thi đua {year}: danh hiệu thi "
                f"đua hằng năm chỉ xét thành tích cả năm, từ ngày 31/12/{year} trở đi"
            )
        raise EligibilityError(
            f"Ngày xét {day:%d/%m/%Y} trước năm {year}: thành tích năm {year} chưa có"
        )
    return day


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
    judge = _Judge(ruleset, catalogue, year, day, achievement_ref, assumed)
    return judge.verdict(candidate, award)


# ---------------------------------------------------------------------------------------------
# Batches of proposals: double use of achievements, discipline and quotas


@dataclass(frozen=True)
class Proposal:
    """One proposed award. ``unit`` and ``cluster`` are the groups quotas are counted in (for a
    person, ``unit`` defaults to the unit on the consideration day; for a unit, its own code).
    Lower ``priority`` goes first when a quota is short (e.g. the order of the unit's vote)."""

    candidate: Candidate
    award: str
    unit: str | None = None
    cluster: str | None = None
    achievement_ref: str | None = None
    priority: int = 0
    ref: str | None = None

    def label(self, index: int) -> str:
        return self.ref or f"đề nghị thứ {index + 1}"


@dataclass(frozen=True)
class Reason:
    rule_id: str
    legal_basis: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "legal_basis": self.legal_basis, "message": self.message}


@dataclass(frozen=True)
class Decision:
    """Outcome of one proposal: accepted, refused (with reasons), or None pending missing data."""

    proposal: Proposal
    accepted: bool | None
    reasons: tuple[Reason, ...]
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.proposal.ref,
            "candidate_id": self.proposal.candidate.id,
            "award": self.proposal.award,
            "accepted": self.accepted,
            "reasons": [r.to_dict() for r in self.reasons],
            "verdict": self.verdict.to_dict(),
        }


@dataclass(frozen=True)
class QuotaUsage:
    rule_id: str
    legal_basis: str
    award: str
    group: str
    base: int
    limit: int
    used: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class QuotaResult:
    decisions: tuple[Decision, ...]
    quotas: tuple[QuotaUsage, ...]

    @property
    def accepted(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.accepted)

    @property
    def refused(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.accepted is False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decisions": [d.to_dict() for d in self.decisions],
            "quotas": [q.to_dict() for q in self.quotas],
        }


def _group(proposal: Proposal, group_by: str, day: date) -> str | None:
    if group_by == "all":
        return "*"
    if group_by == "cluster":
        return proposal.cluster
    if proposal.unit:
        return proposal.unit
    cand = proposal.candidate
    return cand.code if cand.is_unit else cand.unit_on(day)


def _reasons(verdict: Verdict) -> tuple[Reason, ...]:
    picked = verdict.failing if verdict.eligible is False else verdict.unknown
    return tuple(Reason(c.rule_id, c.legal_basis, f"{c.text}: {c.detail}") for c in picked)


def apply_quotas(
    proposals: Sequence[Proposal],
    year: int,
    rules: RuleSet | None = None,
    *,
    existing: Mapping[tuple[str, str], int] | None = None,
    as_of: date | None = None,
    catalogue: Catalogue | None = None,
) -> QuotaResult:
    """Decide a batch of proposals for one year.

    Awards are processed from the lowest rank up, so a quota's base (accepted Chiến sĩ tiên tiến
    for the 15% of Chiến sĩ thi đua cơ sở) is known before it is applied, and a title accepted
    here counts as held for the higher ones. ``existing`` adds awards already decided outside the
    batch: ``{(award_code, group): count}``, with group a unit code, a cluster code or ``"*"``;
    ``(CLUSTER_LEADERS, group)`` counts cluster/block leaders outside the batch.

    Within a quota, proposals are taken by (priority, input order). A proposal whose eligibility
    is unknown keeps its slot (accepted None) so that completing its data cannot exceed the cap.
    """
    catalogue = catalogue or load_catalogue()
    # One annual title in the batch is enough to need the whole year.
    annual = any(catalogue.get(p.award).annual for p in proposals)
    day = consideration_day(year, as_of, annual)
    ruleset = rules or ruleset_for(year, as_of=as_of)
    existing = existing or {}
    order = sorted(range(len(proposals)), key=lambda i: (proposals[i].priority, i))
    reuse = _batch_reuse(proposals, order, ruleset, day, catalogue, year)
    accepted: dict[int, bool | None] = {}
    reasons: dict[int, list[Reason]] = {i: [] for i in range(len(proposals))}
    verdicts: dict[int, Verdict] = {}
    granted: dict[str, set[str]] = {}
    usages: list[QuotaUsage] = []
    by_award: dict[str, list[int]] = {}
    for i in order:
        by_award.setdefault(proposals[i].award, []).append(i)
    for award in sorted(by_award, key=lambda code: catalogue.get(code).rank):
        indices = by_award[award]
        for i in indices:
            p = proposals[i]
            judge = _Judge(ruleset, catalogue, year, day, p.achievement_ref, granted)
            verdicts[i] = verdict = judge.verdict(p.candidate, award)
            if i in reuse:
                accepted[i] = False
                reasons[i].append(reuse[i])
            else:
                accepted[i] = verdict.eligible
            reasons[i].extend(_reasons(verdict))
        for rule in ruleset.quotas(day):
            if rule.applies(award):
                usages += _apply_quota(
                    rule,
                    award,
                    indices,
                    proposals,
                    accepted,
                    reasons,
                    existing,
                    day,
                    year,
                    catalogue,
                )
        for i in indices:
            if accepted[i]:
                granted.setdefault(proposals[i].candidate.id, set()).add(award)
    decisions = tuple(
        Decision(proposals[i], accepted[i], tuple(reasons[i]), verdicts[i])
        for i in range(len(proposals))
    )
    return QuotaResult(decisions, tuple(usages))


def _batch_reuse(proposals, order, ruleset, day, catalogue, year) -> dict[int, Reason]:
    """One achievement backs one award: a later proposal reusing it in the batch is refused,
    naming the earlier one. The key is (candidate, achievement): a unit's achievement may still
    reward the unit and, separately, the people in it."""
    rule = next(
        (
            r
            for r in ruleset.rules
            if r.kind == "eligibility"
            and r.in_force(day)
            and r.condition.kind == "achievement_not_rewarded"
        ),
        None,
    )
    rule_id, basis = (rule.id, rule.legal_basis) if rule else ("R16", "")
    first: dict[tuple[str, str], int] = {}
    refused: dict[int, Reason] = {}
    for i in order:
        p = proposals[i]
        ref = normalise_ref(p.achievement_ref)
        if not ref:
            continue
        key = (p.candidate.id, ref)
        if key in first:
            j = first[key]
            name = catalogue.name(proposals[j].award)
            refused[i] = Reason(
                rule_id,
                basis,
                f"Thành tích “{p.achievement_ref}” đã dùng cho đề nghị “{name}” năm {year} "
                f"({proposals[j].label(j)}) trong cùng đợt",
            )
        else:
            first[key] = i
    return refused


def _apply_quota(
    rule, award, indices, proposals, accepted, reasons, existing, day, year, catalogue
):
    spec = rule.quota
    groups: dict[str | None, list[int]] = {}
    for i in indices:
        if accepted[i] is not False:
            groups.setdefault(_group(proposals[i], spec.group_by, day), []).append(i)
    usages = []
    name = catalogue.name(award)
    for group, members in groups.items():
        if group is None:
            for i in members:
                accepted[i] = None
                reasons[i].append(
                    Reason(rule.id, rule.legal_basis, "Chưa rõ đơn vị, cụm để tính tỷ lệ")
                )
            continue
        if spec.of_award:
            base = existing.get((spec.of_award, group), 0) + sum(
                1
                for j, p in enumerate(proposals)
                if p.award == spec.of_award
                and accepted.get(j)
                and _group(p, spec.group_by, day) == group
            )
            base_name = catalogue.name(spec.of_award)
        else:
            leaders = {
                p.candidate.id
                for p in proposals
                if p.candidate.is_unit
                and p.candidate.leads_cluster.get(year)
                and _group(p, spec.group_by, day) == group
            }
            base = existing.get((CLUSTER_LEADERS, group), 0) + len(leaders)
            base_name = "tập thể dẫn đầu cụm, khối"
        limit = max(spec.limit(base), 0)
        used = existing.get((award, group), 0)
        pct = f"{spec.max_percent.normalize():f}".replace(".", ",")
        text = f"Tối đa {pct}% của {base} {base_name} ({ROUNDING[spec.rounding]}) = {limit}; {GROUPS[spec.group_by]}"
        for i in members:
            if used < limit:
                used += 1
                continue
            accepted[i] = False
            reasons[i].append(
                Reason(rule.id, rule.legal_basis, f"Vượt tỷ lệ “{name}”: {text}; đã đủ {limit}")
            )
        usages.append(QuotaUsage(rule.id, rule.legal_basis, award, group, base, limit, used, text))
    return usages


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
        judge = _Judge(ruleset, catalogue, year, day, None, {person.id: assumed})
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
