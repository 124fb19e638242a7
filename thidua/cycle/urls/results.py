"""URLs of the cycle's results pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

urlpatterns: list = []
