"""Rule cases through the database: a history typed in as records → the verdict and the failing
condition, judged by the rules in force in the year (shipped sets plus published versions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.honours.conftest import CAND, CSTDCS, CSTT, DVQT, TOT, XS, award_to, person, unit
from thidua.engine.eligibility_model import Status
from thidua.honours.eligibility import (
    check_collective,
    check_person,
    person_candidate,
    ruleset_for,
    suggest_for_unit,
    unit_candidate,
)
from thidua.honours.models import RuleSetVersion

pytestmark = pytest.mark.django_db


def failing(verdict) -> set[str]:
    return {f"{c.rule_id}:{c.kind}" for c in verdict.failing}


def test_consecutive_titles_across_the_hoa_binh_phu_tho_merger_make_the_ministry_title(reference):
    """Chiến sĩ thi đua cơ sở 2023 and 2024 in Hòa Bình, 2025 in the merged Phú Thọ (same posting)."""
    officer = person(
        "hoa-binh",
        ratings={2023: XS, 2024: XS, 2025: XS},
        titles={CSTT: [2023, 2024, 2025], CSTDCS: [2023, 2024, 2025]},
        initiatives=[(2024, "bo")],
    )
    verdict = check_person(officer, CAND, 2025)
    assert verdict.eligible is True, verdict.summary
    assert verdict.ruleset_id == "nd-152-2025"
    candidate = person_candidate(officer)
    # The posting carries on in the successor: on 31/12/2025 the officer is in Phú Thọ.
    assert candidate.unit_on(dt.date(2024, 12, 31)) == "hoa-binh"
    assert candidate.unit_on(dt.date(2025, 12, 31)) == "phu-tho-2025"
    assert officer in suggest_members(unit("phu-tho-2025"), 2025)


def suggest_members(u, year):
    return [p for p, _ in suggest_for_unit(u, year, include_unknown=True)]


def test_a_revoked_title_breaks_the_chain_and_says_so(reference):
    officer = person(
        "hoa-binh",
        ratings={2022: XS, 2023: XS, 2024: XS},
        titles={CSTDCS: [2022, 2023, 2024]},
        initiatives=[(2023, "bo")],
    )
    officer.commendations.get(award_code=CSTDCS, year=2023).revoke(
        by=None,
        decision_no="31/QĐ-CAT",
        decision_date=dt.date(2025, 4, 2),
        ground="sai_su_that_lam_gia_ho_so",
        reason="Kê khai sáng kiến không đúng sự thật.",
    )
    verdict = check_person(officer, CAND, 2024)
    assert verdict.eligible is False
    assert failing(verdict) == {"R04:consecutive_years_with_title"}
    assert "thiếu năm 2023" in verdict.failing[0].detail
    assert "thu hồi 31/QĐ-CAT" in verdict.failing[0].detail


def test_a_discipline_period_blocks_every_title(reference):
    officer = person("bac-giang", ratings={2024: XS})
    officer.add_discipline(
        by=None, form="khien_trach", start=dt.date(2024, 3, 1), end=dt.date(2025, 2, 28)
    )
    verdict = check_person(officer, CSTT, 2024)
    assert failing(verdict) == {"R15:not_in_discipline"}
    assert "khiển trách" in verdict.failing[0].detail
    # The term reaches February 2025: 2025 is barred too (judged over the period, R15);
    # 2026 is untouched by it and only lacks its rating.
    assert failing(check_person(officer, CSTT, 2025)) >= {"R15:not_in_discipline"}
    assert check_person(officer, CSTT, 2026).eligible is None


def test_awaiting_review_blocks_and_unverified_discipline_is_unknown(reference):
    blocked = person("bac-giang", ratings={2024: XS})
    blocked.add_discipline(by=None, awaiting_review=True, start=dt.date(2024, 11, 20))
    assert failing(check_person(blocked, CSTT, 2024)) == {"R15:not_in_discipline"}
    unverified = person("bac-giang", ratings={2024: XS}, discipline_checked=False)
    verdict = check_person(unverified, CSTT, 2024)
    assert verdict.eligible is None
    assert [c.rule_id for c in verdict.unknown] == ["R15"]


def test_grassroots_title_needs_excellence_or_an_initiative_why_not(reference):
    officer = person("bac-giang", ratings={2025: TOT}, titles={CSTT: [2025]})
    verdict = check_person(officer, CSTDCS, 2025)
    assert failing(verdict) == {"R01:any_of"}
    assert "hoàn thành tốt nhiệm vụ" in verdict.failing[0].detail


def test_each_year_is_judged_by_the_law_of_its_time(reference):
    """2023 (old law): an initiative is required; 2024 (Law 2022): excellence alone suffices."""
    officer = person("bac-giang", ratings={2023: XS, 2024: XS}, titles={CSTT: [2023, 2024]})
    old, new = check_person(officer, CSTDCS, 2023), check_person(officer, CSTDCS, 2024)
    assert (old.ruleset_id, old.eligible) == ("luat-2003-tt-12-2019", False)
    assert (new.ruleset_id, new.eligible) == ("luat-2022-nd-98-2023", True)


def test_a_published_version_judges_the_years_from_its_effective_date(reference, cast):
    officer = person("bac-giang", ratings={2025: TOT, 2026: TOT})
    stricter = {
        "id": "bo-2026-thu-nghiem",
        "title": "Sửa đổi thử nghiệm 2026",
        "effective_from": "2026-01-01",
        "extends": "nd-152-2025",
        "rules": [
            {
                "id": "R03",
                "title": "Chiến sĩ tiên tiến: từ hoàn thành xuất sắc",
                "applies_to": ["chien_si_tien_tien"],
                "legal_basis": "Thông tư thử nghiệm",
                "confidence": "L",
                "condition": {"kind": "rating_at_least", "rating": "hoan_thanh_xuat_sac"},
            }
        ],
    }
    version = RuleSetVersion.publish(
        by=cast.approver, data=stricter, effective_from=dt.date(2026, 1, 1), reason="Thử nghiệm"
    )
    assert ruleset_for(2026).id == version.set_id == "bo-2026-thu-nghiem"
    assert check_person(officer, CSTT, 2025).eligible is True  # still the 2025 rules
    verdict = check_person(officer, CSTT, 2026)
    assert verdict.eligible is False and verdict.failing[0].legal_basis == "Thông tư thử nghiệm"


def test_only_the_ministry_approver_publishes_and_every_problem_is_listed(reference, cast):
    with pytest.raises(PermissionDenied):
        RuleSetVersion.publish(
            by=cast.officer_a, data={}, effective_from=dt.date(2026, 1, 1), reason="x"
        )
    bad = {"id": "nd-152-2025", "title": "x", "rules": [{"id": "R99", "kind": "bogus"}]}
    with pytest.raises(ValidationError) as err:
        RuleSetVersion.publish(
            by=cast.approver, data=bad, effective_from=dt.date(2026, 1, 1), reason=""
        )
    messages = err.value.message_dict
    assert "reason" in messages
    assert any("đã có" in m for m in messages["data"])
    assert any(m.startswith("rules[0].") for m in messages["data"])
    assert not RuleSetVersion.objects.exists()


def _roster(unit_code: str, size: int, cstt: int, csdcs: int, year: int = 2024):
    people = []
    for i in range(size):
        titles = {CSTT: [year]} if i < cstt else {}
        if i < csdcs:
            titles[CSTDCS] = [year]
        people.append(person(unit_code, name=f"Cán bộ {i}", ratings={year: XS}, titles=titles))
    return people


def test_unit_title_from_the_members_records(reference):
    from thidua.honours.models import UnitRating

    bg = unit("bac-giang")
    UnitRating.set(by=None, unit=bg, year=2024, rating=XS)
    _roster("bac-giang", 10, cstt=7, csdcs=1)
    assert check_collective(bg, DVQT, 2024).eligible is True
    person("bac-giang", name="Người thứ 11", ratings={2024: XS})  # 7/11 < 70%
    verdict = check_collective(bg, DVQT, 2024)
    assert failing(verdict) == {"R06:share_of_members_with_title"}
    assert "7/11" in verdict.failing[0].detail


def test_unit_roster_unknown_when_no_people_recorded(reference):
    verdict = check_collective(unit("lang-son"), DVQT, 2024)
    assert verdict.eligible is None
    assert any("Chưa có danh sách" in c.detail for c in verdict.unknown)


def test_the_merged_unit_inherits_its_predecessors_titles(reference):
    """Hòa Bình received Đơn vị quyết thắng for 2025 (before 1/7): Phú Thọ cannot get it again."""
    award_to(unit("hoa-binh"), DVQT, 2025, decision_date=dt.date(2025, 6, 20))
    merged = unit_candidate(unit("phu-tho-2025"), 2025)
    assert {s.code for s in merged.lineage} >= {"hoa-binh", "vinh-phuc", "phu-tho", "phu-tho-2025"}
    verdict = check_collective(unit("phu-tho-2025"), DVQT, 2025)
    assert "R16.1:not_awarded_within" in failing(verdict)


def test_cluster_leadership_comes_from_the_closed_honouring_vote(world):
    """Cluster 3 / 2021 closed with Yên Bái honoured: it leads; Bắc Giang does not."""
    leader = world.cycle2021.cluster.leader
    verdict = check_collective(leader, "co_thi_dua_bo_cong_an", 2021)
    r13 = next(c for c in verdict.conditions if c.rule_id == "R13")
    assert r13.status is Status.MET
    other = check_collective(unit("bac-giang"), "co_thi_dua_bo_cong_an", 2021)
    assert "R13:leads_cluster" in failing(other)


def test_a_revoked_title_reads_as_revoked_and_is_not_suggested_again(reference):
    """Revoked for a false declaration: the check names the revocation and its ground, and the
    unit's suggestions do not propose the same title for the same year again."""
    officer = person("bac-giang", ratings={2024: TOT}, titles={CSTT: [2024]})
    officer.commendations.get(award_code=CSTT, year=2024).revoke(
        by=None,
        decision_no="77/QĐ-CAT",
        decision_date=dt.date(2025, 5, 2),
        ground="gian_doi_ke_khai",
        reason="Kê khai thành tích không đúng.",
    )
    verdict = check_person(officer, CSTT, 2024)
    assert verdict.eligible is False
    (line,) = verdict.failing
    assert "thu hồi 77/QĐ-CAT" in line.detail and "Gian dối" in line.detail
    assert "Chưa được tặng" not in line.detail
    offered = [(p, s.award) for p, s in suggest_for_unit(unit("bac-giang"), 2024)]
    assert (officer, CSTT) not in offered
