"""The second factor in Chromium: an approver enrols an authenticator app by typing the secret shown
on the page (as a phone would), logs out, and logs back in with the password and a 6-digit code."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from thidua.audit.models import AuditRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def authenticator_code(secret_shown: str, steps_ahead: int = 0) -> str:
    """What an authenticator app computes from the secret typed in by hand (RFC 6238, SHA-1)."""
    secret = secret_shown.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_approver_enrols_an_authenticator_app_then_logs_in_with_password_and_code(page, cast):
    login(page, cast.approver.username)
    page.locator(".user-menu__summary").click()
    page.get_by_role("link", name="Tài khoản của tôi").click()
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    expect(page.locator("#second-factor")).to_contain_text("Chưa bật")
    page.get_by_role("link", name="Bật xác thực hai bước").click()

    expect(
        page.get_by_role("img", name="Mã QR để thêm tài khoản vào ứng dụng xác thực")
    ).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    assert len(secret.replace(" ", "")) == 32 and secret.count(" ") == 7
    screenshot(page, "second-factor-01-enrol")

    page.get_by_label("Mã xác thực").fill(authenticator_code(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_text("Đã bật xác thực hai bước.")).to_be_visible()
    expect(page.locator("#second-factor")).to_contain_text("Đang bật")
    screenshot(page, "second-factor-02-enabled")

    page.locator(".user-menu__summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    # Password first: then the code page, and no other page until the code is given.
    login(page, cast.approver.username)
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    assert "/dang-nhap/ma-xac-thuc/" in page.url
    page.goto("/cum-thi-dua/")
    assert "/dang-nhap/ma-xac-thuc/" in page.url
    expect(page.locator(".site-nav")).to_have_count(0)

    wrong = next(c for c in ("000000", "111111", "222222") if c != authenticator_code(secret, 1))
    page.get_by_label("Mã xác thực").fill(wrong)
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.locator(".field__errors")).to_contain_text("Mã xác thực không đúng")
    screenshot(page, "second-factor-03-wrong-code")
    assert AuditRecord.objects.filter(action="otp_failed", actor=cast.approver).count() == 1

    time.sleep(1.2)  # django-otp's throttle: 1 s after the first wrong code
    # The enrolment used this period's code; the app's next one is accepted (one period of tolerance).
    page.get_by_label("Mã xác thực").fill(authenticator_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cum-thi-dua/$"))  # back where the approver was going
    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.get_by_text("Nguyễn Văn Bình").first).to_be_visible()
    screenshot(page, "second-factor-04-signed-in")
