"""Pages of the commendation records and eligibility (under /khen-thuong/), one module per area."""
