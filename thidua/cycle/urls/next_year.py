"""URLs of the next-year pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import next_year

urlpatterns = [
    path("phuong-phap/ke-thua/", next_year.cycle_method_inherit, name="cycle_method_inherit"),
    path(
        "don-vi/<slug:code>/qua-cac-nam/",
        next_year.cycle_unit_years,
        name="cycle_unit_years",
    ),
]
