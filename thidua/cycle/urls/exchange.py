"""Excel exchange of a cluster's year: templates, uploads, exports (relative to …/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import exchange, list_exports

urlpatterns = [
    path(
        "so-lieu/<slug:code>/mau-so-lieu.xlsx",
        exchange.results_template,
        name="cycle_excel_results_template",
    ),
    path(
        "so-lieu/<slug:code>/nhap-excel/",
        exchange.results_upload,
        name="cycle_excel_results_upload",
    ),
    path(
        "chi-tieu/mau-chi-tieu.xlsx", exchange.targets_template, name="cycle_excel_targets_template"
    ),
    path("chi-tieu/nhap-excel/", exchange.targets_upload, name="cycle_excel_targets_upload"),
    path("thang-diem.xlsx", exchange.scale_export, name="cycle_excel_scale"),
    path("mau-thang-diem.xlsx", exchange.scale_template, name="cycle_excel_scale_template"),
    path("thang-diem/nhap-excel/", exchange.scale_upload, name="cycle_excel_scale_upload"),
    path("xep-hang.xlsx", exchange.ranking_export, name="cycle_excel_ranking"),
    path("so-lieu.xlsx", exchange.results_list_export, name="cycle_excel_results_list"),
    path("dang-ky.xlsx", exchange.registrations_export, name="cycle_excel_registrations"),
    path("kiem-tra-cheo.xlsx", list_exports.teams_export, name="cycle_excel_teams"),
    path("khieu-nai.xlsx", list_exports.disputes_export, name="cycle_excel_disputes"),
    path("de-nghi-khen-thuong.xlsx", list_exports.proposals_export, name="cycle_excel_proposals"),
    path("dot-thi-dua.xlsx", list_exports.drives_export, name="cycle_excel_drives"),
]
