"""URLs of the cycle's inspection pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import inspection

urlpatterns = [
    path("kiem-tra/", inspection.cycle_teams, name="cycle_teams"),
    path("kiem-tra/lap-doan/", inspection.cycle_team_new, name="cycle_team_new"),
    path("kiem-tra/doan/<int:pk>/sua/", inspection.cycle_team_edit, name="cycle_team_edit"),
    path(
        "kiem-tra/doan/<int:pk>/giai-the/",
        inspection.cycle_team_dissolve,
        name="cycle_team_dissolve",
    ),
    path("kiem-tra/<int:pk>/", inspection.cycle_inspection, name="cycle_inspection"),
    path(
        "kiem-tra/<int:pk>/gui/",
        inspection.cycle_inspection_submit,
        name="cycle_inspection_submit",
    ),
    path("khieu-nai/", inspection.cycle_disputes, name="cycle_disputes"),
    path("khieu-nai/moi/", inspection.cycle_dispute_new, name="cycle_dispute_new"),
    path("khieu-nai/<int:pk>/", inspection.cycle_dispute_resolve, name="cycle_dispute_resolve"),
]
