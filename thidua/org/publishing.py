"""The Ministry publishes each year's clusters and blocks: members, leader and deputy.

Three acts, each one transaction, each audited:

- `publish_next_year`: from a recorded handover (e.g. Cụm 6 / 2022: Gia Lai → Bình Phước, deputy
  Kon Tum), next year's cluster with the same number, the same members (a member merged away is
  replaced by the unit it was merged into) and the handover's leader and deputy. One click.
- `publish_cluster_year`: a cluster or block of a year from scratch (a new block, a new grouping).
- `change_composition`: members added or removed with a reason (Cụm 6 of 2022 and of 2024 are
  different provinces); the leader and deputy cannot be removed without being replaced first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Cluster, Handover, Membership, Movement, Unit, User, year_end


def is_ministry(user: User) -> bool:
    """Who publishes clusters: the Ministry's approvers (and administrators)."""
    return bool(user.is_superuser or user.role == User.Role.MINISTRY_APPROVER)


def require_ministry(user: User) -> None:
    if not is_ministry(user):
        raise PermissionDenied("Chỉ cán bộ phê duyệt của Bộ được công bố cụm, khối thi đua.")


def composition(cluster: Cluster) -> dict[str, Any]:
    """What the audit keeps of a cluster's composition: members by code, leader, deputy."""
    members = cluster.members()
    return {
        "members": [m.unit.code for m in members],
        "leader": cluster.leader.code if cluster.leader else None,
        "deputy": cluster.deputy.code if cluster.deputy else None,
    }


def next_year_of(cluster: Cluster) -> Cluster | None:
    return Cluster.objects.filter(
        movement=cluster.movement_id,
        kind=cluster.kind,
        number=cluster.number,
        year=cluster.year + 1,
    ).first()


def carried_members(cluster: Cluster, year: int) -> list[Unit]:
    """This year's members as they exist at the end of `year`: a unit merged away is replaced by
    its successor (once, however many of its members merged into it)."""
    units: dict[int, Unit] = {}
    for membership in cluster.members():
        unit = membership.unit
        while not unit.valid_on(year_end(year)) and unit.successor_id is not None:
            unit = unit.successor
        if unit.exists_in_year(year):
            units.setdefault(unit.pk, unit)
    return list(units.values())


@transaction.atomic
def publish_cluster_year(
    *,
    by: User,
    movement: Movement,
    year: int,
    kind: str,
    number: int,
    members: Iterable[Unit],
    leader: Unit,
    deputy: Unit | None,
    name: str = "",
    reason: str = "",
) -> Cluster:
    """A cluster or block of `year` with its members, leader (who hosts the conference) and deputy."""
    require_ministry(by)
    members = list({u.pk: u for u in [leader, *([deputy] if deputy else []), *members]}.values())
    errors: dict[str, str] = {}
    if deputy is not None and deputy.pk == leader.pk:
        words = Cluster(kind=kind)  # Cụm phó/Cụm trưởng, or Khối phó/Khối trưởng
        errors["deputy"] = f"{words.deputy_word} phải là đơn vị khác {words.leader_word}."
    if Cluster.objects.filter(movement=movement, year=year, kind=kind, number=number).exists():
        label = dict(Cluster.Kind.choices)[kind]
        errors["number"] = f"{label} số {number} năm {year} đã được công bố."
    if errors:
        raise ValidationError(errors)
    cluster = Cluster(
        movement=movement,
        year=year,
        kind=kind,
        number=number,
        name=text.normalize(name),
        host=leader,
    )
    cluster.full_clean()
    cluster.save()
    for unit in members:
        role = (
            Membership.Role.LEADER
            if unit.pk == leader.pk
            else Membership.Role.DEPUTY
            if deputy is not None and unit.pk == deputy.pk
            else Membership.Role.MEMBER
        )
        cluster.add_member(unit, role=role, by=by)
    cluster = Cluster.objects.with_members().get(pk=cluster.pk)
    audit(
        actor=by,
        action="publish",
        obj=cluster,
        after={**snapshot(cluster), **composition(cluster)},
        reason=text.normalize(reason),
    )
    return cluster


@transaction.atomic
def publish_next_year(cluster: Cluster, *, by: User) -> Cluster:
    """Next year's cluster from this year's recorded handover, in one step."""
    require_ministry(by)
    handover = (
        Handover.objects.filter(cluster=cluster)
        .select_related("next_leader", "next_deputy")
        .first()
    )
    if handover is None:
        raise WorkflowError(
            f"{cluster} chưa ghi nhận bàn giao {cluster.leader_word}, {cluster.deputy_word} năm "
            f"sau: chưa thể công bố năm {cluster.year + 1}."
        )
    existing = next_year_of(cluster)
    if existing is not None:
        raise WorkflowError(f"{existing} đã được công bố.")
    year = cluster.year + 1
    return publish_cluster_year(
        by=by,
        movement=cluster.movement,
        year=year,
        kind=cluster.kind,
        number=cluster.number,
        members=carried_members(cluster, year),
        leader=handover.next_leader,
        deputy=handover.next_deputy,
        name=cluster.name,
        reason=f"Theo bàn giao tại hội nghị tổng kết năm {cluster.year}.",
    )


@transaction.atomic
def change_composition(
    cluster: Cluster,
    *,
    by: User,
    add: Iterable[Unit] = (),
    remove: Iterable[Unit] = (),
    reason: str,
) -> Cluster:
    """Members added and removed, with the reason; audited as one change of the cluster."""
    require_ministry(by)
    add, remove, reason = list(add), list(remove), text.normalize(reason)
    cycle = getattr(cluster, "cycle", None)  # the year run in the system (reverse accessor)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Phải nêu lý do thay đổi thành phần cụm (văn bản của Bộ, sáp nhập…)."
    if not add and not remove:
        errors["__all__"] = "Chưa chọn đơn vị nào để thêm hoặc bớt."
    if cycle is not None and cycle.stage != "planning":
        errors["__all__"] = (
            "Năm thi đua của cụm đã qua bước lập kế hoạch: không thay đổi thành phần được nữa "
            "(điểm, xếp hạng đã tính theo thành phần hiện tại)."
        )
    members = {m.unit_id: m for m in cluster.memberships.all()}
    for unit in remove:
        membership = members.get(unit.pk)
        if membership is None:
            errors["remove"] = f"{unit.name} không phải thành viên của {cluster}."
        elif membership.role != Membership.Role.MEMBER:
            role = (
                cluster.leader_word
                if membership.role == Membership.Role.LEADER
                else cluster.deputy_word
            )
            errors["remove"] = (
                f"{unit.name} đang là {role}: chọn đơn vị khác làm {role} trước khi bớt."
            )
    for unit in add:
        if unit.pk in members:
            errors["add"] = f"{unit.name} đã là thành viên của {cluster}."
    if errors:
        raise ValidationError(errors)
    before = composition(cluster)
    for unit in remove:
        membership = members[unit.pk]
        audit(actor=by, action="delete", obj=membership, before=snapshot(membership), reason=reason)
        membership.delete()
    for unit in add:
        try:
            cluster.add_member(unit, by=by)
        except ValidationError as exc:
            raise ValidationError({"add": [f"{unit.name}: {m}" for m in exc.messages]}) from None
    cluster = Cluster.objects.with_members().get(pk=cluster.pk)
    audit(
        actor=by,
        action="change_composition",
        obj=cluster,
        before=before,
        after=composition(cluster),
        reason=reason,
    )
    return cluster
