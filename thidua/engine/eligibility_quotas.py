"""A batch of proposals decided for one year: an achievement used twice refused, discipline and
every standard judged, and the quotas (15% Chiến sĩ thi đua cơ sở, 20% Cờ thi đua của Chính phủ)
applied in priority order, each refusal citing its rule and legal basis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from thidua.engine.eligibility_catalogue import Catalogue, load_catalogue
from thidua.engine.eligibility_judge import Judge, consideration_day
from thidua.engine.eligibility_model import Candidate, Verdict, normalise_ref
from thidua.engine.eligibility_rules import ruleset_for
from thidua.engine.eligibility_ruleset import GROUPS, ROUNDING, RuleSet

# Key of ``existing`` counts for the number of cluster/block leaders outside the batch.
CLUSTER_LEADERS = "tap_the_dan_dau_cum"


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
            judge = Judge(ruleset, catalogue, year, day, p.achievement_ref, granted)
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
