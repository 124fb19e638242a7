"""Scale rules: the registry of rule kinds of a scoring scale and their reference semantics.

Each criterion of a scale has exactly one rule; each rule kind (the ``kind`` key in the scale
document) is one :class:`~thidua.engine.rules.base.ScaleRuleKind` object in
:data:`SCALE_RULE_KINDS`, defined in its own module:

``target``  a measured value against a target (:mod:`.target`);
``plan``    percentage of plan (:mod:`.plan`);
``count``   ± points per event, limited to a cap (:mod:`.count`);
``judged``  points entered by an inspector within 0..max (:mod:`.judged`);
``veto``    điểm liệt: disqualifies from the ranking or named awards (:mod:`.veto`);
``yes_no``  full points when the answer is the expected one (:mod:`.yes_no`);
``info``    an information-only figure: reported, shown, summed, never scored (:mod:`.info`).

:func:`evaluate` is the *reference* computation of one criterion for one unit, in exact Decimal
arithmetic. The vectorised NumPy path in :mod:`thidua.engine.kernel` must give the same points;
where floating point could disagree it calls back into :func:`evaluate`, and the property tests
compare the two on random inputs. A new kind is one module here (its rule dataclass and its
:class:`ScaleRuleKind`; family ``ref`` until it has a vectorised one), its line in ``_KINDS`` and
``ScaleRule`` below, its row in the Django table (``thidua/cycle/plan/rule_kinds.py``), its report
sentence (``INDICATORS`` in ``thidua/documents/indicators.py``, ``None`` for none) and tests
(``tests/engine/test_rule_kinds.py`` and ``tests/cycle/test_rule_kinds.py`` check that every kind
has all its parts).

These are *scale* rules; the national eligibility rules are in :mod:`thidua.engine.eligibility_rules`
and a cluster's award rules in :mod:`thidua.engine.awards`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..numbers import Rounding
from .base import INPUTS, Bonus, Outcome, ScaleRuleKind, Step, ValueProblem
from .count import CountKind, CountRule
from .info import InfoKind, InfoRule
from .judged import JudgedKind, JudgedRule
from .plan import PlanKind, PlanRule
from .target import TargetKind, TargetRule
from .veto import VetoKind, VetoRule
from .yes_no import YesNoKind, YesNoRule

__all__ = [
    "INPUTS",
    "SCALE_RULE_KINDS",
    "Bonus",
    "CountRule",
    "InfoRule",
    "JudgedRule",
    "Outcome",
    "PlanRule",
    "ScaleRule",
    "ScaleRuleKind",
    "Step",
    "TargetRule",
    "ValueProblem",
    "VetoRule",
    "YesNoRule",
    "check_target",
    "check_value",
    "effective_target",
    "evaluate",
    "kind_of",
]

ScaleRule = TargetRule | PlanRule | CountRule | JudgedRule | VetoRule | YesNoRule | InfoRule

_KINDS: tuple[ScaleRuleKind, ...] = (
    TargetKind(),
    PlanKind(),
    CountKind(),
    JudgedKind(),
    VetoKind(),
    YesNoKind(),
    InfoKind(),
)

#: every scale rule kind by its ``kind`` name, in the order the documents list them
SCALE_RULE_KINDS: Mapping[str, ScaleRuleKind] = MappingProxyType({k.kind: k for k in _KINDS})


def kind_of(rule: Any) -> ScaleRuleKind:
    """The registry entry of a parsed rule."""
    return SCALE_RULE_KINDS[rule.kind]


def check_value(rule: ScaleRule, max_points: Decimal, value: Any, places: int) -> None:
    """Raise :class:`ValueProblem` if ``value`` (already a Decimal or bool) does not fit the rule."""
    kind_of(rule).check_value(rule, max_points, value, places)


def check_target(rule: ScaleRule, target: Decimal | None) -> None:
    """Raise :class:`ValueProblem` if the (effective) target cannot be used by the rule."""
    kind_of(rule).check_target(rule, target)


def effective_target(rule: ScaleRule, unit_target: Decimal | None) -> Decimal | None:
    if unit_target is not None:
        return unit_target
    return kind_of(rule).default_target(rule)


def evaluate(
    rule: ScaleRule, max_points: Decimal, value: Any, target: Decimal | None, rounding: Rounding
) -> Outcome:
    """Reference points of one criterion for one (present, checked) value.

    ``value`` is a Decimal (bool for veto and yes/no); ``target`` is the effective target (see
    :func:`effective_target`). Call :func:`check_value` and :func:`check_target` first.
    """
    return kind_of(rule).evaluate(rule, max_points, value, target, rounding)
