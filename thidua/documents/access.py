"""Who may download a cluster-year's documents: the same people who see its outcome.

The documents print every unit's scores and the proposals, so they follow the ranking's rule:
members of the cluster once the year reached the ranking stage; its secretariat and the Ministry
as soon as a ranking is computed. Anyone else gets a 404 (the year is not revealed).
"""

from __future__ import annotations

from django.http import Http404

from thidua.cycle.access import CycleAccess, get_cycle_for_user, sees_outcome
from thidua.cycle.models import Cycle
from thidua.documents.context import DocumentContext, NotReady, build_context
from thidua.org.models import User


def get_documents_for_user(user: User, year: int, number: int) -> CycleAccess:
    access = get_cycle_for_user(user, year, number)
    if not sees_outcome(user, access.cycle):
        raise Http404("Không tìm thấy văn bản của cụm thi đua trong phạm vi của bạn.")
    return access


def documents_ready(access: CycleAccess) -> bool:
    """Whether the documents can be made for this user now (no exception, for the page)."""
    visible = access.is_secretariat or access.national or access.cycle.at_least(Cycle.Stage.RANKING)
    return visible and access.cycle.rankings.exists()


def context_for(access: CycleAccess) -> DocumentContext:
    """The documents' data; NotReady (→ 409 in the API) before there is a ranking to report."""
    if not (access.is_secretariat or access.national or access.cycle.at_least(Cycle.Stage.RANKING)):
        raise NotReady(
            "Bảng xếp hạng chưa được công bố: văn bản được lập từ giai đoạn "
            f"“{Cycle.Stage.RANKING.label}”."
        )
    return build_context(access.cycle)
