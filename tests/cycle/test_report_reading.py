"""“Đọc số liệu từ báo cáo” (issue 19) on Cluster 3 / 2025: Lào Cai's officer (canbo.laocai) uploads
the unit's year-end report, reviews each suggested value beside its criterion with the sentence it
came from, accepts; the secretariat (thuongtruc.caobang) then sees which sentence each value came
from. Nothing enters the sheet without the officer's click."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.audit.models import AuditRecord
from thidua.cycle.models import ReportReading, ResultSheet
from thidua.org.models import User

pytestmark = pytest.mark.django_db

REPORT = """BÁO CÁO TỔNG KẾT CÔNG TÁC NĂM 2025 — CÔNG AN TỈNH LÀO CAI
Năm 2025, tỷ lệ điều tra khám phá án hình sự đạt 91,6%, vượt 15,6% chỉ tiêu Bộ giao.
Tỷ lệ giải quyết tin báo, tố giác tội phạm và kiến nghị khởi tố đạt 94,2%.
Bắt giữ 312 vụ/ 428 đối tượng phạm tội về ma túy.
""".encode()


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, *extra, code: str = "lao-cai-2025") -> str:
    return reverse(name, args=[2025, 3, code, *extra])


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(
        cycle__cluster__year=2025, cycle__cluster__number=3, unit__code="lao-cai-2025"
    )


def upload(client: Client, content: bytes = REPORT, name: str = "bao-cao-2025.txt"):
    return client.post(
        url("cycle_reading_upload"), {"file": SimpleUploadedFile(name, content)}, follow=False
    )


def test_officer_uploads_the_report_and_sees_suggestions_but_the_sheet_is_unchanged():
    officer = client_for("canbo.laocai")
    before = dict(lao_cai().values)
    response = upload(officer)
    assert response.status_code == 302
    reading = ReportReading.objects.get(sheet=lao_cai())
    assert response["Location"] == url("cycle_reading_review", reading.pk)
    page = officer.get(response["Location"]).content.decode()
    assert "Tỷ lệ điều tra khám phá án hình sự" in page
    assert "<mark>91,6%</mark>" in page
    assert 'name="value_TP1" id="value-TP1" value="91,6"' in page
    assert "điểm phần trăm hoặc phần trăm của chỉ tiêu" in page  # "vượt 15,6%" is flagged
    assert lao_cai().values == before
    assert reading.file.read() == REPORT  # the report is kept as evidence


def test_officer_accepts_a_corrected_value_and_the_secretariat_sees_its_sentence():
    officer = client_for("canbo.laocai")
    upload(officer)
    reading = ReportReading.objects.get(sheet=lao_cai())
    sheet = lao_cai()
    response = officer.post(
        url("cycle_reading_accept", reading.pk),
        {"version": sheet.version, "accept": ["TP1"], "value_TP1": "91,7", "value_TP4": "94,2"},
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.values["TP1"] == "91.7"
    assert sheet.values.get("TP4") != "94.2"  # not ticked: not taken
    reading.refresh_from_db()
    assert reading.accepted["TP1"]["value"] == "91.7"
    assert reading.accepted["TP1"]["suggested"] == 91.6
    assert AuditRecord.objects.filter(
        model__icontains="reportreading", object_pk=str(reading.pk), action="update"
    ).exists()
    page = client_for("thuongtruc.caobang").get(url("cycle_result_sheet")).content.decode()
    assert "<mark>91,6%</mark>" in page
    assert "đã sửa so với gợi ý 91,6" in page


def test_accept_all_takes_every_suggestion_in_one_step():
    officer = client_for("canbo.laocai")
    upload(officer)
    reading = ReportReading.objects.get(sheet=lao_cai())
    sheet = lao_cai()
    data = {"version": sheet.version, "action": "all"}
    data |= {
        f"value_{s['criterion']}": str(s["value"]).replace(".", ",") for s in reading.suggestions
    }
    assert officer.post(url("cycle_reading_accept", reading.pk), data).status_code == 302
    sheet.refresh_from_db()
    assert (sheet.values["TP1"], sheet.values["TP4"]) == ("91.6", "94.2")


def test_a_value_the_scale_refuses_changes_nothing():
    officer = client_for("canbo.laocai")
    upload(officer)
    reading = ReportReading.objects.get(sheet=lao_cai())
    sheet = lao_cai()
    before = dict(sheet.values)
    response = officer.post(
        url("cycle_reading_accept", reading.pk),
        {
            "version": sheet.version,
            "accept": ["TP1", "TP4"],
            "value_TP1": "chín mươi",  # words: the report's reader reads them, a value cell not
            "value_TP4": "94,2",
        },
    )
    assert response.status_code == 422
    assert "không phải là số" in response.content.decode()
    assert lao_cai().values == before
    reading.refresh_from_db()
    assert reading.accepted == {}


def test_a_value_changed_by_hand_afterwards_no_longer_names_the_report():
    officer = client_for("canbo.laocai")
    upload(officer)
    reading = ReportReading.objects.get(sheet=lao_cai())
    sheet = lao_cai()
    officer.post(
        url("cycle_reading_accept", reading.pk),
        {"version": sheet.version, "accept": ["TP1"], "value_TP1": "91,6"},
    )
    assert "<mark>91,6%</mark>" in officer.get(url("cycle_result_sheet")).content.decode()
    sheet.refresh_from_db()
    sheet.save_values(
        by=User.objects.get(username="canbo.laocai"),
        values={**sheet.values, "TP1": "90"},
        remarks=sheet.remarks,
    )
    assert "<mark>91,6%</mark>" not in officer.get(url("cycle_result_sheet")).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"%PDF-1.4 rac", "PDF bị hỏng"),
        ("bao-cao.xlsx", b"PK\x03\x04", "Chỉ đọc được báo cáo dạng DOCX, PDF hoặc TXT"),
        ("bao-cao.txt", "Năm 2025 tình hình ổn định.".encode(), "Không tìm thấy số liệu nào"),
    ],
)
def test_a_file_that_is_not_a_readable_report_is_refused_in_vietnamese(name, content, message):
    response = upload(client_for("canbo.laocai"), content, name)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ReportReading.objects.exists()


def test_another_units_officer_can_neither_read_a_report_into_nor_accept_into_the_sheet():
    upload(client_for("canbo.laocai"))
    reading = ReportReading.objects.get(sheet=lao_cai())
    stranger = client_for("canbo.bacgiang")
    assert upload(stranger).status_code in (403, 404)
    response = stranger.post(
        url("cycle_reading_accept", reading.pk), {"accept": ["TP1"], "value_TP1": "1"}
    )
    assert response.status_code in (403, 404)
    assert "TP1" not in ReportReading.objects.get(pk=reading.pk).accepted


def test_the_secretariat_can_review_but_not_accept_a_units_reading():
    upload(client_for("canbo.laocai"))
    reading = ReportReading.objects.get(sheet=lao_cai())
    secretariat = client_for("thuongtruc.caobang")
    page = secretariat.get(url("cycle_reading_review", reading.pk))
    assert page.status_code == 200 and "Nhận tất cả" not in page.content.decode()
    response = secretariat.post(url("cycle_reading_accept", reading.pk), {"action": "all"})
    assert response.status_code == 403


def test_the_inspector_sees_the_sentence_behind_the_units_reported_value(world):
    """Yên Bái 2021, inspected by Team 1 (the cast's inspector): its TP1 came from its report."""
    from thidua.cycle.models import Cycle
    from thidua.cycle.scoring import scale_of
    from thidua.engine.extract import find_figures, suggest

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
    sheet = ResultSheet.objects.get(cycle=world.cycle2021, unit__code="yen-bai")
    text = "Tỷ lệ điều tra khám phá án hình sự đạt 92,1%, cao nhất Cụm."
    figures = find_figures(text)
    (suggestion,) = suggest(scale_of(world.cycle2021.method), figures)
    assert sheet.values["TP1"] == "92.1"
    reading = ReportReading.objects.create(
        sheet=sheet,
        file="bao-cao/2021/cum-3/yen-bai/bao-cao.txt",
        original_name="Báo cáo tổng kết Yên Bái.txt",
        content_type="text/plain; charset=utf-8",
        size=len(text),
        sha256="0" * 64,
        text=text,
        figures=[f.to_dict() for f in figures],
        suggestions=[suggestion.to_dict()],
        accepted={"TP1": {"value": "92.1", "figure": 0, "suggested": 92.1, "by": None, "at": ""}},
        uploaded_by=User.objects.get(username="canbo.laocai"),
    )
    inspection = world.inspection("yen-bai")
    page = world.cast.client(world.cast.inspector).get(
        reverse("cycle_inspection", args=[2021, 3, inspection.pk])
    )
    html = page.content.decode()
    row = html.split('id="tc-TP1"')[1].split("</tr>")[0]
    assert "<mark>92,1%</mark>" in row
    download = reverse("cycle_reading_download", args=[2021, 3, "yen-bai", reading.pk])
    assert download in row  # the team opens the report during the cross-inspection


def test_a_docx_report_with_a_table_is_read(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Báo cáo tổng kết công tác năm 2025.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Chỉ tiêu", "ĐVT", "Kết quả"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["Tỷ lệ điều tra khám phá án hình sự", "%", "89,4"], strict=True
    ):
        cell.text = text
    path = tmp_path / "bao-cao.docx"
    document.save(path)
    response = upload(client_for("canbo.laocai"), path.read_bytes(), "Báo cáo 2025.docx")
    assert response.status_code == 302
    reading = ReportReading.objects.get(sheet=lao_cai())
    assert reading.suggestion_for("TP1")["value"] == 89.4
    assert reading.content_type.endswith("wordprocessingml.document")
