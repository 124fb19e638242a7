"""URLs of the cycle's plan pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

urlpatterns: list = []
