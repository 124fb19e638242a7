"""Deadlines: the Ministry's national calendar, a cluster's earlier ones, what each home page shows."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.notifications.conftest import national
from thidua.audit.models import AuditRecord
from thidua.notifications.models import ClusterDeadline, NationalDeadline

pytestmark = pytest.mark.django_db

NATIONAL_URL = "/thoi-han/?nam=2025"
CLUSTER_URL = "/thoi-han/2025/3/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ministry_approver_sets_the_national_calendar_and_it_is_audited(y25):
    response = client_for(y25.approver).post(
        NATIONAL_URL, {"in_progress": "15/12/2025", "approval": "2026-01-20"}
    )
    assert response.status_code == 302
    days = {d.stage: d.due.isoformat() for d in NationalDeadline.objects.filter(year=2025)}
    assert days == {"in_progress": "2025-12-15", "approval": "2026-01-20"}
    audit = AuditRecord.objects.filter(model__icontains="nationaldeadline").order_by("seq")
    assert [(a.action, a.after["stage"], a.after["due"]) for a in audit] == [
        ("create", "in_progress", "2025-12-15"),
        ("create", "approval", "2026-01-20"),
    ]
    assert audit[0].actor_id == y25.approver.pk
    page = client_for(y25.approver).get(NATIONAL_URL).content.decode()
    assert 'value="15/12/2025"' in page


def test_changing_and_removing_a_national_deadline_is_audited_with_its_old_day(y25):
    national(2025, in_progress=y25.days(10))
    client_for(y25.approver).post(NATIONAL_URL, {"approval": "20/01/2026"})
    removed = AuditRecord.objects.filter(model__icontains="nationaldeadline", action="delete").get()
    assert removed.before == {"stage": "in_progress", "due": y25.days(10).isoformat()}
    assert not NationalDeadline.objects.filter(stage="in_progress").exists()


@pytest.mark.parametrize("who", ["secretariat", "late_officer", "outsider"])
def test_only_the_ministry_sets_the_national_calendar(y25, who):
    client = client_for(getattr(y25, who))
    assert client.get(NATIONAL_URL).status_code == 200  # everyone reads it
    response = client.post(NATIONAL_URL, {"in_progress": "15/12/2025"})
    assert response.status_code == 403
    assert not NationalDeadline.objects.exists()


def test_secretariat_sets_an_earlier_deadline_in_its_plan_and_it_is_the_one_in_force(y25):
    national(2025, in_progress=y25.days(20))
    earlier = y25.days(12)
    response = client_for(y25.secretariat).post(
        CLUSTER_URL, {"in_progress": earlier.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 302
    assert ClusterDeadline.objects.get(cycle=y25.cycle, stage="in_progress").due == earlier
    record = AuditRecord.objects.filter(model__icontains="clusterdeadline").get()
    assert record.actor_id == y25.secretariat.pk and record.after["due"] == earlier.isoformat()
    page = client_for(y25.late_officer).get(CLUSTER_URL).content.decode()
    row = re.search(r'data-stage="in_progress">.*?</tr>', page, re.S).group(0)
    assert f"<strong>{earlier.strftime('%d/%m/%Y')}</strong>" in row
    assert "Còn 12 ngày" in row


def test_secretariat_cannot_set_a_later_deadline_than_the_national_one(y25):
    national(2025, in_progress=y25.days(20), inspection=y25.days(40))
    later = y25.days(21).strftime("%d/%m/%Y")
    response = client_for(y25.secretariat).post(
        CLUSTER_URL, {"in_progress": later, "inspection": y25.days(30).strftime("%d/%m/%Y")}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        f"Hạn của Cụm cho bước “Thực hiện, báo cáo kết quả” ({later}) không được muộn hơn "
        f"hạn toàn quốc do Bộ quy định ({y25.days(20).strftime('%d/%m/%Y')})."
    ) in page
    assert not ClusterDeadline.objects.exists()  # nothing half-saved (inspection was fine)
    assert not AuditRecord.objects.filter(model__icontains="clusterdeadline").exists()


def test_a_date_that_does_not_exist_is_refused_in_vietnamese(y25):
    response = client_for(y25.secretariat).post(CLUSTER_URL, {"in_progress": "31/02/2025"})
    assert response.status_code == 422
    assert "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm" in response.content.decode()
    assert not ClusterDeadline.objects.exists()


def test_other_clusters_secretariat_cannot_see_or_edit_the_deadlines(y25):
    client = client_for(y25.other_secretariat)
    assert client.get(CLUSTER_URL).status_code == 404
    assert client.post(CLUSTER_URL, {"in_progress": "01/12/2025"}).status_code == 404
    assert not ClusterDeadline.objects.exists()


def test_a_member_officer_sees_the_cluster_deadlines_but_cannot_edit_them(y25):
    client = client_for(y25.late_officer)
    page = client.get(CLUSTER_URL)
    assert page.status_code == 200
    assert 'id="cluster-calendar-form"' not in page.content.decode()
    assert client.post(CLUSTER_URL, {"in_progress": "01/12/2025"}).status_code == 403
    assert not ClusterDeadline.objects.exists()


def test_anonymous_visitor_is_sent_to_the_login_page(y25):
    for url in (NATIONAL_URL, CLUSTER_URL, "/thong-bao/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# -- home pages ------------------------------------------------------------------------------------


def deadlines_section(user) -> str:
    page = client_for(user).get("/").content.decode()
    return re.search(r'<section class="card" id="deadlines">.*?</section>', page, re.S).group(0)


def test_unit_officer_home_shows_its_step_soon_due_with_a_vietnamese_date(y25):
    national(2025, in_progress=y25.days(3))
    section = deadlines_section(y25.late_officer)
    assert "Sắp đến hạn" in section and 'id="deadlines-soon"' in section
    assert "Nhập và gửi số liệu kết quả thực hiện chỉ tiêu" in section
    assert f"hạn <strong>{y25.days(3).strftime('%d/%m/%Y')}</strong>" in section
    assert "Còn 3 ngày" in section


def test_secretariat_home_shows_the_step_overdue(y25):
    national(2025, in_progress=y25.days(-2))
    section = deadlines_section(y25.secretariat)
    assert 'id="deadlines-overdue"' in section and "Quá hạn 2 ngày" in section


def test_a_step_not_soon_due_is_shown_as_within_its_deadline(y25):
    national(2025, in_progress=y25.days(30))
    section = deadlines_section(y25.late_officer)
    assert 'id="deadlines-due"' in section and "Còn 30 ngày" in section


def test_a_unit_that_sent_its_results_has_nothing_due(y25):
    national(2025, in_progress=y25.days(-2))
    section = deadlines_section(y25.done_officer)
    assert "Không có bước nào có thời hạn đang chờ bạn." in section


@pytest.mark.parametrize("who", ["approver", "outsider", "other_secretariat"])
def test_users_without_a_part_in_the_step_have_nothing_due(y25, who):
    national(2025, in_progress=y25.days(-2))
    assert "Không có bước nào có thời hạn" in deadlines_section(getattr(y25, who))


def test_ministry_approver_home_shows_the_approval_step_of_a_cluster_at_approval(y25):
    from thidua.cycle.models import Cycle

    Cycle.objects.filter(pk=y25.cycle.pk).update(stage=Cycle.Stage.APPROVAL)
    national(2025, approval=y25.days(5))
    section = deadlines_section(y25.approver)
    assert "Xét duyệt đề nghị khen thưởng" in section and "Còn 5 ngày" in section
    assert "Không có bước nào" in deadlines_section(y25.late_officer)


def test_ministry_board_shows_every_clusters_stage_and_lateness(y25):
    national(2025, in_progress=y25.days(-4))
    response = client_for(y25.approver).get("/bang-dieu-khien/?nam=2025")
    page = response.content.decode()
    row = re.search(r'<tr data-cluster="3">.*?</tr>', page, re.S).group(0)
    assert "Thực hiện, báo cáo kết quả" in row
    assert y25.days(-4).strftime("%d/%m/%Y") in row and "Quá hạn 4 ngày" in row
    assert "<th>Hạn giai đoạn</th>" in page
    overdue = re.search(r'id="clusters-overdue">.*?</li>', page, re.S).group(0)
    assert '<span class="stat__value">1</span>' in overdue
    assert client_for(y25.secretariat).get("/bang-dieu-khien/?nam=2025").status_code == 403


def test_a_closed_year_keeps_its_deadlines(cast):
    client = client_for(cast.secretariat)  # Cụm trưởng of Cluster 3 / 2021, a closed year
    assert 'id="cluster-calendar-form"' not in client.get("/thoi-han/2021/3/").content.decode()
    response = client.post("/thoi-han/2021/3/", {"in_progress": "01/12/2021"})
    assert response.status_code == 422
    assert "Năm thi đua đã kết thúc: không thể thay đổi thời hạn." in response.content.decode()
    assert not ClusterDeadline.objects.exists()
