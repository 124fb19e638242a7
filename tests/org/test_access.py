"""The permission ladder on every page: anonymous → login, out of scope → 404, forbidden → 403."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from thidua.org.models import Handover, Unit

pytestmark = pytest.mark.django_db

# Every named page of the app with the outcome per member of the cast. Adding a page without an
# entry here fails test_every_page_has_an_entry_in_the_ladder.
CLUSTER_3 = ("cluster_detail", [2021, 3])
LADDER = {
    "home": ([], {"anonymous": 302, "officer_a": 200, "officer_b": 200, "approver": 200}),
    "unit_list": ([], {"anonymous": 302, "officer_a": 200, "viewer": 200}),
    "unit_detail": (["hoa-binh"], {"anonymous": 302, "officer_a": 200, "officer_b": 200}),
    "cluster_list": ([], {"anonymous": 302, "officer_a": 200, "officer_b": 200, "approver": 200}),
    "cluster_detail": (
        [2021, 3],
        {
            "anonymous": 302,
            "officer_a": 200,
            "officer_b": 404,
            "secretariat": 200,
            "inspector": 200,
            "approver": 200,
            "viewer": 200,
        },
    ),
    "styleguide": ([], {"anonymous": 302, "officer_a": 403, "approver": 403}),
}
POST_LADDER = {
    "cluster_handover": (
        [2021, 3],
        {
            "anonymous": 302,
            "officer_a": 403,
            "officer_b": 404,
            "inspector": 403,
            "viewer": 403,
            "approver": 403,
            "secretariat": 302,
        },
    ),
}
EXEMPT = {"login", "logout"}


def _client(cast, who):
    return cast.client(None if who == "anonymous" else getattr(cast, who))


def test_every_page_has_an_entry_in_the_ladder():
    names = {
        pattern.name for pattern in get_resolver().url_patterns if getattr(pattern, "name", None)
    }
    from thidua.org import urls as org_urls

    names |= {p.name for p in org_urls.urlpatterns}
    assert names - EXEMPT == set(LADDER) | set(POST_LADDER)


@pytest.mark.parametrize(
    ("name", "args", "who", "status"),
    [
        (name, args, who, status)
        for name, (args, row) in LADDER.items()
        for who, status in row.items()
    ],
)
def test_page_access(cast, name, args, who, status):
    response = _client(cast, who).get(reverse(name, args=args))
    assert response.status_code == status
    if status == 302 and who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "args", "who", "status"),
    [
        (name, args, who, status)
        for name, (args, row) in POST_LADDER.items()
        for who, status in row.items()
    ],
)
def test_handover_access(cast, name, args, who, status):
    data = {
        "next_leader": Unit.objects.get(code="bac-giang").pk,
        "next_deputy": Unit.objects.get(code="quang-ninh").pk,
        "reason": "",
    }
    response = _client(cast, who).post(reverse(name, args=args), data)
    assert response.status_code == status
    assert Handover.objects.filter(cluster__year=2021, cluster__number=3).exists() == (
        status == 302 and who != "anonymous"
    )


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


def test_secretariat_records_the_handover_through_the_page(cast):
    client = cast.client(cast.secretariat)
    response = client.post(
        reverse("cluster_handover", args=[2021, 3]),
        {
            "next_leader": Unit.objects.get(code="bac-giang").pk,
            "next_deputy": Unit.objects.get(code="quang-ninh").pk,
            "reason": "",
        },
        follow=True,
    )
    assert "Đã ghi nhận Cụm trưởng, Cụm phó năm sau" in response.content.decode()
    handover = Handover.objects.get(cluster__year=2021, cluster__number=3)
    assert handover.recorded_by == cast.secretariat


def test_handover_form_errors_are_shown_in_vietnamese_and_nothing_is_saved(cast):
    client = cast.client(cast.secretariat)
    yen_bai = Unit.objects.get(code="yen-bai")
    response = client.post(
        reverse("cluster_handover", args=[2021, 3]),
        {
            "next_leader": yen_bai.pk,
            "next_deputy": yen_bai.pk,
            "reason": "",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "khác Cụm trưởng" in body and "luân phiên" in body
    assert not Handover.objects.filter(cluster__year=2021, cluster__number=3).exists()


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
