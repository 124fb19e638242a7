"""The judge of one rule set for one year: every condition of an award's rules evaluated for a
candidate, one explained line each, and the consideration day of a year. Shared by ``check``,
``suggest`` (thidua.engine.eligibility) and ``apply_quotas`` (thidua.engine.eligibility_quotas).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from thidua.engine.eligibility_catalogue import (
    COLLECTIVE,
    INDIVIDUAL,
    RECIPIENTS,
    Catalogue,
    EligibilityError,
)
from thidua.engine.eligibility_evaluate import Context, evaluate
from thidua.engine.eligibility_model import Candidate, ConditionResult, Status, Verdict
from thidua.engine.eligibility_rules import reference_date
from thidua.engine.eligibility_ruleset import Rule, RuleSet

# Condition kinds whose "title"/"award" is a title the judged award's standard is built from.
_CHAIN_KINDS = ("consecutive_years_with_title", "holds_title_same_year", "has_award_before")
_MAX_DEPTH = 4  # eligible_for chains (Government flag → Ministry flag) are short; stop loops


class Judge:
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
