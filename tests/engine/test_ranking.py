"""Ranking: totals, tie-breaks, shared ranks, units listed apart."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.engine.ranking import rank
from thidua.engine.scale import TieBreak, parse_scale
from thidua.engine.scoring import UnitInput, score_units
from thidua.engine.testing import count, group, judged, scale_doc, veto

D = Decimal
SCALE = parse_scale(
    scale_doc(
        [
            group(
                "ANQG",
                [judged("A", 40), veto("DIEMNONG", "ranking")],
                name="Bảo vệ an ninh quốc gia",
            ),
            group(
                "DTPCTP",
                [judged("B", 60), count("TRU", -1, 5), veto("HINHSU", "awards", ["CO_BCA"])],
                name="Đấu tranh phòng, chống tội phạm",
            ),
        ],
        tie_breaks=["group:DTPCTP", "criteria_at_max", "fewer_deductions"],
    )
)


def unit(name: str, a, b, deductions: int = 0, hotspot: bool | None = False, prosecuted=False):
    results = {"A": D(str(a)), "B": D(str(b)), "TRU": deductions, "HINHSU": prosecuted}
    if hotspot is not None:
        results["DIEMNONG"] = hotspot
    remarks = {"A": "minh họa", "B": "minh họa"}
    return UnitInput(name, results, {}, remarks)


def ranked(*units, tie_breaks=None):
    return rank(score_units(SCALE, list(units)), tie_breaks)


def test_units_are_ordered_by_total_best_first() -> None:
    r = ranked(unit("Phú Thọ", 30, 50), unit("Yên Bái", 38, 58), unit("Bắc Giang", 36, 57))
    assert [(e.rank, e.unit, e.total) for e in r.entries] == [
        (1, "Yên Bái", D("96")),
        (2, "Bắc Giang", D("93")),
        (3, "Phú Thọ", D("80")),
    ]
    assert r.entries[1].note == "tổng điểm 93 thấp hơn Yên Bái (96)"


def test_true_ties_share_a_rank_and_the_next_rank_is_skipped() -> None:
    # equal totals, equal group DTPCTP, equal criteria at max, equal deductions: 1, 2, 2, 4
    r = ranked(
        unit("Hòa Bình", 35, 55),
        unit("Tuyên Quang", 35, 55),
        unit("Yên Bái", 40, 58),
        unit("Bắc Kạn", 30, 50),
    )
    assert [(e.rank, e.unit, e.tied) for e in r.entries] == [
        (1, "Yên Bái", False),
        (2, "Hòa Bình", True),
        (2, "Tuyên Quang", True),
        (4, "Bắc Kạn", False),
    ]
    assert r.entries[2].note.startswith("đồng hạng với Hòa Bình")


def test_equal_totals_are_split_by_the_first_tie_break_that_differs() -> None:
    # both 90: Quảng Ninh has more in "Đấu tranh phòng, chống tội phạm" (55 > 52)
    r = ranked(unit("Thái Nguyên", 38, 52), unit("Quảng Ninh", 35, 55))
    assert [e.unit for e in r.entries] == ["Quảng Ninh", "Thái Nguyên"]
    assert [e.rank for e in r.entries] == [1, 2]
    assert r.entries[1].note == (
        "bằng tổng điểm 90 với Quảng Ninh; Quảng Ninh xếp trên do điểm nhóm "
        "“Đấu tranh phòng, chống tội phạm” cao hơn (55 so với 52)"
    )


def test_fewer_deductions_breaks_a_tie_when_groups_and_maxima_are_equal() -> None:
    # Bắc Giang 35 + 58 − 1 = 92, Hòa Bình 35 + 57 − 0 = 92; DTPCTP 57 each; none at maximum
    r = ranked(unit("Bắc Giang", 35, 58, deductions=1), unit("Hòa Bình", 35, 57))
    assert [(e.rank, e.unit) for e in r.entries] == [(1, "Hòa Bình"), (2, "Bắc Giang")]
    assert r.entries[1].note.endswith("bị trừ ít điểm hơn (0 điểm so với 1 điểm)")


def test_tie_break_order_can_be_given_explicitly() -> None:
    # 40 + 50 = 90 (A at max) vs 30 + 60 = 90 (B at max): criteria at max tie (1 each);
    # by group ANQG the first wins, by group DTPCTP the second
    a, b = unit("Yên Bái", 40, 50), unit("Phú Thọ", 30, 60)
    assert ranked(a, b, tie_breaks=["group:ANQG"]).entries[0].unit == "Yên Bái"
    assert ranked(a, b, tie_breaks=[TieBreak("group", "DTPCTP")]).entries[0].unit == "Phú Thọ"
    tied = ranked(a, b, tie_breaks=[])
    assert [e.rank for e in tied.entries] == [1, 1]


def test_vetoed_units_are_listed_apart_with_the_reason() -> None:
    r = ranked(unit("Yên Bái", 40, 60, hotspot=True), unit("Bắc Giang", 30, 50))
    assert [e.unit for e in r.entries] == ["Bắc Giang"]
    (out,) = r.excluded
    assert (out.unit, out.kind) == ("Yên Bái", "veto")
    assert out.reasons == ("Điểm liệt “Tiêu chí DIEMNONG”: không được xếp hạng",)
    assert r.members == 2


def test_a_veto_on_awards_does_not_remove_the_unit_from_the_ranking() -> None:
    r = ranked(unit("Yên Bái", 40, 60, prosecuted=True), unit("Bắc Giang", 30, 50))
    assert [e.unit for e in r.entries] == ["Yên Bái", "Bắc Giang"]


def test_units_whose_total_is_blocked_by_missing_data_are_listed_apart() -> None:
    scale = parse_scale(
        scale_doc([group("A", [judged("A", 10, missing="block"), judged("B", 10)])])
    )
    sheets = score_units(
        scale,
        [UnitInput("Bắc Kạn", {"B": 10}), UnitInput("Tuyên Quang", {"A": 10, "B": 10})],
    )
    r = rank(sheets)
    assert [e.unit for e in r.entries] == ["Tuyên Quang"]
    assert r.excluded[0].reasons == ("Thiếu số liệu bắt buộc: A (Tiêu chí A)",)


def test_two_sheets_for_one_unit_are_refused() -> None:
    sheets = score_units(SCALE, [unit("Yên Bái", 1, 1), unit("Yên Bái", 2, 2)])
    with pytest.raises(ValueError, match="hơn một phiếu điểm"):
        rank(sheets)


PROPERTY = settings(max_examples=80, deadline=None)  # moderate: the whole engine run stays short

scores = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 60), st.integers(0, 3)), min_size=1, max_size=9
)


@PROPERTY
@given(scores, st.randoms())
def test_permuting_unit_order_changes_no_rank(values, rnd) -> None:
    units = [unit(f"Đơn vị {k}", a, b, d) for k, (a, b, d) in enumerate(values)]
    sheets = score_units(SCALE, units)
    before = [(e.unit, e.rank) for e in rank(sheets).entries]
    shuffled = list(sheets)
    rnd.shuffle(shuffled)
    assert [(e.unit, e.rank) for e in rank(shuffled).entries] == before


@PROPERTY
@given(scores)
def test_ties_share_ranks_and_a_rank_counts_the_units_strictly_ahead(values) -> None:
    units = [unit(f"Đơn vị {k}", a, b, d) for k, (a, b, d) in enumerate(values)]
    r = rank(score_units(SCALE, units))
    keys = {e.unit: (e.total, *e.keys) for e in r.entries}
    for e in r.entries:
        ahead = sum(1 for other in r.entries if keys[other.unit] > keys[e.unit])
        assert e.rank == ahead + 1
        assert e.tied == any(keys[o.unit] == keys[e.unit] for o in r.entries if o.unit != e.unit)
    totals = [e.total for e in r.entries]
    assert totals == sorted(totals, reverse=True)


def test_ranking_a_shuffled_national_sized_list_is_stable() -> None:
    rng = random.Random(3)
    units = [unit(f"Đơn vị {k:03d}", rng.randint(30, 40), rng.randint(45, 60)) for k in range(300)]
    sheets = score_units(SCALE, units)
    first = [(e.unit, e.rank) for e in rank(sheets).entries]
    rng.shuffle(sheets)
    assert [(e.unit, e.rank) for e in rank(sheets).entries] == first
