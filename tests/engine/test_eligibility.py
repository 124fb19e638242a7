"""Rule cases written from the legal text: each case is a history, an award and a year, with the
expected verdict and the conditions that fail (or stay unknown), as ``"<rule id>:<kind>"``.

The builders at the top are shared by the other eligibility test modules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pytest

from thidua.engine.eligibility import (
    Award,
    Discipline,
    EligibilityError,
    Initiative,
    LevelSpan,
    Person,
    Status,
    Unit,
    UnitSpan,
    Verdict,
    check,
    ruleset_for,
)

CSTT = "chien_si_tien_tien"
CSTDCS = "chien_si_thi_dua_co_so"
CSTD_CAND = "chien_si_thi_dua_toan_luc_luong_cand"
CSTD_TQ = "chien_si_thi_dua_toan_quoc"
BK_BO = "bang_khen_bo_cong_an"
BK_TTG = "bang_khen_thu_tuong"
DVQT = "don_vi_quyet_thang"
DVTT = "don_vi_tien_tien"
CO_BO = "co_thi_dua_bo_cong_an"
CO_CP = "co_thi_dua_chinh_phu"

RATING = {
    "XS": "hoan_thanh_xuat_sac",
    "T": "hoan_thanh_tot",
    "HT": "hoan_thanh",
    "K": "khong_hoan_thanh",
}


def titles(**by_code: list[int]) -> list[Award]:
    """``titles(chien_si_thi_dua_co_so=[2022, 2023])`` → awards with made-up decision numbers."""
    return [
        Award(code, year, decision_no=f"{year}-{code[:8]}/QĐ", achievement_ref=None)
        for code, years in by_code.items()
        for year in years
    ]


def officer(
    pid: str = "CB01",
    *,
    ratings: dict[int, str] | str = "",
    awards: list[Award] = (),
    initiatives: list[Initiative] = (),
    disciplines: tuple[Discipline, ...] | None = (),
    units: tuple[UnitSpan, ...] = (),
    records_from: int | None = None,
    name: str = "",
) -> Person:
    """``ratings`` is a dict year → "XS"/"T"/"HT"/"K", or "2020-2024:XS" for a run of years."""
    if isinstance(ratings, str):
        spec, ratings = ratings, {}
        for part in filter(None, spec.split(",")):
            span, grade = part.split(":")
            first, _, last = span.partition("-")
            for year in range(int(first), int(last or first) + 1):
                ratings[year] = grade
    return Person(
        id=pid,
        name=name or f"Cán bộ {pid}",
        ratings={y: RATING[g] for y, g in ratings.items()},
        awards=tuple(awards),
        initiatives=tuple(initiatives),
        disciplines=disciplines,
        units=units,
        records_from=records_from,
    )


def idea(year: int, scope: str = "co_so", kind: str = "sang_kien") -> Initiative:
    return Initiative(year=year, scope=scope, kind=kind, title=f"Sáng kiến {year} ({scope})")


def unit(
    code: str = "CAT-HBH",
    *,
    size: int = 10,
    year: int = 2024,
    cstt: int = 7,
    csdcs: int = 1,
    member_rating: str = "T",
    rating: str = "XS",
    level: str = "cap_cuc_tinh",
    leads: bool | None = None,
    members: list[Person] | None = None,
    **kwargs,
) -> Unit:
    """A unit whose first ``cstt`` members hold Chiến sĩ tiên tiến and first ``csdcs`` members
    Chiến sĩ thi đua cơ sở in ``year``."""
    if members is None:
        members = []
        for i in range(size):
            held = {}
            if i < cstt:
                held[CSTT] = [year]
            if i < csdcs:
                held[CSTDCS] = [year]
            members.append(
                officer(f"{code}-{i:03d}", ratings={year: member_rating}, awards=titles(**held))
            )
    return Unit(
        code=code,
        name=f"Đơn vị {code}",
        levels=(LevelSpan(level, date(2000, 1, 1)),) if level else (),
        ratings={year: RATING[rating]} if rating else {},
        members=tuple(members),
        leads_cluster={year: leads} if leads is not None else {},
        disciplines=(),
        **kwargs,
    )


def open_conditions(verdict: Verdict) -> set[str]:
    """The failing conditions (or, when undecided, the unknown ones) as "rule:kind"."""
    picked = verdict.failing if verdict.eligible is False else verdict.unknown
    return {f"{c.rule_id}:{c.kind}" for c in picked}


@dataclass
class Case:
    id: str
    candidate: Person | Unit
    award: str
    year: int
    eligible: bool | None
    open: set[str] = field(default_factory=set)
    detail: str = ""  # a fragment the explanation must contain
    as_of: date | None = None


HBH_TO_PTO = (
    UnitSpan("CAT-HBH", date(2015, 1, 1), date(2025, 6, 30)),
    UnitSpan("CAT-PTO", date(2025, 7, 1)),
)

CASES = [
    # R03 — Chiến sĩ tiên tiến: rated at least "hoàn thành tốt nhiệm vụ" (Luật 2022 Điều 24)
    Case("cstt_good_rating", officer(ratings={2024: "T"}), CSTT, 2024, True),
    Case("cstt_excellent_rating", officer(ratings={2024: "XS"}), CSTT, 2024, True),
    Case(
        "cstt_only_completed",
        officer(ratings={2024: "HT"}),
        CSTT,
        2024,
        False,
        {"R03:rating_at_least"},
        "hoàn thành nhiệm vụ",
    ),
    Case(
        "cstt_not_completed",
        officer(ratings={2024: "K"}),
        CSTT,
        2024,
        False,
        {"R03:rating_at_least"},
    ),
    Case(
        "cstt_rating_missing_is_unknown",
        officer(ratings={2023: "XS"}),
        CSTT,
        2024,
        None,
        {"R03:rating_at_least"},
        "Chưa có kết quả đánh giá năm 2024",
    ),
    Case(
        "cstt_twice_same_year",
        officer(ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2024])),
        CSTT,
        2024,
        False,
        {"R16.1:not_awarded_within"},
    ),
    Case(
        "cstt_again_another_year",
        officer(ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2023])),
        CSTT,
        2024,
        True,
    ),
    # R01 — Chiến sĩ thi đua cơ sở: Chiến sĩ tiên tiến ∧ (excellent ∨ initiative) (Luật 2022 Điều 23)
    Case(
        "csdcs_cstt_and_excellent",
        officer(ratings={2024: "XS"}, awards=titles(chien_si_tien_tien=[2024])),
        CSTDCS,
        2024,
        True,
    ),
    Case(
        "csdcs_cstt_and_initiative",
        officer(
            ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2024]), initiatives=[idea(2024)]
        ),
        CSTDCS,
        2024,
        True,
    ),
    Case(
        "csdcs_cstt_without_excellence_or_initiative",
        officer(
            ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2024]), initiatives=[idea(2023)]
        ),
        CSTDCS,
        2024,
        False,
        {"R01:any_of"},
        "Có 0/1 trong 2024",
    ),
    Case(
        "csdcs_without_cstt",
        officer(ratings={2024: "XS"}),
        CSTDCS,
        2024,
        False,
        {"R01:holds_title_same_year"},
        "Không có danh hiệu “Chiến sĩ tiên tiến” năm 2024",
    ),
    Case(
        "csdcs_cstt_revoked",
        officer(
            ratings={2024: "XS"},
            awards=[Award(CSTT, 2024, "7/QĐ", revoked=True, revocation_decision="9/QĐ-TH")],
        ),
        CSTDCS,
        2024,
        False,
        {"R01:holds_title_same_year"},
        "QĐ thu hồi 9/QĐ-TH",
    ),
    Case(
        "csdcs_records_incomplete_is_unknown",
        officer(ratings={2024: "XS"}, records_from=2025),
        CSTDCS,
        2024,
        None,
        {"R01:holds_title_same_year", "R16.1:not_awarded_within"},
    ),
    # Old law (2003, Điều 23): an initiative was required; excellence alone did not suffice
    Case(
        "old_law_csdcs_excellence_alone_fails",
        officer(ratings={2023: "XS"}, awards=titles(chien_si_tien_tien=[2023])),
        CSTDCS,
        2023,
        False,
        {"R01:count_initiatives"},
    ),
    Case(
        "new_law_csdcs_excellence_alone_suffices",
        officer(ratings={2024: "XS"}, awards=titles(chien_si_tien_tien=[2024])),
        CSTDCS,
        2024,
        True,
    ),
    Case(
        "old_law_csdcs_meets_cstt_standard_without_decision",
        officer(ratings={2023: "T"}, initiatives=[idea(2023)]),
        CSTDCS,
        2023,
        True,
    ),
    # R04 — Chiến sĩ thi đua toàn lực lượng CAND: 3 consecutive CSTĐCS + Ministry-scope initiative
    Case(
        "cand_three_consecutive_with_ministry_initiative",
        officer(
            awards=titles(chien_si_thi_dua_co_so=[2022, 2023, 2024]), initiatives=[idea(2023, "bo")]
        ),
        CSTD_CAND,
        2024,
        True,
    ),
    Case(
        "cand_gap_in_chain",
        officer(
            awards=titles(chien_si_thi_dua_co_so=[2021, 2022, 2024]), initiatives=[idea(2023, "bo")]
        ),
        CSTD_CAND,
        2024,
        False,
        {"R04:consecutive_years_with_title"},
        "Chiến sĩ thi đua cơ sở các năm 2022, 2024 — thiếu năm 2023",
    ),
    Case(
        "cand_chain_missing_current_year",
        officer(awards=titles(chien_si_thi_dua_co_so=[2022, 2023]), initiatives=[idea(2023, "bo")]),
        CSTD_CAND,
        2024,
        False,
        {"R04:consecutive_years_with_title"},
        "Chiến sĩ thi đua cơ sở các năm 2022, 2023 — thiếu năm 2024",
    ),
    Case(
        "cand_revoked_award_breaks_chain",
        officer(
            awards=[
                *titles(chien_si_thi_dua_co_so=[2022, 2024]),
                Award(CSTDCS, 2023, "15/QĐ", revoked=True),
            ],
            initiatives=[idea(2023, "bo")],
        ),
        CSTD_CAND,
        2024,
        False,
        {"R04:consecutive_years_with_title"},
        "năm 2023 đã bị thu hồi",
    ),
    Case(
        "cand_grassroots_initiative_is_not_enough",
        officer(awards=titles(chien_si_thi_dua_co_so=[2022, 2023, 2024]), initiatives=[idea(2023)]),
        CSTD_CAND,
        2024,
        False,
        {"R04:count_initiatives"},
    ),
    Case(
        "cand_nationwide_initiative_counts_for_ministry_scope",
        officer(
            awards=titles(chien_si_thi_dua_co_so=[2022, 2023, 2024]),
            initiatives=[idea(2022, "toan_quoc")],
        ),
        CSTD_CAND,
        2024,
        True,
    ),
    Case(
        "cand_chain_follows_person_across_hoa_binh_phu_tho_merger",
        officer(
            units=HBH_TO_PTO,
            awards=titles(chien_si_thi_dua_co_so=[2023, 2024, 2025]),
            initiatives=[idea(2024, "bo")],
        ),
        CSTD_CAND,
        2025,
        True,
    ),
    Case(
        "cand_years_already_used_for_earlier_award",
        officer(
            awards=titles(
                chien_si_thi_dua_co_so=[2021, 2022, 2023, 2024, 2025],
                chien_si_thi_dua_toan_luc_luong_cand=[2023],
            ),
            initiatives=[idea(2025, "bo")],
        ),
        CSTD_CAND,
        2025,
        False,
        {"R04:not_awarded_within"},
    ),
    Case(
        "cand_older_years_unrecorded_is_unknown",
        officer(
            awards=titles(chien_si_thi_dua_co_so=[2024, 2025]),
            initiatives=[idea(2025, "bo")],
            records_from=2024,
        ),
        CSTD_CAND,
        2025,
        None,
        {"R04:consecutive_years_with_title", "R04:not_awarded_within"},
        "chưa có dữ liệu năm 2023",
    ),
    # R05 — Chiến sĩ thi đua toàn quốc: ministry-level title twice running + nationwide initiative
    Case(
        "tq_two_consecutive_ministry_titles",
        officer(
            awards=titles(chien_si_thi_dua_toan_luc_luong_cand=[2021, 2024]),
            initiatives=[idea(2022, "toan_quoc")],
        ),
        CSTD_TQ,
        2024,
        True,
    ),
    Case(
        "tq_ministry_titles_not_consecutive",
        officer(
            awards=titles(chien_si_thi_dua_toan_luc_luong_cand=[2020, 2024]),
            initiatives=[idea(2022, "toan_quoc")],
        ),
        CSTD_TQ,
        2024,
        False,
        {"R05:consecutive_years_with_title"},
    ),
    Case(
        "tq_ministry_scope_initiative_only",
        officer(
            awards=titles(chien_si_thi_dua_toan_luc_luong_cand=[2021, 2024]),
            initiatives=[idea(2022, "bo")],
        ),
        CSTD_TQ,
        2024,
        False,
        {"R05:count_initiatives"},
    ),
    # R08 — Bằng khen cấp Bộ: 2 consecutive CSTĐCS, or 2 excellent years with 2 initiatives
    Case(
        "bk_bo_two_consecutive_csdcs",
        officer(awards=titles(chien_si_thi_dua_co_so=[2023, 2024])),
        BK_BO,
        2024,
        True,
    ),
    Case(
        "bk_bo_two_excellent_years_two_initiatives",
        officer(ratings="2023-2024:XS", initiatives=[idea(2023), idea(2024)]),
        BK_BO,
        2024,
        True,
    ),
    Case(
        "bk_bo_science_work_is_not_an_initiative",
        officer(
            ratings="2023-2024:XS", initiatives=[idea(2023), idea(2024, kind="de_tai_khoa_hoc")]
        ),
        BK_BO,
        2024,
        False,
        {"R08:any_of"},
    ),
    Case(
        "bk_bo_one_excellent_year",
        officer(
            ratings="2023:T,2024:XS",
            initiatives=[idea(2023), idea(2024)],
            awards=titles(chien_si_thi_dua_co_so=[2024]),
        ),
        BK_BO,
        2024,
        False,
        {"R08:any_of"},
        "không đạt năm 2023",
    ),
    Case(
        "old_law_bk_bo_csdcs_path_did_not_exist",
        officer(ratings="2022-2023:T", awards=titles(chien_si_thi_dua_co_so=[2022, 2023])),
        BK_BO,
        2023,
        False,
        {"R08:consecutive_years_with_rating", "R08:count_initiatives"},
    ),
    # R09 — Bằng khen Thủ tướng (old path) and R17 — no lower award required from 1/7/2025
    Case(
        "bk_ttg_after_ministry_certificate",
        officer(
            ratings="2020-2024:XS",
            awards=titles(bang_khen_bo_cong_an=[2019]),
            initiatives=[idea(y) for y in range(2020, 2025)],
        ),
        BK_TTG,
        2024,
        True,
    ),
    Case(
        "bk_ttg_without_ministry_certificate_2024",
        officer(ratings="2020-2024:XS", initiatives=[idea(y) for y in range(2020, 2025)]),
        BK_TTG,
        2024,
        False,
        {"R09:has_award_before"},
    ),
    Case(
        "bk_ttg_certificate_too_recent",
        officer(
            ratings="2020-2024:XS",
            awards=titles(bang_khen_bo_cong_an=[2021]),
            initiatives=[idea(y) for y in range(2020, 2025)],
        ),
        BK_TTG,
        2024,
        False,
        {"R09:has_award_before"},
    ),
    Case(
        "bk_ttg_revoked_certificate_does_not_count",
        officer(
            ratings="2020-2024:XS",
            awards=[Award(BK_BO, 2019, "3/QĐ", revoked=True)],
            initiatives=[idea(y) for y in range(2020, 2025)],
        ),
        BK_TTG,
        2024,
        False,
        {"R09:has_award_before"},
    ),
    Case(
        "bk_ttg_no_lower_award_needed_from_july_2025",
        officer(ratings="2021-2025:XS", initiatives=[idea(y) for y in range(2021, 2026)]),
        BK_TTG,
        2025,
        True,
        set(),
        "Không bắt buộc",
    ),
    Case(
        "bk_ttg_before_decree_152_still_needs_certificate",
        officer(ratings="2021-2025:XS", initiatives=[idea(y) for y in range(2021, 2026)]),
        BK_TTG,
        2025,
        False,
        {"R09:has_award_before"},
        "",
        date(2025, 6, 30),
    ),
    # R15 — not while awaiting disciplinary review or within a discipline period (TT 12/2019 Điều 2)
    Case(
        "discipline_awaiting_review_blocks",
        officer(
            ratings={2024: "T"}, disciplines=(Discipline(date(2024, 11, 2), awaiting_review=True),)
        ),
        CSTT,
        2024,
        False,
        {"R15:not_in_discipline"},
        "đang bị xem xét kỷ luật từ ngày 02/11/2024",
    ),
    Case(
        "discipline_period_running_blocks",
        officer(
            ratings={2024: "T"},
            disciplines=(
                Discipline(date(2024, 6, 1), date(2025, 5, 31), "khiển trách", decision_no="88/QĐ"),
            ),
        ),
        CSTT,
        2024,
        False,
        {"R15:not_in_discipline"},
        "88/QĐ",
    ),
    Case(
        "discipline_period_over_before_the_year_does_not_block",
        officer(
            ratings={2024: "T"},
            disciplines=(Discipline(date(2023, 6, 1), date(2023, 12, 31), "khiển trách"),),
        ),
        CSTT,
        2024,
        True,
    ),
    Case(
        "discipline_after_consideration_date_does_not_block",
        officer(
            ratings={2024: "T"},
            disciplines=(Discipline(date(2025, 2, 1), date(2026, 1, 31), "cảnh cáo"),),
        ),
        CSTT,
        2024,
        True,
    ),
    Case(
        "discipline_period_judged_on_consideration_date",
        officer(
            ratings={2024: "T"},
            disciplines=(Discipline(date(2025, 1, 2), date(2025, 2, 15), "khiển trách"),),
        ),
        CSTT,
        2024,
        False,
        {"R15:not_in_discipline"},
        "đang trong thời hạn kỷ luật",
        date(2025, 1, 10),
    ),
    Case(
        "discipline_status_missing_is_unknown",
        officer(ratings={2024: "T"}, disciplines=None),
        CSTT,
        2024,
        None,
        {"R15:not_in_discipline"},
        "Chưa có thông tin về kỷ luật",
    ),
    Case(
        "discipline_without_end_in_the_year_blocks",
        officer(ratings={2024: "T"}, disciplines=(Discipline(date(2024, 3, 1), None, "cảnh cáo"),)),
        CSTT,
        2024,
        False,
        {"R15:not_in_discipline"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case: Case) -> None:
    verdict = check(case.candidate, case.award, case.year, as_of=case.as_of)
    explained = json.dumps(verdict.to_dict(), ensure_ascii=False)
    assert verdict.eligible is case.eligible, explained
    assert open_conditions(verdict) == case.open, explained
    assert case.detail in explained


def test_case_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


def test_the_same_history_is_judged_by_the_rules_of_each_year() -> None:
    person = officer(ratings="2023-2024:XS", awards=titles(chien_si_tien_tien=[2023, 2024]))
    assert check(person, CSTDCS, 2023).eligible is False  # Luật 2003: initiative required
    assert check(person, CSTDCS, 2024).eligible is True  # Luật 2022: excellence suffices
    assert ruleset_for(2023).id == "luat-2003-tt-12-2019"


def test_lower_award_waiver_cites_decree_152() -> None:
    person = officer(ratings="2021-2025:XS", initiatives=[idea(y) for y in range(2021, 2026)])
    verdict = check(person, BK_TTG, 2025)
    waived = [c for c in verdict.conditions if c.kind == "has_award_before"]
    assert [(c.rule_id, c.status) for c in waived] == [("R17", Status.MET)]
    assert "152/2025" in waived[0].legal_basis


def test_achievement_already_rewarded_names_the_earlier_decision() -> None:
    earlier = Award(BK_BO, 2023, decision_no="1234/QĐ-BCA", achievement_ref="CHUYEN-AN-07")
    person = officer(ratings={2024: "XS"}, awards=[earlier, *titles(chien_si_tien_tien=[2024])])
    verdict = check(person, CSTDCS, 2024, achievement_ref="CHUYEN-AN-07")
    assert verdict.eligible is False
    assert open_conditions(verdict) == {"R16:achievement_not_rewarded"}
    assert (
        "Bằng khen của Bộ trưởng Bộ Công an năm 2023, QĐ số 1234/QĐ-BCA"
        in verdict.failing[0].detail
    )


def test_revoked_award_frees_its_achievement() -> None:
    revoked = Award(BK_BO, 2023, decision_no="1234/QĐ-BCA", achievement_ref="CA-07", revoked=True)
    person = officer(ratings={2024: "XS"}, awards=[revoked, *titles(chien_si_tien_tien=[2024])])
    assert check(person, CSTDCS, 2024, achievement_ref="CA-07").eligible is True


def test_verdict_without_encoded_standard_is_unknown_not_eligible() -> None:
    verdict = check(officer(ratings={2024: "XS"}), "huy_chuong_vi_an_ninh_to_quoc", 2024)
    assert verdict.eligible is None
    assert "chưa được mã hóa" in verdict.unknown[0].text


def test_collective_award_for_a_person_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="không xét tặng cho cá nhân"):
        check(officer(), DVQT, 2024)
    with pytest.raises(EligibilityError, match="khong_co") as raised:
        check(officer(), "khong_co", 2024)
    # One error type for every refusal, its message as written (a KeyError would quote it).
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == "Không có hình thức khen thưởng mã “khong_co” trong danh mục"


def test_verdict_serialises_to_json() -> None:
    verdict = check(officer(ratings={2024: "HT"}), CSTT, 2024)
    data = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))
    assert data["eligible"] is False and data["status"] == "not_met"
    assert data["ruleset"] == "luat-2022-nd-98-2023"
    assert data["ruleset_title"].startswith("Luật Thi đua, khen thưởng 2022")
    assert "R03" not in data["summary"]
    first = data["conditions"][0]
    assert first == {
        "rule_id": "R03",
        "rule_title": "Danh hiệu “Chiến sĩ tiên tiến”",
        "needed": True,
        "kind": "rating_at_least",
        "text": "Được đánh giá từ “hoàn thành tốt nhiệm vụ” trở lên trong năm",
        "legal_basis": "Luật Thi đua, khen thưởng 2022, Điều 24",
        "status": "not_met",
        "detail": "Năm 2024: hoàn thành nhiệm vụ; cần từ “hoàn thành tốt nhiệm vụ” trở lên",
    }
    assert data["summary"].startswith("Không đủ điều kiện xét tặng “Chiến sĩ tiên tiến” năm 2024")


def test_vietnamese_ratings_are_accepted_as_written() -> None:
    person = Person("A", ratings={2024: "Hoàn thành  tốt nhiệm vụ"}, disciplines=())
    assert check(person, CSTT, 2024).eligible is True
    with pytest.raises(ValueError, match="Mức đánh giá không hợp lệ"):
        Person("B", ratings={2024: "tốt"})
