from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "thidua.cycle"
    label = "cycle"
    verbose_name = "Năm thi đua của Cụm"

    def ready(self) -> None:
        # The register (honours) sits below the year and never imports it: the year tells it who
        # led a cluster (eligibility rules R10-R13), explicitly, here.
        from thidua.cycle.outcome.eligibility import cluster_standing
        from thidua.honours.eligibility import register_cluster_standing

        register_cluster_standing(cluster_standing)

        # The year's stages (gates) sit below the models; the work they start lives above
        # them: handed to them here, explicitly (no import reaches up from the table).
        from thidua.cycle import gates
        from thidua.cycle.outcome.proposals import allocate, selection_problems, submit_all
        from thidua.cycle.scoring import rank_cycle

        gates.register_stage_work(
            rank=rank_cycle,
            allocate=allocate,
            submit_all=submit_all,
            selection_problems=selection_problems,
        )
