"""The ranking's robustness figures said for the unit: does its place hold?"""

from __future__ import annotations

from typing import Any

from django import template

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
