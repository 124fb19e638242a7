"""Small builders of scale documents and inputs, for tests of the engine and of the apps using it.

::

    doc = scale_doc([group("TP", [linear("TP1", 10, target=76, zero_at=50)])])
    scale = parse_scale(doc)
"""

from __future__ import annotations

import copy
from typing import Any

from .rules import SCALE_RULE_KINDS

__all__ = [
    "aon",
    "count",
    "example",
    "group",
    "judged",
    "linear",
    "plan",
    "scale_doc",
    "thresholds",
    "veto",
    "yes_no",
]


def scale_doc(groups: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": "thidua.scale/1",
        "code": "TEST",
        "name": "Thang điểm thử",
        "version": "1",
        "rounding": {"places": 2, "mode": "half_up"},
        "groups": groups,
    }
    doc.update(top)
    return doc


def group(code: str, criteria: list[dict[str, Any]], name: str | None = None) -> dict[str, Any]:
    return {"code": code, "name": name or f"Nhóm {code}", "criteria": criteria}


def _criterion(code: str, max_points: Any, rule: dict[str, Any], **extra: Any) -> dict[str, Any]:
    out = {"code": code, "name": extra.pop("name", f"Tiêu chí {code}"), "rule": rule}
    if max_points is not None:
        out["max_points"] = max_points
    out.update(extra)
    return out


def linear(
    code: str,
    max_points: Any,
    *,
    target: Any = None,
    zero_at: Any = None,
    direction: str = "higher",
    bonus: dict[str, Any] | None = None,
    unit: str = "%",
    **extra: Any,
) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "kind": "target",
        "direction": direction,
        "method": "linear",
        "unit": unit,
    }
    if target is not None:
        rule["target"] = target
    if zero_at is not None:
        rule["zero_at"] = zero_at
    if bonus is not None:
        rule["bonus"] = bonus
    return _criterion(code, max_points, rule, **extra)


def thresholds(
    code: str,
    max_points: Any,
    steps: list[tuple[Any, Any]],
    *,
    target: Any = None,
    direction: str = "higher",
    **extra: Any,
) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "kind": "target",
        "direction": direction,
        "method": "thresholds",
        "unit": "%",
        "steps": [{"value": v, "points": p} for v, p in steps],
    }
    if target is not None:
        rule["target"] = target
    return _criterion(code, max_points, rule, **extra)


def aon(
    code: str, max_points: Any, *, target: Any = None, direction: str = "higher", **extra: Any
) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "kind": "target",
        "direction": direction,
        "method": "all_or_nothing",
        "unit": "%",
    }
    if target is not None:
        rule["target"] = target
    return _criterion(code, max_points, rule, **extra)


def plan(
    code: str,
    max_points: Any,
    *,
    plan: Any = None,
    full_at: Any = 100,
    zero_at: Any = 0,
    bonus: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": "plan", "full_at": full_at, "zero_at": zero_at, "unit": "hồ sơ"}
    if plan is not None:
        rule["plan"] = plan
    if bonus is not None:
        rule["bonus"] = bonus
    return _criterion(code, max_points, rule, **extra)


def count(
    code: str, per_event: Any, limit: Any, max_points: Any = None, **extra: Any
) -> dict[str, Any]:
    rule = {"kind": "count", "per_event": per_event, "limit": limit, "unit": "trường hợp"}
    return _criterion(code, max_points, rule, **extra)


def judged(code: str, max_points: Any, **extra: Any) -> dict[str, Any]:
    return _criterion(code, max_points, {"kind": "judged"}, **extra)


def yes_no(code: str, max_points: Any, expected: bool = True, **extra: Any) -> dict[str, Any]:
    return _criterion(code, max_points, {"kind": "yes_no", "expected": expected}, **extra)


def veto(
    code: str, scope: str = "ranking", awards: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": "veto", "scope": scope}
    if awards:
        rule["awards"] = awards
    return _criterion(code, None, rule, **extra)


def example(kind: str, code: str = "X", **extra: Any) -> dict[str, Any]:
    """A criterion of any registered rule kind: the kind's own example (``ScaleRuleKind.example``)."""
    spec = copy.deepcopy(dict(SCALE_RULE_KINDS[kind].example))
    return {"code": code, "name": extra.pop("name", f"Tiêu chí {code}"), **spec, **extra}
