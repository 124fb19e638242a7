from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from thidua.cycle.demo import build_demo_years
from thidua.cycle.outcome.decisions import build_demo_decisions
from thidua.honours.demo import build_demo_honours
from thidua.org.demo import ensure_demo_accounts
from thidua.org.loaders import load_clusters
from thidua.portal.national_demo import build_national_2025


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn: các cụm thi đua thật đã công bố và tài khoản mẫu (chạy lại không nhân đôi)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Không nạp dữ liệu trình diễn vào cơ sở dữ liệu chính thức (THIDUA_ENV=production)."
            )
        call_command("load_reference", stdout=self.stdout)
        stats = load_clusters()
        self.stdout.write(f"Cụm thi đua: {stats}.")
        accounts = ensure_demo_accounts()
        self.stdout.write(f"Tài khoản mẫu: {len(accounts)}.")
        cycles = build_demo_years(council=True)
        for cycle in cycles:
            self.stdout.write(f"Năm thi đua: {cycle} — {cycle.get_stage_display()}.")
        # The 2021 outcome in the register: the published recipients as signed decisions. Not in
        # build_demo_years, which the tests' world replays from its proposals onwards.
        for decision in build_demo_decisions(cycles[0]):
            self.stdout.write(
                f"Quyết định khen thưởng: {decision.number} ({decision.lines.count()} dòng)."
            )
        self.stdout.write(f"Hồ sơ khen thưởng: {build_demo_honours()}.")
        # The country in 2025 (every cluster and block, each year opened, the national calendar):
        # a loader of its own, which the tests' world does without.
        self.stdout.write(f"Cả nước năm 2025: {build_national_2025()}.")
