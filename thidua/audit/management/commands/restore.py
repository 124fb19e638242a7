"""`manage.py restore FILE`: rebuild an empty database and the uploaded files from a backup.

Exits non-zero, naming the problem, if the archive was altered (its signed manifest does not
match), the database is not empty, or the restored audit chain does not verify, does not end at the
archived head or contradicts this machine's anchors; nothing is kept then.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.audit.backup import BackupError, restore_backup


def _vi_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Khôi phục dữ liệu và tệp tải lên từ tệp sao lưu vào cơ sở dữ liệu trống, rồi kiểm tra chuỗi nhật ký."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp sao lưu do `manage.py backup` tạo.")
        parser.add_argument(
            "--allow-unsigned",
            action="store_true",
            help="Chấp nhận tệp sao lưu do phiên bản cũ tạo (bản kê không có chữ ký).",
        )
        parser.add_argument(
            "--accept-older",
            action="store_true",
            help="Chấp nhận bản sao lưu cũ hơn mốc neo nhật ký trên máy này "
            "(mất các bản ghi được ghi sau bản sao lưu).",
        )

    def handle(
        self, *args: Any, file: str, allow_unsigned: bool, accept_older: bool, **options: Any
    ) -> None:
        try:
            summary = restore_backup(file, allow_unsigned=allow_unsigned, accept_older=accept_older)
        except BackupError as exc:
            raise CommandError(f"Khôi phục thất bại: {exc}") from exc
        seq, digest = summary.audit_head
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục {_vi_number(summary.rows)} bản ghi dữ liệu và "
                f"{_vi_number(summary.files)} tệp; chuỗi nhật ký toàn vẹn đến số "
                f"{_vi_number(seq)} ({digest[:12]}…), khớp bản sao lưu."
            )
        )
