"""A signed-in user changes their own password from the account page (issue 18)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from thidua.audit.log import verify_chain
from thidua.audit.models import AuditRecord
from thidua.org.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hoa-sen-no-giua-dong-2026"


@pytest.fixture
def officer(reference) -> User:
    return make_user(
        "canbo.doimatkhau", User.Role.UNIT_OFFICER, "bac-giang", full_name="Trần Thị Thu"
    )


def signed_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "the login should succeed"
    return client


def change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_account_page_links_to_the_password_change_instead_of_sending_to_an_administrator(officer):
    page = signed_in(officer.username).get(reverse("account")).content.decode()
    assert reverse("password_change") in page
    assert "Đổi mật khẩu hoặc thông tin tài khoản, vui lòng liên hệ quản trị viên" not in page


def test_officer_changes_own_password_and_stays_signed_in(officer):
    client = signed_in(officer.username)
    form = client.get(reverse("password_change")).content.decode()
    assert "Mật khẩu hiện tại" in form and "Nhập lại mật khẩu mới" in form

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("account")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD) and not officer.check_password(PASSWORD)
    page = client.get(reverse("account"))
    assert page.status_code == 200 and "Đã đổi mật khẩu" in page.content.decode()
    signed_in(officer.username, NEW_PASSWORD)  # the new password opens a new session


def test_password_change_ends_the_users_other_sessions(officer):
    here, elsewhere = signed_in(officer.username), signed_in(officer.username)
    assert elsewhere.get(reverse("account")).status_code == 200

    assert change(here, PASSWORD, NEW_PASSWORD).status_code == 302

    assert here.get(reverse("account")).status_code == 200
    response = elsewhere.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_wrong_current_password_is_refused_in_vietnamese_and_nothing_changes(officer):
    client = signed_in(officer.username)
    records = AuditRecord.objects.count()

    response = change(client, "khong-phai-mat-khau-nay", NEW_PASSWORD)

    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng. Vui lòng nhập lại." in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert AuditRecord.objects.count() == records
    assert client.get(reverse("account")).status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("Ab1-ngan", None, "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("2025202520252025", None, "Mật khẩu không được chỉ gồm chữ số."),
        ("password123", None, "Mật khẩu này quá phổ biến, dễ bị đoán ra."),
        ("canbo.doimatkhau", None, "Mật khẩu quá giống"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Hai lần nhập mật khẩu mới không khớp nhau."),
        (PASSWORD, None, "Mật khẩu mới phải khác mật khẩu hiện tại."),
    ],
)
def test_weak_or_mistyped_new_password_is_refused_with_the_reason(officer, new, again, message):
    client = signed_in(officer.username)

    response = change(client, PASSWORD, new, again)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and "This password" not in page
    if again is None:  # a weak password is reported under the field where it was chosen
        assert f"Mật khẩu mới: {message}" in page
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_password_change_is_audited_without_the_password(officer):
    client = signed_in(officer.username)

    change(client, PASSWORD, NEW_PASSWORD)

    record = AuditRecord.objects.filter(actor=officer, action="password_change").get()
    assert record.model.endswith("user") and record.object_pk == str(officer.pk)
    stored = f"{record.before} {record.after} {record.reason}"
    assert NEW_PASSWORD not in stored and "pbkdf2" not in stored and "argon2" not in stored
    assert verify_chain().ok


def test_guessing_the_current_password_locks_the_account_like_the_login_form(officer):
    client = signed_in(officer.username)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert change(client, "doan-sai-mat-khau", NEW_PASSWORD).status_code == 422
    assert change(client, "doan-sai-mat-khau", NEW_PASSWORD).status_code == 429

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    refused = Client().post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert refused.status_code != 302 or refused["Location"] != reverse("home")


def test_anonymous_visitor_is_sent_to_login():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
