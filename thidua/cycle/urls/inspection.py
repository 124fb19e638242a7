"""URLs of the cycle's inspection pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

urlpatterns: list = []
