"""Eligibility a decision can cite (issue 15): reuse caught without being told, multi-year
rules that do not reuse years, revocations read as revocations, discipline over the period,
the texts in force, one error type, the consideration date and words an officer understands."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.engine.eligibility import (
    Award,
    Discipline,
    EligibilityError,
    Initiative,
    Person,
    UnknownAward,
    check,
    load_catalogue,
    suggest,
)
from thidua.engine.eligibility_model import UNVERIFIED_BASIS, normalise_ref

CSTT = "chien_si_tien_tien"
CSTDCS = "chien_si_thi_dua_co_so"
CSTD_CAND = "chien_si_thi_dua_toan_luc_luong_cand"
CSTD_TQ = "chien_si_thi_dua_toan_quoc"
BK_BO = "bang_khen_bo_cong_an"
GIAY_KHEN = "giay_khen"
XS, TOT = "hoan_thanh_xuat_sac", "hoan_thanh_tot"


def person(**kw) -> Person:
    kw.setdefault("disciplines", ())
    return Person("CB01", name="Nguyễn Văn A", **kw)


def lines(verdict, rule_id: str):
    return [c for c in verdict.conditions if c.rule_id == rule_id]


# 1. One achievement, one reward -------------------------------------------------------------


@pytest.mark.parametrize("written", ["sk-135739", "SK-135739 ", " Sk-135739", "SK-135739"])
def test_a_reference_written_differently_is_the_same_achievement(written: str) -> None:
    earlier = Award(GIAY_KHEN, 2023, "12/QĐ-CAT", achievement_ref="SK-135739")
    verdict = check(
        person(ratings={2024: TOT}, awards=(earlier,)), CSTT, 2024, achievement_ref=written
    )
    assert verdict.eligible is False
    (line,) = lines(verdict, "R16")
    assert "12/QĐ-CAT" in line.detail and "Giấy khen" in line.detail


def test_reference_comparison_is_unicode_normalised() -> None:
    composed = "Đề án-Ứng dụng"
    decomposed = unicodedata.normalize("NFD", composed.upper())
    assert normalise_ref(decomposed) == normalise_ref(composed + "  ")


@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/ ", min_size=1
    )
)
def test_normalised_reference_ignores_case_and_spaces(ref: str) -> None:
    assert normalise_ref(f"  {ref.upper()} ") == normalise_ref(ref.lower())
    assert normalise_ref(ref.replace(" ", "  ")) == normalise_ref(ref)


def _initiative_path(awards=()) -> Person:
    return person(
        ratings={2023: XS, 2024: XS},
        initiatives=(
            Initiative(2023, "co_so", title="Phần mềm quản lý hồ sơ", ref="SK-1"),
            Initiative(2024, "co_so", title="Quy trình tiếp dân", ref="SK-2"),
        ),
        awards=tuple(awards),
    )


def test_an_initiative_behind_an_earlier_award_is_caught_without_being_named() -> None:
    assert check(_initiative_path(), BK_BO, 2024).eligible is True
    earlier = Award(GIAY_KHEN, 2023, "45/QĐ-CAT", achievement_ref="sk-1 ")
    verdict = check(_initiative_path([earlier]), BK_BO, 2024)  # no achievement_ref passed
    assert verdict.eligible is False
    text = " ".join(c.detail for c in verdict.conditions for c in c.leaves())
    assert "45/QĐ-CAT" in text and "SK-1" in text


def test_a_revoked_award_does_not_use_up_an_initiative() -> None:
    revoked = Award(GIAY_KHEN, 2023, "45/QĐ-CAT", achievement_ref="SK-1", revoked=True)
    assert check(_initiative_path([revoked]), BK_BO, 2024).eligible is True


def test_the_chain_of_the_title_itself_is_not_a_second_reward() -> None:
    """The Chiến sĩ thi đua cơ sở of the chain may rest on the ministry-scope initiative."""
    chain = tuple(Award(CSTDCS, y, f"{y}/QĐ", achievement_ref="SK-B") for y in (2022, 2023, 2024))
    officer = person(
        ratings={y: XS for y in (2022, 2023, 2024)},
        awards=chain,
        initiatives=(Initiative(2022, "bo", ref="SK-B"),),
    )
    assert check(officer, CSTD_CAND, 2024).eligible is True


# 2. The same years do not back two awards -----------------------------------------------------


def test_the_years_of_a_bang_khen_are_not_used_twice() -> None:
    titles = tuple(Award(CSTDCS, y, f"{y}/QĐ") for y in (2022, 2023, 2024, 2025))
    first = Award(BK_BO, 2023, "123/QĐ-BCA")
    officer = person(awards=(*titles, first), ratings={y: XS for y in range(2022, 2026)})
    again = check(officer, BK_BO, 2024)
    assert again.eligible is False
    assert any("123/QĐ-BCA" in c.detail for c in again.failing)
    assert check(officer, BK_BO, 2025).eligible is True


def test_every_multi_year_rule_checks_its_years_were_not_used() -> None:
    """Bằng khen (2 years), Thủ tướng (5), CAND emulation soldier (3), nationwide (2×3)."""
    catalogue = load_catalogue()
    from thidua.engine.eligibility import ruleset_for

    for year in (2020, 2024):
        rules = ruleset_for(year)
        for code in (BK_BO, "bang_khen_thu_tuong", CSTD_CAND, CSTD_TQ):
            kinds = {
                node.kind
                for rule in rules.rules_for(code, date(year, 12, 31), recipient="ca_nhan")
                if rule.condition is not None
                for node in rule.condition.walk()
            }
            assert "not_awarded_within" in kinds, (year, catalogue.name(code))


# 4. Revoked reads as revoked ----------------------------------------------------------------


def _revoked(ground: str) -> Person:
    title = Award(
        CSTT,
        2024,
        "10/QĐ-CAT",
        revoked=True,
        revocation_decision="99/QĐ-CAT",
        revocation_ground=ground,
    )
    return person(ratings={2024: TOT}, awards=(title,))


def test_a_revoked_title_says_revoked_with_decision_and_ground() -> None:
    verdict = check(_revoked("gian_doi_ke_khai"), CSTT, 2024)
    assert verdict.eligible is False
    (line,) = verdict.failing
    assert "thu hồi" in line.detail and "99/QĐ-CAT" in line.detail
    assert "Gian dối trong việc kê khai" in line.detail
    assert "Chưa được tặng" not in line.detail


def test_suggestions_do_not_propose_a_revoked_title_again_for_the_year() -> None:
    found = suggest([_revoked("gian_doi_ke_khai")], 2024)
    assert CSTT not in {s.award for s in found}


def test_revoked_for_an_unlawful_approval_is_judged_again() -> None:
    verdict = check(_revoked("xet_duyet_trai_quy_dinh"), CSTT, 2024)
    assert verdict.eligible is None
    assert any("xét lại" in c.detail for c in verdict.unknown)


# 5. Discipline over the period --------------------------------------------------------------


def _disciplined(start: date, end: date, form: str = "khiển trách") -> Person:
    return person(ratings={2024: TOT, 2025: TOT}, disciplines=(Discipline(start, end, form),))


def test_a_reprimand_february_to_august_bars_that_year_only() -> None:
    officer = _disciplined(date(2024, 2, 1), date(2024, 8, 31))
    verdict = check(officer, CSTT, 2024)
    assert verdict.eligible is False
    assert "thời gian tính thành tích" in verdict.failing[0].detail
    assert check(officer, CSTT, 2025).eligible is True


def test_a_warning_across_the_year_end_reviewed_in_april_bars_the_year() -> None:
    officer = _disciplined(date(2024, 3, 1), date(2025, 3, 31), "cảnh cáo")
    assert check(officer, CSTT, 2024, as_of=date(2025, 4, 15)).eligible is False


@pytest.mark.parametrize(
    ("start", "end", "as_of", "eligible"),
    [
        # Period reading: the discipline's term touches the emulation year (1/1–31/12).
        (date(2023, 6, 1), date(2023, 12, 31), None, True),
        (date(2023, 6, 1), date(2024, 1, 1), None, False),
        (date(2024, 12, 31), date(2025, 3, 1), None, False),
        # Day reading: in force on the consideration day, though after the year.
        (date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 15), True),
        (date(2025, 1, 1), date(2025, 4, 15), date(2025, 4, 15), False),
    ],
)
def test_discipline_boundaries_of_both_readings(start, end, as_of, eligible) -> None:
    assert check(_disciplined(start, end), CSTT, 2024, as_of=as_of).eligible is eligible


# 6. The texts cited are those in force --------------------------------------------------------


def test_verdicts_from_2024_cite_no_repealed_text_to_officers() -> None:
    officer = _disciplined(date(2024, 2, 1), date(2024, 8, 31))
    public = str(check(officer, CSTT, 2024).to_dict())
    for repealed in ("12/2019/TT-BCA", "91/2017", "lối cũ"):
        assert repealed not in public
    assert UNVERIFIED_BASIS in public
    admin = str(check(officer, CSTT, 2024).to_dict(admin=True))
    assert "Nghị định 98/2023/NĐ-CP, Điều 4" in admin and "unverified" in admin


# 7. One error type --------------------------------------------------------------------------


def test_every_refusal_is_one_value_error_type() -> None:
    with pytest.raises(EligibilityError) as unknown:
        check(person(), "khong_co", 2024)
    assert not isinstance(unknown.value, KeyError)
    assert str(unknown.value).startswith("Không có hình thức")
    with pytest.raises(EligibilityError):
        check(person(), "don_vi_quyet_thang", 2024)


# 8. The consideration date ------------------------------------------------------------------


def test_an_annual_title_is_not_judged_before_the_year_ends() -> None:
    with pytest.raises(EligibilityError, match="trước khi kết thúc năm thi đua 2024"):
        check(person(ratings={2024: TOT}), CSTT, 2024, as_of=date(2023, 6, 1))
    with pytest.raises(EligibilityError, match="trước khi kết thúc"):
        check(person(ratings={2024: TOT}), CSTT, 2024, as_of=date(2024, 12, 30))
    assert check(person(ratings={2024: TOT}), CSTT, 2024, as_of=date(2024, 12, 31)).eligible


def test_a_bang_khen_may_be_judged_during_its_year_not_before() -> None:
    officer = _initiative_path()
    assert check(officer, BK_BO, 2024, as_of=date(2024, 9, 2)).eligible is True
    with pytest.raises(EligibilityError, match="trước năm 2024"):
        check(officer, BK_BO, 2024, as_of=date(2023, 12, 31))


# 9. Words -----------------------------------------------------------------------------------


def test_either_or_met_by_one_branch_shows_the_other_not_needed() -> None:
    titles = tuple(Award(CSTDCS, y, f"{y}/QĐ") for y in (2023, 2024))
    verdict = check(person(awards=titles), BK_BO, 2024)
    assert verdict.eligible is True
    data = verdict.to_dict()
    either = next(c for c in data["conditions"] if c["kind"] == "any_of")
    statuses = [c["status"] for c in either["children"]]
    assert statuses == ["met", "not_needed"]
    assert either["children"][1]["needed"] is False


def test_the_cadence_of_two_ministry_titles_is_explained() -> None:
    officer = person(
        awards=(Award(CSTD_CAND, 2023, "1/QĐ"), Award(CSTD_CAND, 2024, "2/QĐ")),
        initiatives=(Initiative(2024, "toan_quoc", ref="SK-TQ"),),
    )
    (line,) = [c for c in check(officer, CSTD_TQ, 2024).conditions if c.kind.startswith("consec")]
    assert "thiếu năm 2021" in line.detail
    assert "chuỗi 3 năm" in line.detail and "2021, 2024" in line.detail
    assert "năm 2023 thuộc chuỗi khác" in line.detail


def test_officers_read_rule_titles_and_the_legal_title_of_the_set() -> None:
    verdict = check(person(ratings={2024: "hoan_thanh"}), CSTT, 2024)
    data = verdict.to_dict()
    assert (
        data["ruleset_title"]
        == "Luật Thi đua, khen thưởng 2022 (06/2022/QH15), Nghị định 98/2023/NĐ-CP"
    )
    assert all(c["rule_title"] for c in data["conditions"])
    assert "(R0" not in verdict.summary


# 3. Names resolve through the catalogue ----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Bằng khen của Bộ Công an", BK_BO),
        ("bằng khen của bộ trưởng bộ công an", BK_BO),
        ("Chiến sỹ thi đua cơ sở", CSTDCS),
        ("CHIEN SI TIEN TIEN", CSTT),
        ("Cờ thi đua của Chính phủ", "co_thi_dua_chinh_phu"),
        (BK_BO, BK_BO),
    ],
)
def test_award_names_resolve_through_names_and_aliases(written: str, code: str) -> None:
    assert load_catalogue().resolve(written) == code


def test_a_name_that_resolves_to_nothing_is_an_error() -> None:
    with pytest.raises(UnknownAward, match="Huy hiệu Bác Hồ"):
        load_catalogue().resolve("Huy hiệu Bác Hồ")
    assert issubclass(UnknownAward, ValueError)


# 10. A unit's roster given as counts ----------------------------------------------------------


def _unit(roster, rating: str = XS):
    from thidua.engine.eligibility import LevelSpan, RosterCounts, Unit

    return Unit(
        "CAT-X",
        "Công an xã X",
        levels=(LevelSpan("cap_doi_xa"),),
        ratings={2024: rating},
        disciplines=(),
        roster=RosterCounts(**roster) if roster is not None else None,
    )


def test_don_vi_quyet_thang_from_the_declared_roster_counts() -> None:
    counts = {"members": 300, "completed": 300, "titles": {CSTT: 210, CSTDCS: 4}}
    verdict = check(_unit(counts), "don_vi_quyet_thang", 2024)
    assert verdict.eligible is True
    assert any(
        "210/300" in c.detail and "quân số đơn vị khai" in c.detail for c in verdict.conditions
    )
    short = {**counts, "titles": {CSTT: 209, CSTDCS: 4}}
    assert check(_unit(short), "don_vi_quyet_thang", 2024).eligible is False
    assert check(_unit(None), "don_vi_quyet_thang", 2024).eligible is None


def test_don_vi_tien_tien_needs_more_than_half_and_unknown_counts_stay_unknown() -> None:
    half = {"members": 40, "titles": {CSTT: 20}}
    assert check(_unit(half, TOT), "don_vi_tien_tien", 2024).eligible is False
    more = {"members": 40, "titles": {CSTT: 21}}
    assert check(_unit(more, TOT), "don_vi_tien_tien", 2024).eligible is True
    missing = {"members": 40, "completed": 40, "titles": {CSTDCS: 2}}
    assert check(_unit(missing), "don_vi_quyet_thang", 2024).eligible is None


@given(st.integers(0, 500), st.integers(0, 500))
def test_roster_counts_never_exceed_the_roster(members: int, held: int) -> None:
    from thidua.engine.eligibility import RosterCounts

    if held > members:
        with pytest.raises(ValueError):
            RosterCounts(members, titles={CSTT: held})
    else:
        assert RosterCounts(members, titles={CSTT: held}).titles[CSTT] == held


def test_a_batch_with_an_annual_title_needs_the_whole_year() -> None:
    from thidua.engine.eligibility import Proposal, apply_quotas

    batch = [
        Proposal(_initiative_path(), BK_BO, unit="U1"),
        Proposal(person(ratings={2024: TOT}), CSTT, unit="U1"),
    ]
    with pytest.raises(EligibilityError, match="trước khi kết thúc"):
        apply_quotas(batch, 2024, as_of=date(2024, 9, 2))
    assert apply_quotas(batch[:1], 2024, as_of=date(2024, 9, 2)).decisions[0].accepted is True


@given(st.data())
def test_every_catalogue_name_resolves_however_it_is_cased_spaced_or_spelt(data) -> None:
    catalogue = load_catalogue()
    kind = data.draw(st.sampled_from(list(catalogue)))
    label = data.draw(st.sampled_from([kind.name, *kind.aliases]))
    flips = data.draw(st.lists(st.booleans(), min_size=len(label), max_size=len(label)))
    written = "".join(c.upper() if f else c for c, f in zip(label, flips, strict=True))
    written = "  ".join(written.split()).replace("sĩ", "sỹ")
    form = data.draw(st.sampled_from(["NFC", "NFD"]))
    assert catalogue.resolve(unicodedata.normalize(form, f" {written} ")) == kind.code
