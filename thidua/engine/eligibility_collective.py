"""Evaluation of the collective conditions: a unit's roster (its officers, or the counts it
declared for the year), its level and its standing in its cluster."""

from __future__ import annotations

from decimal import Decimal

from thidua.engine.eligibility_conditions import Condition, pct
from thidua.engine.eligibility_context import ASSUMED, HELD, UNKNOWN, Context, holding
from thidua.engine.eligibility_model import ConditionResult, Rating, Status


def _members(cond: Condition, ctx: Context):
    members = ctx.candidate.members
    if members is None:
        return None, ctx.result(
            cond, Status.UNKNOWN, f"Chưa có danh sách cán bộ, chiến sĩ năm {ctx.year}"
        )
    if not members:
        return None, ctx.result(cond, Status.NOT_MET, "Đơn vị không có cán bộ, chiến sĩ")
    return members, None


def _count_holders(ctx: Context, members, code: str) -> tuple[int, int]:
    held = unknown = 0
    year = ctx.year
    for member in members:
        state, _ = holding(ctx, member, code, year)
        if state in (HELD, ASSUMED):
            held += 1
        elif state == UNKNOWN:
            unknown += 1
    return held, unknown


def _declared(ctx: Context):
    """The roster counts the unit declared for the year, when no roster of people is known."""
    cand = ctx.candidate
    return cand.roster if cand.members is None and cand.roster is not None else None


def _declared_title(ctx: Context, code: str) -> tuple[int, int, int] | None:
    """(total, holders, unknown) of ``code`` from the declared counts."""
    roster = _declared(ctx)
    if roster is None:
        return None
    held = roster.titles.get(code)
    return roster.members, held or 0, (roster.members if held is None else 0)


def _share_of_members_with_title(cond: Condition, ctx: Context) -> ConditionResult:
    p = cond.params
    declared = _declared_title(ctx, p["title"])
    if declared is not None:
        total, held, unknown = declared
        if total == 0:
            return ctx.result(cond, Status.NOT_MET, "Đơn vị không có cán bộ, chiến sĩ")
    else:
        members, early = _members(cond, ctx)
        if early:
            return early
        total = len(members)
        held, unknown = _count_holders(ctx, members, p["title"])
    need: Decimal = p["min_percent"]

    def passes(count: int) -> bool:  # exact: count/total vs need/100, no floats
        return count * 100 > need * total if p["strict"] else count * 100 >= need * total

    share = pct(Decimal(held * 100) / total)
    name = ctx.catalogue.name(p["title"])
    detail = f"{held}/{total} cá nhân ({share}) đạt “{name}”; cần {'trên' if p['strict'] else 'từ'} {pct(need)}"
    if unknown:
        detail += f"; {unknown} người chưa có dữ liệu"
    if declared is not None:
        detail += f" (theo {ctx.candidate.roster.source} năm {ctx.year})"
    status = (
        Status.MET
        if passes(held)
        else Status.NOT_MET
        if not passes(held + unknown)
        else Status.UNKNOWN
    )
    return ctx.result(cond, status, detail)


def _names(people: list[str]) -> str:
    shown = ", ".join(people[:5])
    return shown + (f" (và {len(people) - 5} người khác)" if len(people) > 5 else "")


def _all_members_rating_at_least(cond: Condition, ctx: Context) -> ConditionResult:
    roster = _declared(ctx)
    if roster is not None and cond.params["rating"] == Rating.HOAN_THANH:
        source = f" (theo {roster.source} năm {ctx.year})"
        if roster.completed is None:
            return ctx.result(
                cond, Status.UNKNOWN, "Chưa khai số người hoàn thành nhiệm vụ" + source
            )
        detail = f"{roster.completed}/{roster.members} cá nhân đạt{source}"
        ok = roster.completed == roster.members and roster.members > 0
        return ctx.result(cond, Status.MET if ok else Status.NOT_MET, detail)
    members, early = _members(cond, ctx)
    if early:
        return early
    need: Rating = cond.params["rating"]
    bad, unknown = [], []
    for m in members:
        got = m.ratings.get(ctx.year)
        if got is None:
            unknown.append(m.name or m.id)
        elif got < need:
            bad.append(f"{m.name or m.id} ({got.label})")
    ok = len(members) - len(bad) - len(unknown)
    detail = f"{ok}/{len(members)} cá nhân đạt"
    if bad:
        detail += f"; không đạt: {_names(bad)}"
    if unknown:
        detail += f"; chưa có đánh giá: {_names(unknown)}"
    status = Status.NOT_MET if bad else Status.UNKNOWN if unknown else Status.MET
    return ctx.result(cond, status, detail)


