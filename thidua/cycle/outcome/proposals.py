"""Step 10: award proposals allocated by the cluster's rules, adjusted only within them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models import Cycle, Proposal
from thidua.cycle.models.outcome import readable_units
from thidua.cycle.outcome import review_checks as checks
from thidua.cycle.outcome.eligibility import ineligible
from thidua.cycle.scoring import consolidations, scale_of
from thidua.engine.award_checks import check_selection
from thidua.engine.awards import allocate_awards, parse_award_rules
from thidua.engine.ranking import Ranking as EngineRanking
from thidua.engine.ranking import rank
from thidua.engine.text import normalize
from thidua.org.models import Unit, User

T = TypeVar("T")

LIVE = [
    Proposal.State.DRAFT,
    Proposal.State.SUBMITTED,
    Proposal.State.RETURNED,
    Proposal.State.APPROVED,
]
# Proposals the cluster's award rules place (rank order, quotas of the cluster's rules); a unit's
# individual titles and awards outside the ranking are checked by the law's rules (review_checks).
RANKED = [Proposal.Origin.ENGINE, Proposal.Origin.ADJUSTED]


def engine_ranking(cycle: Cycle) -> EngineRanking:
    """The ranking as the engine sees it, recomputed from stored inputs (a read: nothing stored)."""
    return rank([c.sheet for c in consolidations(cycle)], scale_of(cycle.method).tie_breaks)


def honoured_unit(cycle: Cycle) -> Unit | None:
    vote = getattr(cycle, "honour_vote", None)
    return vote.candidate if vote is not None and vote.passed else None


@transaction.atomic
def allocate(cycle: Cycle, *, by: User) -> list[Proposal]:
    """Replace the draft proposals by the engine's allocation; every decision keeps its reason."""
    method = cycle.method
    ranking = engine_ranking(cycle)
    honoured = honoured_unit(cycle)
    allocation = allocate_awards(
        ranking,
        parse_award_rules(method.award_rules),
        honoured.code if honoured else None,
        members=len(cycle.member_ids()),
    )
    latest = cycle.rankings.first()
    if latest is not None:
        latest.allocation = allocation.to_dict()
        latest.save(update_fields=["allocation"])
    Proposal.objects.filter(cycle=cycle, state=Proposal.State.DRAFT, origin__in=RANKED).delete()
    units = {u.code: u for u in cycle.members()}
    created = []
    for decision in allocation.decisions:
        if not decision.granted:
            continue
        proposal = Proposal.objects.create(
            cycle=cycle,
            unit=units[decision.unit],
            award_code=decision.award,
            award_name=decision.award_name,
            rank=decision.rank,
            total=decision.total,
            basis=decision.reason,
        )
        created.append(proposal)
    audit(
        actor=by,
        action="allocate",
        obj=cycle,
        after={
            "proposals": [(p.unit.code, p.award_code) for p in created],
            "honoured": honoured.code if honoured else None,
        },
    )
    return created


def _selection(
    cycle: Cycle, *, extra: tuple[str, str] | None = None, without: int | None = None
) -> list[tuple[str, str]]:
    live = Proposal.objects.filter(cycle=cycle, state__in=LIVE, origin__in=RANKED).select_related(
        "unit"
    )
    pairs = [(p.unit.code, p.award_code) for p in live if p.pk != without]
    if extra:
        pairs.append(extra)
    return pairs


def selection_problems(
    cycle: Cycle, *, extra: tuple[str, str] | None = None, without: int | None = None
) -> list[str]:
    """Every way the live proposals (plus `extra`, minus `without`) break the cluster's rules or the law."""
    honoured = honoured_unit(cycle)
    problems = check_selection(
        engine_ranking(cycle),
        cycle.method.award_rules,
        _selection(cycle, extra=extra, without=without),
        honoured=honoured.code if honoured else None,
        members=len(cycle.member_ids()),
    )
    live = [
        p
        for p in Proposal.objects.filter(
            cycle=cycle, state__in=LIVE, origin__in=RANKED
        ).select_related("unit", "cycle__cluster")
        if p.pk != without
    ]
    if extra is not None:
        unit = next((u for u in cycle.members() if u.code == extra[0]), None)
        names = {a.code: a.name for a in parse_award_rules(cycle.method.award_rules).awards}
        if unit is not None and extra[1] in names:
            live.append(
                Proposal(cycle=cycle, unit=unit, award_code=extra[1], award_name=names[extra[1]])
            )
    return problems + ineligible(cycle, live) + outside_problems(cycle, without=without)


