"""The Ministry's dashboards across clusters (under /bang-dieu-khien/)."""

urlpatterns: list = []
