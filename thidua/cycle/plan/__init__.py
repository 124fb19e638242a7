"""The plan of the year (steps 1–4): the method and its scale workbook, the rule kinds' wording, the
forms of the method, covenant, registrations and drives, and last year's method as a draft."""
