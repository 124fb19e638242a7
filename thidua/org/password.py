"""A signed-in user changes their own password (the account page links here).

The current password is asked (a stolen open session is not enough), Django's password validators
apply, the change is audited, this session stays signed in (update_session_auth_hash) while every
other session of the user ends: Django checks each session's password hash on its next request.
A wrong current password counts as a failed login for the lockout (django-axes), and a locked-out
account cannot change its password until the lockout ends.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from thidua.audit.log import record as audit
from thidua.org.models import User

LOCKED = (
    "Tài khoản đang tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 15 phút "
    "hoặc liên hệ quản trị viên của đơn vị."
)


class OwnPasswordForm(PasswordChangeForm):
    """Django's password change form with the words a user reads, in Vietnamese."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Mật khẩu hiện tại không đúng. Vui lòng nhập lại.",
        "password_mismatch": "Hai lần nhập mật khẩu mới không khớp nhau.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mật khẩu hiện tại"
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password1"].help_text = (
            "Ít nhất 10 ký tự, không toàn chữ số, không quá phổ biến và không giống tên đăng nhập "
            "hay họ tên."
        )
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(self, user, password_field_name: str = "password2") -> None:
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                # Shown under "Mật khẩu mới", where the password is chosen (Django: the repeat).
                self.add_error("new_password1", _in_vietnamese(error))

    def clean(self) -> dict:
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new and "new_password1" not in self.errors:
            self.add_error(
                "new_password1",
                forms.ValidationError(
                    "Mật khẩu mới phải khác mật khẩu hiện tại.", code="password_unchanged"
                ),
            )
        return cleaned


def _in_vietnamese(error: ValidationError) -> ValidationError:
    """The validators' messages in Vietnamese, by their codes (Django's own catalogue lags behind
    its 5.2 wording, so some would show in English)."""
    words = []
    for item in error.error_list:
        params = item.params or {}
        if item.code == "password_too_short":
            text = f"Mật khẩu quá ngắn: cần ít nhất {params.get('min_length', 10)} ký tự."
        elif item.code == "password_too_common":
            text = "Mật khẩu này quá phổ biến, dễ bị đoán ra."
        elif item.code == "password_entirely_numeric":
            text = "Mật khẩu không được chỉ gồm chữ số."
        elif item.code == "password_too_similar":
            text = f"Mật khẩu quá giống {params.get('verbose_name', 'thông tin tài khoản')}."
        else:
            text = item.message % params if params else item.message
        words.append(ValidationError(text, code=item.code))
    return ValidationError(words)


def _credentials(user: User) -> dict[str, str]:
    return {"username": user.get_username()}


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET":
        return render(request, "org/password_change.html", {"form": OwnPasswordForm(user)})
    form = OwnPasswordForm(user, request.POST)
    if AxesProxyHandler.is_locked(request, _credentials(user)):
        form.add_error(None, LOCKED)
        return render(request, "org/password_change.html", {"form": form}, status=429)
    if not form.is_valid():
        if "old_password" in form.errors:
            # Counted like a wrong password at the login form: guessing here locks the account too.
            user_login_failed.send(
                sender=OwnPasswordForm, credentials=_credentials(user), request=request
            )
        return render(request, "org/password_change.html", {"form": form}, status=422)
    with transaction.atomic():
        form.save()
        audit(
            actor=user,
            action="password_change",
            obj=user,
            reason="Người dùng tự đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.",
        )
    update_session_auth_hash(request, user)
    messages.success(
        request,
        "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản (trên máy khác) đã kết thúc.",
    )
    return redirect("account")


__all__ = ["OwnPasswordForm", "password_change"]
