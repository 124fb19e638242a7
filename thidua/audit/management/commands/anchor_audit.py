"""`manage.py anchor_audit`: append the audit chain's head to the anchor file (schedule it).

Audited commits already anchor their head; this covers writes made while the file was
unavailable and records "nothing changed" on quiet days. Harmless if the database was tampered
with: an anchor of a rolled-back head does not hide the earlier, higher anchors.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from thidua.audit import anchors
from thidua.audit.log import chain_head


def _vi_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Ghi đầu chuỗi nhật ký vào tệp mốc neo ngoài cơ sở dữ liệu."

    def handle(self, *args: Any, **options: Any) -> None:
        seq, digest = chain_head()
        try:
            written = anchors.append("head", seq, digest)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp mốc neo: {exc}") from exc
        if not written:
            raise CommandError(
                "Chưa cấu hình tệp mốc neo (AUDIT_ANCHOR_FILE để trống): không có gì được ghi."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi mốc neo vào {anchors.anchor_path()}: đầu chuỗi nhật ký số "
                f"{_vi_number(seq)} ({digest[:12]}…)."
            )
        )
