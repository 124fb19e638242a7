"""Vietnamese number formats over Django's own vi locale: thousands grouped by three with a dot
("3.356"), decimal comma ("94,6"), as the generated documents write them (engine/numbers.py).
Django's vi locale sets the separators but no grouping, so `intcomma` printed "3356"."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