def outside_problems(cycle: Cycle, *, without: int | None = None) -> list[str]:
    """The unit's individual titles and the awards outside the ranking: the eligibility engine's
    refusals and every quota of the year's rule set (e.g. the 15% cap), with the numbers."""
    others = [
        p
        for p in Proposal.objects.filter(cycle=cycle, state__in=LIVE)
        .exclude(origin__in=RANKED)
        .select_related("unit", "person", "cycle__cluster")
        if p.pk != without
    ]
    judged = checks.verdicts(others)
    refusals = [r for p in others if (r := checks.refusal(p, judged[p.pk]))]
    return refusals + checks.quota_report(cycle).problems()


@transaction.atomic
def add_proposal(cycle: Cycle, *, by: User, unit: Unit, award_code: str, reason: str) -> Proposal:
    """A manual proposal (e.g. a tie at the quota's edge decided by the cluster): refused if outside the rules."""
    cycle.require_step(workflow.ADJUST_PROPOSALS, by)
    cycle.require_member(unit)
    reason = normalize(reason)
    if not reason:
        raise ValidationError({"reason": "Điều chỉnh đề nghị phải nêu lý do."})
    rules = parse_award_rules(cycle.method.award_rules)
    try:
        award = rules.award(award_code)
    except KeyError:
        raise ValidationError(
            {"award_code": "Hình thức không có trong quy chế khen thưởng của Cụm."}
        ) from None
    problems = selection_problems(cycle, extra=(unit.code, award_code))
    if problems:
        raise ValidationError({"award_code": problems})
    entry = engine_ranking(cycle).entry(unit.code)
    proposal = Proposal.objects.create(
        cycle=cycle,
        unit=unit,
        award_code=award.code,
        award_name=award.name,
        rank=entry.rank if entry else None,
        total=entry.total if entry else None,
        origin=Proposal.Origin.ADJUSTED,
        adjustment_reason=reason,
        basis=f"Thường trực Cụm điều chỉnh trong phạm vi quy chế: {reason}",
    )
    audit(actor=by, action="create", obj=proposal, after=snapshot(proposal), reason=reason)
    return proposal


@transaction.atomic
def submit_all(cycle: Cycle, *, by: User) -> int:
    """Submit every draft or returned proposal to the Ministry (after the rules check passed)."""
    pending = Proposal.objects.filter(
        cycle=cycle, state__in=[Proposal.State.DRAFT, Proposal.State.RETURNED]
    )
    count = 0
    for proposal in pending:
        before = snapshot(proposal, ["state"])
        proposal.state = Proposal.State.SUBMITTED
        proposal.decided_by, proposal.decided_at, proposal.decision_reason = None, None, ""
        proposal.version += 1
        proposal.save(
            update_fields=["state", "decided_by", "decided_at", "decision_reason", "version"]
        )
        audit(
            actor=by,
            action="submit",
            obj=proposal,
            before=before,
            after=snapshot(proposal, ["state"]),
        )
        count += 1
    return count


@transaction.atomic
def resubmit(cycle: Cycle, *, by: User) -> int:
    """After the Ministry returned some proposals: fix (withdraw or adjust) and send them again."""
    cycle.require_step(workflow.RESUBMIT, by)
    problems = selection_problems(cycle)
    if problems:
        raise ValidationError({"proposals": problems})
    return submit_all(cycle, by=by)


def with_unit_names(cycle: Cycle, action: Callable[[], T]) -> Callable[[], T]:
    """The rules name units by code ("bac-giang"): run `action` so that every refusal it raises
    names the units as people read them ("Bắc Giang")."""

    def run() -> T:
        try:
            return action()
        except ValidationError as exc:
            names = {u.code: u.short_name for u in cycle.members()}
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {
                        field: [readable_units(m, names) for m in messages]
                        for field, messages in exc.message_dict.items()
                    }
                ) from None
            raise ValidationError([readable_units(m, names) for m in exc.messages]) from None

    return run


__all__ = [
    "add_proposal",
    "allocate",
    "engine_ranking",
    "resubmit",
    "selection_problems",
    "submit_all",
    "with_unit_names",
]
