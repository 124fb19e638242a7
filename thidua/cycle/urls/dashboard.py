"""Dashboards of a cluster (relative to …/thi-dua/)."""

urlpatterns: list = []
