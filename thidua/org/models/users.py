"""Accounts: a user's role, unit and what follows from them (national scope, the unit's lineage,
the secretariat of a cluster)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from thidua.engine import text
from thidua.org.models.units import Unit

if TYPE_CHECKING:
    from thidua.org.models.clusters import Cluster


class UserQuerySet(UserManager):
    pass


class User(AbstractUser):
    class Role(models.TextChoices):
        MINISTRY_APPROVER = "ministry_approver", "Cán bộ phê duyệt của Bộ"
        SECRETARIAT = "secretariat", "Thường trực Cụm"
        UNIT_OFFICER = "unit_officer", "Cán bộ thi đua đơn vị"
        INSPECTOR = "inspector", "Thành viên đoàn kiểm tra chéo"
        VIEWER = "viewer", "Chỉ xem"

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects = UserQuerySet()

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        self.full_name = text.normalize(self.full_name)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def has_national_scope(self) -> bool:
        """Ministry users (approvers, and anyone in a Ministry body) see every cluster.

        Except where a Ministry body competes itself: its departments, academies and commands run
        their years in blocks (Khối thi đua), so their unit officers, block secretariat and
        inspectors act for a competing unit and see their own blocks only, like a province's.
        """
        if self.is_superuser or self.role == self.Role.MINISTRY_APPROVER:
            return True
        competing = (self.Role.UNIT_OFFICER, self.Role.SECRETARIAT, self.Role.INSPECTOR)
        if (
            self.role in competing
            and self.unit is not None
            and self.unit.kind != Unit.Kind.MINISTRY
        ):
            return False
        # A province's or a Ministry body's subordinate unit (phòng, đội, Công an xã) is no
        # Ministry body: its users see their own line only.
        return self.unit is not None and self.unit.kind not in (
            Unit.Kind.PROVINCE_POLICE,
            Unit.Kind.SUBORDINATE,
        )

    def unit_lineage_ids(self) -> list[int]:
        """The user's unit and every unit merged into it: their history is the user's too."""
        if self.unit is None:
            return []
        cached = getattr(self, "_lineage_ids", None)
        if cached is None:
            cached = self._lineage_ids = [u.pk for u in self.unit.lineage()]
        return cached

    def is_secretariat_of(self, cluster: Cluster) -> bool:
        if self.is_superuser:
            return True
        if self.role != self.Role.SECRETARIAT or self.unit_id is None:
            return False
        leader = cluster.leader
        if leader is None:
            return False
        if leader.pk == self.unit_id:
            return True
        # Only a unit merged into another one (it has a successor) can be in someone's lineage.
        return leader.successor_id is not None and leader.pk in self.unit_lineage_ids()
