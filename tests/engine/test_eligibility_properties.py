"""Properties of the eligibility engine over generated histories (Hypothesis)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.test_eligibility import CSTDCS, CSTT, DVQT, DVTT, titles, unit
from thidua.engine.eligibility import (
    Award,
    Discipline,
    Initiative,
    Person,
    Proposal,
    Rating,
    Scope,
    Status,
    UnitSpan,
    apply_quotas,
    check,
)

INDIVIDUAL = [
    "chien_si_tien_tien",
    "chien_si_thi_dua_co_so",
    "chien_si_thi_dua_toan_luc_luong_cand",
    "chien_si_thi_dua_toan_quoc",
    "bang_khen_bo_cong_an",
    "bang_khen_thu_tuong",
]
YEARS = st.integers(2016, 2025)
JUDGED = st.sampled_from([2019, 2023, 2024, 2025])
RANK = {Status.NOT_MET: 0, Status.UNKNOWN: 1, Status.MET: 2}

awards = st.builds(
    Award,
    code=st.sampled_from(INDIVIDUAL),
    year=YEARS,
    decision_no=st.just("1/QĐ"),
    achievement_ref=st.sampled_from([None, "A", "B"]),
    revoked=st.booleans(),
)
initiatives = st.builds(
    Initiative,
    year=YEARS,
    scope=st.sampled_from(list(Scope)),
    kind=st.sampled_from(["sang_kien", "de_tai_khoa_hoc", "muu_tri_sang_tao"]),
)
disciplines = st.one_of(
    st.none(),
    st.just(()),
    st.tuples(
        st.builds(
            Discipline,
            start=st.dates(date(2023, 1, 1), date(2025, 12, 31)),
            end=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 12, 31))),
            form=st.sampled_from(["khiển trách", "cảnh cáo", None]),
            awaiting_review=st.booleans(),
        )
    ),
)
people = st.builds(
    Person,
    id=st.just("P"),
    ratings=st.dictionaries(YEARS, st.sampled_from(list(Rating)), max_size=10),
    awards=st.lists(awards, max_size=12).map(tuple),
    initiatives=st.lists(initiatives, max_size=6).map(tuple),
    disciplines=disciplines,
    units=st.just((UnitSpan("CAT-HBH", date(2010, 1, 1)),)),
    records_from=st.one_of(st.none(), YEARS),
)


def rank(person: Person, award: str, year: int, ref: str | None = None) -> int:
    return RANK[check(person, award, year, achievement_ref=ref).status]


@settings(max_examples=300, deadline=None)
@given(people, st.sampled_from(INDIVIDUAL), JUDGED, awards, st.sampled_from([None, "A"]))
def test_adding_a_revoked_award_never_helps(person, award, year, extra, ref) -> None:
    revoked = replace(extra, revoked=True)
    worse = replace(person, awards=(*person.awards, revoked))
    assert rank(worse, award, year, ref) <= rank(person, award, year, ref)


@settings(max_examples=300, deadline=None)
@given(people, st.sampled_from(INDIVIDUAL), JUDGED, st.data())
def test_improving_a_rating_never_turns_eligible_into_ineligible(person, award, year, data) -> None:
    if not person.ratings:
        return
    which = data.draw(st.sampled_from(sorted(person.ratings)))
    better = data.draw(st.sampled_from([r for r in Rating if r >= person.ratings[which]]))
    improved = replace(person, ratings={**person.ratings, which: better})
    assert rank(improved, award, year) >= rank(person, award, year)
    if check(person, award, year).eligible:
        assert check(improved, award, year).eligible


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 30), st.data())
def test_more_members_with_cstt_never_hurts_a_unit(size, data) -> None:
    holders = data.draw(st.integers(0, size))
    year = data.draw(st.sampled_from([2023, 2024]))
    before = unit(size=size, cstt=holders, csdcs=min(1, holders), year=year)
    after = unit(size=size, cstt=min(size, holders + 1), csdcs=min(1, holders), year=year)
    for award in (DVQT, DVTT):
        assert RANK[check(after, award, year).status] >= RANK[check(before, award, year).status]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 60), st.integers(0, 15), st.integers(0, 40))
def test_csdcs_never_exceed_15_percent_of_cstt(cstt, proposed, existing_cstt) -> None:
    span = (UnitSpan("U", date(2010, 1, 1)),)
    staff = [
        Person(f"P{i}", ratings={2024: Rating.HOAN_THANH_XUAT_SAC}, units=span, disciplines=())
        for i in range(max(cstt, proposed))
    ]
    proposals = [Proposal(p, CSTT) for p in staff[:cstt]]
    proposals += [
        Proposal(replace(p, awards=tuple(titles(chien_si_tien_tien=[2024]))), CSTDCS)
        for p in staff[:proposed]
    ]
    result = apply_quotas(proposals, 2024, existing={(CSTT, "U"): existing_cstt})
    granted = sum(1 for d in result.decisions if d.proposal.award == CSTDCS and d.accepted)
    assert granted <= math.floor((cstt + existing_cstt) * 15 / 100)
    assert granted == min(proposed, math.floor((cstt + existing_cstt) * 15 / 100))


@settings(max_examples=200, deadline=None)
@given(people, st.sampled_from(INDIVIDUAL), JUDGED)
def test_verdicts_are_consistent_serialisable_and_repeatable(person, award, year) -> None:
    verdict = check(person, award, year)
    statuses = {c.status for c in verdict.conditions}
    if verdict.eligible is True:
        assert statuses == {Status.MET}
    elif verdict.eligible is False:
        assert Status.NOT_MET in statuses and verdict.failing
    else:
        assert Status.NOT_MET not in statuses and verdict.unknown
    data = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))
    assert data["eligible"] == verdict.eligible
    assert check(person, award, year) == verdict
