"""What every reviewer of a proposal reads: the award it names (a class is part of the proposal),
the eligibility engine's "why (not)", and the quota rules of the year's rule set, used/allowed per
unit, wherever proposals are gathered (the unit's own, the cluster's, the Ministry's review).

The cap of Chiến sĩ thi đua cơ sở (at most 15% of the unit's Chiến sĩ tiên tiến) and every other
quota of the rule set in force are applied by the engine's ``apply_quotas`` to the live proposals
of the year, counting what the register already holds for that year as decided outside the batch.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from thidua.cycle.models import Cycle, Proposal
from thidua.engine import eligibility as engine
from thidua.engine.eligibility import Verdict, load_catalogue
from thidua.engine.eligibility_rules import reference_date
from thidua.honours.eligibility import candidates, roster, ruleset_for, unit_candidate
from thidua.honours.models import Person

LIVE = (
    Proposal.State.DRAFT,
    Proposal.State.SUBMITTED,
    Proposal.State.RETURNED,
    Proposal.State.APPROVED,
)
CLASS_SUFFIX = re.compile(r"^(?P<family>.+)_hang_(?P<cls>nhat|nhi|ba)$")
CLASSES = {"nhat": "hạng Nhất", "nhi": "hạng Nhì", "ba": "hạng Ba"}
RECIPIENT_WORDS = {"ca_nhan": "cá nhân", "tap_the": "tập thể"}


# -- the award a proposal names --------------------------------------------------------------------


@dataclass(frozen=True)
class AwardChoice:
    """One entry of the proposal form: an award, or an order whose class is chosen with it."""

    code: str
    name: str
    classes: tuple[str, ...] = ()  # "nhat", "nhi", "ba" when the class is part of the proposal
    recipients: tuple[str, ...] = ()


def award_choices(recipient: str) -> list[AwardChoice]:
    """Every catalogue award a unit or cluster may propose for this kind of recipient ("ca_nhan" or
    "tap_the"); orders with classes (Huân chương Chiến công) appear once, their class chosen apart."""
    catalogue = load_catalogue()
    families: dict[str, AwardChoice] = {}
    plain: list[AwardChoice] = []
    for kind in sorted(catalogue, key=lambda k: k.rank):
        if recipient not in kind.recipients:
            continue
        match = CLASS_SUFFIX.match(kind.code)
        if match:
            family = match["family"]
            name = re.sub(r"\s+hạng\s+\w+$", "", kind.name)
            found = families.get(family)
            families[family] = AwardChoice(
                family,
                name,
                (*(found.classes if found else ()), match["cls"]),
                tuple(kind.recipients),
            )
        else:
            plain.append(AwardChoice(kind.code, kind.name, (), tuple(kind.recipients)))
    return plain + list(families.values())


def resolve_award(code: str, award_class: str, recipient: str) -> tuple[str, str]:
    """The catalogue code and name a proposal's award and class name, or a Vietnamese refusal."""
    catalogue = load_catalogue()
    choice = next((c for c in award_choices(recipient) if c.code == code), None)
    if choice is None:
        if code in catalogue:
            who = RECIPIENT_WORDS.get(recipient, recipient)
            raise ValidationError({"award": f"“{catalogue.name(code)}” không xét tặng cho {who}."})
        raise ValidationError({"award": "Hình thức khen thưởng không có trong danh mục."})
    if choice.classes:
        if not award_class:
            names = ", ".join(CLASSES[c] for c in choice.classes)
            raise ValidationError({"award_class": f"“{choice.name}” phải chọn hạng ({names})."})
        if award_class not in choice.classes:
            raise ValidationError(
                {"award_class": f"“{choice.name}” không có hạng “{award_class}”."}
            )
        full = f"{choice.code}_hang_{award_class}"
        return full, catalogue.name(full)
    if award_class:
        raise ValidationError({"award_class": f"“{choice.name}” không chia hạng."})
    return choice.code, choice.name


# -- why (not) -------------------------------------------------------------------------------------


def catalogue_code(proposal: Proposal) -> str | None:
    """The catalogue's code of a proposal's award: its own for individual and outside proposals,
    the one of the same name for the cluster's awards (None: the cluster's award has no equal)."""
    if proposal.award_code in load_catalogue():
        return proposal.award_code
    from thidua.cycle.outcome.eligibility import catalogue_code as by_name

    return by_name(proposal.award_name)


def verdicts(proposals: Sequence[Proposal]) -> dict[int, Verdict | None]:
    """The eligibility engine's verdict of each proposal (None: nothing in the catalogue to check)."""
    from thidua.cycle.outcome.eligibility import verdict_for

    people = candidates(
        Person.objects.filter(pk__in={p.person_id for p in proposals if p.person_id})
    )
    out: dict[int, Verdict | None] = {}
    for p in proposals:
        code = catalogue_code(p)
        year = p.cycle.cluster.year
        if code is None:
            out[p.pk] = None
        elif p.person_id:
            out[p.pk] = engine.check(people[p.person_id], code, year, ruleset_for(year, None))
        elif p.origin == Proposal.Origin.OUTSIDE:
            out[p.pk] = engine.check(
                unit_candidate(p.unit, year), code, year, ruleset_for(year, None)
            )
        else:
            out[p.pk] = verdict_for(p)
    return out


def refusal(proposal: Proposal, verdict: Verdict | None) -> str | None:
    """The sentence that stops an ineligible proposal, citing the failing conditions."""
    if verdict is None or verdict.eligible is not False:
        return None
    reasons = "; ".join(
        f"{c.text}{' — ' + c.detail if c.detail else ''} ({c.public_basis or c.rule_title})"
        for c in verdict.failing
    )
    return f"{who(proposal)}: không đủ điều kiện “{verdict.award_name}” — {reasons}."


