"""`manage.py verify_audit`: check the whole audit chain (keyed MACs, links, head, and the anchors
written outside the database); non-zero exit naming the first broken record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.audit.anchors import anchor_path
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
            said = f"Chuỗi nhật ký toàn vẹn: {_vi_number(result.count)} bản ghi."
            if result.legacy:
                said += (
                    f" {_vi_number(result.legacy)} bản ghi đầu tiên có từ trước khi ký bằng khoá "
                    "(mã băm kiểu cũ), được các bản ghi đã ký sau nó bảo vệ."
                )
            if result.anchored is not None:
                said += (
                    f" Khớp mốc neo ngoài cơ sở dữ liệu đến số {_vi_number(result.anchored.count)}"
                    f" (lúc {result.anchored.time})."
                )
            elif anchor_path() is not None:
                said += " Chưa có mốc neo ngoài cơ sở dữ liệu (chạy manage.py anchor_audit)."
            self.stdout.write(self.style.SUCCESS(said))
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
