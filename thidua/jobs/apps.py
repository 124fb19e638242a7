from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "thidua.jobs"
    label = "jobs"
    verbose_name = "Tác vụ chạy nền"

    def ready(self) -> None:
        # Each app declares its jobs and periodic work in its own tasks.py (documents, honours,
        # this app's engine tasks): found here by name, so this app imports none of them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
