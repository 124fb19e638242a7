"""Commendation and personnel records: validation, revocation keeping history, optimistic
versions, attachments, audit rows and who may change what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.files import tiny_pdf
from tests.honours.conftest import CSTT, DVQT, XS, award_to, person, unit
from thidua.audit.models import AuditRecord
from thidua.honours.models import Commendation, Person
from thidua.lib.workflow import StaleEdit, WorkflowError

pytestmark = pytest.mark.django_db


def audit_actions(obj) -> list[str]:
    return list(AuditRecord.objects.for_object(obj).values_list("action", flat=True))


def test_person_is_created_with_a_posting_normalised_and_audited(cast):
    p = person(by=cast.officer_a, name="  Nguyễn   Văn  Hoà ")
    assert p.full_name == "Nguyễn Văn Hòa"  # NFC, single spaces, official tone placement
    assert p.current_unit.code == "bac-giang"
    assert audit_actions(p) == ["create"]


def test_an_officer_cannot_create_people_in_another_unit(cast):
    with pytest.raises(PermissionDenied):
        person("gia-lai", by=cast.officer_a)


def test_a_transfer_closes_the_open_posting_and_moves_visibility(cast):
    p = person("bac-giang", by=cast.officer_a)
    p.add_posting(by=cast.approver, unit=unit("gia-lai"), start=dt.date(2024, 7, 1))
    first, second = p.postings.order_by("start")
    assert first.end == dt.date(2024, 6, 30) and second.end is None
    p.refresh_from_db()
    assert p.current_unit.code == "gia-lai"
    assert not Person.objects.visible_to(cast.officer_a).filter(pk=p.pk).exists()
    assert Person.objects.visible_to(cast.officer_b).filter(pk=p.pk).exists()


def test_a_posting_in_a_unit_that_no_longer_exists_is_refused(reference):
    p = person("bac-giang")
    with pytest.raises(ValidationError) as err:
        p.add_posting(by=None, unit=unit("hoa-binh"), start=dt.date(2025, 8, 1))
    assert "không tồn tại vào ngày 01/08/2025" in err.value.message_dict["unit"][0]


def test_concurrent_edits_of_a_person_do_not_overwrite(cast):
    p = person(by=cast.officer_a)
    stale = Person.objects.get(pk=p.pk)
    p.update(by=cast.officer_a, expected_version=1, rank="Thiếu tá")
    with pytest.raises(StaleEdit):
        stale.update(by=cast.approver, expected_version=1, rank="Trung tá")
    assert Person.objects.get(pk=p.pk).rank == "Thiếu tá"


def test_a_collective_award_must_name_the_unit_as_it_was_in_that_year(reference):
    with pytest.raises(ValidationError) as err:
        award_to(unit("phu-tho-2025"), DVQT, 2023)
    assert "trước sáp nhập" in err.value.message_dict["unit"][0]


def test_decision_date_before_the_year_and_unknown_award_are_refused(reference):
    p = person()
    with pytest.raises(ValidationError) as err:
        award_to(p, "khong_co", 2024, decision_date=dt.date(2023, 5, 1))
    assert set(err.value.message_dict) == {"award_code", "decision_date"}
    with pytest.raises(ValidationError) as err:
        award_to(p, DVQT, 2024)
    assert "không xét tặng cho cá nhân" in err.value.message_dict["award_code"][0]


def test_an_annual_title_is_recorded_once_per_year_even_across_a_merger(reference):
    p = person()
    award_to(p, CSTT, 2024)
    with pytest.raises(ValidationError) as err:
        award_to(p, CSTT, 2024)
    assert "chỉ tặng một lần mỗi năm" in err.value.message_dict["year"][0]


def test_revocation_keeps_the_record_and_its_history(cast):
    p = person(by=cast.officer_a, ratings={2024: XS})
    c = award_to(p, CSTT, 2024, by=cast.officer_a)
    c.revoke(
        by=cast.officer_a,
        decision_no="12/QĐ-CAT",
        decision_date=dt.date(2025, 3, 1),
        ground="gian_doi_ke_khai",
        reason="Gian dối kê khai thành tích",
        expected_version=1,
    )
    c.refresh_from_db()
    assert c.revoked and c.revocation_decision_no == "12/QĐ-CAT" and c.version == 2
    assert audit_actions(c) == ["revoke", "create"]
    assert AuditRecord.objects.for_object(c).first().reason == "Gian dối kê khai thành tích"
    with pytest.raises(WorkflowError):
        c.update(by=cast.officer_a, decision_no="khác")
    # The same title may be recorded again for that year once the earlier one is revoked.
    award_to(p, CSTT, 2024)


def test_revocation_needs_its_decision_ground_and_reason(cast):
    c = award_to(person(), CSTT, 2024)
    with pytest.raises(ValidationError) as err:
        c.revoke(by=cast.approver, decision_no="", decision_date=None, ground="x", reason=" ")
    assert set(err.value.message_dict) == {"decision_no", "ground", "reason"}
    assert not Commendation.objects.get(pk=c.pk).revoked


def test_attachments_are_checked_like_evidence(cast, media):
    c = award_to(person(by=cast.officer_a), CSTT, 2024, by=cast.officer_a)
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError):
        c.attach(by=cast.officer_a, upload=fake)
    pdf = tiny_pdf("Quyết định")
    good = SimpleUploadedFile("Quyết định.pdf", pdf, "application/pdf")
    row = c.attach(by=cast.officer_a, upload=good)
    assert row.content_type == "application/pdf" and row.size == len(pdf)
    assert (media / row.file.name).exists()
    with pytest.raises(PermissionDenied):
        c.attach(by=cast.viewer, upload=good)


def test_ministry_sees_everyone_and_units_see_their_line(cast):
    hb = person("hoa-binh", name="Người Hòa Bình")
    bg = person("bac-giang", name="Người Bắc Giang")
    assert set(Person.objects.visible_to(cast.approver)) >= {hb, bg}
    assert set(Person.objects.visible_to(cast.officer_a)) & {hb, bg} == {bg}
    assert set(Person.objects.visible_to(cast.officer_b)) & {hb, bg} == set()
