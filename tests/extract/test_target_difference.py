"""Issue 19: "cao hơn chỉ tiêu 16%" with no rate of its own is a difference to the target (points
or relative? the officer decides): flagged as an ambiguous comparison, never suggested as the rate."""

from __future__ import annotations

from thidua.engine.extract import find_figures, suggest
from thidua.engine.scale import parse_scale
from thidua.engine.testing import group, linear, scale_doc

SCALE = parse_scale(
    scale_doc(
        [group("G", [linear("TP4", 5, target=90, zero_at=70, name="Tỷ lệ giải quyết tin báo")])]
    )
)


def test_a_difference_to_the_target_alone_is_flagged_not_suggested():
    (figure,) = find_figures("Tỷ lệ giải quyết tin báo cao hơn chỉ tiêu 16%.")
    assert figure.comparison == {
        "kind": "above_target",
        "value": 16,
        "unit": "%",
        "ambiguous": True,
        "alone": True,
    }
    assert suggest(SCALE, [figure]) == []


def test_a_rate_with_its_difference_is_still_suggested_and_flagged():
    figures = find_figures("Tỷ lệ giải quyết tin báo đạt 94,2%, cao hơn chỉ tiêu 4,2%.")
    assert [float(f.value) for f in figures] == [94.2]
    assert figures[0].comparison["ambiguous"] is True and "alone" not in figures[0].comparison
    (suggestion,) = suggest(SCALE, figures)
    assert suggestion.criterion == "TP4" and float(suggestion.value) == 94.2
