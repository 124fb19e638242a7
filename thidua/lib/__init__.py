"""Plain helpers every domain app uses, below all of them (DESIGN.md §4.10).

Nothing here imports a domain app (org, honours, cycle, documents, api, jobs, notifications):
the import-graph test (tests/test_import_graph.py) keeps it so.
"""
