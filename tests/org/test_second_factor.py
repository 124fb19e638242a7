"""The optional second factor (TOTP) for Ministry approvers: enrolment, login, throttling, removal,
mandatory mode, and what an unverified session may not do (pages, Ministry decisions, the API)."""

from __future__ import annotations

import base64
import datetime as dt
import time

import pytest
import qrcode
import qrcode.image.svg
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tests.cycle.test_outcome_pages import approving, decide
from thidua.api.models import ApiToken
from thidua.audit.log import verify_chain
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Proposal
from thidua.honours.models import RuleSetVersion

pytestmark = pytest.mark.django_db

STEP = 30


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods of 30 s later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def password_login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "the password step should succeed"
    return client


def enrolled(user) -> TOTPDevice:
    """A confirmed device for `user`, as if enrolled earlier."""
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def verified_client(user, device: TOTPDevice) -> Client:
    client = password_login(user.username)
    assert client.post(reverse("totp_verify"), {"code": code_for(device)}).status_code == 302
    return client


def text_of(response) -> str:
    return response.content.decode()


def audit_actions(user) -> list[str]:
    return list(
        AuditRecord.objects.filter(actor=user).order_by("seq").values_list("action", flat=True)
    )


# --- Enrolment ------------------------------------------------------------------------------------


