"""The ranking's robustness figures said for the unit: does its place hold?"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from thidua.engine.numbers import fmt_number

register = template.Library()


def stability_sentence(
    rank: int, low: float | None, high: float | None, p_first: float | None
) -> str:
    """What the robustness figures mean for the unit, in one plain sentence: does its place hold
    if the cluster weighs the groups of criteria a little differently?"""
    if low is None or high is None:
        return "Chưa tính được hạng có thay đổi hay không."
    lo, hi = round(low), round(high)
    first = round((p_first or 0) * 100)
    if lo == hi == rank:
        return f"Hạng {rank} vững: cân nhắc các nhóm tiêu chí hơi khác đi, đơn vị vẫn đứng hạng {rank}."
    span = f"hạng {lo}" if lo == hi else f"từ hạng {lo} đến hạng {hi}"
    if rank == 1:
        return (
            f"Đứng đầu {first}/100 lần tính lại; cân nhắc các nhóm tiêu chí hơi khác đi, "
            f"đơn vị đứng {span}."
        )
    chance = f", có {first}/100 lần vượt lên đứng đầu" if first >= 5 else ""
    return (
        f"Hạng {rank} có thể đổi: cân nhắc các nhóm tiêu chí hơi khác đi, đơn vị đứng "
        f"{span}{chance}."
    )


@register.filter
def stability(row: Any) -> str:
    """A ranking entry's place in words (see :func:`stability_sentence`)."""
    return stability_sentence(row.rank, row.rank_p5, row.rank_p95, row.p_first)


@register.filter
def stability_detail(row: Any) -> str:
    """The figures behind the sentence, as detail: median rank, the 5–95 % band, P(first)."""
    if row.rank_p5 is None or row.rank_p95 is None:
        return ""
    lo, hi = round(row.rank_p5), round(row.rank_p95)
    band = f"hạng {lo}" if lo == hi else f"hạng {lo}–{hi}"
    median = fmt_number(Decimal(str(row.median_rank)), 1) if row.median_rank is not None else "—"
    first = fmt_number(Decimal(str((row.p_first or 0) * 100)), 1)
    return (
        f"Số liệu: hạng trung vị {median}; 90/100 lần tính đứng {band}; đứng đầu {first}% số lần."
    )
