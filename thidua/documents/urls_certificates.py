"""Certificates printed from a signed decision (under /in-phoi/)."""

from django.urls import path

from thidua.documents import views_certificates as views

urlpatterns = [
    path("quyet-dinh/<int:pk>/", views.certificate_page, name="certificate_page"),
    path("quyet-dinh/<int:pk>/phoi.pdf", views.certificate_pdf, name="certificate_pdf"),
    path(
        "quyet-dinh/<int:pk>/xem-truoc.png", views.certificate_preview, name="certificate_preview"
    ),
]
