from tests.ladder import MEMBERS_SEE, Entry

# The year's documents follow the ranking: everyone in the cluster's scope once it is ranked.

ENTRIES = [
    Entry("cycle_documents", MEMBERS_SEE, args=lambda w: [2021, 3]),
    # The score table as XLSX: the quickest document to build.
    Entry("cycle_document", MEMBERS_SEE, args=lambda w: [2021, 3, "scores", "xlsx"]),
]
