"""The Excel import checks rows against what is on record and against the rows above them in the
same file (as if each earlier row were already saved), and audits each record it writes."""

from __future__ import annotations

import pytest

from tests.honours.conftest import CSTT, XS, award_to, person, unit
from tests.honours.test_import_export import filled
from thidua.audit.log import verify_chain
from thidua.audit.models import AuditRecord
from thidua.honours.importers import import_workbook
from thidua.honours.models import Commendation, PersonRating, UnitRating

pytestmark = pytest.mark.django_db

NEW = ["KT-7001", "Hà Thị Lô", "", "", "bac-giang", "", "01/03/2016"]


def test_an_annual_title_twice_in_the_file_or_already_on_record_is_refused_on_its_row(cast):
    p = person("bac-giang")
    award_to(p, CSTT, 2023, decision_no="12/QĐ-CŨ")
    award_to(unit("hoa-binh"), "don_vi_tien_tien", 2022, decision_no="5/QĐ-BCA")
    rows = {
        "Cán bộ": [NEW],
        "Khen thưởng": [
            ["KT-7001", "", "Chiến sĩ tiên tiến", 2024, "1/QĐ", "20/12/2024", "Giám đốc"],
            ["KT-7001", "", "Chiến sĩ tiên tiến", 2024, "2/QĐ", "21/12/2024", "Giám đốc"],
            [p.officer_code, "", "Chiến sĩ tiên tiến", 2023, "3/QĐ", "20/12/2023", "Giám đốc"],
            # Vĩnh Phúc and Hòa Bình are one line since the merger: one Đơn vị tiên tiến a year.
            ["", "Công an tỉnh Vĩnh Phúc", "Đơn vị tiên tiến", 2022, "4/QĐ", "10/01/2023", "Bộ"],
            ["", "Công an tỉnh Vĩnh Phúc", "Giấy khen", 2022, "6/QĐ", "10/01/2023", "Bộ"],
        ],
    }
    audit = AuditRecord.objects.count()
    result = import_workbook(filled(rows), cast.approver)
    assert [str(e) for e in result.errors] == [
        "Trang “Khen thưởng” — Dòng 3, cột D (Năm): Đã có “Chiến sĩ tiên tiến” năm 2024 "
        "(QĐ số 1/QĐ); danh hiệu hằng năm chỉ tặng một lần mỗi năm.",
        "Trang “Khen thưởng” — Dòng 4, cột D (Năm): Đã có “Chiến sĩ tiên tiến” năm 2023 "
        "(QĐ số 12/QĐ-CŨ); danh hiệu hằng năm chỉ tặng một lần mỗi năm.",
        "Trang “Khen thưởng” — Dòng 5, cột D (Năm): Đã có “Đơn vị tiên tiến” năm 2022 "
        "(QĐ số 5/QĐ-BCA); danh hiệu hằng năm chỉ tặng một lần mỗi năm.",
    ]
    assert not result.saved and AuditRecord.objects.count() == audit
    assert not Commendation.objects.filter(decision_no="1/QĐ").exists()


def test_a_rating_given_twice_is_recorded_then_updated_with_one_audit_record_each(cast):
    p = person("bac-giang", ratings={2024: XS})
    rows = {
        "Cán bộ": [NEW],
        "Xếp loại": [
            ["KT-7001", "", 2024, "Hoàn thành nhiệm vụ"],
            ["KT-7001", "", 2024, "Hoàn thành tốt nhiệm vụ"],
            [p.officer_code, "", 2024, "Hoàn thành nhiệm vụ"],
            ["", "bac-giang", 2024, "Hoàn thành nhiệm vụ"],
            ["", "Công an tỉnh Bắc Giang", 2024, "Hoàn thành xuất sắc nhiệm vụ"],
        ],
    }
    seq = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    result = import_workbook(filled(rows), cast.officer_a)
    assert result.saved, [str(e) for e in result.errors]
    assert result.counts["ratings"] == 5
    new = PersonRating.objects.get(person__officer_code="KT-7001", year=2024)
    assert new.rating == "hoan_thanh_tot"
    assert PersonRating.objects.get(person=p, year=2024).rating == "hoan_thanh"
    collective = UnitRating.objects.get(unit__code="bac-giang", year=2024)
    assert collective.rating == XS and collective.recorded_by == cast.officer_a
    written = list(AuditRecord.objects.filter(seq__gt=seq).order_by("seq"))
    assert [(r.model, r.action) for r in written] == [
        ("honours.person", "create"),
        ("honours.posting", "create"),
        ("honours.personrating", "create"),
        ("honours.personrating", "update"),
        ("honours.personrating", "update"),
        ("honours.unitrating", "create"),
        ("honours.unitrating", "update"),
    ]
    created, updated = written[2], written[3]
    assert created.object_pk == updated.object_pk == str(new.pk)
    assert created.after["rating"] == "hoan_thanh" and created.object_repr.endswith(
        "Hoàn thành nhiệm vụ"
    )
    assert updated.before["rating"] == "hoan_thanh" and updated.after["rating"] == "hoan_thanh_tot"
    assert written[4].before["rating"] == XS and written[4].object_pk == str(
        PersonRating.objects.get(person=p, year=2024).pk
    )
    assert all(r.actor == cast.officer_a for r in written)
    assert verify_chain().ok
