"""Dashboards of a cluster (relative to …/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import dashboards

urlpatterns = [
    path("bang-dieu-khien/", dashboards.cycle_dashboard, name="cycle_dashboard"),
]
