import json

from django.core.management.base import BaseCommand

from thidua.org.demo import (
    all_accounts,
    as_dicts,
    ensure_demo_accounts,
    reset_per_unit_passwords,
)


class Command(BaseCommand):
    help = (
        "Tạo (nếu chưa có) và liệt kê theo vai trò mọi tài khoản mẫu, cả tài khoản từng đơn vị "
        "của các năm trình diễn: tên đăng nhập, mật khẩu, vai trò, đơn vị."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="In ra dạng JSON.")

    def handle(self, *args, **options):
        ensure_demo_accounts()
        accounts = all_accounts()
        reset_per_unit_passwords(accounts)
        rows = as_dicts(accounts)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        width = max(len(r["username"]) for r in rows)
        self.stdout.write("Tài khoản mẫu (chỉ dùng để trình diễn):")
        role = None
        for r in rows:
            if r["role_label"] != role:
                role = r["role_label"]
                self.stdout.write(f"{role}:")
            self.stdout.write(
                f"  {r['username']:<{width}}  {r['password']}  {r['note'] or r['unit']}"
            )
