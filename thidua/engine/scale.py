"""The scoring scale (thang điểm): a versioned document parsed into frozen dataclasses.

A cluster adopts a scale each year at its covenant conference. The scale is a JSON document (schema in
``docs/scale-schema.md``) describing groups → criteria; each criterion has a code, a Vietnamese name,
maximum points and one rule (see :mod:`thidua.engine.rules`). The document also fixes the rounding
rule, the policy for missing results, how self-assessments and inspections are reconciled and the
tie-break order of the ranking.

Public API::

    problems = validate_scale(doc)   # every problem, each with its path, in Vietnamese
    scale = parse_scale(doc)         # Scale, or ScaleError(problems)

Validation never stops at the first problem: a secretary fixing a scale wants the whole list, e.g.
``groups[2].criteria[5].max_points: phải là số không âm``.

The scale's identity for stored sheets is ``(code, version)`` plus :attr:`Scale.fingerprint`, a hash
of the canonical document, so a sheet can prove which exact scale scored it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .docreader import DocReader, Problem, join_path
from .numbers import ROUNDING_MODES, Rounding, dsum
from .rules import SCALE_RULE_KINDS, ScaleRule, kind_of

__all__ = [
    "SCHEMA",
    "Criterion",
    "DocReader",
    "Group",
    "Problem",
    "Reconciliation",
    "Scale",
    "ScaleError",
    "TieBreak",
    "parse_scale",
    "validate_scale",
]

SCHEMA = "thidua.scale/1"
ZERO = Decimal(0)


class ScaleError(ValueError):
    """The scale document is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("Thang điểm không hợp lệ:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name: str
    max_points: Decimal  # the nominal maximum (0 for deductions and vetoes)
    rule: ScaleRule
    group: str  # group code
    missing: str  # "zero" | "block": what a missing result does
    floor: Decimal  # the lowest points possible (negative only for deductions)
    ceiling: Decimal  # the highest points possible (max + bonus cap)
    index: int  # position in the scale (column in matrices)
    rounding: Rounding = field(default_factory=Rounding)  # the scale's rule, for explanations
    description: str = ""
    aliases: tuple[str, ...] = ()  # other phrasings of the name, for reading reports
    # The plausible range of a measured value, where the scale sets it ("min"/"max"): a figure
    # outside it is flagged to the unit, the secretariat and the inspectors.
    plausible_min: Decimal | None = None
    plausible_max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    name: str
    max_points: Decimal
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class TieBreak:
    """One tie-break key; units equal on total are ordered by the first key that differs."""

    by: str  # "group" | "criterion" | "criteria_at_max" | "fewer_deductions"
    code: str = ""

    def describe(self, scale: Scale | None = None) -> str:
        if self.by == "group":
            name = scale.group(self.code).name if scale else self.code
            return f"điểm nhóm “{name}” cao hơn"
        if self.by == "criterion":
            name = scale.criterion(self.code).name if scale else self.code
            return f"điểm tiêu chí “{name}” cao hơn"
        if self.by == "criteria_at_max":
            return "nhiều tiêu chí đạt điểm tối đa hơn"
        return "bị trừ ít điểm hơn"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """How inspections consolidate with the self-assessment (see :func:`scoring.reconcile`)."""

    method: str = "mean"  # "mean" | "median" | "min" of the inspection sheets
    threshold: Decimal = Decimal("0.5")  # flag a criterion differing by more than this


@dataclass(frozen=True, slots=True)
class Scale:
    code: str
    name: str
    version: str
    groups: tuple[Group, ...]
    rounding: Rounding = field(default_factory=Rounding)
    missing: str = "zero"
    tie_breaks: tuple[TieBreak, ...] = ()
    reconciliation: Reconciliation = field(default_factory=Reconciliation)
    year: int | None = None
    total_points: Decimal = ZERO
    fingerprint: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)  # cluster, approval, note, basis…
    criteria: tuple[Criterion, ...] = ()
    _by_code: Mapping[str, Criterion] = field(default_factory=dict, repr=False)
    _groups_by_code: Mapping[str, Group] = field(default_factory=dict, repr=False)

    def __hash__(self) -> int:  # the mappings are not hashable; the fingerprint identifies
        return hash((self.code, self.version, self.fingerprint))

    def criterion(self, code: str) -> Criterion:
        return self._by_code[code]

    def group(self, code: str) -> Group:
        return self._groups_by_code[code]

    def has_criterion(self, code: str) -> bool:
        return code in self._by_code

    @property
    def ident(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.version, "fingerprint": self.fingerprint}


