"""What every honours model shares: the award catalogue, ratings and scopes, and who may see and
change the records of a unit line."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from thidua.engine.eligibility import load_catalogue
from thidua.engine.eligibility_model import INITIATIVE_KINDS
from thidua.org.models import Unit, User

YEAR_MIN, YEAR_MAX = 1975, 2100


@cache
def catalogue():
    return load_catalogue()


def award_choices(recipient: str | None = None) -> list[tuple[str, str]]:
    """Titles and forms of the engine's catalogue, lowest first (for selects and validation)."""
    return [
        (kind.code, kind.name)
        for kind in catalogue()
        if recipient is None or recipient in kind.recipients
    ]


def award_name(code: str) -> str:
    return catalogue().name(code)


DISCIPLINE_FORMS = list(load_catalogue().discipline_forms)
REVOCATION_GROUNDS = list(load_catalogue().revocation_grounds.items())


class RatingLevel(models.TextChoices):
    """The annual rating; codes are the engine's (Rating.parse accepts them)."""

    HOAN_THANH_XUAT_SAC = "hoan_thanh_xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"
    HOAN_THANH_TOT = "hoan_thanh_tot", "Hoàn thành tốt nhiệm vụ"
    HOAN_THANH = "hoan_thanh", "Hoàn thành nhiệm vụ"
    KHONG_HOAN_THANH = "khong_hoan_thanh", "Không hoàn thành nhiệm vụ"


class Scope(models.TextChoices):
    CO_SO = "co_so", "Cơ sở"
    BO = "bo", "Bộ Công an"
    TOAN_QUOC = "toan_quoc", "Toàn quốc"


INITIATIVE_KIND_CHOICES = [(k, v[:1].upper() + v[1:]) for k, v in INITIATIVE_KINDS.items()]


# ---------------------------------------------------------------------------------------------
# Who may see and change what: unit lines


def line_ids(unit: Unit) -> frozenset[int]:
    """A unit's line: itself, every unit merged into it, and the units it was merged into."""
    return frozenset(u.pk for u in unit.lineage()) | {u.pk for u in unit.successors()}


def with_subordinates(ids: frozenset[int]) -> frozenset[int]:
    """``ids`` and every subordinate unit registered below them (phòng, đội, Công an xã, phường),
    however deep: a unit's emulation officer keeps its teams' records. One query per
    level of depth (one in all when there is none)."""
    found, frontier = set(ids), set(ids)
    while frontier:
        frontier = (
            set(
                Unit.objects.filter(kind=Unit.Kind.SUBORDINATE, parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
            - found
        )
        found |= frontier
    return frozenset(found)


def forget_scope(user: User | None) -> None:
    """Drop the user's cached units (a team was just registered below their unit)."""
    for attr in ("_honours_line", "_honours_write_line"):
        if getattr(user, attr, None) is not None:
            delattr(user, attr)  # through the request's lazy user too


def user_line_ids(user: User) -> frozenset[int]:
    """What a user reads: the unit's line and the subordinate units below it."""
    if getattr(user, "unit_id", None) is None:
        return frozenset()
    cached = getattr(user, "_honours_line", None)
    if cached is None:
        cached = user._honours_line = with_subordinates(line_ids(user.unit))
    return cached


def user_write_ids(user: User) -> frozenset[int]:
    """The units a user writes records for: their own unit and the units merged into it (whose
    history it carries), with the subordinate units below them, never the units it was merged
    into. History is read through the whole line (`user_line_ids`); it is written only as the unit
    one belongs to now: an officer of a dissolved unit writes nothing for its successor."""
    if getattr(user, "unit_id", None) is None:
        return frozenset()
    cached = getattr(user, "_honours_write_line", None)
    if cached is None:
        own = frozenset(u.pk for u in user.unit.lineage())
        cached = user._honours_write_line = with_subordinates(own)
    return cached


def sees_people_of(user: User, unit_id: int | None) -> bool:
    return user.has_national_scope or (unit_id is not None and unit_id in user_line_ids(user))


def may_edit_for(user: User, unit_id: int | None) -> bool:
    """The Ministry approver edits every record; unit officers and the secretariat those of their
    own unit and of the units merged into it (`user_write_ids`), never their successor's."""
    if user.is_superuser or user.role == User.Role.MINISTRY_APPROVER:
        return True
    if user.role not in (User.Role.UNIT_OFFICER, User.Role.SECRETARIAT):
        return False
    return unit_id is not None and unit_id in user_write_ids(user)


def may_edit_somewhere(user: User) -> bool:
    return user.is_superuser or user.role in (
        User.Role.MINISTRY_APPROVER,
        User.Role.UNIT_OFFICER,
        User.Role.SECRETARIAT,
    )


def require_edit(user: User, unit_id: int | None, what: str = "hồ sơ này") -> None:
    if not may_edit_for(user, unit_id):
        unit = getattr(user, "unit", None)
        if unit is not None and unit.successor_id is not None and unit_id in user_line_ids(user):
            successor = unit.current()
            raise PermissionDenied(
                f"{unit.short_name} đã hợp nhất vào {successor.short_name}: tài khoản của đơn vị "
                f"cũ chỉ xem được lịch sử, không cập nhật {what} cho {successor.short_name}. "
                f"Việc này do cán bộ thi đua của {successor.short_name} thực hiện."
            )
        raise PermissionDenied(
            f"Bạn không có quyền cập nhật {what}: chỉ cán bộ thi đua của đơn vị (và cán bộ "
            "phê duyệt của Bộ) được cập nhật."
        )


def raise_on(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def year_error(year: int | None) -> str | None:
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        return f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}."
    return None


# Dates of a record (postings, discipline, decisions): not before the People's Public Security force
# was founded (19/08/1945: no police career starts earlier), and not more than a year ahead (a
# transfer or a decision is recorded shortly before it takes effect, never years ahead). The same
# check, hence the same message, on the page, in the API and in the Excel import (all call clean()).
DATE_MIN = dt.date(1945, 8, 19)
DATE_AHEAD = dt.timedelta(days=366)


def date_error(value: dt.date | None) -> str | None:
    if value is None:
        return None
    latest = timezone.localdate() + DATE_AHEAD
    if not DATE_MIN <= value <= latest:
        return (
            f"Ngày {value.day:02d}/{value.month:02d}/{value.year} ngoài khoảng hợp lệ: từ "
            f"{DATE_MIN:%d/%m/%Y} (ngày thành lập lực lượng Công an nhân dân) đến "
            f"{latest:%d/%m/%Y} (không quá một năm sau hôm nay)."
        )
    return None
