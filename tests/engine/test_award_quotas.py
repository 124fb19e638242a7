"""Award quotas at their edges: slots held for the council at a tie, quotas shared by several awards.

Cụm 3 (2021) proposed 1 Government + 6 Ministry flags among 8 provinces (separate quotas); Cụm 8
(2020) 1 Government + 3 Ministry flags among 8 (all flags within one cap, the Government flag
counting). Both must be expressible as data; any allocation must pass the engine's own check.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.engine.award_checks import check_selection
from thidua.engine.awards import allocate_awards, parse_award_rules, validate_award_rules
from thidua.engine.ranking import rank
from thidua.engine.reconcile import reconcile_all
from thidua.engine.scale import parse_scale
from thidua.engine.scoring import UnitInput, score_units
from thidua.engine.testing import group, judged, scale_doc, veto

SCALE = parse_scale(
    scale_doc(
        [
            group(
                "ALL",
                [
                    judged("DIEM", 100, name="Tổng điểm (dữ liệu minh họa)"),
                    veto("HINHSU", "awards", ["CO_CP", "CO_BCA"], name="Có CBCS bị truy cứu"),
                    veto("DIEMNONG", "ranking", name="Để xảy ra điểm nóng"),
                ],
            )
        ]
    )
)
PROVINCES = ["Yên Bái", "Bắc Giang", "Quảng Ninh", "Hòa Bình", "Tuyên Quang", "Thái Nguyên"]
PROVINCES += ["Bắc Kạn", "Phú Thọ"]


def ranking_of(totals: dict[str, str], vetoes: dict[str, str] | None = None):
    units = []
    for name, total in totals.items():
        hit = (vetoes or {}).get(name)
        results = {"DIEM": Decimal(total), "HINHSU": hit == "HINHSU", "DIEMNONG": hit == "DIEMNONG"}
        units.append(UnitInput(name, results, {}, {"DIEM": "dữ liệu minh họa"}))
    return rank(score_units(SCALE, units))


def flags_rules(*, ties: str = "exclude", **top) -> dict:
    doc = {
        "schema": "thidua.awards/1",
        "ties_at_cutoff": ties,
        "awards": [
            {"code": "CO_BCA", "name": "Cờ thi đua của Bộ Công an", "max_percent": 40},
            {"code": "BK_BCA", "name": "Bằng khen của Bộ Công an", "min_total": 80},
        ],
    }
    doc.update(top)
    return doc


EIGHT_WITH_A_TIE_AT_THE_THIRD_SLOT = dict(
    zip(PROVINCES, ["97", "95", "93", "93", "91", "89", "85", "82"], strict=True)
)


def test_a_slot_held_for_the_council_at_a_tie_is_not_given_to_the_next_ranked_unit() -> None:
    # 8 members, Ministry flags at most 40% → 3; the 3rd and 4th are tied for the last slot
    ranking = ranking_of(EIGHT_WITH_A_TIE_AT_THE_THIRD_SLOT)
    allocation = allocate_awards(ranking, flags_rules())
    assert allocation.granted("CO_BCA") == ["Yên Bái", "Bắc Giang"]
    fifth = next(d for d in allocation.decisions if d.award == "CO_BCA" and d.unit == "Tuyên Quang")
    assert not fifth.granted
    assert "1 suất còn lại dành cho Hội đồng thi đua quyết định giữa các đơn vị đồng hạng 3" in (
        fifth.reason
    )
    selection = [(d.unit, d.award) for d in allocation.decisions if d.granted]
    assert check_selection(ranking, flags_rules(), selection) == []
    # the council then gives the slot to one of the tied units: still within the rules
    council = [*selection, ("Quảng Ninh", "CO_BCA")]
    council.remove(("Quảng Ninh", "BK_BCA"))
    assert check_selection(ranking, flags_rules(), council) == []


def cum8_2020_rules(shared: bool) -> dict:
    government = {
        "code": "CO_CP",
        "name": "Cờ thi đua của Chính phủ",
        "candidates": "honoured",
        "max_count": 1,
        "standard_of": "CO_BCA",
    }
    ministry = {"code": "CO_BCA", "name": "Cờ thi đua của Bộ Công an", "min_total": 90}
    doc = {"schema": "thidua.awards/1", "awards": [government, ministry]}
    if shared:
        doc["shared_caps"] = [
            {
                "name": "Tổng số Cờ thi đua",
                "awards": ["CO_CP", "CO_BCA"],
                "max_percent": 50,
                "basis": "Quy chế của Cụm (minh họa): tổng số cờ không quá 50% số đơn vị",
            }
        ]
    else:
        ministry["max_percent"] = 50
    return doc


def test_a_shared_cap_counts_the_government_flag_among_all_flags() -> None:
    # Cụm 8 (2020): 8 provinces, 1 Government + 3 Ministry flags = 4 flags = 50% of the members
    totals = dict(zip(PROVINCES, ["98", "96", "95", "94", "93", "92", "91", "85"], strict=True))
    ranking = ranking_of(totals)
    shared = allocate_awards(ranking, cum8_2020_rules(shared=True), honoured="Yên Bái")
    assert shared.granted("CO_CP") == ["Yên Bái"]
    assert shared.granted("CO_BCA") == ["Bắc Giang", "Quảng Ninh", "Hòa Bình"]
    refused = next(d for d in shared.decisions if d.award == "CO_BCA" and d.unit == "Tuyên Quang")
    assert refused.reason == (
        "đạt tiêu chuẩn nhưng đã hết chỉ tiêu (hạn mức chung “Tổng số Cờ thi đua”: "
        "50% của 8 đơn vị trong Cụm, làm tròn xuống: 4, đã dùng 4 suất)"
    )
    # separate caps (as Cụm 3 in 2021: the Government flag outside the Ministry flags' quota)
    separate = allocate_awards(ranking, cum8_2020_rules(shared=False), honoured="Yên Bái")
    assert len(separate.granted("CO_BCA")) == 4
    for allocation, doc in ((shared, cum8_2020_rules(True)), (separate, cum8_2020_rules(False))):
        selection = [(d.unit, d.award) for d in allocation.decisions if d.granted]
        assert check_selection(ranking, doc, selection, honoured="Yên Bái") == []


def test_a_selection_over_the_shared_cap_is_refused_in_vietnamese() -> None:
    totals = dict(zip(PROVINCES, ["98", "96", "95", "94", "93", "92", "91", "85"], strict=True))
    ranking = ranking_of(totals)
    selection = [("Yên Bái", "CO_CP")] + [(u, "CO_BCA") for u in PROVINCES[1:5]]
    problems = check_selection(ranking, cum8_2020_rules(True), selection, honoured="Yên Bái")
    assert problems == [
        "Tổng số Cờ thi đua (Cờ thi đua của Chính phủ, Cờ thi đua của Bộ Công an): 5 đề nghị, "
        "vượt hạn mức chung (50% của 8 đơn vị trong Cụm, làm tròn xuống: 4)."
    ]


def test_shared_caps_are_validated_with_their_paths() -> None:
    doc = cum8_2020_rules(shared=True)
    doc["shared_caps"] += [
        {"name": "Sai", "awards": ["CO_CP", "KHONGCO"], "max_percent": 120},
        {"awards": ["CO_CP"], "max_count": -1, "them": 1},
        {"name": "Không giới hạn", "awards": ["CO_CP", "CO_BCA"]},
    ]
    problems = {p.path: p.message for p in validate_award_rules(doc)}
    assert problems == {
        "shared_caps[1].awards[1]": "không có hình thức khen thưởng mã 'KHONGCO'",
        "shared_caps[1].max_percent": "không được vượt 100",
        "shared_caps[2].name": "thiếu (bắt buộc)",
        "shared_caps[2].awards": "cần danh sách ít nhất hai mã hình thức khen thưởng",
        "shared_caps[2].max_count": "phải là số nguyên không âm",
        "shared_caps[2].them": "khóa không được hỗ trợ (gõ nhầm?)",
        "shared_caps[2]": "cần max_count hoặc max_percent (hạn mức chung)",
        "shared_caps[3]": "cần max_count hoặc max_percent (hạn mức chung)",
    }
    assert parse_award_rules(cum8_2020_rules(shared=True)).caps_of("CO_CP")[0].name == (
        "Tổng số Cờ thi đua"
    )


# --- properties: every allocation is within the rules; a held slot never goes further down ---

limits = st.fixed_dictionaries(
    {},
    optional={
        "max_count": st.integers(0, 6),
        "max_percent": st.sampled_from([10, 25, 40, 50, 75, 100]),
        "percent_of": st.sampled_from(["members", "ranked"]),
        "combine": st.sampled_from(["min", "max"]),
    },
)


@st.composite
def rule_docs(draw) -> dict:
    codes = ["CO_CP", "CO_BCA", "BK_BCA"][: draw(st.integers(1, 3))]
    awards = []
    for k, code in enumerate(codes):
        spec = {"code": code, "name": f"Hình thức {code}", **draw(limits)}
        if draw(st.booleans()):
            spec["min_total"] = draw(st.sampled_from([80, 85, 90, 95]))
        if draw(st.integers(0, 3)) == 0:
            spec["max_rank"] = draw(st.integers(1, 8))
        if code == "CO_CP" and draw(st.booleans()):
            spec["candidates"] = "honoured"
        if k + 1 < len(codes) and draw(st.booleans()):
            spec["standard_of"] = codes[k + 1]
        awards.append(spec)
    doc = {
        "schema": "thidua.awards/1",
        "exclusive": draw(st.booleans()),
        "ties_at_cutoff": draw(st.sampled_from(["exclude", "include"])),
        "awards": awards,
    }
    if len(codes) >= 2 and draw(st.booleans()):
        members = draw(st.lists(st.sampled_from(codes), min_size=2, unique=True))
        cap = {"name": "Hạn mức chung", "awards": members, **draw(limits)}
        if "max_count" not in cap and "max_percent" not in cap:
            cap["max_count"] = draw(st.integers(0, 6))
        doc["shared_caps"] = [cap]
    return doc


unit_totals = st.lists(
    st.tuples(
        st.sampled_from(["97", "95", "93", "93", "91", "90", "88", "85", "80", "79"]),
        st.sampled_from([None, None, None, "HINHSU", "DIEMNONG"]),
    ),
    min_size=1,
    max_size=9,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit_totals, rule_docs(), st.integers(-1, 8))
def test_every_allocation_passes_the_engines_own_check_and_held_slots_stay_held(
    units, doc, honoured_index
) -> None:
    names = [f"Đơn vị {k + 1}" for k in range(len(units))]
    ranking = ranking_of(
        {n: total for n, (total, _) in zip(names, units, strict=True)},
        {n: hit for n, (_, hit) in zip(names, units, strict=True) if hit},
    )
    honoured = names[honoured_index] if 0 <= honoured_index < len(names) else None
    allocation = allocate_awards(ranking, doc, honoured=honoured)
    selection = [(d.unit, d.award) for d in allocation.decisions if d.granted]
    assert check_selection(ranking, doc, selection, honoured=honoured) == []
    for award in parse_award_rules(doc).awards:
        held = [
            d.rank
            for d in allocation.decisions
            if d.award == award.code
            and not d.granted
            and "Hội đồng thi đua quyết định" in d.reason
            and "tại ngưỡng chỉ tiêu" in d.reason
        ]
        if held:
            below = [d for d in allocation.decisions if d.award == award.code and d.granted]
            assert all(d.rank < min(held) for d in below), (held, below)


def test_the_engine_compares_unit_names_in_canonical_form() -> None:
    decomposed = unicodedata.normalize("NFD", "Yên Bái")
    totals = dict(zip(PROVINCES[:3], ["98", "96", "95"], strict=True))
    ranking = ranking_of(totals)
    for spelling in (decomposed, " Yên  Bái ", "Yên Bái"):
        allocation = allocate_awards(ranking, cum8_2020_rules(shared=True), honoured=spelling)
        assert allocation.granted("CO_CP") == ["Yên Bái"]
        assert ranking.entry(spelling).unit == "Yên Bái"
        selection = [("Yên Bái", "CO_CP")]  # 50% of 3 members: one flag in all
        assert check_selection(ranking, cum8_2020_rules(True), selection, honoured=spelling) == []
    sheets = [e.sheet for e in ranking.entries]
    twin = score_units(SCALE, [UnitInput("Yên Bái ", {"DIEM": 90}, {}, {"DIEM": "x"})])
    with pytest.raises(ValueError, match="Yên Bái” có hơn một phiếu điểm"):
        rank([*sheets, *twin])
    team = score_units(
        SCALE,
        [
            UnitInput(
                decomposed, {"DIEM": 97}, {}, {"DIEM": "x"}, stage="inspection", source="Đoàn 1"
            )
        ],
    )
    (yen_bai, *_) = reconcile_all(sheets, team)
    assert yen_bai.unit == "Yên Bái" and len(yen_bai.inspections) == 1
