"""Movements and their clusters (and blocks) by year: the members and their roles, and the
handover of the leader's seat at the year-end conference. A cluster's composition belongs to its year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.query_utils import DeferredAttribute
from django.urls import reverse
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.org.models.units import Unit, year_end
from thidua.org.year_keys import numbered

if TYPE_CHECKING:
    from thidua.org.models.users import User


class Movement(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField("tên phong trào", max_length=200)

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"

    def __str__(self) -> str:
        return self.name


class ClusterQuerySet(models.QuerySet["Cluster"]):
    def with_members(self) -> ClusterQuerySet:
        return self.select_related("movement", "host").prefetch_related(
            models.Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
        )

    def visible_to(self, user: User) -> ClusterQuerySet:
        if user.has_national_scope:
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(memberships__unit__in=user.unit_lineage_ids()).distinct()


class _NumberOfKind(DeferredAttribute):
    """Reads a cluster's number typed by its kind (a block's is a `BlockNumber`: year_keys)."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None or value is None:
            return value
        return numbered(value, instance.kind)

    def __set__(self, instance, value) -> None:
        # A data descriptor, so reads always come through __get__ (not the instance's dict).
        instance.__dict__[self.field.attname] = value


class ClusterNumberField(models.PositiveSmallIntegerField):
    """The number of a cluster or block: stored as a plain number, read typed by the row's kind,
    so every address built from `cluster.number` goes to the right tree (thidua.org.year_keys)."""

    descriptor_class = _NumberOfKind

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


