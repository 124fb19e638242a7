"""Collective titles judged from the members' records (Đơn vị quyết thắng, Đơn vị tiên tiến),
and the flags (leading the cluster, unit levels by date): history → verdict and open conditions."""

from __future__ import annotations

from datetime import date

import pytest

from tests.engine.test_eligibility import (
    CO_BO,
    CO_CP,
    DVQT,
    DVTT,
    RATING,
    Case,
    officer,
    open_conditions,
    titles,
    unit,
)
from thidua.engine.eligibility import (
    Discipline,
    LevelSpan,
    Person,
    Unit,
    check,
    parse_ruleset,
    ruleset_for,
)

UNIT_CASES = [
    # R06 — Đơn vị quyết thắng from the members' records
    Case("dvqt_all_conditions", unit(cstt=7, csdcs=1), DVQT, 2024, True),
    Case(
        "dvqt_share_just_below_70",
        unit(size=100, cstt=69, csdcs=1),
        DVQT,
        2024,
        False,
        {"R06:share_of_members_with_title"},
        "69/100 cá nhân (69%)",
    ),
    Case("dvqt_share_exactly_70", unit(size=100, cstt=70, csdcs=1), DVQT, 2024, True),
    Case(
        "dvqt_no_csdcs",
        unit(cstt=8, csdcs=0),
        DVQT,
        2024,
        False,
        {"R06:at_least_n_members_with_title"},
    ),
    Case("dvqt_unit_only_good", unit(rating="T"), DVQT, 2024, False, {"R06:rating_at_least"}),
    Case(
        "dvqt_roster_unknown",
        Unit(
            "CAT-X",
            levels=(LevelSpan("cap_cuc_tinh"),),
            ratings={2024: RATING["XS"]},
            disciplines=(),
        ),
        DVQT,
        2024,
        None,
        {
            "R06:all_members_rating_at_least",
            "R06:share_of_members_with_title",
            "R06:at_least_n_members_with_title",
        },
    ),
    # R07 — Đơn vị tiên tiến: more than 50% Chiến sĩ tiên tiến
    Case(
        "dvtt_exactly_half_is_not_more_than_half",
        unit(cstt=5, csdcs=0, rating="T"),
        DVTT,
        2024,
        False,
        {"R07:share_of_members_with_title"},
        "cần trên 50%",
    ),
    Case("dvtt_more_than_half", unit(cstt=6, csdcs=0, rating="T"), DVTT, 2024, True),
    # R13, R26, R14 — Ministry flag: leads the cluster; levels by date (TT 22/2025 from 10/5/2025)
    Case("co_bo_province_leading_cluster", unit(leads=True), CO_BO, 2024, True),
    Case("co_bo_not_leading", unit(leads=False), CO_BO, 2024, False, {"R13:leads_cluster"}),
    Case(
        "co_bo_commune_police_before_tt22",
        unit(level="cap_doi_xa", leads=True),
        CO_BO,
        2024,
        False,
        {"R26.1:unit_level_in"},
    ),
    Case(
        "co_bo_commune_police_after_tt22",
        unit(level="cap_doi_xa", leads=True, year=2025),
        CO_BO,
        2025,
        True,
    ),
    Case(
        "co_bo_level_unknown",
        unit(level="", leads=True),
        CO_BO,
        2024,
        None,
        {"R26.1:unit_level_in"},
    ),
    # R10, R11, R26 — Government flag: leader, meets the Ministry-flag standard, level (a)
    Case("co_cp_province_leading", unit(leads=True), CO_CP, 2024, True),
    Case(
        "co_cp_division_level",
        unit(level="cap_phong_huyen", leads=True),
        CO_CP,
        2024,
        False,
        {"R11:eligible_for", "R26:unit_level_in"},
    ),
]


