"""Award allocation by data rules, checked against the published Cluster 3 / 2021 result."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from thidua.engine.awards import (
    AwardRulesError,
    allocate_awards,
    parse_award_rules,
    validate_award_rules,
)
from thidua.engine.eligibility_catalogue import load_catalogue
from thidua.engine.ranking import rank
from thidua.engine.scale import parse_scale
from thidua.engine.scoring import UnitInput, score_units
from thidua.engine.testing import group, judged, scale_doc, veto

HERE = Path(__file__).resolve()
EXAMPLES = HERE.parents[2] / "docs" / "examples" / "cum3-2021"


def _find_clusters_json() -> Path | None:
    """../shared/data/clusters.json seen from the repository, else the project's own copy of it
    (thidua/org/data/clusters.json, the same published data the demo loads)."""
    for parent in HERE.parents:
        candidate = parent / "shared" / "data" / "clusters.json"
        if candidate.is_file():
            return candidate
    own = HERE.parents[2] / "thidua" / "org" / "data" / "clusters.json"
    return own if own.is_file() else None


def published_cluster_3_2021() -> dict:
    path = _find_clusters_json()
    if path is None:
        pytest.skip("shared/data/clusters.json không có (cần dữ liệu Cụm thi đua thật để so sánh)")
    clusters = json.loads(path.read_text(encoding="utf-8"))["clusters"]
    (cluster,) = [c for c in clusters if c["cluster"] == 3 and c["year"] == 2021]
    return cluster


def in_catalogue_names(proposals: dict) -> dict:
    """The press writes "Bằng khen của Bộ Công an"; a year names each award as the catalogue
    does ("Bằng khen của Bộ trưởng Bộ Công an"), the old name resolving to it."""
    catalogue = load_catalogue()
    return {catalogue.name(catalogue.resolve(name)): units for name, units in proposals.items()}


def cluster_rules():
    """The rule set of docs/examples (one a cluster could adopt): Government flag for the honoured
    leader meeting the Ministry-flag standard; Ministry flags for the next ranked units from 90
    points, at most 75% of the members rounding down; Ministry certificates from 80 points."""
    return parse_award_rules(json.loads((EXAMPLES / "awards.json").read_text(encoding="utf-8")))


SCALE = parse_scale(
    scale_doc(
        [
            group(
                "ALL",
                [
                    judged("DIEM", 100, name="Tổng điểm (dữ liệu minh họa)"),
                    veto(
                        "HINHSU", "awards", ["CO_CP", "CO_BCA"], name="Có CBCS bị truy cứu hình sự"
                    ),
                    veto("DIEMNONG", "ranking", name="Để xảy ra điểm nóng"),
                ],
            )
        ]
    )
)


def ranking_of(totals: dict[str, str], **flags: dict[str, bool]):
    units = []
    for name, total in totals.items():
        results = {"DIEM": Decimal(total), "HINHSU": False, "DIEMNONG": False}
        for code, hits in flags.items():
            results[code] = hits.get(name, False)
        units.append(UnitInput(name, results, {}, {"DIEM": "dữ liệu minh họa"}))
    return rank(score_units(SCALE, units))


# Illustrative totals (dữ liệu minh họa), consistent with the published ranking: Yên Bái first and
# honoured, then Bắc Giang and Quảng Ninh; the others in the order of the proposals; Phú Thọ last.
ILLUSTRATIVE_2021 = {
    "Yên Bái": "98.11",
    "Thái Nguyên": "92.04",
    "Hòa Bình": "94.60",
    "Bắc Giang": "97.08",
    "Bắc Kạn": "90.84",
    "Tuyên Quang": "94.35",
    "Quảng Ninh": "95.34",
    "Phú Thọ": "90.54",
}


def test_cluster_3_2021_allocation_gives_exactly_the_published_proposals() -> None:
    published = published_cluster_3_2021()
    assert set(ILLUSTRATIVE_2021) == set(published["members"])
    ranking = ranking_of(ILLUSTRATIVE_2021)
    order = [e.unit for e in ranking.entries]
    assert order[: len(published["ranking_published"])] == published["ranking_published"]
    assert order[-1] == "Phú Thọ"

    allocation = allocate_awards(ranking, cluster_rules(), honoured=published["honoured_leader"])

    assert allocation.proposals() == in_catalogue_names(published["proposals"])
    # 1 Government flag, 6 Ministry flags, 1 Ministry certificate
    assert [len(v) for v in allocation.proposals().values()] == [1, 6, 1]


def test_every_decision_of_the_cluster_3_allocation_carries_its_reason() -> None:
    published = published_cluster_3_2021()
    allocation = allocate_awards(
        ranking_of(ILLUSTRATIVE_2021), cluster_rules(), honoured=published["honoured_leader"]
    )
    assert len(allocation.decisions) == 3 * 8
    assert all(d.reason for d in allocation.decisions)
    yen_bai = {d.award: d for d in allocation.for_unit("Yên Bái")}
    assert yen_bai["CO_CP"].granted
    assert yen_bai["CO_CP"].reason.startswith(
        "đơn vị được suy tôn dẫn đầu Cụm; xếp hạng 1/8, tổng điểm 98,11; đạt tiêu chuẩn "
        "Cờ thi đua của Bộ Công an (từ 90 điểm, không vi phạm điểm liệt)"
    )
    assert not yen_bai["CO_BCA"].granted
    assert "đã được đề nghị Cờ thi đua của Chính phủ" in yen_bai["CO_BCA"].reason
    phu_tho = {d.award: d for d in allocation.for_unit("Phú Thọ")}
    assert phu_tho["CO_BCA"].reason == (
        "đạt tiêu chuẩn nhưng đã hết chỉ tiêu (75% của 8 đơn vị trong Cụm, làm tròn xuống: 6)"
    )
    assert phu_tho["BK_BCA"].granted


def test_example_files_scored_ranked_and_allocated_give_the_published_result() -> None:
    published = published_cluster_3_2021()
    scale = parse_scale(json.loads((EXAMPLES / "scale.json").read_text(), parse_float=Decimal))
    results = json.loads((EXAMPLES / "results.json").read_text(), parse_float=Decimal)
    ranking = rank(score_units(scale, results["units"]))
    assert [e.unit for e in ranking.entries][:3] == published["ranking_published"]
    allocation = allocate_awards(ranking, cluster_rules(), honoured=results["honoured_leader"])
    assert allocation.proposals() == in_catalogue_names(published["proposals"])


def test_the_government_flag_needs_the_ministry_flag_standard() -> None:
    ranking = ranking_of({"Yên Bái": "89.50", "Bắc Giang": "88"})
    allocation = allocate_awards(ranking, cluster_rules(), honoured="Yên Bái")
    (decision,) = [d for d in allocation.decisions if d.award == "CO_CP" and d.unit == "Yên Bái"]
    assert not decision.granted
    assert decision.reason == (
        "chưa đạt tiêu chuẩn Cờ thi đua của Bộ Công an: tổng điểm 89,5 thấp hơn mức tối thiểu 90"
    )
    assert allocation.granted("Bằng khen của Bộ trưởng Bộ Công an") == ["Yên Bái", "Bắc Giang"]


def test_a_veto_on_flags_bars_the_flags_but_not_the_certificate() -> None:
    ranking = ranking_of({"Yên Bái": "98", "Bắc Giang": "97"}, HINHSU={"Bắc Giang": True})
    allocation = allocate_awards(ranking, cluster_rules(), honoured="Yên Bái")
    decisions = {d.award: d for d in allocation.for_unit("Bắc Giang")}
    assert decisions["CO_BCA"].reason == (
        "Điểm liệt “Có CBCS bị truy cứu hình sự”: không được xét CO_CP, CO_BCA"
    )
    assert decisions["BK_BCA"].granted


def test_units_not_ranked_are_refused_every_award_with_the_reason() -> None:
    ranking = ranking_of({"Yên Bái": "98", "Bắc Giang": "97"}, DIEMNONG={"Yên Bái": True})
    allocation = allocate_awards(ranking, cluster_rules(), honoured="Yên Bái")
    assert {d.granted for d in allocation.for_unit("Yên Bái")} == {False}
    assert allocation.for_unit("Yên Bái")[0].reason.startswith("không được xếp hạng: Điểm liệt")
    assert allocation.granted("CO_BCA") == ["Bắc Giang"]


def test_without_an_honouring_vote_no_government_flag_is_proposed() -> None:
    allocation = allocate_awards(ranking_of({"Yên Bái": "98", "Bắc Giang": "97"}), cluster_rules())
    decision = next(d for d in allocation.decisions if d.award == "CO_CP")
    assert decision.reason == "chưa có kết quả suy tôn đơn vị dẫn đầu Cụm"
    assert allocation.granted("CO_BCA") == ["Yên Bái"]  # 75% of 2 members: 1 flag


def rules(**award) -> dict:
    base = {"code": "CO", "name": "Cờ thi đua", "candidates": "ranking"}
    return {"schema": "thidua.awards/1", "awards": [dict(base, **award)]}


def test_percentage_quotas_round_down() -> None:
    totals = {f"Đơn vị {k}": str(90 - k) for k in range(7)}
    allocation = allocate_awards(ranking_of(totals), rules(max_percent=75))  # 5,25 → 5
    assert len(allocation.granted("CO")) == 5
    refused = [d for d in allocation.decisions if not d.granted]
    assert (
        refused[0].reason
        == "đạt tiêu chuẩn nhưng đã hết chỉ tiêu (75% của 7 đơn vị trong Cụm, làm tròn xuống: 5)"
    )


def test_count_and_percentage_quotas_combine_by_the_stricter_or_the_larger() -> None:
    totals = {f"Đơn vị {k}": str(90 - k) for k in range(10)}
    stricter = allocate_awards(ranking_of(totals), rules(max_count=3, max_percent=50))
    larger = allocate_awards(ranking_of(totals), rules(max_count=3, max_percent=50, combine="max"))
    assert len(stricter.granted("CO")) == 3
    assert len(larger.granted("CO")) == 5


def test_units_tied_at_the_quota_edge_are_not_split_arbitrarily() -> None:
    totals = {"Yên Bái": "95", "Bắc Giang": "93", "Quảng Ninh": "93"}
    excluded = allocate_awards(ranking_of(totals), rules(max_count=2))
    assert excluded.granted("CO") == ["Yên Bái"]
    tie = next(d for d in excluded.decisions if d.unit == "Bắc Giang")
    assert tie.reason.startswith("2 đơn vị đồng hạng 2 tại ngưỡng chỉ tiêu (còn 1 suất")
    included = allocate_awards(
        ranking_of(totals), dict(rules(max_count=2), ties_at_cutoff="include")
    )
    assert included.granted("CO") == ["Yên Bái", "Bắc Giang", "Quảng Ninh"]


def test_minimum_score_refusal_names_the_score_and_the_minimum() -> None:
    allocation = allocate_awards(ranking_of({"Phú Thọ": "79.99"}), rules(min_total=80))
    (decision,) = allocation.decisions
    assert decision.reason == "tổng điểm 79,99 thấp hơn mức tối thiểu 80"


def test_award_rules_report_every_problem_with_its_path() -> None:
    doc = {
        "awards": [
            {"code": "CO_CP", "name": "Cờ", "candidates": "everyone", "max_count": -1},
            {"code": "CO_CP", "standard_of": "KHONGCO", "max_percent": 120},
        ]
    }
    paths = {p.path for p in validate_award_rules(doc)}
    assert paths == {
        "awards[0].candidates",
        "awards[0].max_count",
        "awards[1].code",
        "awards[1].name",
        "awards[1].max_percent",
        "awards[1].standard_of",
    }
    with pytest.raises(AwardRulesError):
        parse_award_rules(doc)
