"""Issue 19: a cluster's published year figures (commendations of the year, the cluster's totals)
are entered on a page in Vietnamese numbers by the secretariat or the Ministry, audited, and shown
on the cluster's year page — no longer JSON in the admin site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from thidua.audit.models import AuditRecord
from thidua.org.models import Cluster

pytestmark = pytest.mark.django_db


def url(name: str = "cluster_figures") -> str:
    return reverse(name, args=[2021, 3])


def cluster() -> Cluster:
    return Cluster.objects.get(year=2021, number=3, kind=Cluster.Kind.CLUSTER)


def test_the_secretariat_enters_the_figures_in_vietnamese_numbers_and_they_are_shown(cast):
    client = cast.client(cast.secretariat)
    before = dict(cluster().published)
    page = client.get(url())
    assert page.status_code == 200 and "Số liệu tổng hợp của Cụm" in page.content.decode()
    response = client.post(
        url(),
        {
            "collectives": "1.250",
            "individuals": "3.356",
            "totals": "Điều tra khám phá án hình sự: 3.264 vụ\nTỷ lệ điều tra khám phá: 86,2%",
            "source": "Báo Công an nhân dân",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    published = cluster().published
    assert published["commendations_in_year"] == {"collectives": 1250, "individuals": 3356}
    assert published["totals"] == [
        {"name": "Điều tra khám phá án hình sự", "value": "3264", "unit": "vụ"},
        {"name": "Tỷ lệ điều tra khám phá", "value": "86.2", "unit": "%"},
    ]
    # the published ranking and proposals are kept as they were
    assert published.get("ranking_published") == before.get("ranking_published")
    record = AuditRecord.objects.filter(
        model__icontains="cluster", object_pk=str(cluster().pk)
    ).latest("seq")
    assert record.action == "update" and record.after["published"]["totals"][0]["value"] == "3264"

    detail = client.get(url("cluster_detail")).content.decode()
    assert "Điều tra khám phá án hình sự: 3.264 vụ" in detail
    assert "Tỷ lệ điều tra khám phá: 86,2%" in detail
    # the form shows the stored figures back as they were written
    again = client.get(url()).content.decode()
    assert 'value="3.356"' in again and "Điều tra khám phá án hình sự: 3.264 vụ" in again


def test_a_figure_that_is_not_a_number_is_refused_by_line_and_nothing_changes(cast):
    client = cast.client(cast.approver)
    before = dict(cluster().published)
    response = client.post(
        url(), {"collectives": "nhiều", "individuals": "", "totals": "Đúng: 5 vụ\nSai: ba vụ"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Lượt tập thể: “nhiều” không phải là số (ví dụ 3.356)." in text
    assert "Dòng 2: “ba vụ” không phải là số (ví dụ 3.264 vụ)." in text
    assert cluster().published == before


def test_a_unit_officer_may_not_enter_them(cast):
    client = cast.client(cast.officer_a)
    assert client.post(url(), {"collectives": "1"}).status_code == 403
    assert "Nhập số liệu đã công bố" not in client.get(url("cluster_detail")).content.decode()
