"""The optional second factor (TOTP, django-otp) for Ministry approvers and administrators.

Who: a Ministry approver, a staff member or a superuser may enrol one authenticator app (a
`TOTPDevice`) from the account page. A device is active only once confirmed with a current code.

The session: after the password, a user with a confirmed device is signed in but *not verified*.
`SecondFactorRequired` (after django-otp's `OTPMiddleware`) then sends every page to the code
page (`totp_verify`), except logout. With `THIDUA_REQUIRE_TOTP_FOR_APPROVERS`, an approver without
a device is sent to the enrolment page instead and can do nothing else. Ministry decisions
(proposal decisions, rule set publication) are pages like any other, so they are refused too.

The API: a session-authenticated call from such a session is refused with 403 (`SessionAuth` asks
`pending_step`). Bearer tokens are a separate credential: issued by an administrator
(`manage.py create_token`), stored hashed, revocable and audited; they keep working for
approvers with a device, so a token must be guarded like the second factor itself.

Wrong codes are throttled by django-otp (1, 2, 4, 8… seconds between attempts after successive
failures) and each one is audited (`otp_failed`); enrolment (`otp_enrol`) and removal
(`otp_remove`, which needs a current code) are audited too.
"""

from __future__ import annotations

import base64
import re
from typing import Literal

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.org.access import require
from thidua.org.models import User

Step = Literal["verify", "enrol"]

VERIFY, ENROL = "verify", "enrol"
_CACHE_ATTR = "_thidua_second_factor_step"
_AUDITED_FIELDS = ["user", "name", "confirmed"]  # never the key
NOT_ELIGIBLE = "Xác thực hai bước dành cho cán bộ phê duyệt của Bộ và quản trị viên."
UNVERIFIED_API = (
    "Phiên đăng nhập chưa qua bước xác thực thứ hai: vui lòng nhập mã xác thực "
    "(hoặc đăng ký ứng dụng xác thực) trên trang web rồi thử lại."
)


# --- Policy -----------------------------------------------------------------------------------


