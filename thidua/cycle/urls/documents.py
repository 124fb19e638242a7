"""Document downloads of a cluster's year (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

urlpatterns: list = []
