"""The vectorised path: totals-only and batch agree with the Decimal reference; numbers format."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.engine.batch import totals_only
from thidua.engine.kernel import Kernel
from thidua.engine.numbers import NumberError, fmt_number, fmt_percent, to_decimal
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
    yes_no,
)

ROOT = Path(__file__).resolve().parents[2]
D = Decimal

SCALE = parse_scale(
    scale_doc(
        [
            group(
                "A",
                [
                    linear("L1", 3, target=80, zero_at=40),
                    linear("L2", 2, target=-5, zero_at=5, direction="lower"),
                    linear(
                        "L3", 10, target=76, zero_at=50, bonus={"per": 1, "points": "0.1", "cap": 1}
                    ),
                    plan("P", 5, bonus={"per": 1, "points": "0.5", "cap": 1}),
                ],
            ),
            group(
                "B",
                [
                    thresholds("T", 4, [(95, 4), (90, 3), (85, 2)], target=90),
                    aon("AON", 3, target=5),
                    judged("J", 5),
                    yes_no("Y", 2),
                    count("C", "-0.5", 2),
                ],
            ),
        ]
    )
)


def matrix_units(V: np.ndarray, plans: np.ndarray) -> list[UnitInput]:
    codes = [c.code for c in SCALE.criteria]
    units = []
    for i, row in enumerate(V.tolist()):
        results = {}
        for code, value in zip(codes, row, strict=True):
            if value != value:  # NaN: missing
                continue
            results[code] = bool(value) if code == "Y" else value
        units.append(UnitInput(f"U{i}", results, {"P": plans[i]}, {"J": "minh họa"}))
    return units


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_totals_only_equals_the_reference_totals(seed) -> None:
    rng = np.random.default_rng(seed)
    U = 40
    V = np.column_stack(
        [
            np.round(rng.uniform(30, 100, U), 1),
            np.round(rng.normal(-4, 6, U), 1),
            np.round(rng.uniform(40, 100, U), 1),
            rng.integers(0, 1200, U).astype(float),
            np.round(rng.uniform(80, 100, U), 1),
            np.round(rng.normal(5, 2, U), 1),
            rng.integers(0, 21, U) / 4,
            rng.integers(0, 2, U).astype(float),
            rng.integers(0, 7, U).astype(float),
        ]
    )
    V[rng.random(V.shape) < 0.05] = np.nan
    plans = rng.integers(1, 1000, U)
    T = np.full(V.shape, np.nan)
    T[:, 3] = plans
    kernel = Kernel(SCALE)
    totals, blocked = totals_only(kernel, V, T, block=16)
    sheets = score_units(SCALE, matrix_units(V, plans), kernel=kernel)
    assert not blocked.any()
    assert [D(int(t)).scaleb(-2) for t in totals.tolist()] == [s.total for s in sheets]
    for unit, sheet in zip(matrix_units(V, plans)[:5], sheets[:5], strict=True):
        assert sheet == score_unit(
            SCALE, unit.targets, unit.results, unit=unit.unit, remarks=unit.remarks
        )


def test_exact_linear_arithmetic_matches_decimal_on_exact_halves() -> None:
    kernel = Kernel(SCALE)
    # L1: 3 × (v − 40) / (80 − 40) × 100 = 7,5 × (v − 40): v = 40,1 → 0,75 → 75 (exact)
    # v = 40,3 → 2,25 → 225; v = 40,7 → 5,25 → 525; odd halves need the exact path
    v = np.array([40.1, 40.3, 40.7, 59.9, 79.9])
    cols = np.zeros(len(v), dtype=np.intp)
    ok, scaled = kernel.exact_linear(cols, v, np.full(len(v), 80.0))
    expected = [
        int(score_unit(SCALE, {}, {"L1": float(x)}).explanation("L1").points * 100)
        for x in v.tolist()
    ]
    assert ok.all()
    assert scaled.tolist() == expected


def test_batch_reports_the_same_problems_as_the_reference() -> None:
    bad = {"L1": "x", "C": -1, "J": 6, "Y": 3, "T": True}
    with pytest.raises(InputError) as ref:
        score_unit(SCALE, {"P": 10}, bad, unit="Bắc Kạn")
    with pytest.raises(InputError) as batch:
        score_units(SCALE, [UnitInput("Bắc Kạn", bad, {"P": 10})])
    assert sorted(map(str, batch.value.problems)) == sorted(map(str, ref.value.problems))


def test_decimal_inputs_take_the_fast_path_and_agree_with_the_reference() -> None:
    # database DecimalFields give Decimals; a Decimal NaN is a missing result like a float NaN
    results = {"L1": D("63.70"), "L2": D("-2.1"), "L3": D("NaN"), "P": D("301"), "J": D("4.75")}
    unit = UnitInput("Tuyên Quang", results, {"P": D("642")}, {"J": "minh họa"})
    (sheet,) = score_units(SCALE, [unit])
    assert sheet == score_unit(SCALE, unit.targets, results, unit=unit.unit, remarks=unit.remarks)
    assert sheet.explanation("L3").missing and sheet.explanation("L3").points == 0
    too_precise = dict(results, L1=D("63.7000000000000001"))
    with pytest.raises(InputError) as batch:
        score_units(SCALE, [UnitInput("Tuyên Quang", too_precise, {"P": 642}, {"J": "x"})])
    with pytest.raises(InputError) as ref:
        score_unit(SCALE, {"P": 642}, too_precise, unit="Tuyên Quang", remarks={"J": "x"})
    assert [str(p) for p in batch.value.problems] == [str(p) for p in ref.value.problems]


def test_batch_refuses_unknown_codes_in_results_targets_and_remarks() -> None:
    unit = UnitInput("Yên Bái", {"L1": 80, "X1": 1}, {"X2": 5}, {"X3": "?"})
    with pytest.raises(InputError) as caught:
        score_units(SCALE, [unit])
    assert [p.path for p in caught.value.problems] == [
        "units[0].results.X1",
        "units[0].targets.X2",
        "units[0].remarks.X3",
    ]


def test_vietnamese_number_format() -> None:
    assert fmt_number(D("3264")) == "3.264"
    assert fmt_number(D("86.20")) == "86,2"
    assert fmt_number(D("-5")) == "-5"
    assert fmt_number(D("1234567.891")) == "1.234.567,891"
    assert fmt_number(D("-0.00")) == "0"
    assert fmt_number(D("9.2105"), 2) == "9,21"
    assert fmt_percent(D("86.2")) == "86,2%"


def test_inputs_become_canonical_decimals() -> None:
    assert to_decimal(86.2) == D("86.2")
    assert to_decimal(0.1 + 0.2) == D("0.30000000000000004")  # a float is taken as it is
    assert to_decimal(" 12.50 ") == D("12.50")
    for bad in (True, "abc", D("NaN"), D("1234567890.123456"), 10**13):
        with pytest.raises(NumberError):
            to_decimal(bad)


def test_national_generator_is_reproducible_and_scores() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.national import generate

    a, b = (
        generate(units=60, criteria=40, clusters=3, seed=5),
        generate(units=60, criteria=40, clusters=3, seed=5),
    )
    assert [u.results for u in a.units] == [u.results for u in b.units]
    sheets = score_units(a.scale, a.units)
    V, T = a.matrices()
    totals, blocked = totals_only(Kernel(a.scale), V, T)
    assert [
        None if blk else D(int(t)).scaleb(-2)
        for t, blk in zip(totals.tolist(), blocked.tolist(), strict=True)
    ] == [s.total for s in sheets]