class Cluster(models.Model):
    class Kind(models.TextChoices):
        CLUSTER = "cluster", "Cụm thi đua"
        BLOCK = "block", "Khối thi đua"

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="clusters")
    year = models.PositiveSmallIntegerField("năm thi đua")
    kind = models.CharField("loại", max_length=8, choices=Kind.choices, default=Kind.CLUSTER)
    number = ClusterNumberField("số")
    name = models.CharField("tên", max_length=200, blank=True)
    host = models.ForeignKey(
        Unit,
        verbose_name="đơn vị đăng cai hội nghị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conference_date = models.DateField("ngày hội nghị tổng kết", null=True, blank=True)
    published = models.JSONField(
        "kết quả đã công bố",
        default=dict,
        blank=True,
        help_text="Kết quả do báo chí công bố (xếp hạng, suy tôn, đề nghị khen thưởng), kèm nguồn.",
    )
    notes = models.TextField("ghi chú", blank=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = "cụm, khối thi đua"
        verbose_name_plural = "cụm, khối thi đua"
        ordering = ["-year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "year", "kind", "number"], name="cluster_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="cluster_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} năm {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("cluster_detail", args=[self.year, self.number])

    @property
    def title(self) -> str:
        return self.name or f"{self.get_kind_display()} số {self.number}"

    # The words of its kind, in one place for every page: a block (Khối thi đua) has a Khối trưởng
    # and a Khối phó where a cluster has a Cụm trưởng and a Cụm phó.
    @property
    def kind_word(self) -> str:
        return "Khối" if self.kind == self.Kind.BLOCK else "Cụm"

    @property
    def kind_name(self) -> str:
        return f"{self.kind_word} thi đua"

    @property
    def leader_word(self) -> str:
        return f"{self.kind_word} trưởng"

    @property
    def deputy_word(self) -> str:
        return f"{self.kind_word} phó"

    def is_visible_to(self, user: User) -> bool:
        """`ClusterQuerySet.visible_to` for one cluster whose memberships (with their units) are
        loaded: the Ministry sees every cluster; a unit's users see the clusters of their unit and
        of every unit merged into it.

        A member is in the user's lineage only if it is the user's unit or was merged into another
        unit (it has a successor), so the lineage (one query) is looked up only when the user's
        unit is not a member and some member was merged.
        """
        if user.has_national_scope:
            return True
        if user.unit_id is None:
            return False
        memberships = self.memberships.all()
        if any(m.unit_id == user.unit_id for m in memberships):
            return True
        if not any(m.unit.successor_id is not None for m in memberships):
            return False
        lineage = set(user.unit_lineage_ids())
        return any(m.unit_id in lineage for m in memberships)

    def _member_with_role(self, role: str) -> Unit | None:
        for membership in self.memberships.all():
            if membership.role == role:
                return membership.unit
        return None

    @property
    def leader(self) -> Unit | None:
        return self._member_with_role(Membership.Role.LEADER)

    @property
    def deputy(self) -> Unit | None:
        return self._member_with_role(Membership.Role.DEPUTY)

    def members(self) -> list[Membership]:
        order = {Membership.Role.LEADER: 0, Membership.Role.DEPUTY: 1, Membership.Role.MEMBER: 2}
        return sorted(self.memberships.all(), key=lambda m: (order[m.role], m.unit.sort_key))

    def problems(self) -> list[str]:
        """What keeps this cluster-year from being complete, in the words a secretariat uses."""
        found = []
        if self.leader is None:
            found.append(f"Chưa có đơn vị {self.leader_word}.")
        if self.deputy is None:
            found.append(f"Chưa có đơn vị {self.deputy_word}.")
        return found

    @transaction.atomic
    def add_member(self, unit: Unit, *, role: str = "member", by: User | None = None) -> Membership:
        membership = Membership(cluster=self, unit=unit, role=role)
        membership.full_clean()
        membership.save()
        audit(actor=by, action="create", obj=membership, after=snapshot(membership))
        return membership

    @transaction.atomic
    def set_role(self, unit: Unit, role: str, *, by: User | None = None) -> Membership:
        """Make `unit` the cluster's leader or deputy; the previous holder becomes a member."""
        membership = self.memberships.select_for_update().get(unit=unit)
        if role != Membership.Role.MEMBER:
            for previous in (
                self.memberships.select_for_update().filter(role=role).exclude(pk=membership.pk)
            ):
                before = snapshot(previous)
                previous.role = Membership.Role.MEMBER
                previous.save(update_fields=["role"])
                audit(
                    actor=by, action="update", obj=previous, before=before, after=snapshot(previous)
                )
        before = snapshot(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        audit(actor=by, action="update", obj=membership, before=before, after=snapshot(membership))
        return membership

    @transaction.atomic
    def record_handover(
        self, *, next_leader: Unit, next_deputy: Unit, by: User | None, reason: str = ""
    ) -> Handover:
        """Record next year's leader and deputy at the year-end conference (rotation rule)."""
        existing = Handover.objects.filter(cluster=self).first()
        before = snapshot(existing) if existing else None
        handover = existing or Handover(cluster=self)
        handover.next_leader, handover.next_deputy = next_leader, next_deputy
        handover.reason, handover.recorded_by = text.normalize(reason), by
        handover.recorded_at = timezone.now()
        handover.full_clean()
        handover.save()
        audit(
            actor=by,
            action="update" if before else "create",
            obj=handover,
            before=before,
            after=snapshot(handover),
            reason=handover.reason,
        )
        return handover


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", "Cụm trưởng"
        DEPUTY = "deputy", "Cụm phó"
        MEMBER = "member", "Thành viên"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("vai trò", max_length=8, choices=Role.choices, default=Role.MEMBER)
    # Copied from the cluster so the database itself can hold "one cluster per movement per year".
    movement = models.ForeignKey(
        Movement, on_delete=models.PROTECT, related_name="+", editable=False
    )
    year = models.PositiveSmallIntegerField(editable=False)

    class Meta:
        verbose_name = "thành viên cụm"
        verbose_name_plural = "thành viên cụm"
        constraints = [
            models.UniqueConstraint(fields=["cluster", "unit"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["movement", "year", "unit"],
                name="membership_one_cluster_per_year",
                violation_error_message="Đơn vị đã thuộc một cụm thi đua khác trong năm này.",
            ),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(role="leader"),
                name="membership_one_leader",
                violation_error_message="Mỗi cụm chỉ có một đơn vị Cụm trưởng.",
            ),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(role="deputy"),
                name="membership_one_deputy",
                violation_error_message="Mỗi cụm chỉ có một đơn vị Cụm phó.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} — {self.role_word}"

    def save(self, *args, **kwargs) -> None:
        self._copy_from_cluster()
        super().save(*args, **kwargs)

    def _copy_from_cluster(self) -> None:
        if self.cluster_id:
            self.movement_id = self.cluster.movement_id
            self.year = self.cluster.year

    def clean(self) -> None:
        self._copy_from_cluster()
        if self.unit_id and self.cluster_id and not self.unit.exists_in_year(self.cluster.year):
            raise ValidationError(
                {
                    "unit": f"{self.unit.name} không tồn tại trong năm {self.cluster.year} ({self.unit.period_label})."
                }
            )

    def validate_constraints(self, exclude: Iterable[str] | None = None) -> None:
        self._copy_from_cluster()
        # movement/year are not editable, so full_clean would skip the constraint on them.
        super().validate_constraints(exclude=set(exclude or ()) - {"movement", "year"})

    @property
    def role_word(self) -> str:
        """The role in the words of the cluster's kind (Khối trưởng, Khối phó in a block)."""
        words = {
            self.Role.LEADER: self.cluster.leader_word,
            self.Role.DEPUTY: self.cluster.deputy_word,
        }
        return words.get(self.role, self.get_role_display())


class Handover(models.Model):
    """Next year's leader and deputy, agreed at the year-end conference (rules 19–20)."""

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, related_name="handover")
    next_leader = models.ForeignKey(
        Unit, verbose_name="Cụm trưởng năm sau", on_delete=models.PROTECT, related_name="+"
    )
    next_deputy = models.ForeignKey(
        Unit,
        verbose_name="Cụm phó năm sau",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField("lý do (nếu Cụm trưởng giữ lại)", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bàn giao Cụm trưởng"
        verbose_name_plural = "bàn giao Cụm trưởng"

    def __str__(self) -> str:
        return f"Bàn giao {self.cluster}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        leader_word, deputy_word = self.cluster.leader_word, self.cluster.deputy_word
        if self.next_deputy_id and self.next_deputy_id == self.next_leader_id:
            errors["next_deputy"] = f"{deputy_word} phải là đơn vị khác {leader_word}."
        next_year = self.cluster.year + 1
        for field in ("next_leader", "next_deputy"):
            unit = getattr(self, field)
            # Next year's leader hosts next year's conference, so it must still exist at its end.
            if unit is not None and not unit.valid_on(year_end(next_year)):
                errors[field] = (
                    f"{unit.name} không còn tồn tại vào cuối năm {next_year} ({unit.period_label})."
                )
        leader = self.cluster.leader
        if leader is not None and self.next_leader_id == leader.pk and not self.reason.strip():
            errors["reason"] = (
                f"{leader.short_name} đã là {leader_word} năm {self.cluster.year}: theo nguyên tắc "
                f"luân phiên, phải ghi rõ lý do nếu tiếp tục làm {leader_word}."
            )
        if errors:
            raise ValidationError(errors)