@pytest.mark.parametrize("case", UNIT_CASES, ids=[c.id for c in UNIT_CASES])
def test_unit_rule_case(case: Case) -> None:
    verdict = check(case.candidate, case.award, case.year, as_of=case.as_of)
    explained = str(verdict.to_dict())
    assert verdict.eligible is case.eligible, explained
    assert open_conditions(verdict) == case.open, explained
    assert case.detail in verdict.summary + explained


def test_member_who_failed_task_blocks_quyet_thang() -> None:
    members = [
        officer(f"M{i}", ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2024]))
        for i in range(9)
    ]
    members[0] = officer(
        "M0",
        ratings={2024: "XS"},
        awards=titles(chien_si_tien_tien=[2024], chien_si_thi_dua_co_so=[2024]),
    )
    members.append(officer("M9", ratings={2024: "K"}, name="Trần Văn K"))
    verdict = check(unit(members=members), DVQT, 2024)
    assert verdict.eligible is False
    assert open_conditions(verdict) == {"R06:all_members_rating_at_least"}
    assert "Trần Văn K (không hoàn thành nhiệm vụ)" in verdict.failing[0].detail


def test_member_rating_unknown_leaves_quyet_thang_open() -> None:
    members = [
        officer(f"M{i}", ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2024]))
        for i in range(9)
    ]
    members[0] = officer(
        "M0",
        ratings={2024: "XS"},
        awards=titles(chien_si_tien_tien=[2024], chien_si_thi_dua_co_so=[2024]),
    )
    members.append(officer("M9", ratings={}))
    verdict = check(unit(members=members), DVQT, 2024)
    assert verdict.eligible is None
    assert open_conditions(verdict) == {"R06:all_members_rating_at_least"}


def test_old_law_quyet_thang_refused_for_member_warned_but_new_law_not() -> None:
    def roster(year: int) -> list[Person]:
        people = [
            officer(f"M{i}", ratings={year: "T"}, awards=titles(chien_si_tien_tien=[year]))
            for i in range(10)
        ]
        people[0] = officer(
            "M0",
            ratings={year: "XS"},
            awards=titles(chien_si_tien_tien=[year], chien_si_thi_dua_co_so=[year]),
        )
        people[9] = officer(
            "M9",
            ratings={year: "T"},
            awards=titles(chien_si_tien_tien=[year]),
            disciplines=(Discipline(date(year, 3, 1), date(year, 9, 1), "cảnh cáo"),),
        )
        return people

    old = check(unit(members=roster(2023), year=2023), DVQT, 2023)
    new = check(unit(members=roster(2024), year=2024), DVQT, 2024)
    assert old.ruleset_id == "luat-2003-tt-12-2019" and old.eligible is False
    assert open_conditions(old) == {"R06:no_member_disciplined_at_least"}
    assert new.ruleset_id == "luat-2022-nd-98-2023" and new.eligible is True


@pytest.mark.parametrize(
    ("form", "eligible"), [("khiển trách", True), ("cảnh cáo", False), ("cách chức", False)]
)
def test_tien_tien_discipline_condition_can_be_switched_on(form: str, eligible: bool) -> None:
    data = ruleset_for(2024).to_dict()
    for rule in data["rules"]:
        if rule["id"] == "R07":
            rule["parameters"]["xet_ky_luat"] = True
    strict = parse_ruleset(data)
    members = [
        officer(f"M{i}", ratings={2024: "T"}, awards=titles(chien_si_tien_tien=[2024]))
        for i in range(6)
    ]
    members.append(
        officer(
            "M6",
            ratings={2024: "T"},
            disciplines=(Discipline(date(2024, 5, 1), date(2024, 11, 1), form),),
        )
    )
    candidate = unit(members=members, rating="T")
    assert check(candidate, DVTT, 2024).eligible is True  # off by default (Luật 2003 Điều 28.2)
    verdict = check(candidate, DVTT, 2024, strict)
    assert verdict.eligible is eligible
    if not eligible:
        assert open_conditions(verdict) == {"R07:no_member_disciplined_at_least"}
