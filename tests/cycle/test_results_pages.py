"""The results pages of Cluster 3 / 2025 (in progress), as the unit officers and the secretariat use them.

Lào Cai has a draft (canbo.laocai); Cao Bằng, Điện Biên and Sơn La have submitted; Lai Châu and
Tuyên Quang have not started. The secretariat is Cao Bằng's (thuongtruc.caobang).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.files import tiny_pdf
from thidua.cycle.models import Evidence, ResultSheet
from thidua.cycle.results.forms import NO, REMARK_SUFFIX, YES, show_value
from thidua.org.models import User

pytestmark = pytest.mark.django_db

PDF = tiny_pdf("Báo cáo TP1")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def sheet_url(code: str = "lao-cai-2025", name: str = "cycle_result_sheet") -> str:
    return reverse(name, args=[2025, 3, code])


def lao_cai() -> ResultSheet:
    return ResultSheet.objects.get(
        cycle__cluster__year=2025, cycle__cluster__number=3, unit__code="lao-cai-2025"
    )


def form_data(sheet: ResultSheet, **changes) -> dict:
    """What the page's form posts for this sheet, as a user would type it, with changes."""
    data = {"version": sheet.version}
    for code, value in sheet.values.items():
        data[code] = (YES if value else NO) if isinstance(value, bool) else show_value(value)
    for code, text in sheet.remarks.items():
        data[code + REMARK_SUFFIX] = text
    data.update(changes)
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_unit_officer_saves_a_draft_then_submits_and_sees_the_explained_self_assessment():
    officer = client_for("canbo.laocai")
    page = officer.get(sheet_url())
    assert page.status_code == 200
    assert b'name="TP1"' in page.content and "Lưu nháp" in page.content.decode()
    sheet = lao_cai()
    # Vietnamese notation: decimal comma and thousands dots; DA2 left blank (missing, not zero).
    data = form_data(sheet, TP1="92,5", DA1="533.300", DA2="")
    response = officer.post(sheet_url(), data)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.values["TP1"], sheet.values["DA1"]) == ("92.5", "533300")
    assert "DA2" not in sheet.values
    assert sheet.state == ResultSheet.State.DRAFT

    response = officer.post(sheet_url(name="cycle_result_submit"), form_data(sheet))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == ResultSheet.State.SUBMITTED
    assert sheet.submitted_by.username == "canbo.laocai"

    page = officer.get(sheet_url()).content.decode()
    assert "Kết quả tự chấm" in page and "Tổng điểm =" in page
    assert "92,5% ≥ chỉ tiêu 76%: đạt tối đa 10 điểm" in page  # the engine's explanation
    assert "Chưa có số liệu — tính 0 điểm theo quy định" in page  # DA2, said so
    assert "Thiếu số liệu" in page
    assert 'name="TP1"' not in page and "chỉ còn để xem" in page  # read-only, said so
    assert "Lò Văn Sơn" in page  # submitted by


def test_a_bare_submit_submits_the_saved_draft_without_touching_it():
    officer = client_for("canbo.laocai")
    before = dict(lao_cai().values)
    response = officer.post(sheet_url(name="cycle_result_submit"), {"version": lao_cai().version})
    assert response.status_code == 302
    sheet = lao_cai()
    assert sheet.state == ResultSheet.State.SUBMITTED and sheet.values == before


def test_submitting_without_a_required_value_is_refused_and_nothing_is_saved():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    response = officer.post(
        sheet_url(name="cycle_result_submit"), form_data(sheet, TP1="", TP2="97")
    )
    assert response.status_code == 422
    assert "Tỷ lệ điều tra khám phá án hình sự: chưa nhập số liệu" in response.content.decode()
    after = lao_cai()
    assert after.state == ResultSheet.State.DRAFT
    assert after.values == sheet.values and after.version == sheet.version  # not even the draft


def test_bad_numbers_and_missing_remarks_are_named_per_criterion():
    officer = client_for("canbo.laocai")
    sheet = lao_cai()
    data = form_data(sheet, TP1="chín mươi", ANQG1="6,5", **{"ANQG1" + REMARK_SUFFIX: ""})
    response = officer.post(sheet_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "“chín mươi” không phải là số" in page
    assert "Chấm dưới điểm tối đa: phải ghi nhận xét" in page
    assert lao_cai().values == sheet.values


def test_second_writer_of_the_same_sheet_is_told_and_nothing_is_overwritten():
    first, second = client_for("canbo.laocai"), client_for("canbo.lao-cai-2025")
    loaded = lao_cai()  # both opened the page at this version
    assert first.post(sheet_url(), form_data(loaded, TP1="90")).status_code == 302
    response = second.post(sheet_url(), form_data(loaded, TP1="80"))
    assert response.status_code == 409
    assert "đã được người khác cập nhật" in response.content.decode()
    assert Decimal(lao_cai().values["TP1"]) == 90


def test_other_unit_officer_gets_404_for_a_draft():
    other = client_for("canbo.cao-bang")
    assert other.get(sheet_url()).status_code == 404
    assert other.post(sheet_url(), form_data(lao_cai(), TP1="1")).status_code == 404
    assert other.post(sheet_url(name="cycle_result_submit")).status_code == 404
    # …and a submitted sheet of another unit is not theirs either while reporting is open.
    assert other.get(sheet_url("son-la")).status_code == 404


def test_unit_officer_sees_only_their_own_row_on_the_list():
    page = client_for("canbo.laocai").get(reverse("cycle_results", args=[2025, 3])).content.decode()
    assert "Công an tỉnh Lào Cai" in page and sheet_url() in page
    assert "Cao Bằng" not in page.split('id="sheets"')[1]


def test_secretariat_sees_every_members_state_in_a_constant_number_of_queries(
    django_assert_max_num_queries,
):
    secretariat = client_for("thuongtruc.caobang")
    url = reverse("cycle_results", args=[2025, 3])
    with django_assert_max_num_queries(14):
        page = secretariat.get(url).content.decode()
    table = page.split('id="sheets"')[1]
    for name in ("Cao Bằng", "Điện Biên", "Sơn La", "Lào Cai", "Lai Châu", "Tuyên Quang"):
        assert name in table
    assert table.count("Chưa nhập") == 2 and table.count("badge--submitted") == 3
    # The 2021 year has 8 members, 2025 six: the same number of queries.
    with CaptureQueriesContext(connection) as six:
        secretariat.get(url)
    six = len(six)  # read now: the next request resets the connection's query log
    other, other_url = client_for("thuongtruc.yenbai"), reverse("cycle_results", args=[2021, 3])
    other.get(other_url)  # the first request of a session warms caches on both sides
    with CaptureQueriesContext(connection) as eight:
        other.get(other_url)
    assert six == len(eight)


def test_submitted_sheet_is_read_only_to_its_unit():
    officer = client_for("canbo.cao-bang")
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="cao-bang")
    page = officer.get(sheet_url("cao-bang")).content.decode()
    assert "Đã gửi" in page and 'name="TP1"' not in page
    response = officer.post(sheet_url("cao-bang"), form_data(sheet, TP1="50"), follow=True)
    assert "Số liệu đã gửi: không thể sửa" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.values["TP1"] != "50"


