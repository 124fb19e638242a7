"""What evaluating a condition needs besides the condition (``Context``), and how a candidate
holds an award in a year (held, assumed in the same batch, revoked, missing or unknown)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from thidua.engine.eligibility_catalogue import Catalogue
from thidua.engine.eligibility_conditions import Condition
from thidua.engine.eligibility_model import Candidate, ConditionResult, Status


@dataclass
class Context:
    """What an evaluation needs besides the condition: the candidate, the year and the rules'
    principles. ``standard`` evaluates another award's standard (for eligible_for and for
    "meets the standard of" a same-year title) without the engine importing back here."""

    candidate: Candidate
    year: int
    as_of: date
    award: str
    catalogue: Catalogue
    rule_id: str
    legal_basis: str
    achievement_ref: str | None
    assumed: Mapping[str, frozenset[str]]
    count_revoked: bool
    waiver: tuple[str, str] | None  # (rule id, legal basis) when no lower award is required
    standard: Callable[[Candidate, str], tuple[ConditionResult, ...]]
    # (candidate id, award) pairs whose "assumed granted" status a result relied on.
    used_assumptions: set[tuple[str, str]] = field(default_factory=set)
    rule_title: str = ""
    unverified: str = ""
    # Titles the judged award's own standard is built from (the chain of Chiến sĩ thi đua cơ
    # sở behind Chiến sĩ thi đua toàn lực lượng CAND): an initiative behind one of them is the
    # chain the law asks for, not a second reward of one achievement.
    prerequisites: frozenset[str] = frozenset()
    day_text: str = field(init=False)

    def __post_init__(self) -> None:
        self.day_text = f"{self.as_of.day:02d}/{self.as_of.month:02d}/{self.as_of.year}"

    def result(self, cond: Condition, status: Status, detail: str, children=()) -> ConditionResult:
        return ConditionResult(
            rule_id=self.rule_id,
            text=cond.text,
            legal_basis=cond.legal_basis or self.legal_basis,
            status=status,
            detail=detail,
            kind=cond.kind,
            children=tuple(children),
            rule_title=self.rule_title,
            unverified=self.unverified,
        )


HELD, ASSUMED, REVOKED, MISSING, UNKNOWN = "held", "assumed", "revoked", "missing", "unknown"


def holding(ctx: Context, cand: Candidate, code: str, year: int):
    """(state, award) of ``cand`` for award ``code`` in ``year``; revoked awards do not count
    unless a principle rule says so (R18)."""
    hist = cand.history
    award = hist.valid.get(code, {}).get(year)
    if award is not None:
        return HELD, award
    if year == ctx.year and code in ctx.assumed.get(cand.id, ()):
        ctx.used_assumptions.add((cand.id, code))
        return ASSUMED, None
    revoked = hist.revoked.get(code, {}).get(year)
    if revoked is not None:
        return (HELD, revoked) if ctx.count_revoked else (REVOKED, revoked)
    return (MISSING, None) if cand.known(year) else (UNKNOWN, None)


def revoked_note(ctx: Context, award) -> str:
    note = f"năm {award.year} đã bị thu hồi ({award.describe(ctx.catalogue.name(award.code))}"
    if award.revocation_decision:
        note += f"; QĐ thu hồi {award.revocation_decision}"
    if award.revocation_ground:
        ground = ctx.catalogue.revocation_grounds.get(award.revocation_ground)
        note += f"; căn cứ: {ground or award.revocation_ground}"
    return note + ")"


# A decision annulled because the approval itself broke the rules (Luật TĐKT 2022, Chương VII,
# khoản 2 điểm c) says nothing about the achievement: the year may be judged again, properly.
# The other grounds (false declaration, forged files, violations found in the period) mean the
# standard was not met that year: the same form is not given again for that year.
REJUDGE_GROUNDS = frozenset({"xet_duyet_trai_quy_dinh"})
