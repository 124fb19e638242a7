"""Who may see and do what with units and clusters: one helper per object type.

Views and API endpoints call these and nothing else. Out-of-scope objects are 404 (their existence
is not revealed); in-scope objects the user may not change are 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from thidua.org.models import Cluster, Unit, User
from thidua.org.year_keys import kind_of


def get_unit_for_user(user: User, code: str) -> tuple[Unit, bool]:
    """Units are reference data every signed-in user may read; only administrators edit them."""
    try:
        unit = Unit.objects.select_related("parent", "successor").get(code=code)
    except Unit.DoesNotExist:
        raise Http404("Không tìm thấy đơn vị.") from None
    return unit, user.is_superuser


def get_cluster_for_user(
    user: User, year: int, number: int, kind: str | None = None
) -> tuple[Cluster, bool]:
    """A cluster-year (or block-year) the user may see, and whether they run it (its secretariat).

    Looked up by (year, kind, number); the kind, unless given, is the number's own
    (`year_keys.kind_of`: a block's number from a /khoi-thi-dua/ address or a block row).

    The clusters of that year and number are loaded with their members (what the caller needs
    anyway) and the scope rule of `ClusterQuerySet.visible_to` is applied to them in Python
    (`Cluster.is_visible_to`): the same answer, without the join on memberships and the lineage
    query in the common case.
    """
    kind = kind or kind_of(number)
    clusters = Cluster.objects.with_members().filter(year=year, number=number, kind=kind)
    cluster = only_visible(user, clusters)
    return cluster, user.is_secretariat_of(cluster)


def only_visible(user: User, clusters: Iterable[Cluster]) -> Cluster:
    """The one cluster of `clusters` the user may see (404 if none), as `.get()` would answer."""
    visible = [c for c in clusters if c.is_visible_to(user)]
    if not visible:
        raise Http404("Không tìm thấy cụm thi đua hoặc bạn không thuộc cụm này.")
    if len(visible) > 1:
        raise Cluster.MultipleObjectsReturned(f"{len(visible)} cụm thi đua cùng năm và số.")
    return visible[0]


def require(allowed: bool, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
    if not allowed:
        raise PermissionDenied(message)