# ---------------------------------------------------------------------------------------------
# Reading the document: one pass that collects problems and builds values when it can, so that
# validation and parsing can never disagree.


def _rule(
    r: DocReader, spec: Mapping[str, Any], path: str, max_points: Decimal | None
) -> ScaleRule | None:
    raw_kind = spec.get("kind")
    kind = SCALE_RULE_KINDS.get(raw_kind) if isinstance(raw_kind, str) else None
    if kind is None:
        r.add(
            join_path(path, "kind"),
            f"loại quy tắc phải là một trong: {', '.join(SCALE_RULE_KINDS)}",
        )
        return None
    return kind.parse(r, spec, path, max_points)


def _criterion(
    r: DocReader,
    item: Any,
    path: str,
    group: str,
    index: int,
    default_missing: str,
    rounding: Rounding,
) -> Criterion | None:
    spec = r.obj(item, path)
    if spec is None:
        return None
    r.keys(
        spec,
        path,
        {
            "code",
            "name",
            "max_points",
            "rule",
            "missing",
            "description",
            "source",
            "aliases",
            "min",
            "max",
        },
    )
    low = r.number(spec, "min", path, required=False)
    high = r.number(spec, "max", path, required=False)
    if low is not None and high is not None and low > high:
        r.add(join_path(path, "max"), "phải không nhỏ hơn giá trị hợp lý thấp nhất (min)")
    code = r.code(spec, path)
    aliases = spec.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        r.add(join_path(path, "aliases"), "phải là danh sách các cụm từ (chuỗi không rỗng)")
        aliases = []
    name = r.text(spec, "name", path)
    rule_spec = r.obj(spec.get("rule"), join_path(path, "rule")) if "rule" in spec else None
    if "rule" not in spec:
        r.add(join_path(path, "rule"), "thiếu (bắt buộc)")
    raw_kind = rule_spec.get("kind") if rule_spec else None
    # a hostile file may put any JSON value here: only a string can name a kind
    kind = SCALE_RULE_KINDS.get(raw_kind) if isinstance(raw_kind, str) else None
    # deductions and vetoes carry no nominal points: max_points is derived (and checked if given)
    derived = kind is not None and not kind.nominal_points
    max_points = r.number(spec, "max_points", path, required=not derived, minimum=ZERO)
    rule = _rule(r, rule_spec, join_path(path, "rule"), max_points) if rule_spec else None
    missing = r.choice(spec, "missing", path, ("zero", "block"), default_missing)
    if kind is not None and not kind.scored:
        missing = "zero"  # an information-only figure never blocks a total
    if rule is None or not code or not name:
        return None
    points = kind_of(rule).points_range(r, path, rule, max_points)
    if points is None:
        return None
    max_points, floor, ceiling = points
    return Criterion(
        code=code,
        name=name,
        max_points=max_points,
        rule=rule,
        group=group,
        missing=missing,
        floor=floor,
        ceiling=ceiling,
        index=index,
        rounding=rounding,
        description=str(spec.get("description", "")),
        aliases=tuple(a.strip() for a in aliases),
        plausible_min=low,
        plausible_max=high,
    )


_TOP_KEYS = {
    "schema",
    "code",
    "name",
    "version",
    "year",
    "cluster",
    "approved",
    "supersedes",
    "note",
    "basis",
    "rounding",
    "missing",
    "reconciliation",
    "tie_breaks",
    "total_points",
    "groups",
}


def _read_settings(r: DocReader, top: Mapping[str, Any]) -> tuple[Rounding, str, Reconciliation]:
    """Rounding rule, missing-value policy and reconciliation settings of a scale document."""
    rounding = Rounding()
    if "rounding" in top:
        spec = r.obj(top["rounding"], "rounding")
        if spec is not None:
            r.keys(spec, "rounding", {"places", "mode"})
            places = spec.get("places", 2)
            if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6:
                r.add("rounding.places", "phải là số nguyên từ 0 đến 6")
                places = 2
            mode = r.choice(spec, "mode", "rounding", tuple(ROUNDING_MODES), "half_up")
            rounding = Rounding(places=places, mode=mode)
    missing = r.choice(top, "missing", "", ("zero", "block"), "zero")

    reconciliation = Reconciliation()
    if "reconciliation" in top:
        spec = r.obj(top["reconciliation"], "reconciliation")
        if spec is not None:
            r.keys(spec, "reconciliation", {"method", "threshold"})
            method = r.choice(spec, "method", "reconciliation", ("mean", "median", "min"), "mean")
            threshold = r.number(spec, "threshold", "reconciliation", required=False, minimum=ZERO)
            reconciliation = Reconciliation(
                method=method, threshold=threshold if threshold is not None else Decimal("0.5")
            )
    return rounding, missing, reconciliation


def _read_groups(
    r: DocReader, top: Mapping[str, Any], missing: str, rounding: Rounding
) -> tuple[list[Group], list[Criterion], bool]:
    """Groups and criteria; ``complete`` tells whether every criterion could be read."""
    groups: list[Group] = []
    criteria: list[Criterion] = []
    complete = True  # every criterion parsed: sums of maxima are meaningful
    seen_groups: dict[str, str] = {}
    seen_criteria: dict[str, str] = {}
    raw_groups = top.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        r.add("groups", "cần ít nhất một nhóm tiêu chí")
        raw_groups = []
    for gi, graw in enumerate(raw_groups):
        gpath = f"groups[{gi}]"
        gspec = r.obj(graw, gpath)
        if gspec is None:
            continue
        r.keys(gspec, gpath, {"code", "name", "max_points", "criteria", "description"})
        gcode = r.code(gspec, gpath)
        gname = r.text(gspec, "name", gpath)
        if gcode in seen_groups:
            r.add(join_path(gpath, "code"), f"trùng mã nhóm với {seen_groups[gcode]}")
        seen_groups.setdefault(gcode, gpath)
        gmax = r.number(gspec, "max_points", gpath, required=False, minimum=ZERO)
        raw_criteria = gspec.get("criteria")
        if not isinstance(raw_criteria, list) or not raw_criteria:
            r.add(join_path(gpath, "criteria"), "cần ít nhất một tiêu chí")
            raw_criteria = []
        items: list[Criterion] = []
        for ci, craw in enumerate(raw_criteria):
            cpath = f"{gpath}.criteria[{ci}]"
            crit = _criterion(r, craw, cpath, gcode, len(criteria), missing, rounding)
            if crit is None:
                complete = False
                continue
            if crit.code in seen_criteria:
                r.add(join_path(cpath, "code"), f"trùng mã tiêu chí với {seen_criteria[crit.code]}")
                complete = False
                continue
            seen_criteria[crit.code] = cpath
            items.append(crit)
            criteria.append(crit)
        total = dsum(c.max_points for c in items)
        if gmax is not None and len(items) == len(raw_criteria) and gmax != total:
            r.add(
                join_path(gpath, "max_points"),
                f"bằng {gmax} nhưng tổng điểm tối đa các tiêu chí là {total}",
            )
        groups.append(Group(code=gcode, name=gname, max_points=total, criteria=tuple(items)))
    return groups, criteria, complete


