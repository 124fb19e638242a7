"""Commendation decisions (under /quyet-dinh-khen-thuong/): thidua/documents/views_decisions.py."""

from django.urls import path

from thidua.documents import views_decisions as views
from thidua.org import year_keys  # noqa: F401  (registers the cluster_number/block_number converters)

urlpatterns = [
    path("", views.decision_list, name="decision_list"),
    path("lap/<int:year>/<cluster_number:number>/", views.decision_draft, name="decision_draft"),
    path("lap/khoi/<int:year>/<block_number:number>/", views.decision_draft, name="decision_draft"),
    path("<int:pk>/", views.decision_detail, name="decision_detail"),
    path("<int:pk>/ky/", views.decision_sign, name="decision_sign"),
    path("<int:pk>/huy-bo/", views.decision_revoke, name="decision_revoke"),
    path("<int:pk>/dong/<int:line>/huy-bo/", views.decision_revoke, name="decision_line_revoke"),
    path("<int:pk>/van-ban.<str:ext>", views.decision_document, name="decision_document"),
]
