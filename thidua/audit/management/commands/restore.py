"""`manage.py restore FILE`: rebuild an empty database and the uploaded files from a backup.

Exits non-zero, naming the problem, if the archive was altered, the database is not empty, or the
restored audit chain does not verify or does not end at the archived head; nothing is kept then.
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

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            summary = restore_backup(file)
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
