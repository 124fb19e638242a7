"""Pages of the commendation records and eligibility (under /khen-thuong/)."""

from django.urls import include, path

from thidua.honours.views import commendations, data, eligibility, people, teams

KINDS = "<str:kind>"  # cong-tac | xep-loai | sang-kien | ky-luat (checked by the view's table)

urlpatterns = [
    path("", data.honours_home, name="honours_home"),
    path("can-bo/", people.person_list, name="honours_people"),
    path("can-bo/them/", people.person_create, name="honours_person_create"),
    path("can-bo/<int:pk>/", people.person_detail, name="honours_person"),
    path("can-bo/<int:pk>/sua/", people.person_edit, name="honours_person_edit"),
    path(f"can-bo/<int:pk>/{KINDS}/them/", people.person_add, name="honours_person_add"),
    path(
        f"can-bo/<int:pk>/{KINDS}/<int:item>/xoa/",
        people.person_remove,
        name="honours_person_remove",
    ),
    path("quyet-dinh/", commendations.commendation_list, name="honours_commendations"),
    path("quyet-dinh/them/", commendations.commendation_create, name="honours_commendation_create"),
    path("quyet-dinh/<int:pk>/", commendations.commendation_detail, name="honours_commendation"),
    path(
        "quyet-dinh/<int:pk>/sua/",
        commendations.commendation_edit,
        name="honours_commendation_edit",
    ),
    path(
        "quyet-dinh/<int:pk>/huy-bo/",
        commendations.commendation_revoke,
        name="honours_commendation_revoke",
    ),
    path(
        "quyet-dinh/<int:pk>/tep/",
        commendations.commendation_attach,
        name="honours_commendation_attach",
    ),
    path(
        "quyet-dinh/<int:pk>/tep/<int:attachment>/",
        commendations.attachment_download,
        name="honours_attachment",
    ),
    path("don-vi/<slug:code>/", eligibility.unit_honours, name="honours_unit"),
    path("don-vi/<slug:code>/xep-loai/", eligibility.unit_rating, name="honours_unit_rating"),
    path("don-vi/<slug:code>/quan-so/", eligibility.unit_roster, name="honours_unit_roster"),
    path(
        "don-vi/<slug:code>/quan-so/excel/",
        eligibility.unit_rosters_excel,
        name="honours_unit_rosters_excel",
    ),
    path("don-vi/<slug:code>/truc-thuoc/", teams.unit_teams, name="honours_unit_teams"),
    path("don-vi/<slug:code>/truc-thuoc/them/", teams.team_create, name="honours_team_create"),
    path("don-vi/<slug:code>/truc-thuoc/quan-so/", teams.team_roster, name="honours_team_roster"),
    path(
        "don-vi/<slug:code>/truc-thuoc/excel/",
        teams.teams_excel_view,
        name="honours_teams_excel",
    ),
    path("don-vi/<slug:code>/goi-y/", eligibility.unit_suggestions, name="honours_suggestions"),
    path("xet-dieu-kien/", eligibility.eligibility, name="honours_eligibility"),
    path("nhap-excel/", data.import_records, name="honours_import"),
    path("nhap-excel/mau.xlsx", data.import_template, name="honours_import_template"),
    path("quy-tac/", data.ruleset_list, name="honours_rulesets"),
    path("quy-tac/ban-hanh/", data.ruleset_create, name="honours_ruleset_create"),
    path("quy-tac/<str:set_id>/", data.ruleset_detail, name="honours_ruleset"),
    path("", include("thidua.honours.urls_reports")),
]
