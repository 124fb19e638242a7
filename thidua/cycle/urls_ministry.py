"""The Ministry's dashboards across clusters (under /bang-dieu-khien/)."""

from django.urls import path

from thidua.cycle.views import dashboards

urlpatterns = [
    path("", dashboards.ministry_dashboard, name="ministry_dashboard"),
]
