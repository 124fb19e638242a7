"""Decisions and the register: signing writes the records, revoking revokes them, numbers are
unique and consecutive per authority and year, bad input writes nothing (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max

from thidua.audit.models import AuditRecord
from thidua.honours import revoking, signing
from thidua.honours.eligibility import check_person
from thidua.honours.models import Commendation, Decision, Person
from thidua.honours.signing import LineInput, create_draft
from thidua.lib.workflow import WorkflowError

pytestmark = pytest.mark.django_db

XS = "hoan_thanh_xuat_sac"
CAND = "chien_si_thi_dua_toan_luc_luong_cand"
NATIONAL = "chien_si_thi_dua_toan_quoc"
BK = "bang_khen_bo_cong_an"


def officer(world, code: str = "QD-001", name: str = "Lê Văn Quyết") -> Person:
    """A Bắc Giang officer with the record behind the ministry-level title for 2024: excellent
    every year, Chiến sĩ thi đua cơ sở 2022–2024 and a ministry-scope initiative in 2024."""
    p = Person.create(
        by=None,
        unit=world.unit("bac-giang"),
        start=dt.date(2010, 1, 1),
        officer_code=code,
        full_name=name,
    )
    for year in range(2019, 2026):
        p.set_rating(by=None, year=year, rating=XS)
    for year in (2022, 2023, 2024):
        for award in ("chien_si_tien_tien", "chien_si_thi_dua_co_so"):
            Commendation.create(
                by=None,
                person=p,
                award_code=award,
                year=year,
                decision_no=f"{year}/QĐ-CAT",
                decision_date=dt.date(year + 1, 1, 10),
                issuer="Giám đốc Công an tỉnh Bắc Giang",
            )
    p.add_initiative(
        by=None, year=2024, scope="bo", kind="sang_kien", title="Quy trình số hóa hồ sơ"
    )
    return p


def draft(world, people, *, award=BK, year=2024, ref="") -> Decision:
    return create_draft(
        by=world.cast.approver,
        summary="Về việc tặng Bằng khen của Bộ trưởng Bộ Công an",
        year=year,
        lines=[
            LineInput(award_code=award, unit=p.current_unit, person=p, achievement_ref=ref)
            for p in people
        ],
    )


def sign(world, decision, seq, day=dt.date(2025, 3, 1), **extra) -> Decision:
    return signing.sign(
        decision, by=world.cast.approver, seq=seq, date=day, signer_name="Lương Tam Quang", **extra
    )


def test_signing_writes_one_record_per_line_linked_and_audited(world):
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    decision = draft(world, [a, b])
    records_before = Commendation.objects.count()
    # numbers come from a sequence on PostgreSQL and may have gaps: compare with the last, not a count
    audit_before = AuditRecord.objects.aggregate(last=Max("seq"))["last"] or 0

    sign(world, decision, 1234)

    decision.refresh_from_db()
    assert decision.state == Decision.State.SIGNED
    assert decision.number == "1234/QĐ-BCA"
    lines = list(decision.lines.select_related("commendation"))
    assert Commendation.objects.count() == records_before + 2
    for line in lines:
        record = line.commendation
        assert record.decision_no == "1234/QĐ-BCA"
        assert record.decision_date == dt.date(2025, 3, 1)
        assert record.award_code == BK and record.year == 2024
        assert record.person_id == line.person_id
        assert record.decision_line == line
    new = AuditRecord.objects.filter(seq__gt=audit_before).order_by("seq")
    assert [r.action for r in new] == ["sign", "create", "create"]
    assert new[0].model == "honours.decision"
    assert {r.object_pk for r in new[1:]} == {str(line.commendation_id) for line in lines}


def test_only_the_ministry_approver_signs(world):
    decision = draft(world, [officer(world)])
    with pytest.raises(PermissionDenied):
        signing.sign(decision, by=world.cast.secretariat, seq=1, date=dt.date(2025, 3, 1))
    decision.refresh_from_db()
    assert decision.state == Decision.State.DRAFT


def test_a_duplicate_number_is_refused_in_vietnamese_and_writes_nothing(world):
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    sign(world, draft(world, [a]), 1234)
    second = draft(world, [b])
    records, audits = Commendation.objects.count(), AuditRecord.objects.count()

    with pytest.raises(ValidationError) as caught:
        sign(world, second, 1234, dt.date(2025, 3, 2))

    assert "Số 1234/QĐ-BCA năm 2025 đã cấp" in str(caught.value)
    second.refresh_from_db()
    assert second.state == Decision.State.DRAFT and second.seq is None
    assert (Commendation.objects.count(), AuditRecord.objects.count()) == (records, audits)


def test_the_same_number_in_another_year_or_for_another_authority_is_free(world):
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    sign(world, draft(world, [a]), 15)
    sign(world, draft(world, [b]), 15, dt.date(2026, 1, 5))
    assert Decision.objects.filter(seq=15).count() == 2


def test_a_gap_in_the_sequence_is_refused_unless_its_reason_is_given(world):
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    sign(world, draft(world, [a]), 100)
    second = draft(world, [b])
    with pytest.raises(ValidationError) as caught:
        sign(world, second, 103, dt.date(2025, 3, 2))
    assert "để trống các số 101–102" in str(caught.value)
    assert "Nghị định 30/2020/NĐ-CP" in str(caught.value)

    sign(world, second, 103, dt.date(2025, 3, 2), gap_reason="Số 101, 102 cấp cho văn bản khác")
    second.refresh_from_db()
    assert second.gap_reason == "Số 101, 102 cấp cho văn bản khác"
    assert (
        AuditRecord.objects.filter(
            action="sign", model="honours.decision", object_pk=str(second.pk)
        )
        .get()
        .reason
    )


def test_a_number_below_the_last_or_a_date_before_it_is_refused(world):
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    sign(world, draft(world, [a]), 100, dt.date(2025, 3, 10))
    second = draft(world, [b])
    with pytest.raises(ValidationError, match="nhỏ hơn số cuối cùng"):
        sign(world, second, 99, dt.date(2025, 3, 11))
    with pytest.raises(ValidationError, match="trước ngày của quyết định số trước"):
        sign(world, second, 101, dt.date(2025, 3, 9))


def test_a_signed_decision_is_not_signed_twice(world):
    decision = draft(world, [officer(world)])
    sign(world, decision, 7)
    with pytest.raises(WorkflowError, match="đã được ký"):
        sign(world, decision, 8)


def test_a_stale_version_is_refused_and_nothing_signed(world):
    decision = draft(world, [officer(world)])
    with pytest.raises(WorkflowError, match="đã được người khác cập nhật"):
        sign(world, decision, 9, expected_version=decision.version + 1)
    decision.refresh_from_db()
    assert decision.state == Decision.State.DRAFT


def test_revoking_one_line_revokes_its_record_with_the_reason_and_keeps_the_others(world):
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    decision = draft(world, [a, b])
    sign(world, decision, 50)
    first, second = decision.lines.order_by("position")

    revoking.revoke_line(
        first,
        by=world.cast.approver,
        decision_no="60/QĐ-BCA",
        decision_date=dt.date(2025, 6, 1),
        ground="gian_doi_ke_khai",
        reason="Kê khai thành tích không đúng",
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.commendation.revoked and first.commendation.revocation_reason
    assert first.commendation.revocation_decision_no == "60/QĐ-BCA"
    assert not second.commendation.revoked
    audit = AuditRecord.objects.filter(action="revoke", object_pk=str(first.commendation_id))
    assert audit.get().reason == "Kê khai thành tích không đúng"


def test_revoking_the_decision_revokes_every_record_and_it_is_never_signed_again(world):
    decision = draft(world, [officer(world), officer(world, "QD-002", "Phạm Thị Hòa")])
    sign(world, decision, 51)
    revoking.revoke_decision(
        decision,
        by=world.cast.approver,
        decision_no="61/QĐ-BCA",
        decision_date=dt.date(2025, 6, 1),
        ground="gian_doi_ke_khai",
        reason="Hồ sơ giả mạo",
    )
    decision.refresh_from_db()
    assert decision.state == Decision.State.REVOKED
    assert all(line.commendation.revoked for line in decision.lines.all())
    with pytest.raises(WorkflowError, match="đã bị hủy bỏ"):
        sign(world, decision, 52)


def test_a_revoked_line_is_not_signed_again_in_a_new_decision(world):
    a = officer(world)
    decision = draft(world, [a], ref="QD-TEST-2024")
    sign(world, decision, 70)
    revoking.revoke_line(
        decision.lines.get(),
        by=world.cast.approver,
        decision_no="71/QĐ-BCA",
        decision_date=dt.date(2025, 6, 1),
        ground="gian_doi_ke_khai",
        reason="Kê khai sai",
    )
    again = draft(world, [a], ref="QD-TEST-2024")
    records = Commendation.objects.count()
    with pytest.raises(ValidationError) as caught:
        sign(world, again, 71, dt.date(2025, 6, 2))
    assert "đã bị hủy bỏ" in str(caught.value) and "Dòng 1 (Lê Văn Quyết" in str(caught.value)
    assert Commendation.objects.count() == records


def test_an_annual_title_already_held_that_year_is_refused_by_line(world):
    a = officer(world)
    Commendation.create(
        by=None,
        person=a,
        award_code=CAND,
        year=2024,
        decision_no="5/QĐ-BCA",
        decision_date=dt.date(2025, 1, 5),
        issuer="Bộ trưởng Bộ Công an",
    )
    with pytest.raises(ValidationError, match="danh hiệu hằng năm chỉ tặng một lần"):
        sign(world, draft(world, [a], award=CAND), 90)


def test_the_eligibility_engine_refuses_an_ineligible_recipient_naming_the_line(world):
    newcomer = Person.create(
        by=None,
        unit=world.unit("bac-giang"),
        start=dt.date(2023, 1, 1),
        officer_code="QD-NEW",
        full_name="Đỗ Minh Mới",
    )
    newcomer.set_rating(by=None, year=2024, rating="hoan_thanh")
    with pytest.raises(ValidationError) as caught:
        sign(world, draft(world, [newcomer], award=CAND), 91)
    assert "Dòng 1 (Đỗ Minh Mới — Chiến sĩ thi đua toàn lực lượng CAND): không đủ điều kiện" in str(
        caught.value
    )


def test_a_form_outside_the_authority_is_refused_at_drafting(world):
    with pytest.raises(ValidationError, match="không thuộc thẩm quyền quyết định của Bộ Công an"):
        draft(world, [officer(world)], award="chien_si_tien_tien")


def test_signing_a_2024_decision_changes_the_2025_check_of_the_same_person(world):
    """Next year's eligibility reads the register: no import step between the two."""
    p = officer(world)
    Commendation.create(
        by=None,
        person=p,
        award_code=CAND,
        year=2021,
        decision_no="9/QĐ-BCA",
        decision_date=dt.date(2022, 2, 1),
        issuer="Bộ trưởng Bộ Công an",
    )
    before = check_person(p, NATIONAL, 2025)
    sign(world, draft(world, [p], award=CAND), 300)
    after = check_person(p, NATIONAL, 2025)
    assert "2021, 2024" in after.conditions[0].detail  # the 2024 title is counted now
    assert "2024" not in before.conditions[0].detail.split("danh hiệu năm")[-1]

    # ... and revoking it changes it back.
    revoking.revoke_decision(
        Decision.objects.get(seq=300),
        by=world.cast.approver,
        decision_no="301/QĐ-BCA",
        decision_date=dt.date(2025, 6, 1),
        ground="gian_doi_ke_khai",
        reason="Kê khai sai",
    )
    again = check_person(p, NATIONAL, 2025)
    assert [c.detail for c in again.conditions] == [c.detail for c in before.conditions]


