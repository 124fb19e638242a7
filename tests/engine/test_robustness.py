"""Monte Carlo stability of a ranking: seeded, reproducible, sensible."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from thidua.engine.ranking import rank
from thidua.engine.reconcile import reconcile_all
from thidua.engine.robustness import judged_spread, robustness
from thidua.engine.scale import parse_scale
from thidua.engine.scoring import UnitInput, score_units
from thidua.engine.testing import group, judged, linear, scale_doc, veto

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cum3-2021"

SCALE = parse_scale(
    scale_doc(
        [
            group("A", [linear("TL", 10, target=90, zero_at=50), veto("V", "ranking")]),
            group("B", [judged("J", 10)]),
        ]
    )
)


def sheets(*rows):
    units = [
        UnitInput(
            name,
            {"TL": Decimal(str(rate)), "J": Decimal(str(j)), "V": vetoed},
            {},
            {"J": "minh họa"},
        )
        for name, rate, j, vetoed in rows
    ]
    return score_units(SCALE, units)


def example_ranking():
    scale = parse_scale(json.loads((EXAMPLES / "scale.json").read_text(), parse_float=Decimal))
    units = json.loads((EXAMPLES / "results.json").read_text(), parse_float=Decimal)["units"]
    return rank(score_units(scale, units))


def test_same_seed_gives_the_same_figures_and_another_seed_may_not() -> None:
    ranking = example_ranking()
    a = robustness(ranking, samples=3000, weight_jitter=0.2, input_noise=0.02, seed=7)
    b = robustness(ranking, samples=3000, weight_jitter=0.2, input_noise=0.02, seed=7)
    c = robustness(ranking, samples=3000, weight_jitter=0.2, input_noise=0.02, seed=8)
    assert a == b
    assert [u.p_first for u in a.units] != [u.p_first for u in c.units]


def test_without_jitter_or_noise_every_unit_keeps_its_rank() -> None:
    report = robustness(
        example_ranking(), samples=200, weight_jitter=0.0, input_noise=0.0, judged_noise=0.0
    )
    for u in report.units:
        assert u.median_rank == u.p5_rank == u.p95_rank
    assert report.units[0].p_first == 1.0
    # the two units tied on total share rank 4 in every sample (no tie-breaks in simulations)
    assert [u.median_rank for u in report.units] == [1, 2, 3, 4, 4, 6, 7, 8]


def test_a_dominant_leader_stays_first_and_close_units_trade_places() -> None:
    s = sheets(
        ("Yên Bái", 99, 10, False), ("Bắc Giang", 80, 8, False), ("Quảng Ninh", 80.2, 8, False)
    )
    report = robustness(s, samples=5000, weight_jitter=0.2, input_noise=0.02, seed=1)
    leader, second, third = (
        report.unit("Yên Bái"),
        report.unit("Quảng Ninh"),
        report.unit("Bắc Giang"),
    )
    assert leader.p_first > 0.99 and leader.p95_rank == 1
    assert second.p5_rank == 2 and third.p95_rank == 3
    assert second.p95_rank == 3 and third.p5_rank == 2  # they swap in some samples


def test_bands_are_ordered_and_within_the_ranked_units() -> None:
    report = robustness(example_ranking(), samples=2000, input_noise=0.05, seed=3)
    for u in report.units:
        assert 1 <= u.p5_rank <= u.median_rank <= u.p95_rank <= len(report.units)
        assert 0.0 <= u.p_first <= 1.0
    assert sum(u.p_first for u in report.units) >= 1.0


def test_vetoed_units_take_no_part() -> None:
    s = sheets(("Yên Bái", 99, 10, True), ("Bắc Giang", 80, 8, False), ("Quảng Ninh", 85, 8, False))
    report = robustness(s, samples=100, seed=1)
    assert [u.unit for u in report.units] == ["Quảng Ninh", "Bắc Giang"]


def test_report_serialises_with_a_vietnamese_summary() -> None:
    report = robustness(example_ranking(), samples=500, seed=2021)
    doc = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert doc["samples"] == 500 and doc["seed"] == 2021
    assert doc["units"][0]["summary"].startswith("Yên Bái: hạng 1; trung vị 1")


def test_bad_parameters_are_refused_in_vietnamese() -> None:
    with pytest.raises(ValueError, match="Số lần mô phỏng"):
        robustness(example_ranking(), samples=0)
    with pytest.raises(ValueError, match="trọng số"):
        robustness(example_ranking(), weight_jitter=1.5)
    with pytest.raises(ValueError, match=r"từ 1 đến 100\.000"):
        robustness(example_ranking(), samples=1_000_000_000_000)  # was a numpy MemoryError
    with pytest.raises(ValueError, match="Hạt giống"):
        robustness(example_ranking(), seed=-1)
    with pytest.raises(ValueError, match="điểm chấm"):
        robustness(example_ranking(), judged_noise=-0.5)


def test_a_lead_built_from_judged_points_is_no_longer_certain() -> None:
    # equal measured results; Yên Bái leads by 0.01 judged point only
    s = sheets(("Yên Bái", 80, "8.01", False), ("Bắc Giang", 80, 8, False))
    report = robustness(s, samples=4000, seed=5)  # judged noise by default
    leader = report.unit("Yên Bái")
    assert 0.4 < leader.p_first < 0.7  # was 1.0: judged points were treated as exact facts
    assert report.judged_noise == 0.25
    assert "mặc định" in report.to_dict()["model"]
    blind = robustness(s, samples=4000, seed=5, judged_noise=0)
    assert blind.unit("Yên Bái").p_first == 1.0


def test_judged_noise_is_the_spread_between_self_assessment_and_inspections() -> None:
    scale = parse_scale(json.loads((EXAMPLES / "scale.json").read_text(), parse_float=Decimal))

    def load(name: str, stage: str = "self") -> list:
        doc = json.loads((EXAMPLES / name).read_text(), parse_float=Decimal)
        return score_units(scale, [dict(u, stage=stage) for u in doc["units"]])

    own = load("results.json")
    teams = load("inspection-team1.json", "inspection") + load(
        "inspection-team2.json", "inspection"
    )
    consolidations = reconcile_all(own, teams)
    sigma, cells = judged_spread(consolidations)
    # by hand: every judged cell of each unit, its self-assessed and inspected points
    squares, freedom, counted = 0.0, 0, 0
    for c in consolidations:
        for e in c.self_sheet.explanations:
            if e.criterion.rule.kind != "judged" or e.missing:
                continue
            points = [float(e.points)] + [
                float(x.explanation(e.criterion.code).points)
                for x in c.inspections
                if not x.explanation(e.criterion.code).missing
            ]
            if len(points) > 1:
                mean = sum(points) / len(points)
                squares += sum((p - mean) ** 2 for p in points)
                freedom += len(points) - 1
                counted += 1
    assert cells == counted > 0
    assert sigma == pytest.approx((squares / freedom) ** 0.5)
    ranking = rank([c.sheet for c in consolidations])
    report = robustness(ranking, samples=500, seed=1, inspections=consolidations)
    assert report.judged_noise == pytest.approx(sigma)
    assert f"trên {cells} ô điểm chấm" in report.to_dict()["model"]