def who(proposal: Proposal) -> str:
    if proposal.person_id:
        return f"{proposal.person.full_name} ({proposal.unit.short_name})"
    return proposal.unit.short_name


# -- quotas ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    """One quota in one group (a unit, or the whole batch): proposals against the limit."""

    award: str
    award_name: str
    group: str
    group_name: str
    used: int
    limit: int
    base: int
    text: str
    legal_basis: str

    @property
    def over(self) -> bool:
        return self.used > self.limit


@dataclass(frozen=True)
class QuotaReport:
    lines: tuple[QuotaLine, ...]
    refused: dict[int, str]  # proposal pk (or 0 for the one being added) → why, with the numbers

    def problems(self) -> list[str]:
        return list(dict.fromkeys(self.refused.values()))


def _engine_proposal(p: Proposal, code: str, cluster: str, people, units) -> engine.Proposal:
    if p.person_id:
        candidate = people[p.person_id]
    else:
        candidate = units.get(p.unit_id)
        if candidate is None:
            candidate = units[p.unit_id] = unit_candidate(p.unit, p.cycle.cluster.year)
            if p.origin != Proposal.Origin.OUTSIDE:
                year = p.cycle.cluster.year
                candidate = units[p.unit_id] = dataclasses.replace(
                    candidate, leads_cluster={**candidate.leads_cluster, year: True}
                )
    return engine.Proposal(
        candidate=candidate, award=code, unit=p.unit.code, cluster=cluster, ref=str(p.pk or 0)
    )


def _existing(cycle: Cycle, unit_ids: Iterable[int], codes: set[str]) -> dict[tuple[str, str], int]:
    """Titles the register already holds for the year, per unit's roster on the consideration day
    (decided outside this batch: e.g. the unit's Chiến sĩ tiên tiến, the 15% cap's base)."""
    from thidua.org.models import Unit

    year = cycle.cluster.year
    day = reference_date(year)
    counts: dict[tuple[str, str], int] = {}
    for unit in Unit.objects.filter(pk__in=set(unit_ids)):
        for person in roster(unit, day).values():
            for award in person.awards:
                if award.year == year and not award.revoked and award.code in codes:
                    key = (award.code, unit.code)
                    counts[key] = counts.get(key, 0) + 1
    return counts


def quota_report(cycle: Cycle, *, extra: Proposal | None = None, states=LIVE) -> QuotaReport:
    """Every quota rule of the year's rule set applied to the year's live proposals (plus `extra`,
    a proposal not saved yet), with used/allowed per unit and each refusal with its numbers."""
    year = cycle.cluster.year
    rules = ruleset_for(year, None)
    catalogue = load_catalogue()
    proposals = list(
        Proposal.objects.filter(cycle=cycle, state__in=states).select_related(
            "unit", "person", "cycle__cluster"
        )
    )
    if extra is not None:
        proposals.append(extra)
    coded = [(p, catalogue_code(p)) for p in proposals]
    coded = [(p, c) for p, c in coded if c is not None]
    people = candidates(
        Person.objects.filter(pk__in={p.person_id for p, _ in coded if p.person_id})
    )
    units: dict[int, engine.Unit] = {}
    cluster = f"cum-{cycle.cluster.number}"
    batch = [_engine_proposal(p, c, cluster, people, units) for p, c in coded]
    quota_codes = set()
    for rule in rules.quotas(reference_date(year)):
        for kind in catalogue:
            if rule.applies(kind.code):
                quota_codes.add(kind.code)
                if rule.quota.of_award:
                    quota_codes.add(rule.quota.of_award)
    existing = _existing(cycle, {p.unit_id for p, _ in coded}, quota_codes)
    result = engine.apply_quotas(batch, year, rules, existing=existing, catalogue=catalogue)
    names = {u.code: u.short_name for u in cycle.members()}
    names.update({p.unit.code: p.unit.short_name for p, _ in coded})
    lines = []
    for usage in result.quotas:
        proposed = sum(1 for p in batch if p.award == usage.award and p.unit == usage.group)
        if usage.group == "*":
            proposed = sum(1 for p in batch if p.award == usage.award)
        used = existing.get((usage.award, usage.group), 0) + proposed
        lines.append(
            QuotaLine(
                usage.award,
                catalogue.name(usage.award),
                usage.group,
                names.get(usage.group, "toàn bộ đề nghị" if usage.group == "*" else usage.group),
                used,
                usage.limit,
                usage.base,
                usage.text,
                usage.legal_basis,
            )
        )
    by_ref = {str(p.pk or 0): p for p, _ in coded}
    refused: dict[int, str] = {}
    for decision in result.decisions:
        quota_reasons = [r for r in decision.reasons if r.message.startswith("Vượt tỷ lệ")]
        if not quota_reasons:
            continue
        p = by_ref[decision.proposal.ref or "0"]
        line = next(
            (
                q
                for q in lines
                if q.award == decision.proposal.award and q.group in (decision.proposal.unit, "*")
            ),
            None,
        )
        numbers = f" Đề nghị/được phép: {line.used}/{line.limit}." if line else ""
        refused[p.pk or 0] = (
            f"{who(p)} — {catalogue.name(decision.proposal.award)}: {quota_reasons[0].message} "
            f"({quota_reasons[0].legal_basis}).{numbers}"
        )
    return QuotaReport(tuple(lines), refused)
