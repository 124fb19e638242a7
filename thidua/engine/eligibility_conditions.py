"""The condition vocabulary of eligibility rules: how a condition is written as data, validated,
described in Vietnamese and evaluated against a candidate's history.

A condition is a JSON object ``{"kind": "...", <parameters>}``; ``all_of`` / ``any_of`` combine
others under ``"of"``. Any parameter may be ``"$name"``, a reference to the rule's ``parameters``,
so the numbers the law fixes (15%, 70%, 3 years) live in one visible place per rule.

Evaluation is three-valued (met / not met / unknown): missing data never reads as a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from thidua.engine.eligibility_catalogue import COLLECTIVE, INDIVIDUAL, Catalogue, Problem
from thidua.engine.eligibility_model import (
    INITIATIVE_KINDS,
    Candidate,
    ConditionResult,
    Rating,
    Scope,
    Status,
    combine_all,
    combine_any,
)

ANY = "any"

# ---------------------------------------------------------------------------------------------
# Vocabulary: for each kind, its parameters (type, required, default) and who it applies to.


@dataclass(frozen=True)
class ParamSpec:
    type: str
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class KindSpec:
    params: Mapping[str, ParamSpec]
    target: str = ANY  # "ca_nhan", "tap_the" or "any"
    composite: bool = False


def _p(type_: str, required: bool = True, default: Any = None) -> ParamSpec:
    return ParamSpec(type_, required, default)


KINDS: dict[str, KindSpec] = {
    "all_of": KindSpec({}, composite=True),
    "any_of": KindSpec({}, composite=True),
    "rating_at_least": KindSpec({"rating": _p("rating"), "year_offset": _p("offset", False, 0)}),
    "holds_title_same_year": KindSpec(
        {"title": _p("award"), "or_meets_standard": _p("bool", False, False)}
    ),
    "consecutive_years_with_title": KindSpec(
        {"title": _p("award"), "years": _p("count"), "step": _p("count", False, 1)}
    ),
    "consecutive_years_with_rating": KindSpec({"rating": _p("rating"), "years": _p("count")}),
    "count_initiatives": KindSpec(
        {
            "min_scope": _p("scope"),
            "years": _p("count"),
            "at_least": _p("count"),
            "kinds": _p("initiative_kinds", False, frozenset(INITIATIVE_KINDS)),
        },
        target=INDIVIDUAL,
    ),
    "has_award_before": KindSpec({"award": _p("award"), "max_offset": _p("offset")}),
    "not_awarded_within": KindSpec(
        {"award": _p("award", False), "from_offset": _p("offset"), "to_offset": _p("offset")}
    ),
    "not_in_discipline": KindSpec({}),
    "achievement_not_rewarded": KindSpec({}),
    "share_of_members_with_title": KindSpec(
        {"title": _p("award"), "min_percent": _p("percent"), "strict": _p("bool", False, False)},
        target=COLLECTIVE,
    ),
    "all_members_rating_at_least": KindSpec({"rating": _p("rating")}, target=COLLECTIVE),
    "at_least_n_members_with_title": KindSpec(
        {"title": _p("award"), "n": _p("count")}, target=COLLECTIVE
    ),
    "no_member_disciplined_at_least": KindSpec({"form": _p("discipline_form")}, target=COLLECTIVE),
    "unit_level_in": KindSpec(
        {"levels": _p("levels", False), "levels_by_award": _p("levels_by_award", False)},
        target=COLLECTIVE,
    ),
    "leads_cluster": KindSpec({}, target=COLLECTIVE),
    "eligible_for": KindSpec({"award": _p("award")}),
}
NODE_KEYS = {"kind", "of", "text", "legal_basis", "lower_award", "enabled"}
_MISSING = object()


@dataclass(frozen=True)
class Condition:
    """A compiled condition: parameters resolved and typed, Vietnamese text fixed at load time."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    children: tuple[Condition, ...] = ()
    text: str = ""
    legal_basis: str | None = None
    # A prerequisite lower award; waived where a principle rule says none is required (R17).
    lower_award: bool = False
    enabled: bool = True

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


# ---------------------------------------------------------------------------------------------
# Compilation (validation + parameter resolution)


