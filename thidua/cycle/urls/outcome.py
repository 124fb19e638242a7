"""URLs of the cycle's outcome pages (relative to /cum-thi-dua/<year>/<number>/thi-dua/)."""

from django.urls import path

from thidua.cycle.views import proposals, ranking, review, vote

urlpatterns = [
    path("xep-hang/", ranking.cycle_ranking, name="cycle_ranking"),
    path("xep-hang/tinh-lai/", ranking.cycle_ranking_recompute, name="cycle_ranking_recompute"),
    path("xep-hang/<slug:code>/", ranking.cycle_unit_score, name="cycle_unit_score"),
    path("suy-ton/", vote.cycle_vote, name="cycle_vote"),
    path("suy-ton/mo/", vote.cycle_vote_open, name="cycle_vote_open"),
    path("suy-ton/bieu-quyet/", vote.cycle_vote_cast, name="cycle_vote_cast"),
    path("suy-ton/ket-thuc/", vote.cycle_vote_close, name="cycle_vote_close"),
    path("suy-ton/khoa-cua-bo/", vote.cycle_vote_key, name="cycle_vote_key"),
    path("suy-ton/kiem-phieu/", vote.cycle_vote_tally, name="cycle_vote_tally"),
    path("de-nghi/", proposals.cycle_proposals, name="cycle_proposals"),
    path("de-nghi/them/", proposals.cycle_proposal_add, name="cycle_proposal_add"),
    path("de-nghi/trinh-lai/", proposals.cycle_proposals_resubmit, name="cycle_proposals_resubmit"),
    path(
        "de-nghi/<int:pk>/rut/", proposals.cycle_proposal_withdraw, name="cycle_proposal_withdraw"
    ),
    path(
        "de-nghi/<int:pk>/quyet-dinh/",
        proposals.cycle_proposal_decide,
        name="cycle_proposal_decide",
    ),
    path("de-nghi/ngoai-xep-hang/", review.cycle_unit_proposals, name="cycle_unit_proposals"),
    path("xet-duyet/", review.cycle_review, name="cycle_review"),
    path("xet-duyet/quyet-dinh/", review.cycle_review_decide, name="cycle_review_decide"),
    path("xet-duyet/<int:pk>/y-kien/", review.cycle_review_opinion, name="cycle_review_opinion"),
    path("xet-duyet/<int:pk>/giai-trinh/", review.cycle_review_answer, name="cycle_review_answer"),
    path("xet-duyet/tep/<int:pk>/", review.cycle_review_file, name="cycle_review_file"),
    path("ban-giao/", proposals.cycle_handover, name="cycle_handover"),
]
