"""Evaluation of eligibility conditions against a candidate's history.

Three-valued throughout (met / not met / unknown): a missing rating, roster or discipline status
makes a condition unknown, never a failure. Every result carries a Vietnamese detail that names
the years, decisions and people behind it, so a refusal always says why. The collective
conditions (a unit's roster, level, cluster standing) are in ``eligibility_collective``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from thidua.engine.eligibility_collective import COLLECTIVE_EVALUATORS
from thidua.engine.eligibility_conditions import KINDS, Condition, years_label, years_text
from thidua.engine.eligibility_context import (
    ASSUMED,
    HELD,
    MISSING,
    REJUDGE_GROUNDS,
    REVOKED,
    UNKNOWN,
    Context,
    holding,
    revoked_note,
)
from thidua.engine.eligibility_model import (
    ConditionResult,
    Rating,
    Status,
    combine_all,
    combine_any,
    normalise_ref,
)

__all__ = ["Context", "evaluate"]


def evaluate(cond: Condition, ctx: Context) -> ConditionResult | None:
    """Evaluate one condition; None when it does not apply (disabled, or no achievement given)."""
    if not cond.enabled:
        return None
    if cond.lower_award and ctx.waiver is not None:
        rule_id, basis = ctx.waiver
        return ConditionResult(
            rule_id=rule_id,
            text=cond.text,
            legal_basis=basis,
            status=Status.MET,
            detail="Không bắt buộc: không yêu cầu có hình thức khen thưởng mức thấp hơn trước",
            kind=cond.kind,
        )
    return _EVALUATORS[cond.kind](cond, ctx)


def _composite(cond: Condition, ctx: Context) -> ConditionResult | None:
    children = [r for r in (evaluate(c, ctx) for c in cond.children) if r is not None]
    if not children:
        return None
    statuses = (c.status for c in children)
    status = combine_all(statuses) if cond.kind == "all_of" else combine_any(statuses)
    met = sum(c.status is Status.MET for c in children)
    if cond.kind == "any_of" and status is Status.MET:
        # One branch suffices: the others are not needed, not failures.
        children = [
            c if c.status is Status.MET else replace(c, needed=False, detail=_not_needed(c))
            for c in children
        ]
        return ctx.result(
            cond,
            status,
            "Đạt theo: " + "; ".join(c.text for c in children if c.status is Status.MET),
            children,
        )
    detail = f"Đạt {met}/{len(children)} điều kiện"
    if status is not Status.MET:
        # Name what is missing, so the top line alone answers "why not".
        open_ = [f"{c.text}: {c.detail}" for c in children if c.status is not Status.MET]
        detail += " — " + " | ".join(open_)
    return ctx.result(cond, status, detail, children)


def _not_needed(result: ConditionResult) -> str:
    return f"Không cần xét (đã đạt theo điều kiện khác). {result.detail}".strip()


def _rating_at_least(cond: Condition, ctx: Context) -> ConditionResult:
    need: Rating = cond.params["rating"]
    year = ctx.year + cond.params["year_offset"]
    got = ctx.candidate.ratings.get(year)
    if got is None:
        return ctx.result(cond, Status.UNKNOWN, f"Chưa có kết quả đánh giá năm {year}")
    if got >= need:
        return ctx.result(cond, Status.MET, f"Năm {year}: {got.label}")
    return ctx.result(
        cond, Status.NOT_MET, f"Năm {year}: {got.label}; cần từ “{need.label}” trở lên"
    )


def _holds_title_same_year(cond: Condition, ctx: Context) -> ConditionResult:
    code = cond.params["title"]
    name = ctx.catalogue.name(code)
    state, award = holding(ctx, ctx.candidate, code, ctx.year)
    if state == HELD:
        return ctx.result(cond, Status.MET, f"Đã được công nhận: {award.describe(name)}")
    if state == ASSUMED:
        return ctx.result(cond, Status.MET, f"Được đề nghị “{name}” năm {ctx.year} trong cùng đợt")
    if state == REVOKED:
        return ctx.result(cond, Status.NOT_MET, f"Danh hiệu {revoked_note(ctx, award)}")
    if cond.params["or_meets_standard"]:
        children = ctx.standard(ctx.candidate, code)
        status = combine_all(c.status for c in children) if children else Status.UNKNOWN
        detail = (
            f"Chưa có quyết định công nhận; xét tiêu chuẩn “{name}” năm {ctx.year}: {status.label}"
        )
        return ctx.result(cond, status, detail, children)
    if state == MISSING:
        return ctx.result(cond, Status.NOT_MET, f"Không có danh hiệu “{name}” năm {ctx.year}")
    return ctx.result(cond, Status.UNKNOWN, f"Chưa có dữ liệu khen thưởng năm {ctx.year}")


def _consecutive_years_with_title(cond: Condition, ctx: Context) -> ConditionResult:
    code, n, step = cond.params["title"], cond.params["years"], cond.params["step"]
    name = ctx.catalogue.name(code)
    years = [ctx.year - step * i for i in range(n - 1, -1, -1)]
    held, missing, unknown, notes = [], [], [], []
    for year in years:
        state, award = holding(ctx, ctx.candidate, code, year)
        if state in (HELD, ASSUMED):
            held.append(year)
        elif state == UNKNOWN:
            unknown.append(year)
        else:
            missing.append(year)
            if state == REVOKED:
                notes.append(revoked_note(ctx, award))
    detail = f"{name} {years_label(held)}" if held else f"Chưa đạt “{name}” {years_label(years)}"
    if held and missing:
        detail += f" — thiếu năm {years_text(missing)}"
    if unknown:
        detail += f"; chưa có dữ liệu năm {years_text(unknown)}"
    if notes:
        detail += "; " + "; ".join(notes)
    if step > 1:
        detail += "; " + _cadence(ctx, code, step, years)
    status = Status.NOT_MET if missing else Status.UNKNOWN if unknown else Status.MET
    return ctx.result(cond, status, detail)


def _cadence(ctx: Context, code: str, step: int, years: list[int]) -> str:
    """Why the years asked are spaced out: each title covers a chain of ``step`` years, so
    "2 lần liên tục" means titles ``step`` years apart (2021 and 2024), not two years in a row."""
    hist = ctx.candidate.history.valid.get(code, {})
    others = sorted(y for y in hist if y not in years and years[0] - step < y <= ctx.year)
    text = (
        f"mỗi lần đạt danh hiệu ứng với một chuỗi {step} năm, nên "
        f"{len(years)} lần liên tục là các năm {years_text(years)}"
    )
    if others:
        text += (
            f" (danh hiệu năm {years_text(others)} thuộc chuỗi khác, không thay cho năm còn thiếu)"
        )
    return text


def _consecutive_years_with_rating(cond: Condition, ctx: Context) -> ConditionResult:
    need: Rating = cond.params["rating"]
    years = list(range(ctx.year - cond.params["years"] + 1, ctx.year + 1))
    ok, bad, unknown = [], [], []
    for year in years:
        got = ctx.candidate.ratings.get(year)
        if got is None:
            unknown.append(year)
        elif got >= need:
            ok.append(year)
        else:
            bad.append(f"{year} ({got.label})")
    label = need.label[0].upper() + need.label[1:]
    detail = f"{label} {years_label(ok)}" if ok else f"Chưa đạt “{need.label}” năm nào"
    if bad:
        detail += f" — không đạt năm {', '.join(bad)}"
    if unknown:
        detail += f"; chưa có đánh giá năm {years_text(unknown)}"
    status = Status.NOT_MET if bad else Status.UNKNOWN if unknown else Status.MET
    return ctx.result(cond, status, detail)


def _rewarded_by(ctx: Context, ref: str | None, chain_allowed: bool = True):
    """Earlier non-revoked awards that rewarded achievement ``ref`` (normalised). With
    ``chain_allowed``, the titles the judged award's own standard is built from are left out."""
    key = normalise_ref(ref)
    if not key:
        return []
    return [
        a
        for a in ctx.candidate.history.by_ref.get(key, ())
        if not (chain_allowed and a.code in ctx.prerequisites)
        and not (a.code == ctx.award and a.year == ctx.year)
    ]


