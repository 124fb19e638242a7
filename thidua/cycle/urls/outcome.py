"""URLs of the cycle's outcome pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

urlpatterns: list = []
