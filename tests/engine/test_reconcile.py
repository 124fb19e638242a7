"""Reconciliation of a self-assessment with inspection sheets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.engine.reconcile import reconcile, reconcile_all
from thidua.engine.scale import parse_scale
from thidua.engine.scoring import UnitInput, score_units
from thidua.engine.testing import group, judged, linear, scale_doc, veto

D = Decimal
SCALE = parse_scale(
    scale_doc(
        [
            group(
                "A",
                [
                    linear("TL", 10, target=76, zero_at=50),
                    judged("J", 6),
                    veto("V", "awards", ["CO"]),
                ],
            )
        ],
        reconciliation={"method": "mean", "threshold": "0.5"},
    )
)


def sheet(unit, tl, j, v=False, stage="self", source="", remark="minh họa"):
    results = {"TL": D(str(tl)), "J": D(str(j)), "V": v}
    return score_units(SCALE, [UnitInput(unit, results, {}, {"J": remark}, stage, source)])[0]


def test_consolidated_points_are_the_mean_of_the_inspections_and_big_gaps_are_flagged() -> None:
    own = sheet("Thái Nguyên", 80, 6)
    team1 = sheet("Thái Nguyên", 80, 5, stage="inspection", source="Đoàn 1")
    team2 = sheet("Thái Nguyên", 80, D("5.5"), stage="inspection", source="Đoàn 2")
    rec = reconcile(own, [team1, team2])
    e = rec.sheet.explanation("J")
    # (5 + 5,5) / 2 = 5,25
    assert e.points == D("5.25")
    assert e.formula == (
        "Tiêu chí J: điểm tổng hợp = trung bình điểm của 2 đoàn kiểm tra (Đoàn 1: 5; Đoàn 2: 5,5) "
        "= 5,25 điểm"
    )
    assert rec.sheet.stage == "consolidated"
    assert rec.sheet.total == D("15.25")
    (flag,) = rec.flags  # 6 against 5: gap 1 > 0,5
    assert (flag.code, flag.difference) == ("J", D("1.00"))
    assert flag.reason == (
        "Tiêu chí J: tự chấm 6; Đoàn 1: 5; Đoàn 2: 5,5 — chênh lệch 1 điểm, vượt ngưỡng 0,5 điểm"
    )


def test_agreeing_sheets_keep_the_inspection_explanation_and_raise_no_flag() -> None:
    own = sheet("Bắc Kạn", D("88.4"), 6)
    team = sheet("Bắc Kạn", D("88.1"), 6, stage="inspection", source="Đoàn 1")
    rec = reconcile(own, [team])
    assert rec.flags == ()  # 10 either way: the rate is above target
    assert rec.sheet.explanation("TL") == team.explanation("TL")


def test_median_and_min_methods_are_available() -> None:
    own = sheet("Hòa Bình", 80, 6)
    teams = [
        sheet("Hòa Bình", 80, p, stage="inspection", source=f"Đoàn {k}")
        for k, p in enumerate([4, 5, 6])
    ]
    assert reconcile(own, teams, method="median").sheet.explanation("J").points == 5
    assert reconcile(own, teams, method="min").sheet.explanation("J").points == 4


def test_a_veto_found_by_any_inspection_stands() -> None:
    own = sheet("Quảng Ninh", 80, 6)
    teams = [
        sheet("Quảng Ninh", 80, 6, stage="inspection", source="Đoàn 1"),
        sheet("Quảng Ninh", 80, 6, v=True, stage="inspection", source="Đoàn 2"),
    ]
    rec = reconcile(own, teams)
    assert [v.code for v in rec.sheet.vetoes] == ["V"]
    assert [f.code for f in rec.flags] == ["V"]


def test_a_criterion_no_team_scored_keeps_the_self_assessment_and_says_so() -> None:
    own = sheet("Phú Thọ", 80, 6)
    team = score_units(SCALE, [UnitInput("Phú Thọ", {"TL": 80}, {}, {}, "inspection", "Đoàn 1")])[0]
    rec = reconcile(own, [team])
    assert rec.sheet.explanation("J") == own.explanation("J")
    assert next(f.reason for f in rec.flags if f.not_inspected) == (
        "Tiêu chí J: chưa được đoàn kiểm tra chấm, giữ điểm tự chấm 6 điểm"
    )


def test_sheets_of_another_unit_are_refused() -> None:
    with pytest.raises(ValueError, match="không phải Yên Bái"):
        reconcile(sheet("Yên Bái", 80, 6), [sheet("Bắc Giang", 80, 6, stage="inspection")])
    with pytest.raises(ValueError, match="không có phiếu tự chấm"):
        reconcile_all([sheet("Yên Bái", 80, 6)], [sheet("Bắc Giang", 80, 6, stage="inspection")])