def _convert(type_: str, value: Any, catalogue: Catalogue) -> tuple[Any, str | None]:
    """Typed value or a Vietnamese error message."""
    if type_ == "award":
        if isinstance(value, str) and value in catalogue:
            return value, None
        return None, f"hình thức khen thưởng không có trong danh mục: “{value}”"
    if type_ == "rating":
        try:
            return Rating.parse(value), None
        except (ValueError, TypeError):
            return None, f"mức đánh giá không hợp lệ: “{value}”"
    if type_ == "scope":
        try:
            return Scope.parse(value), None
        except (ValueError, TypeError):
            return None, f"phạm vi không hợp lệ: “{value}” (co_so, bo, toan_quoc)"
    if type_ in ("count", "offset"):
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"phải là số nguyên, nhận được “{value}”"
        if type_ == "count" and value < 1:
            return None, f"phải là số nguyên dương, nhận được {value}"
        return value, None
    if type_ == "percent":
        if isinstance(value, bool | float):
            return None, "tỷ lệ phần trăm phải là số nguyên hoặc chuỗi số (tránh số thực)"
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None, f"tỷ lệ phần trăm không hợp lệ: “{value}”"
        if not 0 <= number <= 100:
            return None, f"tỷ lệ phần trăm phải trong khoảng 0–100, nhận được {value}"
        return number, None
    if type_ == "bool":
        if isinstance(value, bool):
            return value, None
        return None, f"phải là true/false, nhận được “{value}”"
    if type_ == "discipline_form":
        rank = catalogue.discipline_rank(value if isinstance(value, str) else None)
        if rank is None:
            return None, f"hình thức kỷ luật không hợp lệ: “{value}”"
        return rank, None
    if type_ == "initiative_kinds":
        if (
            not isinstance(value, list)
            or not value
            or any(v not in INITIATIVE_KINDS for v in value)
        ):
            return None, f"loại sáng kiến phải là danh sách trong {sorted(INITIATIVE_KINDS)}"
        return frozenset(value), None
    if type_ == "levels":
        if not isinstance(value, list) or any(v not in catalogue.unit_levels for v in value):
            return None, f"cấp đơn vị phải là danh sách trong {sorted(catalogue.unit_levels)}"
        return frozenset(value), None
    if type_ == "levels_by_award":
        if not isinstance(value, dict):
            return None, "phải là bảng {mã hình thức: [cấp đơn vị]}"
        out = {}
        for code, levels in value.items():
            if code not in catalogue:
                return None, f"hình thức khen thưởng không có trong danh mục: “{code}”"
            converted, error = _convert("levels", levels, catalogue)
            if error:
                return None, f"{code}: {error}"
            out[code] = converted
        return out, None
    raise AssertionError(type_)