def _used_text(ctx: Context, awards) -> str:
    return "; ".join(a.describe(ctx.catalogue.name(a.code)) for a in awards)


def _count_initiatives(cond: Condition, ctx: Context) -> ConditionResult:
    p = cond.params
    first, last = ctx.year - p["years"] + 1, ctx.year
    found, used = [], []
    for i in ctx.candidate.initiatives:
        if first <= i.year <= last and i.scope >= p["min_scope"] and i.kind in p["kinds"]:
            earlier = _rewarded_by(ctx, i.ref)
            # One achievement, one reward: an initiative that already backed another award is
            # not counted again (found without the caller naming it).
            (used if earlier else found).append((i, earlier))
    span = str(last) if first == last else f"{first}–{last}"
    listed = "; ".join(
        f"{i.title or i.ref or i.kind} ({i.year}, {i.scope.label})" for i, _ in found[:3]
    )
    detail = f"Có {len(found)}/{p['at_least']} trong {span}" + (f": {listed}" if listed else "")
    if used:
        detail += "; không tính (đã được khen thưởng): " + "; ".join(
            f"{i.ref or i.title} — {_used_text(ctx, earlier)}" for i, earlier in used
        )
    if len(found) >= p["at_least"]:
        return ctx.result(cond, Status.MET, detail)
    if not ctx.candidate.known(first):
        return ctx.result(
            cond,
            Status.UNKNOWN,
            detail + f"; chưa có dữ liệu trước năm {ctx.candidate.records_from}",
        )
    return ctx.result(cond, Status.NOT_MET, detail)


