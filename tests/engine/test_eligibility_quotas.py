"""Batches of proposals (quotas with rounding, evidence reuse, discipline blocking) and
suggestions of who is eligible now."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.engine.test_eligibility import (
    BK_BO,
    CO_BO,
    CO_CP,
    CSTD_CAND,
    CSTDCS,
    CSTT,
    idea,
    officer,
    titles,
    unit,
)
from thidua.engine.eligibility import (
    CLUSTER_LEADERS,
    Award,
    Discipline,
    Proposal,
    UnitSpan,
    apply_quotas,
    suggest,
)

IN_UNIT = (UnitSpan("CAT-HBH", date(2010, 1, 1)),)


def staff(n: int, prefix: str = "CB", rating: str = "XS", **kwargs) -> list:
    return [
        officer(f"{prefix}{i:03d}", ratings={2024: rating}, units=IN_UNIT, **kwargs)
        for i in range(n)
    ]


def outcome(result) -> list[tuple[str, str, bool | None]]:
    return [(d.proposal.candidate.id, d.proposal.award, d.accepted) for d in result.decisions]


@pytest.mark.parametrize(("cstt", "allowed"), [(6, 0), (7, 1), (13, 1), (14, 2), (20, 3), (40, 6)])
def test_csdcs_capped_at_15_percent_of_cstt_rounded_down(cstt: int, allowed: int) -> None:
    people = staff(cstt)
    proposals = [Proposal(p, CSTT) for p in people] + [
        Proposal(p, CSTDCS, priority=i) for i, p in enumerate(people[:8])
    ]
    result = apply_quotas(proposals, 2024)
    accepted = [d for d in result.decisions if d.proposal.award == CSTDCS and d.accepted]
    refused = [d for d in result.decisions if d.proposal.award == CSTDCS and d.accepted is False]
    assert len(accepted) == min(allowed, 8)
    assert [d.proposal.priority for d in accepted] == list(
        range(len(accepted))
    )  # best-ranked first
    (usage,) = [q for q in result.quotas if q.rule_id == "R02"]
    assert (usage.group, usage.base, usage.limit) == ("CAT-HBH", cstt, allowed)
    for d in refused:
        assert [r.rule_id for r in d.reasons] == ["R02"]
        assert f"= {allowed}" in d.reasons[0].message and "làm tròn xuống" in d.reasons[0].message


def test_existing_awards_count_in_base_and_usage() -> None:
    people = staff(3)
    proposals = [Proposal(p, CSTT) for p in people] + [Proposal(p, CSTDCS) for p in people]
    existing = {(CSTT, "CAT-HBH"): 37, (CSTDCS, "CAT-HBH"): 4}
    result = apply_quotas(proposals, 2024, existing=existing)
    # base 40 → 6 allowed, 4 already given → 2 of the 3 proposals
    assert [d.accepted for d in result.decisions if d.proposal.award == CSTDCS] == [
        True,
        True,
        False,
    ]


def test_quota_is_per_unit() -> None:
    a = staff(7, "A")
    b = [
        officer(f"B{i}", ratings={2024: "XS"}, units=(UnitSpan("CAT-PTO", date(2010, 1, 1)),))
        for i in range(6)
    ]
    proposals = [Proposal(p, CSTT) for p in a + b] + [
        Proposal(a[0], CSTDCS),
        Proposal(b[0], CSTDCS),
    ]
    result = apply_quotas(proposals, 2024)
    assert outcome(result)[-2:] == [("A000", CSTDCS, True), ("B0", CSTDCS, False)]


def test_cstt_accepted_in_batch_counts_as_held_but_refused_one_does_not() -> None:
    good = officer("GOOD", ratings={2024: "XS"}, units=IN_UNIT)
    weak = officer("WEAK", ratings={2024: "HT"}, units=IN_UNIT)
    filler = staff(12)
    proposals = [Proposal(p, CSTT) for p in [good, weak, *filler]] + [
        Proposal(good, CSTDCS),
        Proposal(weak, CSTDCS),
    ]
    result = apply_quotas(proposals, 2024)
    by_id = {(d.proposal.candidate.id, d.proposal.award): d for d in result.decisions}
    assert by_id[("GOOD", CSTDCS)].accepted is True
    assert "trong cùng đợt" in json.dumps(
        by_id[("GOOD", CSTDCS)].verdict.to_dict(), ensure_ascii=False
    )
    weak_decision = by_id[("WEAK", CSTDCS)]
    assert weak_decision.accepted is False
    assert {r.rule_id for r in weak_decision.reasons} == {"R01"}
    assert by_id[("WEAK", CSTT)].accepted is False


def test_reusing_an_achievement_in_the_same_batch_is_refused_naming_the_first() -> None:
    person = officer(
        "CB1",
        ratings={2023: "XS", 2024: "XS"},
        units=IN_UNIT,
        awards=titles(chien_si_thi_dua_co_so=[2023]),
    )
    proposals = [
        Proposal(person, CSTT, achievement_ref="BC-2024-01", ref="ĐN-1"),
        Proposal(person, BK_BO, achievement_ref="BC-2024-01", ref="ĐN-2"),
    ]
    first, second = apply_quotas(proposals, 2024).decisions
    assert first.accepted is True
    assert second.accepted is False
    assert second.reasons[0].rule_id == "R16"
    assert "đã dùng cho đề nghị “Chiến sĩ tiên tiến” năm 2024 (ĐN-1)" in second.reasons[0].message


def test_same_achievement_may_reward_a_unit_and_a_person_separately() -> None:
    person = officer("CB1", ratings={2024: "XS"}, units=IN_UNIT)
    leader = unit("CAT-HBH", leads=True)
    proposals = [
        Proposal(person, CSTT, achievement_ref="CA-9"),
        Proposal(leader, CO_BO, achievement_ref="CA-9"),
    ]
    assert [d.accepted for d in apply_quotas(proposals, 2024).decisions] == [True, True]


def test_achievement_rewarded_in_an_earlier_year_is_refused_naming_the_decision() -> None:
    earlier = Award(BK_BO, 2022, decision_no="512/QĐ-BCA", achievement_ref="CHUYEN-AN-X")
    person = officer("CB1", ratings={2024: "XS"}, units=IN_UNIT, awards=[earlier])
    (decision,) = apply_quotas(
        [Proposal(person, CSTT, achievement_ref="CHUYEN-AN-X")], 2024
    ).decisions
    assert decision.accepted is False
    assert (
        "Bằng khen của Bộ trưởng Bộ Công an năm 2022, QĐ số 512/QĐ-BCA"
        in decision.reasons[0].message
    )


def test_discipline_blocks_the_proposal_with_its_rule() -> None:
    blocked = officer(
        "KL",
        ratings={2024: "XS"},
        units=IN_UNIT,
        disciplines=(Discipline(date(2024, 12, 1), awaiting_review=True),),
    )
    (decision,) = apply_quotas([Proposal(blocked, CSTT)], 2024).decisions
    assert decision.accepted is False
    assert [r.rule_id for r in decision.reasons] == ["R15"]
    assert "đang bị xem xét kỷ luật" in decision.reasons[0].message


def test_unknown_eligibility_keeps_its_slot_pending() -> None:
    people = staff(7)  # 7 CSTT → 1 CSTĐCS
    unknown = officer(
        "UNK",
        ratings={2024: "XS"},
        units=IN_UNIT,
        awards=titles(chien_si_tien_tien=[2024]),
        disciplines=None,
    )
    proposals = [Proposal(p, CSTT) for p in people] + [
        Proposal(unknown, CSTDCS, priority=0),
        Proposal(people[0], CSTDCS, priority=1),
    ]
    decisions = apply_quotas(proposals, 2024).decisions
    # UNK's discipline status is not known: pending, and holding the slot
    assert decisions[-2].accepted is None
    assert {r.rule_id for r in decisions[-2].reasons} == {"R15"}
    assert decisions[-1].accepted is False and decisions[-1].reasons[-1].rule_id == "R02"


def test_person_without_known_unit_cannot_be_counted() -> None:
    loose = officer("X", ratings={2024: "XS"}, awards=titles(chien_si_tien_tien=[2024]))
    (decision,) = apply_quotas([Proposal(loose, CSTDCS)], 2024).decisions
    assert decision.accepted is None and "Chưa rõ đơn vị" in decision.reasons[-1].message
    (explicit,) = apply_quotas(
        [Proposal(loose, CSTDCS, unit="CAT-HBH")], 2024, existing={(CSTT, "CAT-HBH"): 10}
    ).decisions
    assert explicit.accepted is True


def test_government_flags_capped_at_20_percent_of_cluster_leaders() -> None:
    leaders = [unit(f"CAT-{i:02d}", leads=True) for i in range(10)]
    proposals = [Proposal(u, CO_BO, priority=i) for i, u in enumerate(leaders[3:])]
    proposals += [Proposal(u, CO_CP, priority=i) for i, u in enumerate(leaders[:3])]
    result = apply_quotas(proposals, 2024)
    flags = [d.accepted for d in result.decisions if d.proposal.award == CO_CP]
    assert flags == [True, True, False]  # 20% of 10 leaders = 2
    refused = next(d for d in result.decisions if d.proposal.award == CO_CP and not d.accepted)
    assert refused.reasons[-1].rule_id == "R12"
    (usage,) = [q for q in result.quotas if q.rule_id == "R12"]
    assert (usage.base, usage.limit, usage.used) == (10, 2, 2)
    more = apply_quotas(proposals, 2024, existing={(CLUSTER_LEADERS, "*"): 5})
    assert [d.accepted for d in more.decisions if d.proposal.award == CO_CP] == [True, True, True]


def test_quota_result_serialises() -> None:
    people = staff(7)
    result = apply_quotas(
        [Proposal(p, CSTT) for p in people] + [Proposal(people[0], CSTDCS, ref="ĐN-9")], 2024
    )
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["decisions"][-1]["ref"] == "ĐN-9" and data["decisions"][-1]["accepted"] is True
    assert data["quotas"][0]["rule_id"] == "R02" and data["quotas"][0]["limit"] == 1
    assert len(result.accepted) == 8 and result.refused == ()


# --- suggestions ---------------------------------------------------------------------------


def test_third_consecutive_csdcs_suggests_the_ministry_level_title() -> None:
    veteran = officer(
        "VET",
        name="Lê Thị Ba",
        ratings="2022-2025:XS",
        awards=titles(chien_si_tien_tien=[2023, 2024], chien_si_thi_dua_co_so=[2023, 2024]),
        initiatives=[idea(2025, "bo")],
    )
    newcomer = officer("NEW", ratings={2025: "T"})
    found = {(s.candidate_id, s.award): s for s in suggest([veteran, newcomer], 2025)}
    assert set(found) == {
        ("VET", CSTT),
        ("VET", CSTDCS),
        ("VET", CSTD_CAND),
        ("VET", BK_BO),
        ("NEW", CSTT),
    }
    top = found[("VET", CSTD_CAND)]
    assert top.verdict.eligible is True and top.name == "Lê Thị Ba"
    assert top.assumes == (CSTDCS,)  # relies on this year's CSTĐCS, itself resting on CSTT
    assert found[("VET", CSTDCS)].assumes == (CSTT,)
    json.dumps(top.to_dict(), ensure_ascii=False)


def test_suggest_skips_titles_already_held_and_can_list_unknowns() -> None:
    held = officer(
        "H", ratings={2025: "XS"}, awards=titles(chien_si_tien_tien=[2025]), disciplines=None
    )
    assert suggest([held], 2025) == []
    unknown = suggest([held], 2025, include_unknown=True)
    assert {s.award for s in unknown} >= {CSTDCS}
    assert all(s.verdict.eligible is None for s in unknown)
