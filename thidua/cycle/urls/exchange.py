"""Excel exchange of a cluster's year: templates, uploads, exports (relative to …/thi-dua/)."""

urlpatterns: list = []
