import json

from django.core.management.base import BaseCommand

from thidua.org.demo import as_dicts, ensure_demo_accounts


class Command(BaseCommand):
    help = (
        "Tạo (nếu chưa có) và liệt kê các tài khoản mẫu: tên đăng nhập, mật khẩu, vai trò, đơn vị."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="In ra dạng JSON.")

    def handle(self, *args, **options):
        ensure_demo_accounts()
        rows = as_dicts()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        width = max(len(r["username"]) for r in rows)
        self.stdout.write("Tài khoản mẫu (chỉ dùng để trình diễn):")
        for r in rows:
            self.stdout.write(
                f"  {r['username']:<{width}}  {r['password']}  {r['role_label']} — {r['unit']}"
            )
