"""An administrator removes a user's authenticator app (lost or replaced phone), with a reason."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.engine import text
from thidua.org.second_factor import remove_devices


class Command(BaseCommand):
    help = (
        "Gỡ ứng dụng xác thực (xác thực hai bước) của một tài khoản, ví dụ khi mất điện thoại; "
        "ghi nhật ký kèm lý do. Lần đăng nhập sau chỉ cần mật khẩu (hoặc phải đăng ký lại nếu bắt buộc)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="Lý do gỡ (ghi vào nhật ký).")

    def handle(self, *args, username: str, reason: str, **options) -> None:
        reason = text.normalize(reason)
        if not reason:
            raise CommandError("Phải nêu lý do gỡ ứng dụng xác thực.")
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có tài khoản “{username}”.") from None
        removed = remove_devices(user, by=None, reason=reason)
        if not removed:
            raise CommandError(f"Tài khoản “{username}” chưa có ứng dụng xác thực nào.")
        self.stdout.write(f"Đã gỡ {removed} ứng dụng xác thực của “{username}”.")
