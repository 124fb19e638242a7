"""manage.py documents --cluster N --year Y --out DIR: write every document of a cluster-year."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.cycle.models import Cycle
from thidua.documents import generate
from thidua.documents.context import NotReady, build_context
from thidua.org.models import Cluster


class Command(BaseCommand):
    help = (
        "Ghi toàn bộ văn bản tổng kết của một cụm thi đua trong một năm (báo cáo, biên bản, "
        "tờ trình: DOCX và PDF; bảng tổng hợp điểm: XLSX và PDF) vào thư mục --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", type=int, required=True, help="Số cụm (ví dụ 3).")
        parser.add_argument("--year", type=int, required=True, help="Năm thi đua (ví dụ 2021).")
        parser.add_argument("--out", type=Path, required=True, help="Thư mục ghi các tệp.")
        parser.add_argument(
            "--block",
            action="store_true",
            help="Khối thi đua thay vì cụm thi đua (cùng số).",
        )

    def handle(self, *args, cluster: int, year: int, out: Path, block: bool, **options):
        kind = Cluster.Kind.BLOCK if block else Cluster.Kind.CLUSTER
        cycle = (
            Cycle.objects.select_related("cluster", "cluster__movement", "cluster__host")
            .filter(cluster__year=year, cluster__number=cluster, cluster__kind=kind)
            .first()
        )
        if cycle is None:
            label = "Khối" if block else "Cụm"
            raise CommandError(
                f"{label} thi đua số {cluster} năm {year} chưa mở năm thi đua trên hệ thống."
            )
        try:
            context = build_context(cycle)
        except NotReady as exc:
            raise CommandError(exc.message) from None
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        for document in generate.KINDS.values():
            for ext in document.formats:
                path = out / generate.filename(cycle, document.code, ext)
                path.write_bytes(generate.render(context, document.code, ext))
                self.stdout.write(f"{document.title} ({ext.upper()}): {path}")
                written += 1
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {written} tệp vào {out}."))
