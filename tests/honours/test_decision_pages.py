"""The decision pages: real client requests as each role (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.honours.test_decisions import officer
from thidua.audit.models import AuditRecord
from thidua.honours.models import Commendation, Decision
from thidua.honours.signing import LineInput, create_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_decisions(world):
    """The demo's signed decisions of Cluster 3 / 2021 (load_demo makes them)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions

    return build_demo_decisions(world.cycle2021)


def ministry_decision() -> Decision:
    return Decision.objects.get(cluster__year=2021, cluster__number=3, authority="BCA")


def test_a_recipient_reads_the_decision_with_its_recipients_and_records(world):
    d = ministry_decision()
    page = world.cast.client(world.cast.officer_a).get(reverse("decision_detail", args=[d.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "401/QĐ-BCA" in text and "Công an tỉnh Bắc Giang" in text and "Đã ghi" in text
    assert reverse("decision_sign", args=[d.pk]) not in text and "Hủy bỏ dòng" not in text


def test_the_ministry_list_offers_the_documents_and_the_decisions(world):
    page = world.cast.client(world.cast.approver).get(reverse("decision_list"))
    assert page.status_code == 200
    assert "401/QĐ-BCA" in page.content.decode() and "320/QĐ-TTg" in page.content.decode()


def test_the_approver_signs_a_draft_through_the_confirmation_page(world):
    p = officer(world, "QD-PAGE", "Vũ Thị Lan")
    draft = create_draft(
        by=world.cast.approver,
        summary="Về việc tặng Bằng khen của Bộ trưởng Bộ Công an",
        year=2024,
        lines=[LineInput(award_code="bang_khen_bo_cong_an", unit=p.current_unit, person=p)],
    )
    client = world.cast.client(world.cast.approver)
    form = client.get(reverse("decision_sign", args=[draft.pk]))
    assert form.status_code == 200 and "Ký ban hành" in form.content.decode()
    response = client.post(
        reverse("decision_sign", args=[draft.pk]),
        {"seq": 12, "date": "05/03/2025", "signer_name": "Người ký", "version": draft.version},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "signed" and draft.number == "12/QĐ-BCA"
    assert Commendation.objects.filter(person=p, decision_no="12/QĐ-BCA").exists()


def test_a_forged_proposal_in_the_draft_form_is_refused_and_nothing_written(world):
    client = world.cast.client(world.cast.approver)
    before = (Decision.objects.count(), AuditRecord.objects.count())
    response = client.post(
        reverse("decision_draft", args=[2021, 3]), {"authority": "BCA", "proposals": [987654]}
    )
    assert response.status_code == 422
    assert "không có trong danh sách đề nghị đã được Bộ phê duyệt" in response.content.decode()
    assert (Decision.objects.count(), AuditRecord.objects.count()) == before


def test_revoking_a_line_on_its_page_records_the_reason(world):
    d = ministry_decision()
    line = d.lines.get(unit__code="bac-kan")
    client = world.cast.client(world.cast.approver)
    response = client.post(
        reverse("decision_line_revoke", args=[d.pk, line.pk]),
        {
            "version": d.version,
            "decision_no": "88/QĐ-BCA",
            "decision_date": "01/06/2022",
            "ground": "vi_pham_trong_thoi_gian_tinh_thanh_tich",
            "reason": "Vi phạm trong thời gian tính thành tích",
        },
    )
    assert response.status_code == 302
    record = Commendation.objects.get(pk=line.commendation_id)
    assert record.revoked and record.revocation_reason == "Vi phạm trong thời gian tính thành tích"
    page = client.get(reverse("decision_detail", args=[d.pk])).content.decode()
    assert "Đã hủy bỏ" in page


def test_the_page_downloads_the_pdf(world):
    d = ministry_decision()
    response = world.cast.client(world.cast.viewer).get(
        reverse("decision_document", args=[d.pk, "pdf"])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_decision_page_writes_each_reward_the_vietnamese_way(world):
    """The demo's 401/QĐ-BCA gives each Ministry flag 8 × 1.490.000 đ: shown as 11.920.000 đ."""
    d = ministry_decision()
    text = world.cast.client(world.cast.approver).get(reverse("decision_detail", args=[d.pk]))
    text = text.content.decode()
    assert "11.920.000 đ" in text and "11920000" not in text