def test_secretariat_returns_with_a_required_reason_and_the_unit_sees_it():
    secretariat = client_for("thuongtruc.caobang")
    url = sheet_url("son-la", "cycle_result_return")
    response = secretariat.post(url, {"reason": "  "})
    assert response.status_code == 422 and "Phải nêu lý do trả lại" in response.content.decode()
    response = secretariat.post(url, {"reason": "Thiếu minh chứng tỷ lệ khám phá án."})
    assert response.status_code == 302
    sheet = ResultSheet.objects.get(cycle__cluster__year=2025, unit__code="son-la")
    assert (sheet.state, sheet.revision) == (ResultSheet.State.RETURNED, 2)
    page = client_for("canbo.son-la").get(sheet_url("son-la")).content.decode()
    assert "Thiếu minh chứng tỷ lệ khám phá án." in page and 'name="TP1"' in page
    # Only the secretariat returns: the unit officer may not.
    assert client_for("canbo.son-la").post(url, {"reason": "x"}).status_code == 403


def test_evidence_with_a_wrong_type_or_too_big_is_refused_in_vietnamese(media):
    officer = client_for("canbo.laocai")
    url = sheet_url(name="cycle_evidence_upload")
    cases = [
        (SimpleUploadedFile("baocao.exe", b"MZ\x90\x00"), "Loại tệp “.exe” không được nhận"),
        (SimpleUploadedFile("baocao.pdf", b"MZ\x90\x00 not a pdf"), "Nội dung tệp không phải PDF"),
        (SimpleUploadedFile("lon.pdf", PDF + b"0" * (10 * 1024 * 1024)), "Tệp quá lớn"),
    ]
    for upload, message in cases:
        response = officer.post(url, {"criterion": "TP1", "file": upload})
        assert response.status_code == 422
        assert message in response.content.decode()
    response = officer.post(url, {"criterion": "", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 422
    assert not Evidence.objects.filter(sheet=lao_cai()).exists()
    assert not any(media.rglob("*.*"))


def test_evidence_is_served_only_to_those_who_may_see_the_sheet(media):
    officer = client_for("canbo.laocai")
    upload = SimpleUploadedFile("Báo cáo TP1.pdf", PDF, content_type="application/pdf")
    response = officer.post(
        sheet_url(name="cycle_evidence_upload"), {"criterion": "TP1", "file": upload}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(sheet=lao_cai())
    assert (evidence.criterion, evidence.original_name, evidence.size) == (
        "TP1",
        "Báo cáo TP1.pdf",
        len(PDF),
    )
    url = reverse("cycle_evidence_download", args=[2025, 3, "lao-cai-2025", evidence.pk])
    assert url in officer.get(sheet_url()).content.decode()  # listed on its criterion

    download = officer.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert client_for("thuongtruc.caobang").get(url).status_code == 200
    assert client_for("canbo.cao-bang").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    # No public media URL serves it.
    assert Client().get("/" + evidence.file.url.lstrip("/")).status_code == 404
    assert client_for("canbo.laocai").get("/media/" + evidence.file.name).status_code == 404


def test_an_upload_from_the_page_answers_with_the_card_and_the_criterions_files(media):
    officer = client_for("canbo.laocai")
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(image, "PNG")  # a real image: uploads are opened
    upload = SimpleUploadedFile("anh.png", image.getvalue())
    response = officer.post(
        sheet_url(name="cycle_evidence_upload"),
        {"criterion": "DA1", "file": upload},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="minh-chung"' in page and 'id="ev-DA1" hx-swap-oob="true"' in page
    assert "anh.png" in page and "Đã tải lên tệp minh chứng." in page
    refused = officer.post(
        sheet_url(name="cycle_evidence_upload"),
        {"criterion": "DA1", "file": SimpleUploadedFile("x.txt", b"abc")},
        HTTP_HX_REQUEST="true",
    )
    assert (
        refused.status_code == 422 and "Loại tệp “.txt” không được nhận" in refused.content.decode()
    )
