from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "thidua.cycle"
    label = "cycle"
    verbose_name = "Năm thi đua của Cụm"

    def ready(self) -> None:
        # The register (honours) sits below the year and never imports it: the year tells it who
        # led a cluster (eligibility rules R10-R13), explicitly, here.
        from thidua.cycle.eligibility import cluster_standing
        from thidua.honours.eligibility import register_cluster_standing

        register_cluster_standing(cluster_standing)
