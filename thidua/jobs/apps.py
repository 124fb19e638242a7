from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "thidua.jobs"
    label = "jobs"
    verbose_name = "Tác vụ chạy nền"

    def ready(self) -> None:
        from thidua.jobs import tasks  # noqa: F401  (registers the job functions)