def _has_award_before(cond: Condition, ctx: Context) -> ConditionResult:
    code = cond.params["award"]
    name = ctx.catalogue.name(code)
    limit = ctx.year + cond.params["max_offset"]
    hist = ctx.candidate.history
    pool = dict(hist.valid.get(code, {}))
    if ctx.count_revoked:
        pool = hist.revoked.get(code, {}) | pool
    earlier = sorted(y for y in pool if y <= limit)
    if earlier:
        return ctx.result(cond, Status.MET, f"Đã được tặng: {pool[earlier[-1]].describe(name)}")
    if ctx.candidate.records_from is not None and ctx.candidate.records_from <= limit:
        detail = f"Không có “{name}” từ năm {ctx.candidate.records_from} đến {limit}; chưa có dữ liệu các năm trước"
        return ctx.result(cond, Status.UNKNOWN, detail)
    if ctx.candidate.records_from is not None:
        return ctx.result(cond, Status.UNKNOWN, f"Chưa có dữ liệu khen thưởng đến năm {limit}")
    return ctx.result(cond, Status.NOT_MET, f"Chưa được tặng “{name}” đến hết năm {limit}")


def _not_awarded_within(cond: Condition, ctx: Context) -> ConditionResult:
    code = cond.params["award"] or ctx.award
    name = ctx.catalogue.name(code)
    years = range(ctx.year + cond.params["from_offset"], ctx.year + cond.params["to_offset"] + 1)
    hist = ctx.candidate.history
    by_year = hist.valid.get(code, {})
    found = [by_year[y] for y in years if y in by_year]
    if found:
        return ctx.result(
            cond, Status.NOT_MET, "Đã được tặng: " + "; ".join(a.describe(name) for a in found)
        )
    revoked = [a for y, a in sorted(hist.revoked.get(code, {}).items()) if y in years]
    if ctx.year in years and any(a.year == ctx.year for a in revoked):
        # Revoked reads as revoked, never as "not given": say so, and whether the year may be
        # judged again (Luật TĐKT 2022, Chương VII, khoản 2).
        award = next(a for a in revoked if a.year == ctx.year)
        note = "Danh hiệu " + revoked_note(ctx, award)
        if award.revocation_ground in REJUDGE_GROUNDS:
            return ctx.result(
                cond,
                Status.UNKNOWN,
                note + ". Quyết định bị hủy do xét, duyệt trái quy định: hội đồng thi đua xét lại "
                "hồ sơ năm này theo đúng quy định trước khi đề nghị lại",
            )
        return ctx.result(
            cond,
            Status.NOT_MET,
            note + ". Thành tích năm này không bảo đảm tiêu chuẩn (căn cứ hủy bỏ): không đề nghị "
            "lại cho cùng năm",
        )
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    unknown = [y for y in years if not ctx.candidate.known(y)]
    if unknown:
        return ctx.result(
            cond, Status.UNKNOWN, f"Chưa có dữ liệu khen thưởng năm {years_text(unknown)}"
        )
    detail = f"Chưa được tặng “{name}” cho năm {span}"
    if revoked:
        detail += "; " + "; ".join(revoked_note(ctx, a) for a in revoked) + " — không tính"
    return ctx.result(cond, Status.MET, detail)


