"""`manage.py backup --out FILE`: database content, uploaded files and audit chain head in one archive."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.audit.backup import BackupError, create_backup


def _vi_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu, tệp tải lên và đầu chuỗi nhật ký vào một tệp .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="Tệp sao lưu cần ghi (.tar.gz).")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        try:
            summary = create_backup(out)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Sao lưu thất bại: {exc}") from exc
        seq, digest = summary.audit_head
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu vào {summary.path}: {_vi_number(summary.rows)} bản ghi dữ liệu, "
                f"{_vi_number(summary.files)} tệp, đầu chuỗi nhật ký số {_vi_number(seq)} "
                f"({digest[:12]}…)."
            )
        )
