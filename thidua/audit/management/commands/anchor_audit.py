"""`manage.py anchor_audit`: append each audit lane's head to the anchor file (schedule it).

Audited commits already anchor their head; this covers writes made while the file was
unavailable and records "nothing changed" on quiet days. Harmless if the database was tampered
with: an anchor of a rolled-back head does not hide the earlier, higher anchors.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from thidua.audit import anchors
from thidua.audit.log import lane_heads
from thidua.audit.models import GENESIS_HASH


def _vi_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Ghi đầu chuỗi nhật ký vào tệp mốc neo ngoài cơ sở dữ liệu."

    def handle(self, *args: Any, **options: Any) -> None:
        # One line per lane, the highest last: each names a record's number and MAC.
        heads = sorted(lane_heads().values()) or [(0, GENESIS_HASH)]
        try:
            written = all([anchors.append("head", seq, digest) for seq, digest in heads])
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp mốc neo: {exc}") from exc
        if not written:
            raise CommandError(
                "Chưa cấu hình tệp mốc neo (AUDIT_ANCHOR_FILE để trống): không có gì được ghi."
            )
        seq, digest = heads[-1]
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi mốc neo vào {anchors.anchor_path()}: đầu chuỗi nhật ký số "
                f"{_vi_number(seq)} ({digest[:12]}…)."
            )
        )