def test_approver_enrols_by_scanning_the_qr_code_and_confirming_a_current_code(cast):
    approver = cast.approver
    client = cast.client(approver)
    account = text_of(client.get(reverse("account")))
    assert "Chưa bật" in account and reverse("totp_enrol") in account

    page = client.get(reverse("totp_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=approver)
    assert device.confirmed is False, "not active before a code confirms it"
    body = text_of(page)
    assert "<svg" in body and 'role="img"' in body and "<script" not in body.split("<main")[1]
    # The secret is shown in groups of four, and is the device's key in base32.
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    # Reloading shows the same secret (the phone may already hold it).
    client.get(reverse("totp_enrol"))
    assert TOTPDevice.objects.filter(user=approver).count() == 1

    wrong = client.post(reverse("totp_enrol"), {"code": wrong_code(device)})
    assert wrong.status_code == 422
    assert "Mã xác thực không đúng hoặc đã được dùng" in text_of(wrong)
    device.refresh_from_db()
    assert device.confirmed is False

    device.throttling_failure_timestamp -= dt.timedelta(seconds=5)  # past the 1 s throttle
    device.save()
    response = client.post(reverse("totp_enrol"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    device.refresh_from_db()
    assert device.confirmed is True
    assert audit_actions(approver) == ["otp_failed", "otp_enrol"]
    enrol = AuditRecord.objects.get(action="otp_enrol")
    assert enrol.before["confirmed"] is False and enrol.after["confirmed"] is True
    assert "key" not in enrol.after, "the secret never enters the audit log"
    # The session that confirmed the code is verified: the pages are open.
    assert client.get(reverse("home")).status_code == 200
    assert "Đang bật" in text_of(client.get(reverse("account")))
    assert verify_chain().ok


def test_code_input_is_normalised_and_must_be_six_digits(cast):
    client = cast.client(cast.approver)
    client.get(reverse("totp_enrol"))
    device = TOTPDevice.objects.get(user=cast.approver)
    response = client.post(reverse("totp_enrol"), {"code": "12a456"})
    assert response.status_code == 422 and "Mã xác thực gồm đúng 6 chữ số" in text_of(response)
    response = client.post(reverse("totp_enrol"), {"code": ""})
    assert "Vui lòng nhập mã xác thực gồm 6 chữ số" in text_of(response)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0, "malformed input does not count as a guess"
    code = code_for(device)
    response = client.post(reverse("totp_enrol"), {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_an_unconfirmed_device_does_not_ask_for_a_code_at_login(cast):
    cast.client(cast.approver).get(reverse("totp_enrol"))  # QR shown, never confirmed
    client = password_login("pheduyet")
    assert client.get(reverse("home")).status_code == 200


def test_only_approvers_and_administrators_may_enrol(cast):
    officer = cast.client(cast.officer_a)
    assert officer.get(reverse("totp_enrol")).status_code == 403
    assert officer.post(reverse("totp_remove"), {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()
    page = text_of(officer.get(reverse("account")))
    assert "dành cho cán bộ phê duyệt của Bộ và quản trị viên" in page
    assert reverse("totp_enrol") not in page


def test_an_enrolled_approver_is_sent_back_to_the_account_page(cast):
    device = enrolled(cast.approver)
    client = verified_client(cast.approver, device)
    response = client.get(reverse("totp_enrol"), follow=True)
    assert response.redirect_chain == [(reverse("account"), 302)]
    assert "Xác thực hai bước đã được bật cho tài khoản này" in text_of(response)
    assert TOTPDevice.objects.filter(user=cast.approver).count() == 1


# --- Login --------------------------------------------------------------------------------------


def test_login_with_a_device_asks_for_the_code_before_anything_else(cast):
    device = enrolled(cast.approver)
    client = password_login("pheduyet")
    for path in (
        reverse("home"),
        reverse("cluster_list"),
        reverse("account"),
        reverse("honours_home"),
        "/quan-tri/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{reverse('totp_verify')}?next={path.replace('/', '%2F')}"
    page = client.get(reverse("totp_verify"), {"next": reverse("cluster_list")})
    assert page.status_code == 200
    body = text_of(page)
    assert "Xác thực hai bước" in body and 'autocomplete="one-time-code"' in body
    assert 'class="site-nav"' not in body, "no menu before the code"

    response = client.post(
        reverse("totp_verify"), {"code": code_for(device), "next": reverse("cluster_list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cluster_list")
    assert client.get(reverse("cluster_list")).status_code == 200
    assert client.get(reverse("totp_verify")).status_code == 302  # nothing left to verify


def test_login_without_a_device_needs_no_code(cast):
    client = password_login("pheduyet")
    assert client.get(reverse("home")).status_code == 200
    response = client.get(reverse("totp_verify"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_used_code_cannot_be_replayed_and_next_must_stay_on_this_site(cast):
    device = enrolled(cast.approver)
    code = code_for(device)
    first = password_login("pheduyet")
    response = first.post(
        reverse("totp_verify"), {"code": code, "next": "https://example.org/steal"}
    )
    assert response["Location"] == reverse("home")
    second = password_login("pheduyet")
    replay = second.post(reverse("totp_verify"), {"code": code})
    assert replay.status_code == 422
    assert "Mã xác thực không đúng hoặc đã được dùng" in text_of(replay)
    assert second.get(reverse("home")).status_code == 302


def test_wrong_codes_are_refused_in_vietnamese_throttled_and_audited(cast):
    device = enrolled(cast.approver)
    client = password_login("pheduyet")
    wrong = client.post(reverse("totp_verify"), {"code": wrong_code(device)})
    assert wrong.status_code == 422
    assert "Mã xác thực không đúng hoặc đã được dùng" in text_of(wrong)
    # At once again, even with the right code: refused for the throttle (1 s, then 2, 4, 8 …).
    throttled = client.post(reverse("totp_verify"), {"code": code_for(device)})
    assert throttled.status_code == 422
    assert "Đã nhập sai 1 lần liên tiếp. Vui lòng chờ đến" in text_of(throttled)
    assert client.get(reverse("home")).status_code == 302

    failed = AuditRecord.objects.filter(action="otp_failed", actor=cast.approver)
    assert failed.count() == 1, "each wrong code is audited; throttled refusals are not guesses"
    assert failed.get().after == {"failures": 1}
    assert failed.get().model == "otp_totp.totpdevice"

    # Two wrong codes in a row double the wait.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= dt.timedelta(seconds=5)
    device.save()
    client.post(reverse("totp_verify"), {"code": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    allowed, info = device.verify_is_allowed()
    assert not allowed
    assert info["locked_until"] - device.throttling_failure_timestamp == dt.timedelta(seconds=2)
    assert failed.count() == 2

    # Once the wait is over, the right code lets the approver in and clears the count.
    device.throttling_failure_timestamp -= dt.timedelta(seconds=10)
    device.save()
    response = client.post(reverse("totp_verify"), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.get(reverse("home")).status_code == 200


# --- Removal ------------------------------------------------------------------------------------


def test_removing_the_device_needs_a_current_code_and_is_audited(cast):
    device = enrolled(cast.approver)
    client = verified_client(cast.approver, device)
    refused = client.post(reverse("totp_remove"), {"code": wrong_code(device)})
    assert refused.status_code == 422
    assert "Chưa tắt được" in text_of(refused)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    device.refresh_from_db()
    device.throttling_failure_timestamp -= dt.timedelta(seconds=5)
    device.save()
    # The login used this period's code; the app's next one is accepted (one period of tolerance).
    response = client.post(reverse("totp_remove"), {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=cast.approver).exists()
    removal = AuditRecord.objects.get(action="otp_remove")
    assert removal.actor == cast.approver and removal.before["confirmed"] is True
    assert removal.object_pk == str(device.pk)
    assert "Chưa bật" in text_of(client.get(reverse("account")))
    # Next login: the password alone.
    assert password_login("pheduyet").get(reverse("home")).status_code == 200


# --- Mandatory mode ---------------------------------------------------------------------------


@override_settings(THIDUA_REQUIRE_TOTP_FOR_APPROVERS=True)
def test_when_required_an_approver_without_a_device_can_only_enrol(cast):
    client = password_login("pheduyet")
    for path in (reverse("home"), reverse("account"), reverse("totp_verify"), "/quan-tri/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("totp_enrol")), path
    page = client.get(reverse("totp_enrol"), {"next": reverse("cluster_list")})
    assert page.status_code == 200
    assert "phải bật xác thực hai bước trước khi làm việc" in text_of(page)
    api = client.get("/api/v1/units")
    assert api.status_code == 403 and "xác thực thứ hai" in api.json()["detail"]

    device = TOTPDevice.objects.get(user=cast.approver)
    response = client.post(
        reverse("totp_enrol"), {"code": code_for(device), "next": reverse("cluster_list")}
    )
    assert response["Location"] == reverse("cluster_list")
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/units").status_code == 200


@override_settings(THIDUA_REQUIRE_TOTP_FOR_APPROVERS=True)
def test_when_required_other_roles_are_not_asked(cast):
    for user in (cast.officer_a, cast.secretariat, cast.viewer):
        assert password_login(user.username).get(reverse("home")).status_code == 200


def test_the_requirement_is_off_in_tests_and_development_by_default(settings):
    assert settings.THIDUA_REQUIRE_TOTP_FOR_APPROVERS is False


# --- Ministry decisions and the API from an unverified session --------------------------------


def test_a_ministry_decision_is_refused_from_an_unverified_session(world):
    proposal = approving(world)
    device = enrolled(world.cast.approver)
    client = password_login("pheduyet")
    response = decide(client, proposal, "approve")
    assert response.status_code == 302 and response["Location"] == reverse("totp_verify")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    published = client.post(
        reverse("honours_ruleset_create"),
        {"data": "{}", "effective_from": "2030-01-01", "reason": "Thử"},
    )
    assert published.status_code == 302 and published["Location"] == reverse("totp_verify")
    assert not RuleSetVersion.objects.exists()

    # The same session, once the code is given, decides.
    assert client.post(reverse("totp_verify"), {"code": code_for(device)}).status_code == 302
    assert decide(client, proposal, "approve").status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.APPROVED


def test_session_api_calls_from_an_unverified_session_are_refused(world):
    proposal = approving(world)
    device = enrolled(world.cast.approver)
    client = password_login("pheduyet")
    path = f"/api/v1/clusters/2021/3/proposals/{proposal.pk}/decision"
    payload = {"decision": "approve", "version": proposal.version}
    response = client.post(path, payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Phiên đăng nhập chưa qua bước xác thực thứ hai")
    assert client.get("/api/v1/units").status_code == 403
    # A bad bearer token does not fall back to the unverified session.
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer td_not-a-token")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED

    assert client.post(reverse("totp_verify"), {"code": code_for(device)}).status_code == 302
    assert client.get("/api/v1/units").status_code == 200


def test_bearer_tokens_issued_by_an_administrator_still_work_for_an_enrolled_approver(world):
    """Documented policy: a token is its own credential (admin-issued, hashed, revocable)."""
    enrolled(world.cast.approver)
    token, plaintext = ApiToken.issue(world.cast.approver, "máy chủ báo cáo")
    response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    token.revoke()
    response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401


def test_the_qr_code_encodes_the_authenticator_url_of_the_device(cast):
    client = cast.client(cast.approver)
    body = text_of(client.get(reverse("totp_enrol")))
    device = TOTPDevice.objects.get(user=cast.approver)
    url = device.config_url
    assert url.startswith("otpauth://totp/Thi%20%C4%90ua%3Apheduyet?secret=")
    assert "issuer=Thi%20%C4%90ua" in url and "digits=6" in url and "period=30" in url
    # The same URL drawn again gives the same modules as the page shows (qrcode is deterministic).
    drawn = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    path = drawn.to_string(encoding="unicode").split(' d="', 1)[1].split('"', 1)[0]
    assert f' d="{path}"' in body
    assert "style=" not in body.split('<div class="totp-qr">', 1)[1].split("</div>", 1)[0]


def test_an_administrator_removes_a_lost_device_with_a_reason(cast):
    device = enrolled(cast.approver)
    with pytest.raises(CommandError, match="Phải nêu lý do"):
        call_command("remove_totp", "pheduyet", "--reason", "  ")
    with pytest.raises(CommandError, match=r"Không có tài khoản “ai\.do”"):
        call_command("remove_totp", "ai.do", "--reason", "Mất điện thoại")
    call_command("remove_totp", "pheduyet", "--reason", "Mất điện thoại ngày 02/03")
    assert not TOTPDevice.objects.filter(user=cast.approver).exists()
    removal = AuditRecord.objects.get(action="otp_remove")
    assert removal.actor is None and removal.reason == "Mất điện thoại ngày 02/03"
    assert removal.object_pk == str(device.pk)
    with pytest.raises(CommandError, match="chưa có ứng dụng xác thực"):
        call_command("remove_totp", "pheduyet", "--reason", "Lần nữa")
    assert password_login("pheduyet").get(reverse("home")).status_code == 200
