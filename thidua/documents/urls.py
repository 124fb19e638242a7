"""Document downloads of a cluster's year, under /cum-thi-dua/<year>/<number>/thi-dua/ like the year's
other pages (included from thidua/urls.py: the documents app sits above the year and the year's URLs
do not name it)."""

from django.urls import path

from thidua.documents import cycle_views as documents

urlpatterns = [
    path("van-ban/", documents.cycle_documents, name="cycle_documents"),
    path("van-ban/<slug:kind>.<slug:ext>", documents.cycle_document, name="cycle_document"),
]