def test_an_achievement_rewarded_by_a_signed_2024_decision_is_refused_in_2025(world):
    p = officer(world)
    ref = "thanh-tich:QD-001:2024"

    def reward_once(verdict):
        return [c for c in verdict.conditions if "400/QĐ-BCA" in (c.detail or "")]

    before = check_person(p, BK, 2025, achievement_ref=ref)
    sign(world, draft(world, [p], ref=ref), 400)
    after = check_person(p, BK, 2025, achievement_ref=ref)
    assert reward_once(before) == []
    assert reward_once(after) and {c.status.value for c in reward_once(after)} == {"not_met"}


def test_the_demo_year_2021_has_signed_decisions_for_its_published_recipients(world):
    from thidua.cycle.outcome.decisions import build_demo_decisions

    made = build_demo_decisions(world.cycle2021)
    by_authority = {d.authority: d for d in made}
    ministry = by_authority["BCA"]
    assert ministry.state == Decision.State.SIGNED and ministry.illustrative
    flags = {
        line.unit.code
        for line in ministry.lines.all()
        if line.award_code == "co_thi_dua_bo_cong_an"
    }
    assert flags == {"bac-giang", "quang-ninh", "hoa-binh", "tuyen-quang", "thai-nguyen", "bac-kan"}
    assert {line.unit.code for line in by_authority["TTg"].lines.all()} == {"yen-bai"}
    for proposal in world.cycle2021.proposals.filter(state="approved"):
        assert proposal.decision_line.commendation.decision_no


def test_signing_fills_each_lines_reward_from_the_base_salary_of_the_signing_date(world):
    """NĐ 152/2025: a Chiến sĩ thi đua toàn lực lượng receives 3 × the base salary in force on the
    decision's date (2.340.000 đ from 01/07/2024); an amount typed on the draft is kept."""
    a, b = officer(world), officer(world, "QD-002", "Phạm Thị Hòa")
    decision = draft(world, [a, b], award=CAND)
    typed = decision.lines.get(person=b)
    typed.amount = 5_000_000
    typed.save(update_fields=["amount"])

    sign(world, decision, 77)

    amounts = dict(decision.lines.values_list("person__full_name", "amount"))
    assert amounts == {"Lê Văn Quyết": 7_020_000, "Phạm Thị Hòa": 5_000_000}
