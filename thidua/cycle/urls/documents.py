"""Document downloads of a cluster's year (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import documents

urlpatterns = [
    path("van-ban/", documents.cycle_documents, name="cycle_documents"),
    path("van-ban/<slug:kind>.<slug:ext>", documents.cycle_document, name="cycle_document"),
]