def _read_tie_breaks(
    r: DocReader, top: Mapping[str, Any], group_codes: set[str], criterion_codes: set[str]
) -> list[TieBreak]:
    tie_breaks: list[TieBreak] = []
    raw_tb = top.get("tie_breaks", [])
    if not isinstance(raw_tb, list):
        r.add("tie_breaks", "phải là danh sách")
        raw_tb = []
    for i, item in enumerate(raw_tb):
        tpath = f"tie_breaks[{i}]"
        if not isinstance(item, str):
            r.add(tpath, 'phải là chuỗi, ví dụ "group:DTPCTP" hoặc "criteria_at_max"')
            continue
        by, _, ref = item.partition(":")
        if by in ("criteria_at_max", "fewer_deductions") and not ref:
            tie_breaks.append(TieBreak(by))
        elif (by == "group" and ref in group_codes) or (
            by == "criterion" and ref in criterion_codes
        ):
            tie_breaks.append(TieBreak(by, ref))
        elif by in ("group", "criterion"):
            r.add(tpath, f"không có {'nhóm' if by == 'group' else 'tiêu chí'} mã '{ref}'")
        else:
            r.add(
                tpath,
                "phải là group:<mã>, criterion:<mã>, criteria_at_max hoặc fewer_deductions",
            )
    return tie_breaks


def _read(doc: Any) -> tuple[Scale | None, list[Problem]]:
    r = DocReader()
    top = r.obj(doc, "")
    if top is None:
        return None, r.problems
    r.keys(top, "", _TOP_KEYS)
    if top.get("schema", SCHEMA) != SCHEMA:
        r.add("schema", f"phiên bản lược đồ không được hỗ trợ (cần '{SCHEMA}')")
    code = r.code(top, "")
    name = r.text(top, "name", "")
    version = top.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or not version.strip():
        r.add("version", 'thiếu phiên bản thang điểm (chuỗi, ví dụ "2021.1")')
        version = ""
    year = top.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or year < 1945):
        r.add("year", "phải là năm (số nguyên)")
        year = None

    rounding, missing, reconciliation = _read_settings(r, top)
    groups, criteria, complete = _read_groups(r, top, missing, rounding)
    grand = dsum(g.max_points for g in groups)
    total_points = r.number(top, "total_points", "", required=False, minimum=ZERO)
    if total_points is not None and complete and total_points != grand:
        r.add("total_points", f"bằng {total_points} nhưng tổng điểm tối đa các nhóm là {grand}")

    tie_breaks = _read_tie_breaks(r, top, {g.code for g in groups}, {c.code for c in criteria})

    if r.problems:
        return None, r.problems
    meta = {k: top[k] for k in ("cluster", "approved", "supersedes", "note", "basis") if k in top}
    return (
        Scale(
            code=code,
            name=name,
            version=version.strip(),
            groups=tuple(groups),
            rounding=rounding,
            missing=missing,
            tie_breaks=tuple(tie_breaks),
            reconciliation=reconciliation,
            year=year,
            total_points=grand,
            fingerprint=fingerprint(top),
            meta=MappingProxyType(meta),
            criteria=tuple(criteria),
            _by_code=MappingProxyType({c.code: c for c in criteria}),
            _groups_by_code=MappingProxyType({g.code: g for g in groups}),
        ),
        [],
    )


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float | Decimal) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return format(number.normalize(), "f")  # 10, 10.0 and 1E+1 hash alike
    return value


def fingerprint(doc: Mapping[str, Any]) -> str:
    """``sha256:`` of the canonical JSON of a document (key order and number spelling ignored)."""
    canonical = json.dumps(
        _canonical(doc), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def validate_scale(doc: Any) -> list[Problem]:
    """Every problem of a scale document, each with its path (empty list: the scale is valid)."""
    return _read(doc)[1]


def parse_scale(doc: Any) -> Scale:
    """Parse a scale document (already loaded from JSON) into a :class:`Scale`.

    Raises :class:`ScaleError` listing every problem when the document is invalid.
    """
    scale, problems = _read(doc)
    if scale is None:
        raise ScaleError(problems)
    return scale
