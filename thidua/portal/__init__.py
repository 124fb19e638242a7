"""Pages and commands that gather every app (the home page, the demo loader): above the apps, as
``thidua/urls.py`` is, so that no app below has to import the ones above it (DESIGN.md §4.10)."""
