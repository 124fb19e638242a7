"""The cycle's proposals consult the eligibility rules (issue 5) before they go to the Ministry.

Standing in the cluster (rules R10–R13: "the collective leading its cluster") is what the cluster's
own award rules decide — its ranking method, the honouring vote and its quotas, checked by
thidua.engine.award_checks — so a unit the cluster's rules place among the recipients is taken as
leading by that method. Everything about the unit itself is the law's and is checked here: no award
while under discipline or awaiting review (R15), one achievement one reward (R16), the unit's level
(R26), and the rest of the rule set in force that year.
"""

from __future__ import annotations

import dataclasses

from thidua.cycle.models import Cycle, Proposal
from thidua.engine import eligibility as engine
from thidua.engine.eligibility import UnknownAward, load_catalogue
from thidua.honours.eligibility import ruleset_for, unit_candidate


def cluster_standing(unit_pks: set[int], year: int) -> dict[int, bool]:
    """Whether one of ``unit_pks`` (a unit and its predecessors) led its cluster in ``year``: the
    honouring vote once closed, else the top of the latest ranking; {} when the year was not run in
    the system. Registered with the register's eligibility (honours) by CycleConfig.ready."""
    cycle = (
        Cycle.objects.filter(cluster__year=year, cluster__memberships__unit__in=unit_pks)
        .select_related("cluster")
        .first()
    )
    if cycle is None:
        return {}
    vote = getattr(cycle, "honour_vote", None)  # RelatedObjectDoesNotExist is an AttributeError
    if vote is not None and vote.state == vote.State.CLOSED:
        return {year: bool(vote.passed) and vote.candidate_id in unit_pks}
    ranking = cycle.rankings.first()
    if ranking is None:
        return {}
    top = {e.unit_id for e in ranking.entries.all() if e.rank == 1 and not e.vetoed}
    return {year: bool(top & unit_pks)}


def catalogue_code(award_name: str) -> str | None:
    """The national catalogue's code for a cluster award, by its name or one of the catalogue's
    aliases (“Bằng khen của Bộ Công an” is the Minister's Bằng khen); None when it resolves to
    nothing, which ``ineligible`` reports as an error rather than skipping the checks."""
    try:
        return load_catalogue().resolve(award_name)
    except UnknownAward:
        return None


def verdict_for(proposal: Proposal):
    """The eligibility verdict of one proposal, or None when the award is not in the catalogue."""
    code = catalogue_code(proposal.award_name)
    if code is None:
        return None
    year = proposal.cycle.cluster.year
    candidate = unit_candidate(proposal.unit, year)
    candidate = dataclasses.replace(
        candidate, leads_cluster={**candidate.leads_cluster, year: True}
    )
    return engine.check(
        candidate,
        code,
        year,
        ruleset_for(year, None),
        achievement_ref=f"thi-dua:{year}:cum-{proposal.cycle.cluster.number}:{proposal.unit.code}",
    )


def ineligible(cycle: Cycle, proposals) -> list[str]:
    """Why each ineligible proposal may not go to the Ministry, citing the failing rules."""
    problems = []
    for proposal in proposals:
        verdict = verdict_for(proposal)
        if verdict is None:
            problems.append(
                f"{proposal.unit.short_name}: “{proposal.award_name}” không khớp danh hiệu, hình "
                "thức nào trong danh mục khen thưởng — không kiểm tra được điều kiện (kỷ luật, "
                "trùng thành tích…); sửa tên trong quy chế khen thưởng của Cụm."
            )
            continue
        if verdict.eligible is not False:
            continue
        reasons = "; ".join(
            f"{c.text}{' — ' + c.detail if c.detail else ''} ({c.public_basis})"
            for c in verdict.failing
        )
        problems.append(
            f"{proposal.unit.short_name}: không đủ điều kiện {proposal.award_name} — {reasons}."
        )
    return problems
