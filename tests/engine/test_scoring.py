"""Scores with explanations: worked examples a committee can check by hand, and properties."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.engine.scale import parse_scale
from thidua.engine.scoring import InputError, Judgement, UnitInput, score_unit, score_units
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

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cum3-2021"
D = Decimal

SCALE = parse_scale(
    scale_doc(
        [
            group(
                "TP",
                [
                    linear(
                        "DTKP",
                        10,
                        target=76,
                        zero_at=50,
                        bonus={"per": 1, "points": "0.5", "cap": 2},
                    ),
                    thresholds("RNT", 6, [(95, 6), (90, 5), (85, 3), (80, 1)], target=90),
                    aon("GIAM", 5, target=5),
                    count("THUONG", "0.5", 2),
                ],
                name="Đấu tranh phòng, chống tội phạm",
            ),
            group(
                "QL",
                [
                    linear("TNGT", 4, target=-5, zero_at=5, direction="lower"),
                    plan("CCCD", 8),
                    judged("VK", 6),
                ],
                name="Quản lý nhà nước về trật tự xã hội",
            ),
            group(
                "XD",
                [
                    yes_no("DK", 5),
                    count("KYLUAT", -1, 5),
                    veto("HINHSU", "awards", ["CO_BCA"]),
                    veto("DIEMNONG", "ranking", missing="block"),
                ],
                name="Xây dựng lực lượng",
            ),
        ]
    )
)

FULL = {
    "DTKP": 92, "RNT": 97.5, "GIAM": D("6.2"), "THUONG": 1,
    "TNGT": D("-2.1"), "CCCD": 485230, "VK": 6,
    "DK": True, "KYLUAT": 1, "HINHSU": False, "DIEMNONG": False,
}  # fmt: skip
TARGETS = {"CCCD": 520000}


def points(code: str, value, target=None, **kw) -> Decimal:
    results = dict(FULL, **{code: value})
    targets = dict(TARGETS, **({code: target} if target is not None else {}))
    return score_unit(SCALE, targets, results, **kw).explanation(code).points


# --- worked examples (the arithmetic a secretary would do on paper) ---------------------------


def test_clearance_rate_below_target_scores_proportionally_between_zero_point_and_target() -> None:
    # 10 × (70 − 50) / (76 − 50) = 200 / 26 = 7,6923… → 7,69
    assert points("DTKP", 70) == D("7.69")


def test_clearance_rate_above_target_earns_the_maximum_plus_a_capped_bonus() -> None:
    # 92% ≥ 76%: 10 points; bonus 0,5 per 1% above: 16 × 0,5 = 8, capped at 2 → 12
    assert points("DTKP", 92) == D("12.00")
    # 77,5%: 10 + 1,5 × 0,5 = 10,75
    assert points("DTKP", D("77.5")) == D("10.75")


def test_explanation_reads_like_the_committee_sentence() -> None:
    sheet = score_unit(SCALE, TARGETS, FULL)
    e = sheet.explanation("DTKP")
    assert e.formula == (
        "Tiêu chí DTKP 92% ≥ chỉ tiêu 76%: đạt tối đa 10 điểm, cộng 0,5 điểm mỗi 1% vượt, "
        "tối đa 2 điểm: vượt 16% → cộng 2 điểm (mức tối đa); tổng 12 điểm"
    )
    assert e.inputs == {"value": D(92), "target": D(76), "unit": "%"}
    assert e.rule == "target/higher/linear+bonus"
    assert e.missing is False


def test_lower_better_traffic_accidents_score_against_the_reduction_target() -> None:
    # a 2,1% fall against a 5% reduction target, zero points at +5%:
    # 4 × (5 − (−2,1)) / (5 − (−5)) = 4 × 7,1 / 10 = 2,84
    assert points("TNGT", D("-2.1")) == D("2.84")
    assert points("TNGT", D("-7.3")) == D("4.00")  # reduction beyond target: maximum
    assert points("TNGT", 6) == D("0.00")  # increase beyond the zero point
    sheet = score_unit(SCALE, TARGETS, dict(FULL, TNGT=D("-2.1")))
    assert sheet.explanation("TNGT").formula.endswith(
        "-2,1% > chỉ tiêu -5% (càng thấp càng tốt): 4 × (5 − (-2,1)) / (5 − (-5)) = 2,84 điểm"
    )


def test_thresholds_give_the_points_of_the_best_step_reached() -> None:
    assert points("RNT", D("97.5")) == 6
    assert points("RNT", 90) == 5  # exactly on a step counts
    assert points("RNT", D("89.9")) == 3
    assert points("RNT", D("79.9")) == 0


def test_all_or_nothing_needs_the_target() -> None:
    assert points("GIAM", 5) == 5
    assert points("GIAM", D("4.9")) == 0


def test_percentage_of_plan_uses_the_units_own_plan() -> None:
    # 485.230 / 520.000 = 93,3134…% → 8 × 0,933134… = 7,4651… → 7,47
    sheet = score_unit(SCALE, TARGETS, FULL)
    e = sheet.explanation("CCCD")
    assert e.points == D("7.47")
    assert "485.230/520.000 hồ sơ" in e.formula and "≈ 93,31%" in e.formula
    assert points("CCCD", 520000) == 8


def test_deductions_per_violation_stop_at_their_cap() -> None:
    assert points("KYLUAT", 2) == -2
    # 6 × (−1) = −6, limited to −5
    assert points("KYLUAT", 6) == -5
    sheet = score_unit(SCALE, TARGETS, dict(FULL, KYLUAT=6))
    assert "áp dụng mức trừ tối đa 5 điểm → -5 điểm" in sheet.explanation("KYLUAT").formula
    assert sheet.deductions == -5


def test_bonus_per_event_stops_at_its_cap() -> None:
    assert points("THUONG", 3) == D("1.5")
    assert points("THUONG", 9) == 2


def test_judged_points_below_maximum_need_the_inspectors_remark() -> None:
    with pytest.raises(InputError) as caught:
        score_unit(SCALE, TARGETS, dict(FULL, VK=D("4.5")))
    assert [p.path for p in caught.value.problems] == ["units[0].results.VK"]
    assert "nhận xét" in caught.value.problems[0].message
    sheet = score_unit(
        SCALE,
        TARGETS,
        FULL,
        judged={"VK": Judgement(D("4.5"), "Còn để xảy ra vụ nổ mìn trái phép")},
    )
    e = sheet.explanation("VK")
    assert e.points == D("4.5")
    assert e.formula.endswith("chấm 4,5/6 điểm. Nhận xét: Còn để xảy ra vụ nổ mìn trái phép")


def test_group_subtotals_and_total_are_the_sum_of_their_parts() -> None:
    sheet = score_unit(SCALE, TARGETS, FULL)
    # TP: 12 + 6 + 5 + 0,5 = 23,5; QL: 2,84 + 7,47 + 6 = 16,31; XD: 5 − 1 + 0 + 0 = 4
    assert [g.points for g in sheet.groups] == [D("23.5"), D("16.31"), D("4")]
    assert sheet.total == D("43.81")
    assert sheet.formula == "Tổng điểm = 23,5 + 16,31 + 4 = 43,81 điểm"
    assert sheet.groups[0].formula == (
        "Nhóm “Đấu tranh phòng, chống tội phạm”: 12 + 6 + 5 + 0,5 = 23,5 điểm "
        "(tối đa 21 điểm, chưa kể điểm cộng)"
    )


def test_rounding_is_half_up_on_the_criterion_and_sums_are_exact() -> None:
    doc = scale_doc([group("A", [linear("X", 1, target=80, zero_at=0)])])
    scale = parse_scale(doc)
    # 1 × 0,1 / 80 = 0,00125 → 0,00 ; 1 × 0,4 / 80 = 0,005 exactly → half up 0,01, half even 0,00
    assert score_unit(scale, {}, {"X": D("0.1")}).total == D("0.00")
    assert score_unit(scale, {}, {"X": D("0.4")}).total == D("0.01")
    even = parse_scale(dict(doc, rounding={"places": 2, "mode": "half_even"}))
    assert score_unit(even, {}, {"X": D("0.4")}).total == D("0.00")


def test_missing_result_scores_zero_and_says_so() -> None:
    sheet = score_unit(SCALE, TARGETS, {k: v for k, v in FULL.items() if k != "RNT"})
    e = sheet.explanation("RNT")
    assert (e.points, e.missing) == (0, True)
    assert e.formula.endswith("chưa có số liệu — tính 0 điểm theo quy định của thang điểm")
    assert sheet.missing == ("RNT",)
    assert sheet.total is not None


def test_missing_result_of_a_blocking_criterion_blocks_the_total() -> None:
    sheet = score_unit(SCALE, TARGETS, {k: v for k, v in FULL.items() if k != "DIEMNONG"})
    assert sheet.total is None
    assert sheet.blocked_by == ("DIEMNONG",)
    assert sheet.groups[2].points is None and sheet.groups[0].points is not None
    assert "chưa tính được do thiếu số liệu (DIEMNONG)" in sheet.formula


def test_vetoes_are_recorded_with_their_scope() -> None:
    sheet = score_unit(SCALE, TARGETS, dict(FULL, HINHSU=True, DIEMNONG=True))
    assert [(v.code, v.scope, v.awards) for v in sheet.vetoes] == [
        ("HINHSU", "awards", ("CO_BCA",)),
        ("DIEMNONG", "ranking", ()),
    ]
    assert sheet.ranking_vetoes[0].reason.startswith("Điểm liệt “Tiêu chí DIEMNONG”")


def test_every_input_problem_is_reported_at_once_with_its_path() -> None:
    bad = dict(FULL, DTKP="nhiều", KYLUAT=D("1.5"), DK=1, VK=7, KHONGCO=1)
    with pytest.raises(InputError) as caught:
        score_unit(SCALE, {"CCCD": 0}, bad, unit="Bắc Kạn")
    problems = {p.code: p.message for p in caught.value.problems}
    assert set(problems) == {"KHONGCO", "DTKP", "CCCD", "DK", "KYLUAT", "VK"}
    assert caught.value.problems[0].path == "units[0].results.KHONGCO"
    assert problems["DK"] == "cần giá trị có/không (true/false)"
    assert problems["CCCD"] == "kế hoạch phải lớn hơn 0"
    assert "Bắc Kạn" in str(caught.value)


def test_sheet_and_explanations_serialise_to_json_with_decimals_as_strings() -> None:
    doc = score_unit(SCALE, TARGETS, FULL, unit="Yên Bái").to_dict()
    text = json.dumps(doc, ensure_ascii=False)
    back = json.loads(text)
    assert back["total"] == "43.81"
    assert back["criteria"][0]["points"] == "12.00"
    assert back["criteria"][0]["inputs"] == {"value": "92", "target": "76", "unit": "%"}


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    before = score_unit(SCALE, TARGETS, FULL)
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_FLOOR
        after = score_unit(SCALE, TARGETS, FULL)
    assert after == before


def test_batch_path_gives_the_same_sheets_as_the_reference_on_the_cluster_example() -> None:
    scale = parse_scale(json.loads((EXAMPLES / "scale.json").read_text(), parse_float=Decimal))
    units = json.loads((EXAMPLES / "results.json").read_text(), parse_float=Decimal)["units"]
    batch = score_units(scale, units)
    for unit, sheet in zip(units, batch, strict=True):
        reference = score_unit(
            scale, unit["targets"], unit["results"], unit=unit["unit"], remarks=unit.get("remarks")
        )
        assert sheet == reference
        assert [e.formula for e in sheet.explanations] == [
            e.formula for e in reference.explanations
        ]


# --- properties --------------------------------------------------------------------------------

percent = st.decimals(min_value=-20, max_value=120, places=2, allow_nan=False, allow_infinity=False)
PROPERTY = settings(max_examples=120, deadline=None)  # moderate: the whole engine run stays short


def _scale_for(rule_doc):
    return parse_scale(scale_doc([group("A", [rule_doc])]))


RULES = {
    "linear_bonus": linear(
        "X", 10, target=76, zero_at=50, bonus={"per": 1, "points": "0.5", "cap": 2}
    ),
    "linear_lower": linear("X", 4, target=-5, zero_at=5, direction="lower"),
    "thresholds": thresholds("X", 6, [(95, 6), (90, 5), (85, 3)], target=90),
    "thresholds_lower": thresholds("X", 6, [(-10, 6), (-5, 4), (0, 1)], direction="lower"),
    "aon_lower": aon("X", 4, target=-10, direction="lower"),
    "whole_bonus": linear(
        "X", 3, target=80, bonus={"per": 2, "points": "0.25", "cap": 1, "whole_steps": True}
    ),
}


@PROPERTY
@given(st.sampled_from(sorted(RULES)), percent)
def test_points_stay_between_floor_and_maximum_plus_bonus_cap(name, value) -> None:
    scale = _scale_for(RULES[name])
    crit = scale.criterion("X")
    got = score_unit(scale, {}, {"X": value}).total
    assert crit.floor <= got <= crit.ceiling


@PROPERTY
@given(st.integers(min_value=0, max_value=40), st.sampled_from(["-1", "-0.25", "0.5"]))
def test_count_points_stay_within_their_cap(n, per) -> None:
    scale = _scale_for(count("X", per, 3))
    crit = scale.criterion("X")
    assert crit.floor <= score_unit(scale, {}, {"X": n}).total <= crit.ceiling


@PROPERTY
@given(st.sampled_from(["linear_bonus", "thresholds", "whole_bonus"]), percent, percent)
def test_improving_a_higher_better_value_never_lowers_the_points(name, a, b) -> None:
    scale = _scale_for(RULES[name])
    low, high = sorted((a, b))
    assert score_unit(scale, {}, {"X": low}).total <= score_unit(scale, {}, {"X": high}).total


@PROPERTY
@given(st.sampled_from(["linear_lower", "thresholds_lower", "aon_lower"]), percent, percent)
def test_lower_better_value_never_gains_points_when_it_worsens(name, a, b) -> None:
    scale = _scale_for(RULES[name])
    better, worse = sorted((a, b))
    assert score_unit(scale, {}, {"X": worse}).total <= score_unit(scale, {}, {"X": better}).total


@PROPERTY
@given(
    st.decimals(min_value=0, max_value=2_000_000, places=0),
    st.decimals(min_value=1, max_value=2_000_000, places=0),
)
def test_plan_points_rise_with_the_actual_and_stay_within_bounds(actual, plan_) -> None:
    scale = _scale_for(plan("X", 8, bonus={"per": 1, "points": "0.1", "cap": 1}))
    got = score_unit(scale, {"X": plan_}, {"X": actual}).total
    more = score_unit(scale, {"X": plan_}, {"X": actual + 1000}).total
    assert 0 <= got <= more <= 9


unit_results = st.fixed_dictionaries(
    {
        "DTKP": st.one_of(st.none(), percent),
        "RNT": st.one_of(st.none(), st.floats(min_value=50, max_value=100)),
        "GIAM": st.one_of(st.none(), percent),
        "THUONG": st.one_of(st.none(), st.integers(0, 9)),
        "TNGT": st.one_of(percent, st.floats(min_value=-30, max_value=30)),
        "CCCD": st.integers(0, 900_000),
        "VK": st.sampled_from([6, 6.0, D(6)]),
        "DK": st.one_of(st.none(), st.booleans()),
        "KYLUAT": st.one_of(st.none(), st.integers(0, 8)),
        "HINHSU": st.booleans(),
        "DIEMNONG": st.one_of(st.none(), st.booleans()),
    }
)


@PROPERTY
@given(st.lists(unit_results, min_size=1, max_size=6), st.integers(1, 900_000))
def test_batch_and_reference_agree_and_recompute_is_deterministic(results, plan_) -> None:
    units = [UnitInput(f"Đơn vị {k}", r, {"CCCD": plan_}) for k, r in enumerate(results)]
    batch = score_units(SCALE, units)
    again = score_units(SCALE, units)
    assert batch == again
    for unit, sheet in zip(units, batch, strict=True):
        reference = score_unit(SCALE, unit.targets, unit.results, unit=unit.unit)
        assert sheet == reference
        if sheet.total is not None:
            assert sheet.total == sum(g.points for g in sheet.groups)
            assert sheet.total == sum(e.points for e in sheet.explanations)
        for g in sheet.groups:
            if g.points is not None:
                assert g.points == sum(e.points for e in g.items)


halves = st.builds(
    lambda num, t: (Decimal(num) / 10, Decimal(t)),
    st.integers(0, 1000),
    st.sampled_from([40, 50, 80, 76, 90, 100]),
)


@PROPERTY
@given(st.lists(halves, min_size=1, max_size=30), st.sampled_from(["half_up", "half_even", "down"]))
def test_batch_rounds_exact_halves_like_the_decimal_reference(cells, mode) -> None:
    scale = parse_scale(
        scale_doc(
            [
                group(
                    "A",
                    [
                        linear("X", 3, zero_at=0),
                        linear("Y", 2, zero_at=20, bonus={"per": 1, "points": "0.05", "cap": 1}),
                    ],
                )
            ],
            rounding={"places": 2, "mode": mode},
        )
    )
    units = [
        UnitInput(f"U{k}", {"X": v, "Y": float(v)}, {"X": t, "Y": t})
        for k, (v, t) in enumerate(cells)
    ]
    for unit, sheet in zip(units, score_units(scale, units), strict=True):
        assert sheet == score_unit(scale, unit.targets, unit.results, unit=unit.unit)
