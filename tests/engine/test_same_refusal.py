"""The same bad value is refused the same way on every path: the Decimal reference and the batch
(NumPy) path, results and targets; any input is either scored identically by both or refused by both
with the same problems."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.engine.numbers import NOT_FINITE
from thidua.engine.scale import parse_scale
from thidua.engine.scoring import InputError, UnitInput, score_unit, score_units
from thidua.engine.testing import (
    aon,
    count,
    group,
    judged,
    linear,
    plan,
    scale_doc,
    thresholds,
    veto,
    yes_no,
)

D = Decimal
SCALE = parse_scale(
    scale_doc(
        [
            group(
                "A",
                [
                    linear(
                        "L", 10, target=76, zero_at=50, bonus={"per": 1, "points": "0.5", "cap": 2}
                    ),
                    thresholds("T", 6, [(95, 6), (90, 5), (80, 1)], target=90),
                    aon("G", 5, target=5),
                    count("C", "0.5", 2),
                    plan("P", 8),
                    judged("J", 6),
                    yes_no("Y", 5),
                    veto("V", "awards", ["CO"]),
                ],
            )
        ]
    )
)
CODES = ["L", "T", "G", "C", "P", "J", "Y", "V"]


def outcome(results: dict, targets: dict, remarks: dict):
    """('ok', sheet) or ('refused', sorted (field, code, message)) for each path."""
    out = []
    for path in ("reference", "batch"):
        try:
            if path == "reference":
                sheet = score_unit(SCALE, targets, results, unit="Yên Bái", remarks=remarks)
            else:
                (sheet,) = score_units(SCALE, [UnitInput("Yên Bái", results, targets, remarks)])
        except InputError as exc:
            out.append(("refused", sorted((p.field, p.code, p.message) for p in exc.problems)))
        else:
            out.append(("ok", sheet))
    return out


SIXTEEN_DIGITS = D("1.234567890123456")  # 17 characters: the batch path's old heuristic let it by


def test_sixteen_significant_digits_are_refused_by_both_paths() -> None:
    reference, batch = outcome({"L": SIXTEEN_DIGITS}, {}, {})
    assert reference == batch == ("refused", [("results", "L", "số có quá 15 chữ số có nghĩa")])


@pytest.mark.parametrize(
    ("results", "targets", "code", "field"),
    [
        ({"P": 10}, {"P": float("nan")}, "P", "targets"),
        ({"P": 10}, {"P": D("NaN")}, "P", "targets"),
        ({"P": 10}, {"P": float("inf")}, "P", "targets"),
        ({"L": float("inf")}, {}, "L", "results"),
        ({"L": D("-Infinity")}, {}, "L", "results"),
        ({"L": "NaN"}, {}, "L", "results"),
    ],
)
def test_nan_and_infinity_are_refused_with_one_message_on_both_paths(
    results, targets, code, field
) -> None:
    reference, batch = outcome(results, targets, {})
    assert reference == batch == ("refused", [(field, code, NOT_FINITE)])


def test_a_number_too_large_is_refused_with_the_limit_on_both_paths() -> None:
    for results, targets in (({"C": 10**13}, {}), ({"P": 1}, {"P": 10**13})):
        reference, batch = outcome(results, targets, {})
        assert reference == batch
        assert reference[1][0][2] == "số quá lớn (giới hạn 1.000.000.000.000)"


def _decimals_of_any_length():
    return st.builds(
        lambda digits, exp, neg: D((neg, tuple(digits), exp)),
        st.lists(st.integers(0, 9), min_size=1, max_size=20),
        st.integers(-20, 6),
        st.integers(0, 1),
    )


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**14), 10**14),
    st.integers(0, 120),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-50, max_value=150),
    _decimals_of_any_length(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["12.5", "abc", "NaN", "1e400", " 7 ", "1.2345678901234567", ""]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(CODES), anything),
    st.dictionaries(st.sampled_from(["L", "T", "G", "P"]), anything),
    st.dictionaries(st.sampled_from(["J"]), st.sampled_from(["", "Còn thiếu sót", None])),
)
def test_any_input_is_scored_alike_or_refused_alike_by_both_paths(
    results, targets, remarks
) -> None:
    reference, batch = outcome(results, targets, remarks)
    assert reference == batch
