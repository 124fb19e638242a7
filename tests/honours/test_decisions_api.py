"""The decisions API: real requests with bearer tokens, Vietnamese errors, nothing written on
a refusal (issue 16)."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.api.models import ApiToken
from thidua.audit.models import AuditRecord
from thidua.honours.models import Commendation, Decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_decisions(world):
    """The demo's signed decisions of Cluster 3 / 2021 (load_demo makes them)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions

    return build_demo_decisions(world.cycle2021)


def api(user) -> Client:
    token = ApiToken.issue(user, "kiểm thử quyết định")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def ministry_decision() -> Decision:
    return Decision.objects.get(cluster__year=2021, cluster__number=3, authority="BCA")


def test_a_recipient_unit_reads_the_signed_decision_with_its_lines(world):
    d = ministry_decision()
    response = api(world.cast.officer_a).get(f"/api/v1/decisions/{d.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "401/QĐ-BCA" and body["state"] == "signed"
    names = {line["unit"]["code"] for line in body["lines"]}
    assert "bac-giang" in names and len(body["lines"]) == 7
    assert all(line["commendation_id"] for line in body["lines"])


def test_another_clusters_officer_does_not_see_it(world):
    d = ministry_decision()
    assert api(world.cast.officer_b).get(f"/api/v1/decisions/{d.pk}").status_code == 404
    listed = api(world.cast.officer_b).get("/api/v1/decisions").json()
    assert d.pk not in {row["id"] for row in listed}


def test_a_proposal_not_in_the_approved_list_is_refused_and_nothing_written(world):
    other = world.cycle2025.proposals.first() or world.cycle2021.proposals.first()
    client = api(world.cast.approver)
    before = (Decision.objects.count(), AuditRecord.objects.count())
    response = client.post(
        "/api/v1/clusters/2021/3/decisions",
        {"authority": "BCA", "proposals": [other.pk, 999999]},
        content_type="application/json",
    )
    assert response.status_code == 422
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "Đề nghị số 999999: không có trong danh sách đề nghị đã được Bộ phê duyệt" in messages
    assert (Decision.objects.count(), AuditRecord.objects.count()) == before


def test_signing_a_signed_decision_again_is_409_in_vietnamese(world):
    d = ministry_decision()
    response = api(world.cast.approver).post(
        f"/api/v1/decisions/{d.pk}/sign",
        {"seq": 402, "date": "2022-01-21", "signer_name": "A", "version": d.version},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "đã được ký" in response.json()["detail"]


def test_revoking_a_line_through_the_api_revokes_its_record_and_audits_it(world):
    d = ministry_decision()
    line = d.lines.get(unit__code="phu-tho")
    response = api(world.cast.approver).post(
        f"/api/v1/decisions/{d.pk}/lines/{line.pk}/revoke",
        {
            "decision_no": "77/QĐ-BCA",
            "decision_date": "2022-05-01",
            "ground": "xet_duyet_trai_quy_dinh",
            "reason": "Xét duyệt trái quy định",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    record = Commendation.objects.get(pk=line.commendation_id)
    assert record.revoked and record.revocation_decision_no == "77/QĐ-BCA"
    assert AuditRecord.objects.filter(
        action="revoke", model="honours.commendation", object_pk=str(record.pk)
    ).exists()
    again = api(world.cast.approver).post(
        f"/api/v1/decisions/{d.pk}/lines/{line.pk}/revoke",
        {
            "decision_no": "78/QĐ-BCA",
            "decision_date": "2022-05-02",
            "ground": "xet_duyet_trai_quy_dinh",
            "reason": "Lần hai",
        },
        content_type="application/json",
    )
    assert again.status_code == 409


def test_a_unit_officer_may_not_sign_or_revoke(world):
    d = ministry_decision()
    response = api(world.cast.officer_a).post(
        f"/api/v1/decisions/{d.pk}/revoke",
        {
            "decision_no": "1",
            "decision_date": "2022-05-01",
            "ground": "gian_doi_ke_khai",
            "reason": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_decision_document_downloads_as_pdf_and_docx(world):
    d = ministry_decision()
    client = api(world.cast.viewer)
    pdf = client.get(f"/api/v1/decisions/{d.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "quyet-dinh-401-qd-bca-2022.pdf" in pdf["Content-Disposition"]
    docx = client.get(f"/api/v1/decisions/{d.pk}/document.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(f"/api/v1/decisions/{d.pk}/document.xlsx").status_code == 404
