"""The documents page, its downloads, the API endpoint and the management command."""

from __future__ import annotations

import io
import json

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from thidua.cycle.models import Cycle

pytestmark = pytest.mark.django_db
PAGE = "/cum-thi-dua/2021/3/thi-dua/van-ban/"
API = "/api/v1/clusters/2021/3/documents/"
SIGNATURES = {"docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04", "pdf": b"%PDF-"}


def test_documents_page_lists_the_four_documents_with_their_formats(
    world, django_assert_max_num_queries
):
    client = world.cast.client(world.cast.officer_a)
    with django_assert_max_num_queries(20):
        response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Báo cáo tổng kết",
        "Biên bản họp Cụm",
        "Tờ trình đề nghị khen thưởng",
        "Bảng tổng hợp điểm",
    ):
        assert title in html
    links = [
        reverse("cycle_document", args=[2021, 3, kind, ext])
        for kind, ext in [
            ("report", "docx"),
            ("report", "pdf"),
            ("minutes", "docx"),
            ("minutes", "pdf"),
            ("submission", "docx"),
            ("submission", "pdf"),
            ("scores", "xlsx"),
            ("scores", "pdf"),
        ]
    ]
    assert all(f'href="{link}"' in html for link in links)
    assert "Dữ liệu minh họa" in html
    assert 'style="' not in html  # the CSP forbids inline styles


@pytest.mark.parametrize(
    ("kind", "ext", "name"),
    [
        ("report", "docx", "bao-cao-tong-ket-cum-3-2021.docx"),
        ("minutes", "pdf", "bien-ban-hop-cum-cum-3-2021.pdf"),
        ("scores", "xlsx", "bang-tong-hop-diem-cum-3-2021.xlsx"),
    ],
)
def test_a_member_downloads_a_document_as_an_attachment(world, kind, ext, name):
    response = world.cast.client(world.cast.viewer).get(f"{PAGE}{kind}.{ext}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content.startswith(SIGNATURES[ext])


def test_unknown_kind_or_format_is_not_found(world):
    client = world.cast.client(world.cast.secretariat)
    assert client.get(f"{PAGE}khac.docx").status_code == 404
    assert client.get(f"{PAGE}report.xlsx").status_code == 404
    assert client.get(f"{PAGE}scores.docx").status_code == 404


def test_an_officer_of_another_cluster_gets_not_found_on_page_and_api(world):
    client = world.cast.client(world.cast.officer_b)
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}report.pdf").status_code == 404
    response = client.get(f"{API}report.pdf")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Không tìm thấy")


def test_anonymous_visitors_are_sent_to_login_and_the_api_answers_401(world):
    from django.test import Client

    response = Client().get(f"{PAGE}report.docx")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = Client().get(f"{API}report.docx")
    assert response.status_code == 401
    assert "đăng nhập" in response.json()["detail"]


def test_api_returns_the_same_document_as_the_page(world):
    client = world.cast.client(world.cast.approver)
    response = client.get(f"{API}report.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        response["Content-Disposition"] == 'attachment; filename="bao-cao-tong-ket-cum-3-2021.docx"'
    )
    paragraphs = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "BÁO CÁO" in paragraphs
    sheet = client.get(f"{API}scores.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(sheet.content)).active
    assert ws["A5"].value == "BẢNG TỔNG HỢP ĐIỂM, XẾP HẠNG"


def test_api_explains_unknown_kinds_and_formats_in_vietnamese(world):
    client = world.cast.client(world.cast.secretariat)
    response = client.get(f"{API}quyet-dinh.pdf")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không có loại văn bản “quyet-dinh”. Các loại: report, minutes, submission, scores."
    }
    response = client.get(f"{API}scores.docx")
    assert response.status_code == 404
    assert (
        response.json()["detail"] == "Văn bản “scores” không có định dạng “docx” (có: xlsx, pdf)."
    )


def test_a_year_without_ranking_has_no_documents_yet(world):
    approver = world.cast.client(world.cast.approver)
    response = approver.get("/api/v1/clusters/2025/3/documents/report.pdf")
    assert response.status_code == 409
    assert "xếp hạng" in response.json()["detail"]
    page = approver.get("/cum-thi-dua/2025/3/thi-dua/van-ban/")
    assert page.status_code == 200 and "Chưa lập được văn bản" in page.content.decode()
    download = approver.get("/cum-thi-dua/2025/3/thi-dua/van-ban/report.docx")
    assert download.status_code == 302 and download["Location"].endswith("/van-ban/")


def test_members_wait_for_the_ranking_stage_while_the_secretariat_may_draft(world):
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.VOTING)
    assert world.cast.client(world.cast.officer_a).get(f"{API}scores.xlsx").status_code == 200
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
    response = world.cast.client(world.cast.officer_a).get(f"{API}scores.xlsx")
    assert response.status_code == 409
    assert "chưa được công bố" in json.loads(response.content)["detail"]
    assert world.cast.client(world.cast.secretariat).get(f"{API}scores.xlsx").status_code == 200


def test_management_command_writes_every_document_of_the_year(world, tmp_path):
    out = io.StringIO()
    call_command("documents", cluster=3, year=2021, out=tmp_path / "van-ban", stdout=out)
    files = sorted(p.name for p in (tmp_path / "van-ban").iterdir())
    assert files == [
        "bang-tong-hop-diem-cum-3-2021.pdf",
        "bang-tong-hop-diem-cum-3-2021.xlsx",
        "bao-cao-tong-ket-cum-3-2021.docx",
        "bao-cao-tong-ket-cum-3-2021.pdf",
        "bien-ban-hop-cum-cum-3-2021.docx",
        "bien-ban-hop-cum-cum-3-2021.pdf",
        "to-trinh-de-nghi-khen-thuong-cum-3-2021.docx",
        "to-trinh-de-nghi-khen-thuong-cum-3-2021.pdf",
    ]
    for path in (tmp_path / "van-ban").iterdir():
        assert path.read_bytes().startswith(SIGNATURES[path.suffix[1:]]), path.name
    document = docx.Document(str(tmp_path / "van-ban" / "bien-ban-hop-cum-cum-3-2021.docx"))
    assert "BIÊN BẢN" in [p.text for p in document.paragraphs]
    assert "Đã ghi 8 tệp" in out.getvalue()


def test_management_command_refuses_a_year_that_cannot_be_reported(world, tmp_path):
    with pytest.raises(CommandError, match="Chưa có bảng tổng hợp điểm"):
        call_command("documents", cluster=3, year=2025, out=tmp_path)
    with pytest.raises(CommandError, match="chưa mở năm thi đua"):
        call_command("documents", cluster=3, year=2019, out=tmp_path)


def test_openapi_documents_the_download_and_its_errors(world):
    spec = world.cast.client(world.cast.viewer).get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/clusters/{year}/{number}/documents/{kind}.{ext}"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "403", "404", "409"}
    content = operation["responses"]["200"]["content"]
    assert content["application/pdf"]["schema"]["format"] == "binary"
    assert "report" in operation["description"] and "scores: xlsx, pdf" in operation["description"]
