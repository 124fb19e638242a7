"""Units (with their lifecycle through mergers), clusters by year, memberships, users.

A unit is a police body that exists between two dates. When provinces merged on 1 July 2025 the
merged units ended and point at their successor, so history follows a unit through mergers: the
new Công an tỉnh Phú Thọ's history shows the years of Hòa Bình, Vĩnh Phúc and the old Phú Thọ.
A cluster's composition belongs to its year.
"""

from thidua.org.models.clusters import (
    Cluster,
    ClusterNumberField,
    ClusterQuerySet,
    Handover,
    Membership,
    Movement,
)
from thidua.org.models.units import (
    Unit,
    UnitAlias,
    UnitQuerySet,
    resolve_unit,
    year_end,
    year_start,
)
from thidua.org.models.users import User, UserQuerySet

__all__ = [
    "Cluster",
    "ClusterNumberField",
    "ClusterQuerySet",
    "Handover",
    "Membership",
    "Movement",
    "Unit",
    "UnitAlias",
    "UnitQuerySet",
    "User",
    "UserQuerySet",
    "resolve_unit",
    "year_end",
    "year_start",
]