def compile_condition(
    data: Any,
    path: str,
    parameters: Mapping[str, Any],
    catalogue: Catalogue,
    problems: list[Problem],
) -> Condition | None:
    """Validate one condition node and resolve its ``$`` references; record every problem."""
    if not isinstance(data, dict):
        problems.append(Problem(path, "điều kiện phải là một đối tượng JSON"))
        return None
    kind = data.get("kind")
    spec = KINDS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        problems.append(Problem(f"{path}.kind", f"loại điều kiện không hợp lệ “{kind}”"))
        return None
    start = len(problems)

    def resolve(key: str, raw: Any) -> Any:
        if isinstance(raw, str) and raw.startswith("$"):
            name = raw[1:]
            if name not in parameters:
                problems.append(
                    Problem(f"{path}.{key}", f"tham số “{name}” không có trong parameters")
                )
                return _MISSING
            return parameters[name]
        return raw

    for key in data:
        if key not in NODE_KEYS and key not in spec.params:
            problems.append(Problem(f"{path}.{key}", f"khóa không hợp lệ cho loại “{kind}”"))
    params: dict[str, Any] = {}
    for name, pspec in spec.params.items():
        if name not in data:
            if pspec.required:
                problems.append(Problem(f"{path}.{name}", "thiếu tham số bắt buộc"))
            params[name] = pspec.default
            continue
        raw = resolve(name, data[name])
        if raw is _MISSING:
            continue
        value, error = _convert(pspec.type, raw, catalogue)
        if error:
            problems.append(Problem(f"{path}.{name}", error))
        params[name] = value
    if kind == "unit_level_in" and (data.get("levels") is None) == (
        data.get("levels_by_award") is None
    ):
        problems.append(Problem(path, "cần đúng một trong hai: levels hoặc levels_by_award"))
    children: list[Condition] = []
    if spec.composite:
        of = data.get("of")
        if not isinstance(of, list) or not of:
            problems.append(Problem(f"{path}.of", "cần danh sách điều kiện con không rỗng"))
        else:
            for i, child in enumerate(of):
                compiled = compile_condition(
                    child, f"{path}.of[{i}]", parameters, catalogue, problems
                )
                if compiled is not None:
                    children.append(compiled)
    enabled = resolve("enabled", data.get("enabled", True))
    if enabled is _MISSING:
        enabled = True
    elif not isinstance(enabled, bool):
        problems.append(Problem(f"{path}.enabled", "phải là true/false hoặc tham chiếu $tham_số"))
        enabled = True
    for key in ("text", "legal_basis"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problems.append(Problem(f"{path}.{key}", "phải là chuỗi không rỗng"))
    if not isinstance(data.get("lower_award", False), bool):
        problems.append(Problem(f"{path}.lower_award", "phải là true/false"))
    if len(problems) > start:
        return None
    text = data.get("text") or describe(kind, params, catalogue)
    return Condition(
        kind=kind,
        params=params,
        children=tuple(children),
        text=text,
        legal_basis=data.get("legal_basis"),
        lower_award=bool(data.get("lower_award", False)),
        enabled=enabled,
    )


# ---------------------------------------------------------------------------------------------
# Vietnamese text of a condition (static: it does not depend on the candidate)


def _years_phrase(n: int) -> str:
    return f"{n} năm liên tục"


def describe(kind: str, p: Mapping[str, Any], catalogue: Catalogue) -> str:
    name = catalogue.name
    if kind == "all_of":
        return "Đáp ứng tất cả các điều kiện sau"
    if kind == "any_of":
        return "Đáp ứng một trong các điều kiện sau"
    if kind == "rating_at_least":
        when = "trong năm" if p["year_offset"] == 0 else f"năm (năm xét {p['year_offset']:+d})"
        return f"Được đánh giá từ “{p['rating'].label}” trở lên {when}"
    if kind == "holds_title_same_year":
        verb = "Đạt tiêu chuẩn danh hiệu" if p["or_meets_standard"] else "Đạt danh hiệu"
        return f"{verb} “{name(p['title'])}” trong năm"
    if kind == "consecutive_years_with_title":
        if p["step"] == 1:
            return f"Đạt danh hiệu “{name(p['title'])}” {_years_phrase(p['years'])}"
        return f"{p['years']} lần liên tục đạt danh hiệu “{name(p['title'])}” (mỗi lần {p['step']} năm)"
    if kind == "consecutive_years_with_rating":
        return f"Được đánh giá “{p['rating'].label}” {_years_phrase(p['years'])}"
    if kind == "count_initiatives":
        kinds = p["kinds"]
        what = (
            "sáng kiến, đề tài khoa học hoặc mưu trí sáng tạo"
            if kinds == frozenset(INITIATIVE_KINDS)
            else " hoặc ".join(INITIATIVE_KINDS[k] for k in sorted(kinds))
        )
        span = "trong năm" if p["years"] == 1 else f"trong {p['years']} năm"
        return (
            f"Có ít nhất {p['at_least']} {what} được công nhận phạm vi "
            f"{p['min_scope'].label} trở lên {span}"
        )
    if kind == "has_award_before":
        return f"Đã được tặng “{name(p['award'])}” trước thời gian tính thành tích"
    if kind == "not_awarded_within":
        what = f"“{name(p['award'])}”" if p["award"] else "hình thức này"
        return f"Chưa được tặng {what} cho cùng thời gian tính thành tích (mỗi thành tích khen một lần)"
    if kind == "not_in_discipline":
        return "Không đang trong thời gian bị xem xét kỷ luật hoặc thi hành kỷ luật"
    if kind == "achievement_not_rewarded":
        return "Thành tích đề nghị chưa được khen thưởng bằng hình thức khác"
    if kind == "share_of_members_with_title":
        cmp = "Trên" if p["strict"] else "Ít nhất"
        return f"{cmp} {_pct(p['min_percent'])} cá nhân đạt danh hiệu “{name(p['title'])}”"
    if kind == "all_members_rating_at_least":
        return f"100% cá nhân được đánh giá từ “{p['rating'].label}” trở lên"
    if kind == "at_least_n_members_with_title":
        return f"Có ít nhất {p['n']} cá nhân đạt danh hiệu “{name(p['title'])}”"
    if kind == "no_member_disciplined_at_least":
        form = catalogue.discipline_name(p["form"])
        return f"Không có cá nhân bị kỷ luật từ hình thức {form} trở lên trong năm"
    if kind == "unit_level_in":
        return "Đơn vị thuộc cấp được xét tặng"
    if kind == "leads_cluster":
        return "Là tập thể dẫn đầu cụm, khối thi đua"
    if kind == "eligible_for":
        return f"Đạt tiêu chuẩn “{name(p['award'])}”"
    raise AssertionError(kind)


def _pct(value: Decimal | float) -> str:
    text = f"{Decimal(value):.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


def _years_label(years: list[int]) -> str:
    return ("các năm " if len(years) > 1 else "năm ") + _years(years)


# ---------------------------------------------------------------------------------------------
# Evaluation


@dataclass
class Context:
    """What an evaluation needs besides the condition: the candidate, the year and the rules'
    principles. ``standard`` evaluates another award's standard (for eligible_for and for
    "meets the standard of" a same-year title) without the engine importing back here."""

    candidate: Candidate
    year: int
    as_of: date
    award: str
    catalogue: Catalogue
    rule_id: str
    legal_basis: str
    achievement_ref: str | None
    assumed: Mapping[str, frozenset[str]]
    count_revoked: bool
    waiver: tuple[str, str] | None  # (rule id, legal basis) when no lower award is required
    standard: Callable[[Candidate, str], tuple[ConditionResult, ...]]

    def result(self, cond: Condition, status: Status, detail: str, children=()) -> ConditionResult:
        return ConditionResult(
            rule_id=self.rule_id,
            text=cond.text,
            legal_basis=cond.legal_basis or self.legal_basis,
            status=status,
            detail=detail,
            kind=cond.kind,
            children=tuple(children),
        )


HELD, ASSUMED, REVOKED, MISSING, UNKNOWN = "held", "assumed", "revoked", "missing", "unknown"


def holding(ctx: Context, cand: Candidate, code: str, year: int):
    """(state, award) of ``cand`` for award ``code`` in ``year``; revoked awards do not count
    unless a principle rule says so (R18)."""
    hist = cand.history
    award = hist.valid.get(code, {}).get(year)
    if award is not None:
        return HELD, award
    if year == ctx.year and code in ctx.assumed.get(cand.id, ()):
        return ASSUMED, None
    revoked = hist.revoked.get(code, {}).get(year)
    if revoked is not None:
        return (HELD, revoked) if ctx.count_revoked else (REVOKED, revoked)
    return (MISSING, None) if cand.known(year) else (UNKNOWN, None)


def _revoked_note(ctx: Context, award) -> str:
    note = f"năm {award.year} đã bị thu hồi ({award.describe(ctx.catalogue.name(award.code))}"
    if award.revocation_decision:
        note += f"; QĐ thu hồi {award.revocation_decision}"
    return note + ")"


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
    detail = f"Đạt {met}/{len(children)} điều kiện"
    if status is not Status.MET:
        # Name what is missing, so the top line alone answers "why not".
        open_ = [f"{c.text}: {c.detail}" for c in children if c.status is not Status.MET]
        detail += " — " + " | ".join(open_)
    return ctx.result(cond, status, detail, children)


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
        return ctx.result(cond, Status.NOT_MET, f"Danh hiệu {_revoked_note(ctx, award)}")
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
                notes.append(_revoked_note(ctx, award))
    detail = f"{name} {_years_label(held)}" if held else f"Chưa đạt “{name}” {_years_label(years)}"
    if held and missing:
        detail += f" — thiếu năm {_years(missing)}"
    if unknown:
        detail += f"; chưa có dữ liệu năm {_years(unknown)}"
    if notes:
        detail += "; " + "; ".join(notes)
    status = Status.NOT_MET if missing else Status.UNKNOWN if unknown else Status.MET
    return ctx.result(cond, status, detail)


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
    detail = f"{label} {_years_label(ok)}" if ok else f"Chưa đạt “{need.label}” năm nào"
    if bad:
        detail += f" — không đạt năm {', '.join(bad)}"
    if unknown:
        detail += f"; chưa có đánh giá năm {_years(unknown)}"
    status = Status.NOT_MET if bad else Status.UNKNOWN if unknown else Status.MET
    return ctx.result(cond, status, detail)


def _count_initiatives(cond: Condition, ctx: Context) -> ConditionResult:
    p = cond.params
    first, last = ctx.year - p["years"] + 1, ctx.year
    found = [
        i
        for i in ctx.candidate.initiatives
        if first <= i.year <= last and i.scope >= p["min_scope"] and i.kind in p["kinds"]
    ]
    span = str(last) if first == last else f"{first}–{last}"
    listed = "; ".join(
        f"{i.title or i.ref or i.kind} ({i.year}, {i.scope.label})" for i in found[:3]
    )
    detail = f"Có {len(found)}/{p['at_least']} trong {span}" + (f": {listed}" if listed else "")
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
    by_year = ctx.candidate.history.valid.get(code, {})
    found = [by_year[y] for y in years if y in by_year]
    if found:
        return ctx.result(
            cond, Status.NOT_MET, "Đã được tặng: " + "; ".join(a.describe(name) for a in found)
        )
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    unknown = [y for y in years if not ctx.candidate.known(y)]
    if unknown:
        return ctx.result(
            cond, Status.UNKNOWN, f"Chưa có dữ liệu khen thưởng năm {_years(unknown)}"
        )
    return ctx.result(cond, Status.MET, f"Chưa được tặng “{name}” cho năm {span}")


def _not_in_discipline(cond: Condition, ctx: Context) -> ConditionResult:
    records = ctx.candidate.disciplines
    day = ctx.as_of
    if records is None:
        return ctx.result(cond, Status.UNKNOWN, "Chưa có thông tin về kỷ luật")
    blocking, open_ended = [], []
    for d in records:
        if d.start > day:
            continue
        ref = f" (QĐ {d.decision_no})" if d.decision_no else ""
        if d.awaiting_review:
            if d.end is None or day <= d.end:
                blocking.append(f"đang bị xem xét kỷ luật từ ngày {d.start:%d/%m/%Y}{ref}")
        elif d.end is None:
            form = f" {d.form}" if d.form else ""
            open_ended.append(f"kỷ luật{form} từ ngày {d.start:%d/%m/%Y}{ref} chưa rõ thời hạn")
        elif day <= d.end:
            form = f" {d.form}" if d.form else ""
            blocking.append(
                f"đang trong thời hạn kỷ luật{form} {d.start:%d/%m/%Y}–{d.end:%d/%m/%Y}{ref}"
            )
    if blocking:
        return ctx.result(cond, Status.NOT_MET, f"Ngày {day:%d/%m/%Y}: " + "; ".join(blocking))
    if open_ended:
        return ctx.result(cond, Status.UNKNOWN, "; ".join(open_ended))
    return ctx.result(
        cond, Status.MET, f"Không bị xem xét hoặc thi hành kỷ luật vào ngày {day:%d/%m/%Y}"
    )


def _achievement_not_rewarded(cond: Condition, ctx: Context) -> ConditionResult | None:
    ref = ctx.achievement_ref
    if not ref:
        return None
    earlier = ctx.candidate.history.by_ref.get(ref)
    if earlier:
        used = "; ".join(a.describe(ctx.catalogue.name(a.code)) for a in earlier)
        return ctx.result(cond, Status.NOT_MET, f"Thành tích “{ref}” đã được khen thưởng: {used}")
    return ctx.result(cond, Status.MET, f"Thành tích “{ref}” chưa được dùng cho khen thưởng nào")


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


def _share_of_members_with_title(cond: Condition, ctx: Context) -> ConditionResult:
    members, early = _members(cond, ctx)
    if early:
        return early
    p = cond.params
    total = len(members)
    held, unknown = _count_holders(ctx, members, p["title"])
    need: Decimal = p["min_percent"]

    def passes(count: int) -> bool:  # exact: count/total vs need/100, no floats
        return count * 100 > need * total if p["strict"] else count * 100 >= need * total

    share = _pct(Decimal(held * 100) / total)
    name = ctx.catalogue.name(p["title"])
    detail = f"{held}/{total} cá nhân ({share}) đạt “{name}”; cần {'trên' if p['strict'] else 'từ'} {_pct(need)}"
    if unknown:
        detail += f"; {unknown} người chưa có dữ liệu"
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
    members, early = _members(cond, ctx)
    if early:
        return early
    n = cond.params["n"]
    held, unknown = _count_holders(ctx, members, cond.params["title"])
    detail = f"Có {held} cá nhân đạt “{ctx.catalogue.name(cond.params['title'])}”; cần ít nhất {n}"
    if unknown:
        detail += f"; {unknown} người chưa có dữ liệu"
    status = Status.MET if held >= n else Status.UNKNOWN if held + unknown >= n else Status.NOT_MET
    return ctx.result(cond, status, detail)


def _no_member_disciplined_at_least(cond: Condition, ctx: Context) -> ConditionResult:
    members, early = _members(cond, ctx)
    if early:
        return early
    threshold = cond.params["form"]
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
    day = f"{ctx.as_of:%d/%m/%Y}"
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
    "share_of_members_with_title": _share_of_members_with_title,
    "all_members_rating_at_least": _all_members_rating_at_least,
    "at_least_n_members_with_title": _at_least_n_members_with_title,
    "no_member_disciplined_at_least": _no_member_disciplined_at_least,
    "unit_level_in": _unit_level_in,
    "leads_cluster": _leads_cluster,
    "eligible_for": _eligible_for,
}
assert _EVALUATORS.keys() == KINDS.keys()
