"""URLs of the cycle's plan pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import commitments, plan

urlpatterns = [
    path("phuong-phap/", plan.cycle_method, name="cycle_method"),
    path(
        "phuong-phap/tai-ve/<slug:doc>.json",
        plan.cycle_method_download,
        name="cycle_method_download",
    ),
    path("phuong-phap/tai-len/", plan.cycle_method_upload, name="cycle_method_upload"),
    path("phuong-phap/chi-tieu/", plan.cycle_method_targets, name="cycle_method_targets"),
    path("phuong-phap/quy-che/", plan.cycle_method_rules, name="cycle_method_rules"),
    path(
        "phuong-phap/tieu-chi/<str:code>/",
        plan.cycle_method_criterion,
        name="cycle_method_criterion",
    ),
    path(
        "phuong-phap/tieu-chi/<str:code>/xoa/",
        plan.cycle_method_criterion_delete,
        name="cycle_method_criterion_delete",
    ),
    path(
        "phuong-phap/nhom/<str:group>/them-tieu-chi/",
        plan.cycle_method_criterion_new,
        name="cycle_method_criterion_new",
    ),
    path("giao-uoc/", commitments.cycle_covenant, name="cycle_covenant"),
    path("giao-uoc/ky/", commitments.cycle_covenant_sign, name="cycle_covenant_sign"),
    path("dang-ky/", commitments.cycle_registrations, name="cycle_registrations"),
    path(
        "dang-ky/<slug:code>/", commitments.cycle_registration_edit, name="cycle_registration_edit"
    ),
    path("dot-thi-dua/", commitments.cycle_drives, name="cycle_drives"),
    path("dot-thi-dua/them/", commitments.cycle_drive_new, name="cycle_drive_new"),
    path("dot-thi-dua/<int:pk>/", commitments.cycle_drive_edit, name="cycle_drive_edit"),
]
