"""The condition vocabulary of eligibility rules: how a condition is written as data, validated
and described in Vietnamese (evaluation lives in ``eligibility_evaluate``).

A condition is a JSON object ``{"kind": "...", <parameters>}``; ``all_of`` / ``any_of`` combine
others under ``"of"``. Any parameter may be ``"$name"``, a reference to the rule's ``parameters``,
so the numbers the law fixes (15%, 70%, 3 years) live in one visible place per rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from thidua.engine.eligibility_catalogue import COLLECTIVE, INDIVIDUAL, Catalogue, Problem
from thidua.engine.eligibility_model import (
    INITIATIVE_KINDS,
    Rating,
    Scope,
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
    "not_in_discipline": KindSpec({"over_period": _p("bool", False, False)}),
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
        return (
            f"{p['years']} lần liên tục đạt danh hiệu “{name(p['title'])}” "
            f"(mỗi lần ứng với một chuỗi {p['step']} năm)"
        )
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
        if p.get("over_period"):
            return (
                "Không bị kỷ luật trong thời gian tính thành tích, không đang bị xem xét kỷ luật "
                "hoặc trong thời hạn kỷ luật khi xét"
            )
        return "Không đang trong thời gian bị xem xét kỷ luật hoặc thi hành kỷ luật"
    if kind == "achievement_not_rewarded":
        return "Thành tích đề nghị chưa được khen thưởng bằng hình thức khác"
    if kind == "share_of_members_with_title":
        cmp = "Trên" if p["strict"] else "Ít nhất"
        return f"{cmp} {pct(p['min_percent'])} cá nhân đạt danh hiệu “{name(p['title'])}”"
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


def pct(value: Decimal | float) -> str:
    text = f"{Decimal(value):.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def years_text(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


def years_label(years: list[int]) -> str:
    return ("các năm " if len(years) > 1 else "năm ") + years_text(years)
