from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "thidua.cycle"
    label = "cycle"
    verbose_name = "Năm thi đua của Cụm"
