"""`make demo-reset`: empty the demo database, migrate it and load the demo again (no reinstall).

The SQLite demo database is a file of the var folder: it is deleted. Any other database (the one
DATABASE_URL names) is emptied with `flush` only when confirmed (--yes, `make demo-reset
CONFIRM=yes`). The audit anchor file starts a new epoch (a `restore` line at record 0), since the
records it anchored went with the database. Refused under THIDUA_ENV=production.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from thidua.audit import anchors
from thidua.audit.models import GENESIS_HASH


class Command(BaseCommand):
    help = (
        "Làm lại dữ liệu trình diễn: xóa sạch cơ sở dữ liệu, tạo lại các bảng và nạp lại dữ liệu "
        "mẫu, không cài lại môi trường."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Xác nhận xóa sạch cơ sở dữ liệu không phải tệp SQLite trình diễn.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Không làm lại dữ liệu trình diễn trên hệ thống chính thức (THIDUA_ENV=production)."
            )
        connection = connections[DEFAULT_DB_ALIAS]
        name = str(connection.settings_dict["NAME"])
        if connection.vendor == "sqlite":
            connections.close_all()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(name + suffix).unlink(missing_ok=True)
            self.stdout.write(f"Đã xóa cơ sở dữ liệu trình diễn {name}.")
        else:
            if not options["yes"]:
                raise CommandError(
                    f"Cơ sở dữ liệu đang dùng ({connection.vendor}, {name}) không phải tệp SQLite "
                    "trình diễn: mọi dữ liệu trong đó sẽ bị xóa. Nếu chắc chắn, chạy lại với "
                    "`make demo-reset CONFIRM=yes` (hoặc `manage.py reset_demo --yes`)."
                )
            call_command("migrate", interactive=False, verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(f"Đã xóa sạch dữ liệu trong cơ sở dữ liệu {name}.")
        call_command("migrate", interactive=False, verbosity=0)
        path = anchors.anchor_path()
        if path is not None and path.exists():
            anchors.append("restore", 0, GENESIS_HASH)
        call_command("load_demo", stdout=self.stdout)
