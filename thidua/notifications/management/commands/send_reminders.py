"""Send the reminders that are due (daily on the scheduler; safe to run again: nothing twice)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from thidua.notifications.reminders import email_enabled, send_reminders


class Command(BaseCommand):
    help = (
        "Nhắc việc theo thời hạn: thông báo trong ứng dụng và thư điện tử (nếu đã cấu hình SMTP)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ngay", "--date", dest="on", help="Tính như ngày này (YYYY-MM-DD).")

    def handle(self, *args, on: str | None = None, **options) -> None:
        day = None
        if on:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise CommandError(f"Ngày “{on}” không hợp lệ: dùng dạng YYYY-MM-DD.") from None
        report = send_reminders(day)
        self.stdout.write(
            f"Đã nhắc {report.notified} người; {report.already_sent} lời nhắc đã gửi trước đó; "
            + (
                f"thư điện tử: {report.emailed} gửi được, {report.email_failed} lỗi."
                if email_enabled()
                else "chưa cấu hình máy chủ thư (EMAIL_HOST): không gửi thư."
            )
        )
        for error in report.errors:
            self.stderr.write(error)
