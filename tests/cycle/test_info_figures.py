"""Issue 19: the cluster report sums information figures, and a rate asked with its numerator and
denominator is reported as the cluster's POOLED rate — not the mean of the units' rates."""

from __future__ import annotations

from decimal import Decimal

from thidua.cycle.models import ScoreSheet
from thidua.documents.indicators import cluster_indicators
from thidua.engine.scale import parse_scale
from thidua.engine.scoring import score_unit
from thidua.engine.testing import group, linear, scale_doc


def info(code: str, unit: str, name: str = "", **rule) -> dict:
    name = name or f"Số vụ {code}"
    return {"code": code, "name": name, "rule": {"kind": "info", "unit": unit, **rule}}


SCALE = parse_scale(
    scale_doc(
        [
            group(
                "G",
                [
                    linear("TP1", 10, target=76, zero_at=50, name="Tỷ lệ điều tra khám phá"),
                    info("KP", "vụ", rate="TP1", role="numerator"),
                    info("XR", "vụ", rate="TP1", role="denominator"),
                    info("CCCD", "thẻ", name="Thẻ căn cước đã cấp"),
                ],
            )
        ]
    )
)

# A big unit at 80% (800/1.000 cases) and a small one at 100% (10/10): the mean of the rates is
# 90%, the cluster's rate 810/1.010 = 80,2%.
UNITS = {
    "A": {"TP1": Decimal(80), "KP": Decimal(800), "XR": Decimal(1000), "CCCD": Decimal(3100)},
    "B": {"TP1": Decimal(100), "KP": Decimal(10), "XR": Decimal(10), "CCCD": Decimal(256)},
}


def sheets() -> list[ScoreSheet]:
    return [
        ScoreSheet(sheet=score_unit(SCALE, {}, values, unit=code).to_dict(explanations=True))
        for code, values in UNITS.items()
    ]


def test_the_cluster_rate_is_pooled_from_numerators_and_denominators_not_averaged():
    found = {i.code: i for i in cluster_indicators(SCALE, sheets())}
    rate = found["TP1"]
    assert rate.value == Decimal(90)  # the mean of 80% and 100%, kept beside it
    assert rate.pooled.quantize(Decimal("0.01")) == Decimal("80.20")
    assert rate.sentence.startswith(
        "Tỷ lệ điều tra khám phá: toàn Cụm đạt 80,2% (tính gộp 810/1.010 vụ); bình quân đạt 90%"
    )


def test_information_figures_are_summed_and_score_nothing():
    found = {i.code: i for i in cluster_indicators(SCALE, sheets())}
    assert found["CCCD"].value == Decimal(3356)
    assert found["CCCD"].sentence == (
        "Thẻ căn cước đã cấp: toàn Cụm 3.356 thẻ (2 đơn vị báo cáo; chỉ tiêu thông tin, "
        "không tính điểm)."
    )
    for sheet in sheets():
        points = {c["code"]: c["points"] for c in sheet.sheet["criteria"]}
        assert Decimal(str(points["KP"])) == Decimal(str(points["CCCD"])) == 0


def test_without_both_parts_the_rate_stays_the_mean():
    partial = [
        ScoreSheet(
            sheet=score_unit(SCALE, {}, {"TP1": v["TP1"], "KP": v["KP"]}, unit=c).to_dict(
                explanations=True
            )
        )
        for c, v in UNITS.items()
    ]
    rate = {i.code: i for i in cluster_indicators(SCALE, partial)}["TP1"]
    assert rate.pooled is None and rate.sentence.startswith("Tỷ lệ điều tra khám phá: bình quân")


def test_the_results_sheet_shows_an_information_figure_as_not_scored():
    from thidua.cycle.results.forms import _explained

    entry = next(c for c in sheets()[0].sheet["criteria"] if c["code"] == "CCCD")
    shown = _explained(entry, "self")
    assert shown["display"] == {
        "kind": "none",
        "text": "Không tính điểm",
        "note": "chỉ tiêu thông tin",
    }
    assert shown["explanation"] == "3.100 thẻ (chỉ tiêu thông tin, không tính điểm)"
