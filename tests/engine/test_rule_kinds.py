"""The scale rule kinds are one registry: every kind has every part of the contract, and on random
inputs each kind's reference points stay within the criterion's range, the vectorised kernel gives
the same points, the explanation names the criterion and the inputs record has the kind's keys."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.engine.kernel import FAMILIES, Kernel
from thidua.engine.rules import (
    INPUTS,
    SCALE_RULE_KINDS,
    ScaleRule,
    ScaleRuleKind,
    ValueProblem,
    check_target,
    check_value,
    kind_of,
)
from thidua.engine.scale import parse_scale, validate_scale
from thidua.engine.scoring import UnitInput, score_unit, score_units
from thidua.engine.testing import example, group, scale_doc

KINDS = list(SCALE_RULE_KINDS)
CONTRACT = ("parse", "evaluate", "explain", "describe", "inputs")  # "family" defaults to "ref"


def example_doc(kind: str) -> dict[str, Any]:
    """A one-criterion scale whose criterion is the kind's own example."""
    return scale_doc([group("G", [example(kind, name=f"Tiêu chí loại {kind}")])])


def test_the_registry_lists_the_seven_kinds_of_the_scale_schema_in_order() -> None:
    assert KINDS == ["target", "plan", "count", "judged", "veto", "yes_no", "info"]
    assert {t.kind for t in ScaleRule.__args__} == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_implements_the_whole_contract(kind: str) -> None:
    entry = SCALE_RULE_KINDS[kind]
    assert isinstance(entry, ScaleRuleKind)
    assert entry.kind == kind == entry.rule_type.kind
    assert entry.input in INPUTS
    assert entry.target_field in (None, "target", "plan")
    assert entry.combine in ("points", "any")
    assert "kind" in entry.keys
    for method in CONTRACT:  # its own parse, evaluate, sentence, inputs and kernel family
        assert getattr(type(entry), method) is not getattr(ScaleRuleKind, method), method
    assert validate_scale(example_doc(kind)) == []
    criterion = parse_scale(example_doc(kind)).criterion("X")
    rule = criterion.rule
    assert isinstance(rule, entry.rule_type) and kind_of(rule) is entry
    assert entry.family(rule) in FAMILIES
    assert entry.describe(rule, criterion.max_points).strip()
    assert (criterion.max_points > 0) == entry.nominal_points
    assert criterion.floor <= 0 <= criterion.ceiling
    assert isinstance(rule.code, str) and rule.code.startswith(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_key_of_any_kind_is_reported_at_its_path(kind: str) -> None:
    doc = example_doc(kind)
    doc["groups"][0]["criteria"][0]["rule"]["magic"] = 1
    problems = [str(p) for p in validate_scale(doc)]
    assert problems == ["groups[0].criteria[0].rule.magic: khóa không được hỗ trợ (gõ nhầm?)"]


def value_for(kind: str, draw: st.DrawFn) -> Any:
    entry = SCALE_RULE_KINDS[kind]
    if entry.input == "bool":
        return draw(st.booleans())
    if kind == "count":
        return Decimal(draw(st.integers(0, 30)))
    if entry.input == "judged":
        return draw(st.integers(0, 400)) / Decimal(100)  # 0..4 (the example's maximum)
    return draw(st.decimals(-50, 500, places=2, allow_nan=False))


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, Any, Any]:
    kind = draw(st.sampled_from(KINDS))
    value = value_for(kind, draw)
    target = None
    if SCALE_RULE_KINDS[kind].target_field and draw(st.booleans()):
        target = draw(st.decimals(1, 400, places=1, allow_nan=False))
    return kind, value, target


SCALES = {kind: parse_scale(example_doc(kind)) for kind in KINDS}
REFERENCE = {kind: Kernel(scale, reference=True) for kind, scale in SCALES.items()}


@settings(max_examples=300, deadline=None)
@given(cases())
def test_each_kind_scores_within_its_range_the_same_way_on_both_paths(case) -> None:
    kind, value, own_target = case
    scale = SCALES[kind]
    criterion = scale.criterion("X")
    entry = SCALE_RULE_KINDS[kind]
    targets = {} if own_target is None else {"X": own_target}
    remarks = {"X": "Nhận xét của đoàn"} if entry.input == "judged" else {}
    try:
        check_value(criterion.rule, criterion.max_points, value, scale.rounding.places)
        check_target(criterion.rule, own_target or entry.default_target(criterion.rule))
    except ValueProblem:
        return  # refused values are the checks' business (tests/engine/test_scoring.py)
    reference = score_unit(scale, targets, {"X": value}, remarks=remarks, unit="U")
    line = reference.explanation("X")
    assert criterion.floor <= line.points <= criterion.ceiling
    assert line.formula.startswith(criterion.name)
    keys = set(line.inputs)
    assert keys <= {"value", "target", "plan", "unit", "count", "points", "remark"} | {
        "occurred",
        "answer",
    }
    if entry.target_field:
        assert entry.target_field in keys
    unit = UnitInput("U", {"X": value}, targets, remarks)
    (batch,) = score_units(scale, [unit])
    assert batch.explanation("X").points == line.points
    assert batch.total == reference.total
    assert bool(batch.vetoes) == (kind == "veto" and value is True)
    # the kernel's reference family (a new kind before it has its own family) agrees too
    (slow,) = score_units(scale, [unit], kernel=REFERENCE[kind])
    assert slow.explanation("X").points == line.points and slow.total == reference.total


def test_the_reference_family_scores_a_whole_scale_like_the_vectorised_families() -> None:
    doc = scale_doc([group("G", [example(kind, code=kind) for kind in KINDS])])
    scale = parse_scale(doc)
    units = [
        UnitInput(
            f"U{i}",
            {
                "target": 40 + 9 * i,
                "plan": 20 * i,
                "count": i % 4,
                "judged": (i % 5) * 0.75,
                "veto": i == 3,
                "yes_no": i % 2 == 0,
            },
            {"plan": 150} if i % 3 else {},
            {"judged": "Nhận xét"},
        )
        for i in range(12)
    ]
    slow = score_units(scale, units, kernel=Kernel(scale, reference=True))
    assert slow == score_units(scale, units)
    assert Kernel(scale, reference=True).ref.size == len(KINDS)
