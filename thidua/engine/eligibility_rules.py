"""Rule sets as data: parsing, validation and choosing the set in force for a year (what a rule
set is, its rules and the words for their fields: ``thidua.engine.eligibility_ruleset``).

A rule set is a JSON file in ``rulesets/`` (``<yyyy>-<name>.json``) with an id, an effective date
and its rules. A newer set may ``extend`` an older one: it inherits the rules, replaces those it
redefines (by id), and drops those it lists under ``remove``. Old years are judged by the set in
force on 31 December of that year, unless the caller gives another consideration date.

Each rule carries its legal basis, confidence (H/M/L from the research digest), effective dates,
parameters, and which parameters are defaults with no legal basis found (``no_basis``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from thidua.engine.eligibility_catalogue import (
    COLLECTIVE,
    INDIVIDUAL,
    RULESET_DIR,
    Catalogue,
    Problem,
    RuleSetError,
    load_catalogue,
)
from thidua.engine.eligibility_conditions import ANY, KINDS, Condition, compile_condition
from thidua.engine.eligibility_ruleset import (
    CONFIDENCE,
    GROUPS,
    PRINCIPLES,
    ROUNDING,
    RULE_KINDS,
    QuotaSpec,
    Rule,
    RuleSet,
)

RULE_KEYS = {
    "id", "title", "kind", "applies_to", "legal_basis", "confidence", "effective_from",
    "effective_to", "parameters", "condition", "quota", "principle", "standard", "digest",
    "no_basis", "note", "recipient", "unverified",
}  # fmt: skip
SET_KEYS = {
    "id",
    "title",
    "effective_from",
    "effective_to",
    "extends",
    "remove",
    "basis",
    "note",
    "unverified",
    "rules",
}
_ID = re.compile(r"^R\d{2}(\.\d+)?[a-z]?$")


# ---------------------------------------------------------------------------------------------
# Parsing and validation


def _date(value: Any, path: str, problems: list[Problem]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(Problem(path, f"ngày không hợp lệ “{value}” (định dạng YYYY-MM-DD)"))
        return None


def _text(
    data: Mapping, key: str, path: str, problems: list[Problem], required: bool = True
) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(f"{path}.{key}", "thiếu hoặc không phải chuỗi ký tự"))
        return ""
    return value


def _recipients(
    applies_to: frozenset[str] | None, catalogue: Catalogue, recipient=None
) -> set[str]:
    if recipient is not None:
        return {recipient}
    if applies_to is None:
        return {INDIVIDUAL, COLLECTIVE}
    out: set[str] = set()
    for code in applies_to:
        if code in catalogue:
            out |= catalogue.get(code).recipients
    return out


def _check_targets(rule_path, cond: Condition, applies_to, recipient, catalogue, problems) -> None:
    """A unit-only condition on an individual title (or the reverse) can never be evaluated."""
    recipients = _recipients(applies_to, catalogue, recipient)
    for node in cond.walk():
        target = KINDS[node.kind].target
        if target != ANY and recipients - {target}:
            who = "tập thể" if target == COLLECTIVE else "cá nhân"
            problems.append(
                Problem(f"{rule_path}.condition", f"điều kiện “{node.kind}” chỉ dùng cho {who}")
            )
        if node.kind == "unit_level_in" and node.params.get("levels_by_award") is not None:
            missing = sorted((applies_to or frozenset()) - node.params["levels_by_award"].keys())
            if missing:
                problems.append(
                    Problem(
                        f"{rule_path}.condition", f"levels_by_award thiếu: {', '.join(missing)}"
                    )
                )


def _parse_quota(data: Any, path: str, rule: dict, catalogue: Catalogue, problems: list[Problem]):
    if not isinstance(data, dict):
        problems.append(Problem(path, "quy tắc chỉ tiêu cần đối tượng “quota”"))
        return None
    params = rule.get("parameters") or {}
    start = len(problems)

    def value(key: str, default: Any = None) -> Any:
        raw = data.get(key, default)
        if isinstance(raw, str) and raw.startswith("$"):
            if raw[1:] not in params:
                problems.append(
                    Problem(f"{path}.{key}", f"tham số “{raw[1:]}” không có trong parameters")
                )
                return None
            return params[raw[1:]]
        return raw

    for key in data:
        if key not in {"max_percent", "of_award", "of_cluster_leaders", "group_by", "rounding"}:
            problems.append(Problem(f"{path}.{key}", "khóa không hợp lệ"))
    raw_pct = value("max_percent")
    try:
        if isinstance(raw_pct, bool | float) or raw_pct is None:
            raise InvalidOperation
        pct = Decimal(str(raw_pct))
        if not 0 <= pct <= 100:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(Problem(f"{path}.max_percent", f"tỷ lệ không hợp lệ “{raw_pct}” (0–100)"))
        pct = Decimal(0)
    of_award = value("of_award")
    leaders = value("of_cluster_leaders", False)
    if (of_award is None) == (not leaders):
        problems.append(Problem(path, "cần đúng một cơ sở tính: of_award hoặc of_cluster_leaders"))
    if of_award is not None:
        if of_award not in catalogue:
            problems.append(Problem(f"{path}.of_award", f"không có trong danh mục: “{of_award}”"))
        else:
            for code in rule.get("applies_to") or []:
                if code in catalogue and catalogue.get(code).rank <= catalogue.get(of_award).rank:
                    problems.append(
                        Problem(
                            f"{path}.of_award", f"cơ sở tính phải là hình thức thấp hơn “{code}”"
                        )
                    )
    group_by = value("group_by", "unit")
    if group_by not in GROUPS:
        problems.append(Problem(f"{path}.group_by", f"phải là một trong {sorted(GROUPS)}"))
    rounding = value("rounding", "xuong")
    if rounding not in ROUNDING:
        problems.append(Problem(f"{path}.rounding", f"phải là một trong {sorted(ROUNDING)}"))
    if len(problems) > start:
        return None
    return QuotaSpec(pct, group_by, rounding, of_award, bool(leaders))


def parse_rule(data: Any, path: str, catalogue: Catalogue, problems: list[Problem]) -> Rule | None:
    if not isinstance(data, dict):
        problems.append(Problem(path, "quy tắc phải là một đối tượng JSON"))
        return None
    start = len(problems)
    for key in data:
        if key not in RULE_KEYS:
            problems.append(Problem(f"{path}.{key}", "khóa không hợp lệ"))
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        problems.append(
            Problem(f"{path}.id", f"mã quy tắc không hợp lệ “{rule_id}” (ví dụ R01, R26.1)")
        )
    title = _text(data, "title", path, problems)
    basis = _text(data, "legal_basis", path, problems)
    note = _text(data, "note", path, problems, required=False)
    unverified = _text(data, "unverified", path, problems, required=False)
    kind = data.get("kind", "eligibility")
    if kind not in RULE_KINDS:
        problems.append(Problem(f"{path}.kind", f"loại quy tắc không hợp lệ “{kind}”"))
    confidence = data.get("confidence")
    if confidence not in CONFIDENCE:
        problems.append(Problem(f"{path}.confidence", "độ tin cậy phải là H, M hoặc L"))
    start_day = _date(data.get("effective_from"), f"{path}.effective_from", problems)
    end_day = _date(data.get("effective_to"), f"{path}.effective_to", problems)
    if start_day and end_day and end_day < start_day:
        problems.append(Problem(f"{path}.effective_to", "ngày hết hiệu lực trước ngày có hiệu lực"))
    raw_applies = data.get("applies_to")
    applies_to: frozenset[str] | None = None
    if raw_applies != "*":
        if not isinstance(raw_applies, list) or not raw_applies:
            problems.append(Problem(f"{path}.applies_to", 'cần danh sách mã hình thức hoặc "*"'))
        else:
            for i, code in enumerate(raw_applies):
                if code not in catalogue:
                    problems.append(
                        Problem(f"{path}.applies_to[{i}]", f"không có trong danh mục: “{code}”")
                    )
            applies_to = frozenset(raw_applies)
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        problems.append(Problem(f"{path}.parameters", "phải là một đối tượng JSON"))
        parameters = {}
    no_basis = data.get("no_basis") or []
    if not isinstance(no_basis, list):
        problems.append(Problem(f"{path}.no_basis", 'phải là danh sách tên tham số hoặc "*"'))
        no_basis = []
    for i, name in enumerate(no_basis):
        if name != "*" and name not in parameters:
            problems.append(
                Problem(f"{path}.no_basis[{i}]", f"tham số “{name}” không có trong parameters")
            )
    digest = data.get("digest") or []
    if not isinstance(digest, list) or any(
        not isinstance(n, int) or not 1 <= n <= 27 for n in digest
    ):
        problems.append(Problem(f"{path}.digest", "phải là danh sách số quy tắc 1–27 của tài liệu"))
        digest = []
    recipient = data.get("recipient")
    if recipient is not None and recipient not in (INDIVIDUAL, COLLECTIVE):
        problems.append(Problem(f"{path}.recipient", "phải là ca_nhan hoặc tap_the"))
    standard = data.get("standard", True)
    if not isinstance(standard, bool):
        problems.append(Problem(f"{path}.standard", "phải là true/false"))
    condition = quota = None
    principle: dict[str, bool] = {}
    if kind == "eligibility":
        if "condition" not in data:
            problems.append(Problem(f"{path}.condition", "quy tắc tiêu chuẩn cần điều kiện"))
        else:
            condition = compile_condition(
                data["condition"], f"{path}.condition", parameters, catalogue, problems
            )
            if condition is not None:
                _check_targets(path, condition, applies_to, recipient, catalogue, problems)
    elif kind == "quota":
        quota = _parse_quota(data.get("quota"), f"{path}.quota", data, catalogue, problems)
    elif kind == "principle":
        raw = data.get("principle")
        if not isinstance(raw, dict) or not raw:
            problems.append(Problem(f"{path}.principle", "cần đối tượng nguyên tắc"))
        else:
            for key, val in raw.items():
                if key not in PRINCIPLES or not isinstance(val, bool):
                    problems.append(
                        Problem(
                            f"{path}.principle.{key}",
                            f"nguyên tắc không hợp lệ (hợp lệ: {sorted(PRINCIPLES)})",
                        )
                    )
                else:
                    principle[key] = val
    if len(problems) > start:
        return None
    return Rule(
        id=rule_id,
        title=title,
        kind=kind,
        applies_to=applies_to,
        legal_basis=basis,
        confidence=confidence,
        effective_from=start_day,
        effective_to=end_day,
        parameters=parameters,
        condition=condition,
        quota=quota,
        principle=principle,
        standard=standard,
        digest=tuple(digest),
        no_basis=tuple(no_basis),
        note=note,
        unverified=unverified,
        recipient=recipient,
        raw=data,
    )


def _resolve_extends(
    data: Mapping, bases: Mapping[str, Mapping], problems: list[Problem], seen=()
) -> list[tuple[str, Any]]:
    """The full list of raw rules of a set, following ``extends`` (a newer set overrides by id),
    each with the path a problem in it is reported at: the set's own rules by their index in its
    ``rules``, inherited ones under ``extends``."""
    base_id = data.get("extends")
    rules = list(data.get("rules") or [])
    own = [(f"rules[{i}]", raw) for i, raw in enumerate(rules)]
    if base_id is None:
        return own
    if not isinstance(base_id, str):
        problems.append(Problem("extends", "phải là mã của một bộ quy tắc (chuỗi ký tự)"))
        return own
    if base_id in seen or base_id not in bases:
        problems.append(
            Problem("extends", f"không tìm thấy bộ quy tắc gốc “{base_id}” (hoặc tham chiếu vòng)")
        )
        return own
    in_base: list[Problem] = []
    inherited = [
        (f"extends.{path}", raw)
        for path, raw in _resolve_extends(bases[base_id], bases, in_base, (*seen, data.get("id")))
    ]
    problems.extend(Problem(f"extends.{p.path}", p.message) for p in in_base)
    listed = data.get("remove") or []
    if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
        problems.append(Problem("remove", "phải là danh sách mã quy tắc (chuỗi ký tự)"))
        listed = [x for x in listed if isinstance(x, str)] if isinstance(listed, list) else []
    removed = set(listed)
    known_ids = {r.get("id") for _, r in inherited if isinstance(r, dict)}
    for i, rule_id in enumerate(sorted(removed - known_ids)):
        problems.append(Problem(f"remove[{i}]", f"bộ quy tắc gốc không có quy tắc “{rule_id}”"))
    redefined = {r.get("id") for r in rules if isinstance(r, dict) and isinstance(r.get("id"), str)}
    kept = [(p, r) for p, r in inherited if r.get("id") not in removed | redefined]
    return kept + own


def parse_ruleset(
    data: Mapping[str, Any],
    *,
    bases: Mapping[str, Mapping[str, Any]] | None = None,
    catalogue: Catalogue | None = None,
) -> RuleSet:
    """Validate and build a rule set; raise RuleSetError listing every problem with its path.

    ``bases`` maps set ids to raw sets that ``extends`` may refer to (e.g. the bundled ones)."""
    catalogue = catalogue or load_catalogue()
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise RuleSetError([Problem("", "bộ quy tắc phải là một đối tượng JSON")])
    for key in data:
        if key not in SET_KEYS:
            problems.append(Problem(key, "khóa không hợp lệ"))
    set_id = _text(data, "id", "", problems).strip()
    title = _text(data, "title", "", problems)
    start = _date(data.get("effective_from"), "effective_from", problems)
    if data.get("effective_from") is None:
        problems.append(Problem("effective_from", "thiếu ngày có hiệu lực"))
    end = _date(data.get("effective_to"), "effective_to", problems)
    if start and end and end < start:
        problems.append(Problem("effective_to", "ngày hết hiệu lực trước ngày có hiệu lực"))
    if not isinstance(data.get("rules", []), list):
        problems.append(Problem("rules", "phải là danh sách quy tắc"))
        raw_rules: list[tuple[str, Any]] = []
    else:
        raw_rules = _resolve_extends(data, bases or {}, problems)
    rules: list[Rule] = []
    for path, raw in raw_rules:
        rule = parse_rule(raw, path, catalogue, problems)
        if rule is not None:
            rules.append(rule)
    _check_overlaps(rules, problems)
    if problems:
        raise RuleSetError(problems)
    return RuleSet(
        id=set_id,
        title=title,
        effective_from=start,
        effective_to=end,
        rules=tuple(rules),
        basis=str(data.get("basis", "")),
        note=str(data.get("note", "")),
        unverified=str(data.get("unverified", "")),
    )


def _check_overlaps(rules: Sequence[Rule], problems: list[Problem]) -> None:
    """Two versions of one rule id may not be in force on the same day."""
    by_id: dict[str, list[Rule]] = {}
    for rule in rules:
        by_id.setdefault(rule.id, []).append(rule)
    for rule_id, versions in by_id.items():
        versions.sort(key=lambda r: r.effective_from or date.min)
        for a, b in itertools.pairwise(versions):
            if a.effective_to is None or (b.effective_from or date.min) <= a.effective_to:
                problems.append(
                    Problem(
                        f"rules[{rule_id}]", "hai phiên bản của cùng quy tắc có hiệu lực chồng nhau"
                    )
                )


def load_rulesets(
    directory: Path = RULESET_DIR, catalogue: Catalogue | None = None
) -> tuple[RuleSet, ...]:
    """Every rule set file of a directory (``<digit>*.json``), sorted by effective date.

    Problems from all files are reported together, each prefixed by its file name."""
    raw_sets: dict[str, tuple[str, dict]] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("[0-9]*.json")):
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            problems.append(Problem(path.name, f"không đọc được tệp JSON: {exc}"))
            continue
        raw_sets[str(data.get("id"))] = (path.name, data)
    bases = {set_id: data for set_id, (_, data) in raw_sets.items()}
    sets = []
    for name, data in raw_sets.values():
        try:
            sets.append(parse_ruleset(data, bases=bases, catalogue=catalogue))
        except RuleSetError as exc:
            problems += [Problem(f"{name}: {p.path}", p.message) for p in exc.problems]
    if problems:
        raise RuleSetError(problems)
    return tuple(sorted(sets, key=lambda s: s.effective_from))


@cache
def bundled_rulesets() -> tuple[RuleSet, ...]:
    """The rule sets shipped with the code (cached)."""
    return load_rulesets()


def reference_date(year: int) -> date:
    """The day whose rules judge an emulation year: 31 December of that year.

    A default with no legal basis found: the year-end review usually happens in December, and the
    2022 law's transitional article keeps files already submitted under the old law. Callers
    pass ``as_of`` for another consideration date."""
    return date(year, 12, 31)


def ruleset_for(
    year: int, *, as_of: date | None = None, rulesets: Iterable[RuleSet] | None = None
) -> RuleSet:
    """The rule set in force for an emulation year (the latest one started on the reference day)."""
    day = as_of or reference_date(year)
    pool = bundled_rulesets() if rulesets is None else rulesets
    candidates = [s for s in pool if s.in_force(day)]
    if not candidates:
        raise LookupError(
            f"Không có bộ quy tắc nào có hiệu lực vào ngày {day:%d/%m/%Y} (năm {year})"
        )
    return max(candidates, key=lambda s: s.effective_from)
