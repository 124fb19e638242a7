"""URLs of the cycle's results pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import reading, results

urlpatterns = [
    path("so-lieu/", results.cycle_results, name="cycle_results"),
    path("so-lieu/<slug:code>/", results.cycle_result_sheet, name="cycle_result_sheet"),
    path("so-lieu/<slug:code>/gui/", results.cycle_result_submit, name="cycle_result_submit"),
    path("so-lieu/<slug:code>/tra-lai/", results.cycle_result_return, name="cycle_result_return"),
    path(
        "so-lieu/<slug:code>/minh-chung/",
        results.cycle_evidence_upload,
        name="cycle_evidence_upload",
    ),
    path(
        "so-lieu/<slug:code>/minh-chung/<int:pk>/",
        results.cycle_evidence_download,
        name="cycle_evidence_download",
    ),
    path(
        "so-lieu/<slug:code>/minh-chung/<int:pk>/xoa/",
        results.cycle_evidence_delete,
        name="cycle_evidence_delete",
    ),
    path("so-lieu/<slug:code>/doc-bao-cao/", reading.reading_upload, name="cycle_reading_upload"),
    path(
        "so-lieu/<slug:code>/doc-bao-cao/<int:pk>/",
        reading.reading_review,
        name="cycle_reading_review",
    ),
    path(
        "so-lieu/<slug:code>/doc-bao-cao/<int:pk>/nhan/",
        reading.reading_accept,
        name="cycle_reading_accept",
    ),
    path(
        "so-lieu/<slug:code>/doc-bao-cao/<int:pk>/tep/",
        reading.reading_download,
        name="cycle_reading_download",
    ),
]
