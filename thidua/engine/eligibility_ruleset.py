"""What a rule set is: its rules (standards, quotas, principles), each with its legal basis and
effective dates, and the words the pages use for their fields.

Rule sets are data (JSON in ``rulesets/``): reading, validating and choosing the set in force for a
year is ``thidua.engine.eligibility_rules``; judging a candidate by them is
``thidua.engine.eligibility``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from thidua.engine.eligibility_catalogue import Catalogue
from thidua.engine.eligibility_conditions import Condition

RULE_KINDS = {"eligibility": "tiêu chuẩn", "quota": "chỉ tiêu, tỷ lệ", "principle": "nguyên tắc"}
CONFIDENCE = {"H": "cao", "M": "trung bình", "L": "thấp"}
PRINCIPLES = {"lower_award_required": True, "revoked_awards_count": False}
GROUPS = {"unit": "mỗi đơn vị", "cluster": "mỗi cụm, khối", "all": "toàn bộ đợt đề nghị"}
ROUNDING = {
    "xuong": "làm tròn xuống",
    "len": "làm tròn lên",
    "gan_nhat": "làm tròn đến số gần nhất",
}


@dataclass(frozen=True)
class QuotaSpec:
    """At most ``max_percent`` of a base count: the accepted proposals and existing awards of
    ``of_award`` in the same group, or the number of cluster/block leaders in the group."""

    max_percent: Decimal
    group_by: str
    rounding: str
    of_award: str | None = None
    of_cluster_leaders: bool = False

    def limit(self, base: int) -> int:
        exact = Fraction(base) * Fraction(self.max_percent) / 100
        if self.rounding == "len":
            return math.ceil(exact)
        if self.rounding == "gan_nhat":
            return math.floor(exact + Fraction(1, 2))
        return math.floor(exact)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    applies_to: frozenset[str] | None  # None: every award in the catalogue
    legal_basis: str
    confidence: str
    effective_from: date | None = None
    effective_to: date | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    condition: Condition | None = None
    quota: QuotaSpec | None = None
    principle: Mapping[str, bool] = field(default_factory=dict)
    # False for bars to awarding (discipline, double reward): they are not part of a title's
    # standard, so "meets the standard of X" does not evaluate them.
    standard: bool = True
    digest: tuple[int, ...] = ()
    no_basis: tuple[str, ...] = ()
    note: str = ""
    # Only for individuals or only for collectives, for forms both may receive (Bằng khen).
    recipient: str | None = None
    # What of ``legal_basis`` is not verified against the text in force (shown to the
    # administrators who maintain rule sets, withheld from officers' pages and the API).
    unverified: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def in_force(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )

    def applies(self, award: str, recipient: str | None = None) -> bool:
        if self.recipient is not None and recipient is not None and recipient != self.recipient:
            return False
        return self.applies_to is None or award in self.applies_to

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.raw))


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    effective_from: date
    effective_to: date | None
    rules: tuple[Rule, ...]
    basis: str = ""
    note: str = ""
    # What of the set's basis is not verified yet: shown to the rule sets' maintainers only.
    unverified: str = ""
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def rules_for(
        self, award: str, day: date, kind: str = "eligibility", recipient: str | None = None
    ) -> tuple[Rule, ...]:
        """Rules of ``kind`` applying to ``award`` (for ``recipient``) on ``day`` (cached: hot path)."""
        key = (award, day, kind, recipient)
        found = self._cache.get(key)
        if found is None:
            found = tuple(
                r
                for r in self.rules
                if r.kind == kind and r.applies(award, recipient) and r.in_force(day)
            )
            self._cache[key] = found
        return found

    def principle(self, name: str, day: date) -> tuple[bool, Rule | None]:
        """Value of a principle on ``day`` and the rule that set it (None: the built-in default)."""
        key = ("principle", name, day)
        found = self._cache.get(key)
        if found is None:
            found = next(
                (
                    (rule.principle[name], rule)
                    for rule in self.rules
                    if rule.kind == "principle" and name in rule.principle and rule.in_force(day)
                ),
                (PRINCIPLES[name], None),
            )
            self._cache[key] = found
        return found

    def quotas(self, day: date) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind == "quota" and r.in_force(day))

    def awards_with_rules(
        self, day: date, catalogue: Catalogue, recipient: str | None = None
    ) -> list[str]:
        """Award codes with at least one specific (not catch-all) standard rule on ``day``."""
        codes = {
            code
            for r in self.rules
            if r.kind == "eligibility"
            and r.standard
            and r.applies_to
            and r.in_force(day)
            and (recipient is None or r.recipient in (None, recipient))
            for code in r.applies_to
            if recipient is None or recipient in catalogue.get(code).recipients
        }
        return sorted(codes, key=lambda c: catalogue.get(c).rank)

    def to_dict(self) -> dict[str, Any]:
        """The resolved set (no ``extends``): parsing it again gives an equal RuleSet."""
        return {
            "id": self.id,
            "title": self.title,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "basis": self.basis,
            "note": self.note,
            **({"unverified": self.unverified} if self.unverified else {}),
            "rules": [r.to_dict() for r in self.rules],
        }
