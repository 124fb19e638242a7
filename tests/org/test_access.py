"""Access to units and clusters beyond the generic ladder (tests/test_permission_ladder.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from thidua.org.models import Handover, Unit

pytestmark = pytest.mark.django_db


def test_officer_of_a_merged_province_sees_its_predecessors_clusters(reference):
    from thidua.org.models import User

    user = User.objects.create_user(
        "canbo.phutho",
        password="x" * 12,
        role=User.Role.UNIT_OFFICER,
        unit=Unit.objects.get(code="phu-tho-2025"),
    )
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert (
        client.get(reverse("cluster_detail", args=[2021, 3])).status_code == 200
    )  # Hòa Bình, Phú Thọ
    assert client.get(reverse("cluster_detail", args=[2022, 6])).status_code == 404


def test_out_of_scope_cluster_page_does_not_reveal_its_members(cast):
    response = cast.client(cast.officer_b).get(reverse("cluster_detail", args=[2021, 3]))
    assert response.status_code == 404
    assert "Yên Bái" not in response.content.decode()


def test_cluster_list_shows_only_the_users_clusters(cast):
    body = cast.client(cast.officer_a).get(reverse("cluster_list")).content.decode()
    assert "/cum-thi-dua/2021/3/" in body and "/cum-thi-dua/2022/6/" not in body
    body = cast.client(cast.approver).get(reverse("cluster_list")).content.decode()
    assert "/cum-thi-dua/2021/3/" in body and "/cum-thi-dua/2022/6/" in body


@pytest.fixture
def phu_tho_secretariat(reference):
    """Cluster 4 / 2025 has no year run in the system: its handover is recorded on the cluster page."""
    from tests.conftest import make_user
    from thidua.org.models import User

    return make_user("thuongtruc.phutho", User.Role.SECRETARIAT, "phu-tho-2025")


def test_secretariat_records_the_handover_through_the_page(phu_tho_secretariat):
    from django.test import Client

    client = Client()
    client.force_login(phu_tho_secretariat)
    response = client.post(
        reverse("cluster_handover", args=[2025, 4]),
        {
            "next_leader": Unit.objects.get(code="bac-ninh-2025").pk,
            "next_deputy": Unit.objects.get(code="quang-ninh").pk,
        },
        follow=True,
    )
    assert "Đã ghi nhận Cụm trưởng, Cụm phó năm sau" in response.content.decode()
    handover = Handover.objects.get(cluster__year=2025, cluster__number=4)
    assert handover.recorded_by == phu_tho_secretariat


def test_handover_form_errors_are_shown_in_vietnamese_and_nothing_is_saved(phu_tho_secretariat):
    from django.test import Client

    client = Client()
    client.force_login(phu_tho_secretariat)
    phu_tho = Unit.objects.get(code="phu-tho-2025")
    response = client.post(
        reverse("cluster_handover", args=[2025, 4]),
        {"next_leader": phu_tho.pk, "next_deputy": phu_tho.pk},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "khác Cụm trưởng" in body and "luân phiên" in body
    assert not Handover.objects.filter(cluster__year=2025, cluster__number=4).exists()


def test_a_year_run_in_the_system_is_handed_over_by_closing_it_not_by_this_form(cast):
    response = cast.client(cast.secretariat).post(
        reverse("cluster_handover", args=[2021, 3]),
        {
            "next_leader": Unit.objects.get(code="bac-giang").pk,
            "next_deputy": Unit.objects.get(code="quang-ninh").pk,
        },
    )
    assert response.status_code == 409
    assert (
        Handover.objects.get(cluster__year=2021, cluster__number=3).next_leader.code
        == "thai-nguyen"
    )


def test_list_pages_take_a_constant_number_of_queries(cast, django_assert_max_num_queries):
    client = cast.client(cast.approver)
    with django_assert_max_num_queries(12):
        client.get(reverse("cluster_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("unit_list"))


def test_login_is_locked_after_repeated_failures(cast):
    from django.test import Client

    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("login"), {"username": cast.officer_a.username, "password": "sai"}
        )
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    # even the right password is refused while locked
    response = client.post(
        reverse("login"),
        {"username": cast.officer_a.username, "password": "mat-khau-kiem-thu-2025"},
    )
    assert response.status_code == 429


def test_wrong_password_is_explained_in_vietnamese(cast):
    from django.test import Client

    response = Client().post(
        reverse("login"), {"username": cast.officer_a.username, "password": "sai"}
    )
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