def _at_least_n_members_with_title(cond: Condition, ctx: Context) -> ConditionResult:
    n = cond.params["n"]
    declared = _declared_title(ctx, cond.params["title"])
    if declared is not None:
        _, held, unknown = declared
    else:
        members, early = _members(cond, ctx)
        if early:
            return early
        held, unknown = _count_holders(ctx, members, cond.params["title"])
    detail = f"Có {held} cá nhân đạt “{ctx.catalogue.name(cond.params['title'])}”; cần ít nhất {n}"
    if unknown:
        detail += f"; {unknown} người chưa có dữ liệu"
    if declared is not None:  # said as the share condition says it
        detail += f" (theo {ctx.candidate.roster.source} năm {ctx.year})"
    status = Status.MET if held >= n else Status.UNKNOWN if held + unknown >= n else Status.NOT_MET
    return ctx.result(cond, status, detail)


def _no_member_disciplined_at_least(cond: Condition, ctx: Context) -> ConditionResult:
    threshold = cond.params["form"]
    roster = _declared(ctx)
    if roster is not None:
        source = f" (theo {roster.source} năm {ctx.year})"
        if roster.disciplined is None:
            return ctx.result(cond, Status.UNKNOWN, "Chưa khai số người bị kỷ luật" + source)
        count = sum(
            n
            for form, n in roster.disciplined.items()
            if (ctx.catalogue.discipline_rank(form) or 0) >= threshold
        )
        if count:
            name = ctx.catalogue.discipline_name(threshold)
            detail = f"{count} cá nhân bị kỷ luật từ {name} trở lên năm {ctx.year}{source}"
            return ctx.result(cond, Status.NOT_MET, detail)
        return ctx.result(
            cond,
            Status.MET,
            f"Không có cá nhân bị kỷ luật từ mức này trở lên năm {ctx.year}{source}",
        )
    members, early = _members(cond, ctx)
    if early:
        return early
    bad, unknown = [], []
    for m in members:
        if m.disciplines is None:
            unknown.append(m.name or m.id)
            continue
        for d in m.disciplines:
            if d.awaiting_review or d.start.year != ctx.year:
                continue
            rank = ctx.catalogue.discipline_rank(d.form)
            if rank is None:
                unknown.append(f"{m.name or m.id} (hình thức “{d.form or '?'}”)")
            elif rank >= threshold:
                bad.append(f"{m.name or m.id} ({ctx.catalogue.discipline_name(rank)})")
    if bad:
        return ctx.result(cond, Status.NOT_MET, f"Bị kỷ luật năm {ctx.year}: {_names(bad)}")
    if unknown:
        return ctx.result(cond, Status.UNKNOWN, f"Chưa rõ thông tin kỷ luật: {_names(unknown)}")
    return ctx.result(
        cond, Status.MET, f"Không có cá nhân bị kỷ luật từ mức này trở lên năm {ctx.year}"
    )


def _unit_level_in(cond: Condition, ctx: Context) -> ConditionResult:
    allowed = cond.params["levels"]
    if allowed is None:
        allowed = cond.params["levels_by_award"].get(ctx.award, frozenset())
    level = ctx.candidate.level_on(ctx.as_of)
    day = ctx.day_text
    if level is None:
        return ctx.result(cond, Status.UNKNOWN, f"Chưa có thông tin cấp đơn vị vào ngày {day}")
    name = ctx.catalogue.level_name(level)
    if level in allowed:
        return ctx.result(cond, Status.MET, f"Ngày {day}: {name}")
    names = "; ".join(ctx.catalogue.level_name(x) for x in sorted(allowed)) or "không cấp nào"
    return ctx.result(cond, Status.NOT_MET, f"Ngày {day}: {name}. Chỉ xét cho: {names}")


def _leads_cluster(cond: Condition, ctx: Context) -> ConditionResult:
    leads = ctx.candidate.leads_cluster.get(ctx.year)
    if leads is None:
        return ctx.result(
            cond, Status.UNKNOWN, f"Chưa có kết quả xếp hạng cụm, khối năm {ctx.year}"
        )
    if leads:
        return ctx.result(cond, Status.MET, f"Dẫn đầu cụm, khối thi đua năm {ctx.year}")
    return ctx.result(cond, Status.NOT_MET, f"Không dẫn đầu cụm, khối thi đua năm {ctx.year}")


COLLECTIVE_EVALUATORS = {
    "share_of_members_with_title": _share_of_members_with_title,
    "all_members_rating_at_least": _all_members_rating_at_least,
    "at_least_n_members_with_title": _at_least_n_members_with_title,
    "no_member_disciplined_at_least": _no_member_disciplined_at_least,
    "unit_level_in": _unit_level_in,
    "leads_cluster": _leads_cluster,
}
