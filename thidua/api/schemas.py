from __future__ import annotations

import datetime as dt

from ninja import Schema


class UnitRef(Schema):
    code: str
    name: str
    short_name: str


class UnitOut(UnitRef):
    kind: str
    kind_label: str
    level: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: str | None
    aliases: list[str]

    @staticmethod
    def resolve_kind_label(unit) -> str:
        return unit.get_kind_display()

    @staticmethod
    def resolve_successor(unit) -> str | None:
        return unit.successor.code if unit.successor_id else None

    @staticmethod
    def resolve_aliases(unit) -> list[str]:
        return [alias.name for alias in unit.aliases.all()]


class MembershipOut(Schema):
    year: int
    cluster_number: int
    cluster_kind: str
    unit: UnitRef
    role: str
    role_label: str


class UnitDetailOut(UnitOut):
    """A unit with its history: the view attaches `lineage_units`, `successor_units`, `membership_rows`."""

    lineage: list[UnitOut]
    successors: list[UnitRef]
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_lineage(unit) -> list:
        return unit.lineage_units

    @staticmethod
    def resolve_successors(unit) -> list:
        return unit.successor_units

    @staticmethod
    def resolve_memberships(unit) -> list:
        return unit.membership_rows


class HandoverOut(Schema):
    next_leader: UnitRef
    next_deputy: UnitRef | None
    reason: str
    recorded_at: dt.datetime


class ClusterOut(Schema):
    year: int
    number: int
    kind: str
    title: str
    leader: UnitRef | None
    deputy: UnitRef | None
    member_count: int


class MemberOut(Schema):
    unit: UnitRef
    role: str
    role_label: str


class ClusterDetailOut(ClusterOut):
    movement: str
    host: UnitRef | None
    conference_date: dt.date | None
    members: list[MemberOut]
    handover: HandoverOut | None
    published: dict
    problems: list[str]
