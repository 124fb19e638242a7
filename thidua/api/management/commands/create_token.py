from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.api.models import ApiToken


class Command(BaseCommand):
    help = "Tạo mã truy cập API mới cho một tài khoản và in ra (chỉ hiện một lần)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Tên gợi nhớ của mã truy cập.")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có tài khoản “{username}”.") from None
        _token, plaintext = ApiToken.issue(user, name)
        self.stdout.write(plaintext)
