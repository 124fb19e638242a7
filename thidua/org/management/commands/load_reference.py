from django.core.management.base import BaseCommand

from thidua.org.loaders import load_units, movement


class Command(BaseCommand):
    help = "Nạp dữ liệu tham chiếu: 63 tỉnh trước và 34 tỉnh sau sáp nhập 01/7/2025, các đơn vị thuộc Bộ."

    def handle(self, *args, **options):
        stats = load_units()
        movement()
        self.stdout.write(f"Đơn vị: {stats}.")
