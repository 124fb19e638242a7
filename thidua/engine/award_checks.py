"""Is a set of award proposals within the cluster's rules? The check behind manual adjustments.

The allocation (:func:`awards.allocate_awards`) proposes; the secretariat may then adjust — break a
tie at the quota's edge, withdraw a proposal — but only within the rules. This module says, for any
selection of (unit, award), every way it breaks them: a unit not eligible for the award, a quota
exceeded, a unit given two awards where the rules forbid it, or a better-ranked eligible unit passed
over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .awards import (
    AwardRule,
    AwardRules,
    _standard_failures,
    _vetoed_for,
    is_honoured,
    parse_award_rules,
)
from .ranking import RankEntry, Ranking

__all__ = ["check_selection", "eligibility_problems"]


def eligibility_problems(
    entry: RankEntry, award: AwardRule, rules: AwardRules, honoured: str | None
) -> list[str]:
    """Why this ranked unit may not receive this award at all (empty: it may)."""
    problems: list[str] = []
    if award.candidates == "honoured" and not is_honoured(entry.unit, honoured):
        problems.append("không phải đơn vị được suy tôn dẫn đầu Cụm")
    problems.extend(_standard_failures(entry, award))
    if award.standard_of:
        standard = rules.award(award.standard_of)
        extra = _standard_failures(entry, standard)
        if extra:
            problems.append(f"chưa đạt tiêu chuẩn {standard.name}: {'; '.join(extra)}")
    vetoed = _vetoed_for(entry, award)
    if vetoed and vetoed not in problems:
        problems.append(vetoed)
    return problems


def check_selection(
    ranking: Ranking,
    rules: AwardRules | Mapping[str, Any],
    selection: Iterable[tuple[str, str]],
    *,
    honoured: str | None = None,
    members: int | None = None,
) -> list[str]:
    """Every problem of a selection of (unit, award code) pairs, in Vietnamese; empty if within rules."""
    if not isinstance(rules, AwardRules):
        rules = parse_award_rules(rules)
    chosen = list(dict.fromkeys(selection))
    total_members = members if members is not None else ranking.members
    order = {award.code: i for i, award in enumerate(rules.awards)}
    problems: list[str] = []
    by_unit: dict[str, list[str]] = {}
    for unit, code in chosen:
        try:
            award = rules.award(code)
        except KeyError:
            problems.append(
                f"{unit}: hình thức “{code}” không có trong quy chế khen thưởng của Cụm."
            )
            continue
        entry = ranking.entry(unit)
        if entry is None:
            excluded = ranking.excluded_unit(unit)
            why = "; ".join(excluded.reasons) if excluded else "không có trong bảng xếp hạng"
            problems.append(f"{unit}: không được đề nghị {award.name} — {why}.")
            continue
        for reason in eligibility_problems(entry, award, rules, honoured):
            problems.append(f"{unit}: không đủ điều kiện {award.name} — {reason}.")
        by_unit.setdefault(unit, []).append(code)
    if rules.exclusive:
        for unit, codes in by_unit.items():
            if len(codes) > 1:
                names = ", ".join(rules.award(c).name for c in codes)
                problems.append(
                    f"{unit}: mỗi thành tích chỉ đề nghị một hình thức (đang đề nghị: {names})."
                )
    n_ranked = len(ranking.entries)
    for cap in rules.shared_caps:
        limit, quota_text = cap.quota(total_members, n_ranked)
        count = sum(1 for _, code in chosen if code in cap.awards)
        tied = sum(
            _tied_extra(ranking, [u for u, c in chosen if c == code], rules) for code in cap.awards
        )
        if limit is not None and count > limit + tied:
            names = ", ".join(rules.award(c).name for c in cap.awards)
            problems.append(
                f"{cap.name} ({names}): {count} đề nghị, vượt hạn mức chung ({quota_text})."
            )
    for award in rules.awards:
        holders = [unit for unit, code in chosen if code == award.code]
        limit, quota_text = award.quota(total_members, n_ranked)
        if limit is not None and len(holders) > limit + _tied_extra(ranking, holders, rules):
            problems.append(f"{award.name}: {len(holders)} đề nghị, vượt chỉ tiêu ({quota_text}).")
        # Rank order: nobody eligible and ranked strictly better may be left with less.
        if not holders:
            continue
        worst = (
            max(ranking.entry(u).rank for u in holders if ranking.entry(u) is not None)
            if any(ranking.entry(u) for u in holders)
            else None
        )
        if worst is None:
            continue
        for entry in ranking.entries:
            if entry.rank >= worst or entry.unit in holders:
                continue
            if eligibility_problems(entry, award, rules, honoured):
                continue
            held = by_unit.get(entry.unit, [])
            if any(order[c] <= order[award.code] for c in held if c in order):
                continue
            problems.append(
                f"{award.name}: {entry.unit} (hạng {entry.rank}) đủ điều kiện, xếp trên đơn vị được đề nghị "
                f"(hạng {worst}) nhưng không được đề nghị hình thức này hoặc cao hơn."
            )
    return problems


def _tied_extra(ranking: Ranking, holders: list[str], rules: AwardRules) -> int:
    """Proposals a quota may exceed by when the rules grant every unit tied at its edge
    (``ties_at_cutoff: include``): all but one of the worst-ranked holders."""
    if rules.ties_at_cutoff != "include":
        return 0
    ranks = [e.rank for e in map(ranking.entry, holders) if e is not None]
    return ranks.count(max(ranks)) - 1 if ranks else 0
