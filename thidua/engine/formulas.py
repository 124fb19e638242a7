"""Vietnamese sentences that explain how a criterion got its points.

A sentence is built on demand from the criterion, the inputs and the reference outcome
(:func:`thidua.engine.rules.evaluate`), never stored: scoring 10,000 units keeps only the numbers, and a
sentence costs a few microseconds when somebody reads it. Numbers use the Vietnamese format (decimal
comma, dot thousands). Example::

    Tỷ lệ điều tra khám phá án 92% ≥ chỉ tiêu 76%: đạt tối đa 10 điểm, cộng 0,5 điểm mỗi 1% vượt,
    tối đa 2 điểm (vượt 16% → cộng 2 điểm); tổng 12 điểm
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .numbers import CONTEXT, Rounding, fmt_number, fmt_points
from .rules import (
    CountRule,
    JudgedRule,
    Outcome,
    PlanRule,
    TargetRule,
    VetoRule,
    YesNoRule,
    evaluate,
)

__all__ = ["describe", "describe_rule"]


def _v(value: Decimal, unit: str) -> str:
    text = fmt_number(value)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def _n(value: Decimal) -> str:
    """A number inside arithmetic: negatives in brackets, ``5 − (-2,1)``."""
    text = fmt_number(value)
    return f"({text})" if value < 0 else text


def _result(out: Outcome, rounding: Rounding) -> str:
    """``= 4,6 điểm`` or ``≈ 9,2105 → 9,21 điểm (làm tròn …)``."""
    if out.raw == out.points:
        return f"= {fmt_points(out.points)}"
    return (
        f"≈ {fmt_number(out.raw, rounding.places + 2)} → {fmt_points(out.points)} "
        f"({rounding.describe()})"
    )


def _bonus_text(rule: TargetRule | PlanRule, out: Outcome, excess: Decimal, unit: str) -> str:
    bonus = rule.bonus
    assert bonus is not None
    text = (
        f"cộng {fmt_points(bonus.points)} mỗi {_v(bonus.per, unit)} vượt"
        f"{' (chỉ tính phần trọn)' if bonus.whole_steps else ''}, tối đa {fmt_points(bonus.cap)}"
    )
    if excess <= 0:
        return f"{text}: không vượt"
    capped = " (mức tối đa)" if out.bonus == bonus.cap else ""
    return f"{text}: vượt {_v(excess, unit)} → cộng {fmt_number(out.bonus, 4)} điểm{capped}"


def _with_bonus(
    text: str, rule, out: Outcome, excess: Decimal | None, unit: str, rounding: Rounding
) -> str:
    if rule.bonus is None or not out.met or excess is None:
        return text
    text = f"{text}, {_bonus_text(rule, out, excess, unit)}"
    if out.bonus:
        total = _result(out, rounding)
        text += f"; tổng {total[2:] if total.startswith('= ') else total}"
    return text


def _target(
    name: str,
    rule: TargetRule,
    max_points: Decimal,
    v: Decimal,
    t: Decimal | None,
    out: Outcome,
    rounding: Rounding,
) -> str:
    u = rule.unit
    higher = rule.direction == "higher"
    head = f"{name} {_v(v, u)}"
    if t is not None:
        cmp = ("≥" if higher else "≤") if out.met else ("<" if higher else ">")
        head += f" {cmp} chỉ tiêu {_v(t, u)}{'' if higher else ' (càng thấp càng tốt)'}"
    if rule.method == "linear":
        assert t is not None
        zero = rule.zero_at if rule.zero_at is not None else Decimal(0)
        if out.met:
            body = f"đạt tối đa {fmt_points(max_points)}"
        elif out.base == 0:
            body = f"không vượt mốc 0 điểm ({_v(zero, u)}) → 0 điểm"
        elif higher:
            body = (
                f"{fmt_number(max_points)} × ({_n(v)} − {_n(zero)}) / ({_n(t)} − {_n(zero)}) "
                f"{_result(out, rounding)}"
            )
        else:
            body = (
                f"{fmt_number(max_points)} × ({_n(zero)} − {_n(v)}) / ({_n(zero)} − {_n(t)}) "
                f"{_result(out, rounding)}"
            )
    elif rule.method == "all_or_nothing":
        body = f"đạt → {fmt_points(max_points)}" if out.met else "không đạt → 0 điểm"
    elif out.step is not None:
        body = f"đạt mức {'≥' if higher else '≤'} {_v(out.step.value, u)} → {fmt_points(out.step.points)}"
    else:
        worst = rule.steps[-1].value
        body = f"chưa đạt mức thấp nhất ({'≥' if higher else '≤'} {_v(worst, u)}) → 0 điểm"
    excess = None if t is None else (CONTEXT.subtract(v, t) if higher else CONTEXT.subtract(t, v))
    return _with_bonus(f"{head}: {body}", rule, out, excess, u, rounding)


def _plan(
    name: str,
    rule: PlanRule,
    max_points: Decimal,
    v: Decimal,
    plan: Decimal,
    out: Outcome,
    rounding: Rounding,
) -> str:
    assert out.rate is not None
    rate = out.rate
    exact = rate == rate.quantize(Decimal("0.01"))
    pct = f"{fmt_number(rate, 2)}%"
    head = (
        f"{name}: thực hiện {fmt_number(v)}/{_v(plan, rule.unit)} theo kế hoạch "
        f"{'=' if exact else '≈'} {pct}"
    )
    if out.met:
        body = f"đạt từ {fmt_number(rule.full_at)}% kế hoạch → tối đa {fmt_points(max_points)}"
    elif out.base == 0:
        body = f"không vượt {fmt_number(rule.zero_at)}% kế hoạch → 0 điểm"
    elif rule.zero_at == 0 and rule.full_at == 100:
        body = f"chưa đạt kế hoạch: {fmt_number(max_points)} × {pct} {_result(out, rounding)}"
    else:
        body = (
            f"chưa đạt {fmt_number(rule.full_at)}%: {fmt_number(max_points)} × "
            f"({fmt_number(rate, 2)} − {fmt_number(rule.zero_at)}) / "
            f"({fmt_number(rule.full_at)} − {fmt_number(rule.zero_at)}) {_result(out, rounding)}"
        )
    excess = CONTEXT.subtract(rate, rule.full_at)
    return _with_bonus(f"{head} — {body}", rule, out, excess, "%", rounding)


def describe_rule(rule: Any, max_points: Decimal) -> str:
    """The rule itself in words (no inputs), e.g. for a printed scale."""
    if isinstance(rule, TargetRule):
        sense = "càng cao càng tốt" if rule.direction == "higher" else "càng thấp càng tốt"
        how = {"linear": "tính tỷ lệ", "thresholds": "theo mức", "all_or_nothing": "đạt hoặc không"}
        text = f"Chỉ tiêu ({sense}), {how[rule.method]}, tối đa {fmt_points(max_points)}"
        if rule.target is not None:
            text += f", chỉ tiêu {_v(rule.target, rule.unit)}"
    elif isinstance(rule, PlanRule):
        text = f"Tỷ lệ thực hiện kế hoạch, đủ {fmt_number(rule.full_at)}% được {fmt_points(max_points)}"
    elif isinstance(rule, CountRule):
        sign = "Trừ" if rule.per_event < 0 else "Cộng"
        text = (
            f"{sign} {fmt_points(abs(rule.per_event))} mỗi {rule.unit or 'lần'}, "
            f"tối đa {fmt_points(rule.limit)}"
        )
    elif isinstance(rule, JudgedRule):
        text = f"Đoàn kiểm tra chấm từ 0 đến {fmt_points(max_points)}, dưới tối đa phải có nhận xét"
    elif isinstance(rule, VetoRule):
        text = (
            "Điểm liệt: không xếp hạng"
            if rule.scope == "ranking"
            else f"Điểm liệt: không xét {', '.join(rule.awards)}"
        )
    else:
        text = f"Có/không: {'có' if rule.expected else 'không'} được {fmt_points(max_points)}"
    bonus = getattr(rule, "bonus", None)
    if bonus is not None:
        unit = rule.unit if isinstance(rule, TargetRule) else "%"
        text += f"; cộng {fmt_points(bonus.points)} mỗi {_v(bonus.per, unit)} vượt, tối đa {fmt_points(bonus.cap)}"
    return text


def describe(
    criterion: Any,
    value: Any,
    target: Decimal | None,
    remark: str | None,
    rounding: Rounding,
) -> str:
    """The sentence for one criterion of one unit. ``value`` None means the result is missing."""
    name = criterion.name
    rule = criterion.rule
    max_points = criterion.max_points
    if value is None:
        if criterion.missing == "block":
            return (
                f"{name}: chưa có số liệu — chưa thể tính tổng điểm "
                "(thang điểm yêu cầu đủ số liệu tiêu chí này)"
            )
        return f"{name}: chưa có số liệu — tính 0 điểm theo quy định của thang điểm"
    out = evaluate(rule, max_points, value, target, rounding)
    if isinstance(rule, TargetRule):
        return _target(name, rule, max_points, value, target, out, rounding)
    if isinstance(rule, PlanRule):
        assert target is not None
        return _plan(name, rule, max_points, value, target, out, rounding)
    if isinstance(rule, CountRule):
        unit = rule.unit or "lần"
        text = (
            f"{name}: {fmt_number(value)} {unit} × ({fmt_number(rule.per_event)} điểm) "
            f"= {fmt_points(out.raw)}"
        )
        if out.clamped:
            kind = "trừ" if rule.per_event < 0 else "cộng"
            text += (
                f"; áp dụng mức {kind} tối đa {fmt_points(rule.limit)} → {fmt_points(out.points)}"
            )
        return text
    if isinstance(rule, JudgedRule):
        text = f"{name}: chấm {fmt_number(value)}/{fmt_points(max_points)}"
        return f"{text}. Nhận xét: {remark}" if remark else text
    if isinstance(rule, VetoRule):
        if not value:
            return f"{name}: không xảy ra — 0 điểm"
        if rule.scope == "ranking":
            return f"{name}: có xảy ra — điểm liệt, đơn vị không được xếp hạng"
        return f"{name}: có xảy ra — điểm liệt, không được xét: {', '.join(rule.awards)}"
    assert isinstance(rule, YesNoRule)
    answer = "có" if value else "không"
    if out.met:
        return f"{name}: {answer} → {fmt_points(out.points)}"
    return f"{name}: {answer} (yêu cầu: {'có' if rule.expected else 'không'}) → 0 điểm"