def _not_in_discipline(cond: Condition, ctx: Context) -> ConditionResult:
    """Discipline on the consideration day (under review, or within the discipline's term),
    and, with ``over_period``, over the year the achievement is counted for: a discipline whose
    term touches the emulation year bars that year's award even when it ended before the
    consideration day (a reprimand February–August 2024 bars 2024)."""
    records = ctx.candidate.disciplines
    day = ctx.as_of
    if records is None:
        return ctx.result(cond, Status.UNKNOWN, "Chưa có thông tin về kỷ luật")
    period_start, period_end = date(ctx.year, 1, 1), date(ctx.year, 12, 31)
    blocking, open_ended, in_period = [], [], []
    for d in records:
        ref = f" (QĐ {d.decision_no})" if d.decision_no else ""
        form = f" {d.form}" if d.form else ""
        if (
            cond.params.get("over_period")
            and not d.awaiting_review
            and d.start <= period_end
            and (d.end is None or d.end >= period_start)
        ):
            until = f"–{d.end:%d/%m/%Y}" if d.end else " (chưa rõ thời hạn)"
            in_period.append(f"kỷ luật{form} {d.start:%d/%m/%Y}{until}{ref}")
            continue
        if d.start > day:
            continue
        if d.awaiting_review:
            if d.end is None or day <= d.end:
                blocking.append(f"đang bị xem xét kỷ luật từ ngày {d.start:%d/%m/%Y}{ref}")
        elif d.end is None:
            open_ended.append(f"kỷ luật{form} từ ngày {d.start:%d/%m/%Y}{ref} chưa rõ thời hạn")
        elif day <= d.end:
            blocking.append(
                f"đang trong thời hạn kỷ luật{form} {d.start:%d/%m/%Y}–{d.end:%d/%m/%Y}{ref}"
            )
    parts = []
    if in_period:
        parts.append(
            f"Bị kỷ luật trong thời gian tính thành tích (năm {ctx.year}): " + "; ".join(in_period)
        )
    if blocking:
        parts.append(f"Ngày {ctx.day_text}: " + "; ".join(blocking))
    if parts:
        return ctx.result(cond, Status.NOT_MET, ". ".join(parts))
    if open_ended:
        return ctx.result(cond, Status.UNKNOWN, "; ".join(open_ended))
    detail = f"Không bị xem xét hoặc thi hành kỷ luật vào ngày {ctx.day_text}"
    if cond.params.get("over_period"):
        detail += f" và trong năm {ctx.year}"
    return ctx.result(cond, Status.MET, detail)


def _achievement_not_rewarded(cond: Condition, ctx: Context) -> ConditionResult | None:
    ref = ctx.achievement_ref
    if not normalise_ref(ref):
        return None
    earlier = _rewarded_by(ctx, ref, chain_allowed=False)
    if earlier:
        return ctx.result(
            cond,
            Status.NOT_MET,
            f"Thành tích “{ref.strip()}” đã được khen thưởng: {_used_text(ctx, earlier)}",
        )
    return ctx.result(
        cond, Status.MET, f"Thành tích “{ref.strip()}” chưa được dùng cho khen thưởng nào"
    )


def _eligible_for(cond: Condition, ctx: Context) -> ConditionResult:
    code = cond.params["award"]
    children = ctx.standard(ctx.candidate, code)
    if not children:
        return ctx.result(
            cond, Status.UNKNOWN, f"Chưa có tiêu chuẩn “{ctx.catalogue.name(code)}” có hiệu lực"
        )
    status = combine_all(c.status for c in children)
    return ctx.result(
        cond, status, f"Tiêu chuẩn “{ctx.catalogue.name(code)}”: {status.label}", children
    )


_EVALUATORS: dict[str, Callable[[Condition, Context], ConditionResult | None]] = {
    "all_of": _composite,
    "any_of": _composite,
    "rating_at_least": _rating_at_least,
    "holds_title_same_year": _holds_title_same_year,
    "consecutive_years_with_title": _consecutive_years_with_title,
    "consecutive_years_with_rating": _consecutive_years_with_rating,
    "count_initiatives": _count_initiatives,
    "has_award_before": _has_award_before,
    "not_awarded_within": _not_awarded_within,
    "not_in_discipline": _not_in_discipline,
    "achievement_not_rewarded": _achievement_not_rewarded,
    "eligible_for": _eligible_for,
    **COLLECTIVE_EVALUATORS,
}
assert _EVALUATORS.keys() == KINDS.keys(), "every condition kind needs an evaluator"
