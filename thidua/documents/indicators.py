"""The report's sentences about the whole cluster: each measurable criterion aggregated over the
consolidated inputs of every member, one sentence per scale rule kind (INDICATORS), as the year-end
report prints them ("…: bình quân đạt 86,2%, cao hơn chỉ tiêu Bộ giao …; 5/6 đơn vị đạt chỉ tiêu").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from thidua.documents import numbers as vn
from thidua.engine.numbers import CONTEXT, dsum
from thidua.engine.rules import SCALE_RULE_KINDS
from thidua.engine.rules.info import pooled_rate
from thidua.engine.scale import Criterion, Scale

if TYPE_CHECKING:
    from thidua.cycle.models import ScoreSheet


@dataclass(frozen=True)
class Indicator:
    """A measurable criterion aggregated over the cluster, with the sentence the report prints."""

    code: str
    name: str
    kind: str
    sentence: str
    value: Decimal | None = None  # mean (targets), ratio to plan (plans), total (counts)
    target: Decimal | None = None
    met: int | None = None
    counted: int = 0
    pooled: Decimal | None = None  # a rate with its parts: Σ numerators / Σ denominators × 100


def as_decimal(value: Any) -> Decimal | None:
    """A stored figure as a Decimal (None when absent, a yes/no or not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _mean(values: list[Decimal]) -> Decimal:
    return CONTEXT.divide(dsum(values), Decimal(len(values)))


def _target_indicator(c: Criterion, inputs: list[dict], suffix: str) -> Indicator | None:
    name, rule = c.name, c.rule
    pairs = [(as_decimal(i.get("value")), as_decimal(i.get("target"))) for i in inputs]
    values = [v for v, _ in pairs if v is not None]
    if not values:
        return None
    mean = _mean(values)
    targets = [t for _, t in pairs if t is not None]
    target = _mean(targets) if targets else None
    text = f"{name}: bình quân đạt {vn.number(mean, 1)}{suffix}"
    met = None
    if target is not None:
        lower = rule.direction == "lower"
        met = sum(
            1 for v, t in pairs if v is not None and t is not None and (v <= t if lower else v >= t)
        )
        diff = (target - mean) if lower else (mean - target)
        target_text = f"{vn.number(target, 1)}{suffix}"
        if lower and mean <= 0 and target <= 0:
            text = (
                f"{name}: bình quân giảm {vn.number(-mean, 1)}{suffix} "
                f"(chỉ tiêu Bộ giao: giảm {vn.number(-target, 1)}{suffix})"
            )
            if diff > 0:
                text += f", vượt chỉ tiêu {vn.number(diff, 1)}{suffix}"
            elif diff < 0:
                text += f", chưa đạt chỉ tiêu (còn thiếu {vn.number(-diff, 1)}{suffix})"
        elif diff > 0:
            word = "thấp hơn" if lower else "cao hơn"
            text += f", {word} chỉ tiêu Bộ giao ({target_text}) {vn.number(diff, 1)}{suffix}"
        elif diff < 0:
            word = "cao hơn" if lower else "thấp hơn"
            text += f", {word} chỉ tiêu Bộ giao ({target_text}) {vn.number(-diff, 1)}{suffix}"
        else:
            text += f", bằng chỉ tiêu Bộ giao ({target_text})"
        text += f"; {met}/{len(values)} đơn vị đạt chỉ tiêu"
    return Indicator(c.code, name, rule.kind, text + ".", mean, target, met, len(values))


def _plan_indicator(c: Criterion, inputs: list[dict], suffix: str) -> Indicator | None:
    pairs = [(as_decimal(i.get("value")), as_decimal(i.get("plan"))) for i in inputs]
    pairs = [(v, p) for v, p in pairs if v is not None and p]
    if not pairs:
        return None
    done, plan = dsum(v for v, _ in pairs), dsum(p for _, p in pairs)
    share = CONTEXT.divide(done * 100, plan)
    full_at = c.rule.full_at
    met = sum(1 for v, p in pairs if CONTEXT.divide(v * 100, p) >= full_at)
    text = (
        f"{c.name}: toàn Cụm thực hiện {vn.number(done)}/{vn.number(plan)} {c.rule.unit} theo kế hoạch, "
        f"đạt {vn.percent(share)}; {met}/{len(pairs)} đơn vị đạt từ {vn.number(full_at)}% kế hoạch trở lên."
    )
    return Indicator(c.code, c.name, c.rule.kind, text, share, Decimal(100), met, len(pairs))


def _yes_no_indicator(c: Criterion, inputs: list[dict], suffix: str) -> Indicator | None:
    answers = [i.get("answer") for i in inputs if isinstance(i.get("answer"), bool)]
    if not answers:
        return None
    met = sum(1 for a in answers if a == c.rule.expected)
    text = f"{c.name}: {met}/{len(answers)} đơn vị đạt yêu cầu."
    return Indicator(c.code, c.name, c.rule.kind, text, None, None, met, len(answers))


def _count_indicator(c: Criterion, inputs: list[dict], suffix: str) -> Indicator | None:
    counts = [as_decimal(i.get("count")) for i in inputs]
    counts = [n for n in counts if n is not None]
    if not counts:
        return None
    total = dsum(counts)
    units_with = sum(1 for n in counts if n)
    text = (
        f"{c.name}: tổng số {vn.number(total)} {c.rule.unit or 'trường hợp'}"
        f" ({units_with}/{len(counts)} đơn vị)."
    )
    return Indicator(c.code, c.name, c.rule.kind, text, total, None, units_with, len(counts))


def _veto_indicator(c: Criterion, inputs: list[dict], suffix: str) -> Indicator | None:
    flags = [i.get("occurred") for i in inputs if isinstance(i.get("occurred"), bool)]
    if not flags:
        return None
    occurred = sum(1 for f in flags if f)
    verdict = "không đơn vị nào để xảy ra" if not occurred else f"{occurred} đơn vị để xảy ra"
    text = f"{c.name} (điểm liệt): {verdict}."
    return Indicator(
        c.code, c.name, c.rule.kind, text, Decimal(occurred), None, occurred, len(flags)
    )


def _info_indicator(c: Criterion, inputs: list[dict], suffix: str) -> Indicator | None:
    """An information-only figure: summed over the units that reported it (a rate: averaged)."""
    values = [v for v in (as_decimal(i.get("value")) for i in inputs) if v is not None]
    if not values:
        return None
    unit = c.rule.unit
    if unit == "%":
        value, text = _mean(values), f"bình quân {vn.number(_mean(values), 1)}%"
    else:
        value = dsum(values)
        text = f"toàn Cụm {vn.number(value)}{f' {unit}' if unit else ''}"
    text = f"{c.name}: {text} ({len(values)} đơn vị báo cáo; chỉ tiêu thông tin, không tính điểm)."
    return Indicator(c.code, c.name, c.rule.kind, text, value, None, None, len(values))


def _pooled(indicator: Indicator, scale: Scale, sheets: list[ScoreSheet]) -> Indicator:
    """A rate asked with its numerator and denominator (information figures): the cluster's
    pooled rate first, the mean of the units' rates beside it (engine/rules/info.pooled_rate)."""
    units = [
        {
            c["code"]: as_decimal((c.get("inputs") or {}).get("value"))
            for c in s.sheet.get("criteria", [])
        }
        for s in sheets
    ]
    found = pooled_rate(scale, indicator.code, units)
    if found is None:
        return indicator
    pooled, top, bottom, unit = found
    head, _, rest = indicator.sentence.partition(": ")
    sentence = (
        f"{head}: toàn Cụm đạt {vn.number(pooled, 1)}% (tính gộp {vn.number(top)}/"
        f"{vn.number(bottom)}{f' {unit}' if unit else ''}); {rest}"
    )
    return dataclasses.replace(indicator, sentence=sentence, pooled=pooled)


#: the report's cluster-level sentence, one per scale rule kind (judged criteria are assessments,
#: not indicators: they have none)
INDICATORS: dict[str, Callable[[Criterion, list[dict], str], Indicator | None] | None] = {
    "target": _target_indicator,
    "plan": _plan_indicator,
    "count": _count_indicator,
    "judged": None,
    "veto": _veto_indicator,
    "yes_no": _yes_no_indicator,
    "info": _info_indicator,
}
assert INDICATORS.keys() == SCALE_RULE_KINDS.keys(), "every scale rule kind needs its report entry"


def _indicator(criterion: Criterion, inputs: list[dict]) -> Indicator | None:
    """The cluster-level sentence for one criterion, from every unit's consolidated inputs."""
    sentence = INDICATORS[criterion.rule.kind]
    if sentence is None:
        return None
    suffix = "%" if getattr(criterion.rule, "unit", "") == "%" else ""
    return sentence(criterion, inputs, suffix)


def _of_members(indicator: Indicator, members: int) -> Indicator:
    """Counts over the cluster's members, never over the sheets that answered: a criterion 5 of 6
    members reported reads "…/6 đơn vị …; 1 đơn vị chưa có số liệu", not "5/5"."""
    missing = members - indicator.counted
    if missing <= 0:
        return indicator
    sentence = indicator.sentence.replace(
        f"/{indicator.counted} đơn vị", f"/{members} đơn vị"
    ).rstrip(".")
    sentence += f"; {missing} đơn vị chưa có số liệu."
    return dataclasses.replace(indicator, sentence=sentence)


def cluster_indicators(
    scale: Scale | None, sheets: list[ScoreSheet], members: int | None = None
) -> list[Indicator]:
    if scale is None:
        return []
    by_code: dict[str, list[dict]] = {}
    for sheet in sheets:
        for line in sheet.sheet.get("criteria", []):
            if not line.get("missing"):
                by_code.setdefault(line["code"], []).append(line.get("inputs") or {})
    found = []
    for criterion in scale.criteria:
        indicator = _indicator(criterion, by_code.get(criterion.code, []))
        if indicator is not None:
            if criterion.rule.kind == "target":
                indicator = _pooled(indicator, scale, sheets)
            if members is not None:
                indicator = _of_members(indicator, members)
            found.append(indicator)
    return found