def is_eligible(user: User) -> bool:
    """Who may enrol: Ministry approvers, staff and superusers."""
    return bool(
        user.is_authenticated
        and (user.role == User.Role.MINISTRY_APPROVER or user.is_staff or user.is_superuser)
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_step(request: HttpRequest) -> Step | None:
    """What this session must do before anything else: enter a code, enrol, or nothing (None).

    Only eligible users are looked up (one query per request for them, none for the others).
    """
    cached = getattr(request, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    user = getattr(request, "user", None)
    step: Step | None = None
    if user is not None and is_eligible(user):
        verified = getattr(user, "is_verified", None)
        if verified is None or not verified():
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                step = VERIFY
            elif (
                settings.THIDUA_REQUIRE_TOTP_FOR_APPROVERS
                and user.role == User.Role.MINISTRY_APPROVER
            ):
                step = ENROL
    setattr(request, _CACHE_ATTR, step)
    return step


def _forget_step(request: HttpRequest) -> None:
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)


class SecondFactorRequired:
    """Pages (not the JSON API, which refuses in SessionAuth) wait for the pending step."""

    ALLOWED = {VERIFY: {"totp_verify", "logout"}, ENROL: {"totp_enrol", "logout"}}
    TARGET = {VERIFY: "totp_verify", ENROL: "totp_enrol"}

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        step = pending_step(request)
        if step is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.ALLOWED[step]:
            return None
        target = reverse(self.TARGET[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


# --- Forms ------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=20,
        help_text="6 chữ số đang hiện trên ứng dụng xác thực của điện thoại.",
        error_messages={"required": "Vui lòng nhập mã xác thực gồm 6 chữ số."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "mono",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s\-]", "", text.normalize(self.cleaned_data["code"]))
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Mã xác thực gồm đúng 6 chữ số.")
        return code


def check_code(device: TOTPDevice, form: CodeForm, *, actor: User) -> bool:
    """Verify the form's code against `device` under django-otp's throttling.

    A wrong code counts towards the throttle and is audited; a refusal for throttling says until
    when. Errors go on the form in Vietnamese. The device row is locked while it is checked, so two
    requests cannot both use one code.
    """
    if not form.is_valid():
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            until = timezone.localtime((info or {}).get("locked_until") or timezone.now())
            form.add_error(
                "code",
                f"Đã nhập sai {device.throttling_failure_count} lần liên tiếp. "
                f"Vui lòng chờ đến {until:%H:%M:%S} rồi nhập mã mới.",
            )
            return False
        if device.verify_token(form.cleaned_data["code"]):
            return True
        audit(
            actor=actor,
            action="otp_failed",
            obj=device,
            after={"failures": device.throttling_failure_count},
        )
    form.add_error(
        "code",
        "Mã xác thực không đúng hoặc đã được dùng. Vui lòng nhập mã mới đang hiện trên ứng dụng.",
    )
    return False


def remove_devices(user: User, *, by: User | None, reason: str = "") -> int:
    """Delete every device of `user` (confirmed or not), one audit row each; the count removed."""
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user).order_by("pk"))
        for device in devices:
            audit(
                actor=by,
                action="otp_remove",
                obj=device,
                before=snapshot(device, _AUDITED_FIELDS),
                reason=reason,
            )
            device.delete()
    return len(devices)


# --- Presentation helpers ---------------------------------------------------------------------


def secret_groups(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code (no script, no style attribute: fine under our CSP, works offline)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    markup = image.to_string(encoding="unicode")
    markup = markup.replace(
        "<svg ", '<svg role="img" aria-label="Mã QR để thêm tài khoản vào ứng dụng xác thực" ', 1
    )
    return mark_safe(markup)  # generated by qrcode from our own URL: no user HTML in it


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


# --- Views ------------------------------------------------------------------------------------


def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account page, with the second factor's state and actions."""
    user = request.user
    device = confirmed_device(user) if is_eligible(user) else None
    return render(
        request,
        "org/account.html",
        {
            "eligible": is_eligible(user),
            "device": device,
            "required": settings.THIDUA_REQUIRE_TOTP_FOR_APPROVERS
            and user.role == User.Role.MINISTRY_APPROVER,
            "remove_form": CodeForm(auto_id="id_remove_%s"),
        },
    )


@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Show a QR code and the secret of a new, unconfirmed device; confirm it with a code."""
    user = request.user
    require(is_eligible(user), NOT_ELIGIBLE)
    if confirmed_device(user) is not None:
        messages.info(request, "Xác thực hai bước đã được bật cho tài khoản này.")
        return redirect("account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        # Unconfirmed until a code proves the app holds the key; the same key on every reload.
        device = TOTPDevice.objects.create(
            user=user, name=f"Ứng dụng xác thực — {user.get_username()}"[:64], confirmed=False
        )
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if check_code(device, form, actor=user):
            with transaction.atomic():
                device.refresh_from_db()
                before = snapshot(device, _AUDITED_FIELDS)
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit(
                    actor=user,
                    action="otp_enrol",
                    obj=device,
                    before=before,
                    after=snapshot(device, _AUDITED_FIELDS),
                )
            otp_login(request, device)
            request.session.cycle_key()
            _forget_step(request)
            messages.success(
                request,
                "Đã bật xác thực hai bước. Từ lần đăng nhập sau, hệ thống sẽ hỏi mã xác thực "
                "sau mật khẩu.",
            )
            return redirect(_safe_next(request, "account"))
    return render(
        request,
        "org/totp_enrol.html",
        {
            "form": form,
            "secret": secret_groups(device),
            "qr": qr_svg(device.config_url),
            "required": pending_step(request) == ENROL,
            "next": request.GET.get("next", ""),
        },
        status=status,
    )


@require_POST
def totp_remove(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off: needs a current code (a stolen open session is not enough)."""
    user = request.user
    require(is_eligible(user), NOT_ELIGIBLE)
    device = confirmed_device(user)
    if device is None:
        messages.info(request, "Tài khoản chưa bật xác thực hai bước.")
        return redirect("account")
    form = CodeForm(request.POST, auto_id="id_remove_%s")
    if not check_code(device, form, actor=user):
        return render(
            request,
            "org/account.html",
            {
                "eligible": True,
                "device": device,
                "required": settings.THIDUA_REQUIRE_TOTP_FOR_APPROVERS
                and user.role == User.Role.MINISTRY_APPROVER,
                "remove_form": form,
            },
            status=422,
        )
    remove_devices(user, by=user)
    _forget_step(request)
    messages.success(request, "Đã tắt xác thực hai bước và gỡ ứng dụng xác thực khỏi tài khoản.")
    return redirect("account")


@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the 6-digit code of the user's authenticator app."""
    if pending_step(request) != VERIFY:
        return redirect(_safe_next(request, "home"))
    device = confirmed_device(request.user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if check_code(device, form, actor=request.user):
            device.refresh_from_db()
            otp_login(request, device)
            request.session.cycle_key()
            _forget_step(request)
            return redirect(_safe_next(request, "home"))
    return render(
        request,
        "registration/totp_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )
