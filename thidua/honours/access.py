"""Who may see and change commendation records and personnel data: one helper per object type.

Views and API endpoints load through these and nothing else. Personal data is out of scope (404,
its existence not revealed) outside the officer's unit line, except for the Ministry; in-scope
records the user may not change are 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from thidua.honours.models import (
    Attachment,
    Commendation,
    Decision,
    Person,
    may_edit_for,
    may_edit_somewhere,
    sees_people_of,
)
from thidua.org.access import require
from thidua.org.models import Unit, User


def get_person_for_user(user: User, pk: int) -> tuple[Person, bool]:
    """A person whose record the user may read, and whether they may change it."""
    person = (
        Person.objects.visible_to(user)
        .select_related("current_unit__successor__successor")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404("Không tìm thấy cán bộ hoặc hồ sơ thuộc đơn vị khác.")
    return person, may_edit_for(user, person.current_unit_id)


def get_commendation_for_user(user: User, pk: int) -> tuple[Commendation, bool]:
    """Collective commendations are public knowledge; individual ones follow the person."""
    found = (
        Commendation.objects.visible_to(user)
        .select_related("person__current_unit", "unit__successor", "created_by", "revoked_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("Không tìm thấy quyết định khen thưởng hoặc hồ sơ thuộc đơn vị khác.")
    return found, may_edit_for(user, found.owner_unit_id)


def get_attachment_for_user(user: User, commendation_pk: int, pk: int) -> Attachment:
    commendation, _ = get_commendation_for_user(user, commendation_pk)
    attachment = commendation.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404("Không tìm thấy tệp đính kèm.")
    return attachment


@dataclass(frozen=True)
class UnitRecords:
    """A unit's honours as the user may see them: collective awards for everyone; its people
    (rosters, eligibility built from members' records, suggestions) for its line and the Ministry."""

    unit: Unit
    sees_people: bool
    can_edit: bool


def get_unit_records_for_user(user: User, code: str) -> UnitRecords:
    unit = Unit.objects.select_related("successor").filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return UnitRecords(unit, sees_people_of(user, unit.pk), may_edit_for(user, unit.pk))


def get_unit_people_for_user(user: User, code: str) -> UnitRecords:
    """For pages built from the unit's people: out of scope (404) outside the unit's line."""
    records = get_unit_records_for_user(user, code)
    if not records.sees_people:
        raise Http404("Không tìm thấy đơn vị hoặc bạn không thuộc đơn vị này.")
    return records


def require_editor(user: User) -> None:
    """For pages that create records (the unit is chosen in the form): roles that never edit
    are refused at once."""
    require(
        may_edit_somewhere(user),
        "Chỉ cán bộ thi đua của đơn vị và cán bộ phê duyệt của Bộ được cập nhật hồ sơ khen thưởng.",
    )


def can_publish_rules(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.MINISTRY_APPROVER


def get_decision_for_user(user: User, pk: int) -> tuple[Decision, bool]:
    """A commendation decision the user may read (the Ministry: every one, drafts included;
    others: signed decisions that concern their unit line or the cluster-year they lead), and
    whether they may sign or revoke it (the Ministry approver)."""
    found = (
        Decision.objects.visible_to(user)
        .select_related("cluster", "created_by", "signed_by", "revoked_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(
            "Không tìm thấy quyết định khen thưởng hoặc quyết định không liên quan đến đơn vị của bạn."
        )
    return found, can_sign_decisions(user)


def can_sign_decisions(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.MINISTRY_APPROVER
