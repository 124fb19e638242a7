"""The documents of every cluster of a year, as one ZIP: what is inside (opened), the progress per
cluster, and who may make it for which clusters."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from django.urls import reverse

from tests.jobs.conftest import RecordingRun
from thidua.documents import tasks
from thidua.jobs.models import Job

pytestmark = pytest.mark.django_db

FILES = [
    "cum-3/bao-cao-tong-ket-cum-3-2021.docx",
    "cum-3/bao-cao-tong-ket-cum-3-2021.pdf",
    "cum-3/bien-ban-hop-cum-cum-3-2021.docx",
    "cum-3/bien-ban-hop-cum-cum-3-2021.pdf",
    "cum-3/to-trinh-de-nghi-khen-thuong-cum-3-2021.docx",
    "cum-3/to-trinh-de-nghi-khen-thuong-cum-3-2021.pdf",
    "cum-3/bang-tong-hop-diem-cum-3-2021.xlsx",
    "cum-3/bang-tong-hop-diem-cum-3-2021.pdf",
]


def run_documents(user, year: int) -> RecordingRun:
    choices = tasks.clusters_in_scope(user, year)
    job = Job.objects.create(
        kind=Job.Kind.DOCUMENTS_YEAR,
        owner=user,
        title="Văn bản",
        params={"year": year, "clusters": [c.cluster.pk for c in choices]},
        state=Job.State.RUNNING,
    )
    run = RecordingRun(job)
    tasks.documents_year(run)
    return run


def test_the_zip_holds_every_document_of_each_ranked_cluster_and_they_open(world):
    run = run_documents(world.cast.approver, 2021)
    stored, name, content_type = run.result
    assert (name, content_type) == ("van-ban-tong-ket-cac-cum-khoi-2021.zip", "application/zip")
    from django.core.files.storage import default_storage

    with default_storage.open(stored, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted([*FILES, "DANH-SACH.txt"])

    report = docx.Document(io.BytesIO(archive.read(FILES[0])))
    assert "BÁO CÁO" in [p.text for p in report.paragraphs]
    assert report.tables[0].cell(1, 1).text == "Yên Bái, ngày 03 tháng 12 năm 2021"
    minutes = docx.Document(io.BytesIO(archive.read(FILES[2])))
    assert any("BIÊN BẢN" in p.text for p in minutes.paragraphs)
    scores = openpyxl.load_workbook(io.BytesIO(archive.read(FILES[6]))).active
    names = [c.value for c in scores["B"] if c.value and str(c.value).startswith("Công an tỉnh")]
    assert names[0] == "Công an tỉnh Yên Bái" and len(names) == 8
    for pdf in (f for f in FILES if f.endswith(".pdf")):
        body = archive.read(pdf)
        assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF"), pdf

    listing = archive.read("DANH-SACH.txt").decode()
    assert "VĂN BẢN TỔNG KẾT CÁC CỤM, KHỐI THI ĐUA NĂM 2021" in listing
    assert "Cụm thi đua số 3: 8 tệp trong thư mục cum-3/" in listing


def test_progress_is_reported_per_cluster_and_document_and_ends_complete(world):
    run = run_documents(world.cast.approver, 2021)
    dones = [done for done, _, _ in run.reports]
    assert dones == sorted(dones) and dones[-1] == run.total == 8
    steps = [step for _, _, step in run.reports]
    assert "Cụm thi đua số 3 (1/1): đang tổng hợp số liệu…" in steps
    assert "Cụm thi đua số 3 (1/1): Báo cáo tổng kết (Word)" in steps
    assert "Cụm thi đua số 3 (1/1): Bảng tổng hợp điểm (PDF)" in steps
    assert steps[-1] == "Đang lưu tệp nén…"


def test_clusters_not_ready_are_counted_listed_with_the_reason_and_skipped(world):
    scope = tasks.clusters_in_scope(world.cast.approver, 2025)
    assert scope and not any(c.ready for c in scope)
    reasons = {c.reason for c in scope}
    assert reasons <= {
        "chưa mở năm thi đua trên hệ thống",
        "chưa có bảng tổng hợp điểm, xếp hạng",
    }
    page = world.cast.client(world.cast.approver).get(reverse("jobs_documents_year", args=[2025]))
    html = page.content.decode()
    assert "Chưa có bảng tổng hợp điểm, xếp hạng" in html
    assert 'id="start-documents" disabled' in html
    refused = world.cast.client(world.cast.approver).post(
        reverse("jobs_documents_year", args=[2025]), follow=True
    )
    assert "chưa có văn bản để lập" in refused.content.decode()
    assert not Job.objects.exists()


def test_a_secretariat_makes_the_documents_of_the_clusters_it_leads_only(world):
    secretariat = world.cast.secretariat  # Yên Bái leads Cụm 3 / 2021
    scope = tasks.clusters_in_scope(secretariat, 2021)
    assert [c.cluster.number for c in scope] == [3]
    client = world.cast.client(secretariat)
    assert client.get(reverse("jobs_documents_year", args=[2021])).status_code == 200
    response = client.post(reverse("jobs_documents_year", args=[2021]))
    job = Job.objects.get(owner=secretariat)
    assert response["Location"] == job.get_absolute_url()
    assert job.params["clusters"] == [scope[0].cluster.pk]
    # A year in which Yên Bái leads no cluster: nothing in scope.
    assert client.get(reverse("jobs_documents_year", args=[2025])).status_code == 404


def test_unit_officers_inspectors_and_viewers_cannot_start_it(world):
    for who in ("officer_a", "inspector", "viewer"):
        client = world.cast.client(getattr(world.cast, who))
        assert client.post(reverse("jobs_documents_year", args=[2021])).status_code == 403
    assert not Job.objects.exists()
