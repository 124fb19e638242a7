"""`manage.py verify_audit`: check the whole audit hash chain; non-zero exit on the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.audit.log import verify_chain


def _vi_number(n: int) -> str:
    # Vietnamese groups thousands with a dot: 1.234.
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của chuỗi nhật ký thay đổi (chuỗi mã băm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Số bản ghi đọc mỗi lần (mặc định 2000).",
        )

    def handle(self, *args: Any, chunk_size: int, **options: Any) -> None:
        result = verify_chain(chunk_size=chunk_size)
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Chuỗi nhật ký toàn vẹn: {_vi_number(result.count)} bản ghi.")
            )
            return
        where = (
            f"tại bản ghi số {_vi_number(result.first_broken_seq)}"
            if result.first_broken_seq is not None
            else "ở đầu chuỗi"
        )
        # CommandError makes manage.py exit with status 1 and lets callers (restore) catch it.
        raise CommandError(
            f"Phát hiện sai lệch {where}: {result.reason} "
            f"({_vi_number(result.count)} bản ghi trước đó hợp lệ.)"
        )
