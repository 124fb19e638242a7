"""The Django side of the scale rule kinds: one row per kind, next to the engine's registry.

The engine (:data:`thidua.engine.rules.SCALE_RULE_KINDS`) knows how a kind reads, checks, scores and
explains. This table holds what the pages and files say about it:

- ``label``: its name in the scale workbook's “Loại” list (and the document's own word);
- ``short``: the printed scale's “Loại” column for one criterion (deductions and bonuses differ);
- ``columns``: the criteria-sheet columns (rule keys) the kind fills in the scale workbook;
- ``words``: the rule as the printed scale says it (method page);
- ``goal``: the word for a unit's own goal in forms and workbooks (“Chỉ tiêu”, “Kế hoạch”) or "".

How the results form asks for a criterion follows the engine's ``input`` (a number, có/không, or
judged points with a remark). A new kind is its engine module, one row here and tests
(``tests/engine/test_rule_kinds.py`` checks that every kind has both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from thidua.engine.numbers import fmt_number
from thidua.engine.rules import SCALE_RULE_KINDS, Bonus, kind_of
from thidua.engine.scale import Criterion

__all__ = [
    "RULE_KIND_ROWS",
    "RuleKindRow",
    "goal_criteria",
    "goal_label",
    "input_kind",
    "kind_label",
    "row_of",
    "rule_words",
]


def num(value: Decimal | int) -> str:
    """A number as printed in the scale: Vietnamese separators, a true minus sign."""
    return fmt_number(value).replace("-", "−")


def _v(value: Decimal, unit: str) -> str:
    return f"{num(value)}{unit}" if unit in ("%", "") else f"{num(value)} {unit}"


def _pts(value: Decimal) -> str:
    return f"{num(value)} điểm"


def _bonus_words(bonus: Bonus | None, unit: str, over: str) -> str:
    if bonus is None:
        return ""
    step = "trọn " if bonus.whole_steps else ""
    return (
        f"; thưởng {_pts(bonus.points)} mỗi {step}{_v(bonus.per, unit)} vượt {over}, "
        f"tối đa {_pts(bonus.cap)}"
    )


# -- the printed scale's words, one function per kind -------------------------------------------


def _target_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    higher = rule.direction == "higher"
    better, worse = ("≥", "≤") if higher else ("≤", "≥")
    goal = (
        f"{better} {_v(rule.target, rule.unit)}"
        if rule.target is not None
        else "Đạt chỉ tiêu riêng của đơn vị"
    )
    if rule.method == "linear":
        zero = rule.zero_at if rule.zero_at is not None else Decimal(0)
        text = f"{goal}: tối đa {_pts(top)}; chưa đạt: tính tuyến tính, {worse} {_v(zero, rule.unit)}: 0 điểm"
    elif rule.method == "all_or_nothing":
        text = f"{goal}: {_pts(top)}; không đạt: 0 điểm"
    else:
        steps = "; ".join(
            f"{better} {_v(s.value, rule.unit)}: {_pts(s.points)}" for s in rule.steps
        )
        text = f"Theo mức: {steps}; thấp hơn: 0 điểm"
    return text + _bonus_words(rule.bonus, rule.unit, "chỉ tiêu")


def _plan_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    plan = f" (kế hoạch mặc định {_v(rule.plan, rule.unit)})" if rule.plan is not None else ""
    below = (
        "tỷ lệ thuận với phần trăm kế hoạch"
        if rule.zero_at == 0
        else f"tính tuyến tính, ≤ {num(rule.zero_at)}% kế hoạch: 0 điểm"
    )
    text = f"Thực hiện ≥ {num(rule.full_at)}% kế hoạch{plan}: tối đa {_pts(top)}; chưa đạt: {below}"
    return text + _bonus_words(rule.bonus, "%", "kế hoạch")


def _count_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    each = rule.unit or "lần"
    if rule.per_event < 0:
        return f"Trừ {_pts(-rule.per_event)} mỗi {each}, trừ tối đa {_pts(rule.limit)}"
    return f"Cộng {_pts(rule.per_event)} mỗi {each}, cộng tối đa {_pts(rule.limit)}"


def _judged_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    return f"Đoàn kiểm tra chấm từ 0 đến {_pts(top)}; dưới mức tối đa phải có nhận xét"


def _veto_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    if rule.scope == "ranking":
        return "Nếu xảy ra: đơn vị không được xếp hạng"
    names = ", ".join(award_names.get(code, code) for code in rule.awards)
    return f"Nếu xảy ra: không được xét {names}"


def _yes_no_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    yes, no = ("Có", "không") if rule.expected else ("Không", "có")
    return f"{yes}: {_pts(top)}; {no}: 0 điểm"


def _info_words(rule: Any, top: Decimal, award_names: Mapping[str, str]) -> str:
    text = "Chỉ tiêu thông tin: báo cáo, tổng hợp, không tính điểm"
    if rule.rate:
        part = "tử số" if rule.role == "numerator" else "mẫu số"
        text += f" ({part} của tỷ lệ {rule.rate}, tổng hợp toàn Cụm theo tỷ lệ gộp)"
    return text


# -- the table ------------------------------------------------------------------------------------

_BONUS = ("rule.bonus.per", "rule.bonus.points", "rule.bonus.cap", "rule.bonus.whole_steps")


@dataclass(frozen=True)
class RuleKindRow:
    kind: str
    label: str  # the scale workbook's “Loại” list
    short: Callable[[Any], str]  # the printed scale's “Loại” column for one rule
    columns: tuple[str, ...]  # criteria-sheet columns (document keys) this kind fills
    words: Callable[[Any, Decimal, Mapping[str, str]], str]  # the rule as the printed scale says it
    goal: str = ""  # a unit's own goal: "Chỉ tiêu" | "Kế hoạch" ("" : none)


def _fixed(text: str) -> Callable[[Any], str]:
    return lambda rule: text


RULE_KIND_ROWS: Mapping[str, RuleKindRow] = MappingProxyType(
    {
        row.kind: row
        for row in (
            RuleKindRow(
                "target",
                "Chỉ tiêu",
                _fixed("Chỉ tiêu"),
                (
                    "rule.unit",
                    "rule.direction",
                    "rule.method",
                    "rule.target",
                    "rule.zero_at",
                    "rule.steps",
                    *_BONUS,
                ),
                _target_words,
                goal="Chỉ tiêu",
            ),
            RuleKindRow(
                "plan",
                "Kế hoạch",
                _fixed("Kế hoạch"),
                ("rule.unit", "rule.target", "rule.zero_at", "rule.full_at", *_BONUS),
                _plan_words,
                goal="Kế hoạch",
            ),
            RuleKindRow(
                "count",
                "Cộng/trừ theo lần",
                lambda rule: "Điểm trừ" if rule.per_event < 0 else "Điểm cộng",
                ("rule.unit", "rule.per_event", "rule.limit"),
                _count_words,
            ),
            RuleKindRow("judged", "Chấm điểm", _fixed("Chấm điểm"), (), _judged_words),
            RuleKindRow(
                "veto", "Điểm liệt", _fixed("Điểm liệt"), ("rule.scope", "rule.awards"), _veto_words
            ),
            RuleKindRow(
                "yes_no", "Có/Không", _fixed("Có/không"), ("rule.expected",), _yes_no_words
            ),
            RuleKindRow(
                "info",
                "Thông tin",
                _fixed("Thông tin"),
                ("rule.unit", "rule.rate", "rule.role"),
                _info_words,
            ),
        )
    }
)
assert RULE_KIND_ROWS.keys() == SCALE_RULE_KINDS.keys(), "every scale rule kind needs its row"


def row_of(rule: Any) -> RuleKindRow:
    return RULE_KIND_ROWS[rule.kind]


def kind_label(criterion: Criterion) -> str:
    """The printed scale's “Loại” of a criterion, e.g. “Điểm trừ”."""
    return row_of(criterion.rule).short(criterion.rule)


def rule_words(criterion: Criterion, award_names: Mapping[str, str]) -> str:
    """The rule of one criterion as the printed scale says it, e.g. "≥ 76%: tối đa 10 điểm; …"."""
    return row_of(criterion.rule).words(criterion.rule, criterion.max_points, award_names)


def input_kind(criterion: Criterion) -> str:
    """How a form asks for this criterion: "bool", "judged" (points + remark) or "number"."""
    return kind_of(criterion.rule).input


def goal_label(criterion: Criterion) -> str:
    """“Chỉ tiêu” or “Kế hoạch”: the word for this criterion's per-unit goal ("" : none)."""
    return row_of(criterion.rule).goal


def goal_criteria(criteria: Any) -> list[Criterion]:
    """Criteria scored against a target or a plan: the ones a unit may have its own goal for."""
    return [c for c in criteria if kind_of(c.rule).target_field is not None]
