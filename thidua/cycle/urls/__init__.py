"""Every page of a cluster's year lives under /cum-thi-dua/<year>/<number>/thi-dua/, and of a block's
year under /khoi-thi-dua/<year>/<number>/thi-dua/ (the same patterns, included twice: thidua/org/urls.py)."""

from django.urls import include, path

from thidua.cycle.views import overview

urlpatterns = [
    path("", overview.cycle_overview, name="cycle_overview"),
    path("mo/", overview.cycle_open, name="cycle_open"),
    path("chuyen-giai-doan/", overview.cycle_advance, name="cycle_advance"),
    path("", include("thidua.cycle.urls.plan")),
    path("", include("thidua.cycle.urls.results")),
    path("", include("thidua.cycle.urls.inspection")),
    path("", include("thidua.cycle.urls.outcome")),
    path("", include("thidua.cycle.urls.exchange")),
    path("", include("thidua.cycle.urls.dashboard")),
    path("", include("thidua.cycle.urls.next_year")),
]
