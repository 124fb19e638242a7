from tests.ladder import Entry

# The year's documents follow the ranking: everyone in the cluster's scope once it is ranked.
MEMBERS_SEE = {
    "anonymous": 302,
    "officer_a": 200,
    "officer_b": 404,
    "secretariat": 200,
    "inspector": 200,
    "approver": 200,
    "viewer": 200,
}

ENTRIES = [
    Entry("cycle_documents", MEMBERS_SEE, args=lambda w: [2021, 3]),
    # The score table as XLSX: the quickest document to build.
    Entry("cycle_document", MEMBERS_SEE, args=lambda w: [2021, 3, "scores", "xlsx"]),
]
