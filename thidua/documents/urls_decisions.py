"""Commendation decisions (under /quyet-dinh-khen-thuong/): thidua/documents/views_decisions.py."""

from django.urls import path

from thidua.documents import views_decisions as views

urlpatterns = [
    path("", views.decision_list, name="decision_list"),
    path("lap/<int:year>/<int:number>/", views.decision_draft, name="decision_draft"),
    path("<int:pk>/", views.decision_detail, name="decision_detail"),
    path("<int:pk>/ky/", views.decision_sign, name="decision_sign"),
    path("<int:pk>/huy-bo/", views.decision_revoke, name="decision_revoke"),
    path("<int:pk>/dong/<int:line>/huy-bo/", views.decision_revoke, name="decision_line_revoke"),
    path("<int:pk>/van-ban.<str:ext>", views.decision_document, name="decision_document"),
]
