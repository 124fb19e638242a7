"""Pages of the commendation records and eligibility (under /khen-thuong/)."""

urlpatterns: list = []
