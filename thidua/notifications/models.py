"""Deadlines of the year's steps, in-app notifications, the record of reminders sent, calendar tokens.

A step of a cluster's year is a stage of its cycle (`Cycle.Stage`, all but "closed"); its deadline is
the day by which the cycle should have moved past it. The Ministry sets the national calendar per year
(`NationalDeadline`); a cluster's secretariat may set earlier days in its plan (`ClusterDeadline`),
never later than the national one. The deadline in force is the earlier of the two.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.cycle.models import Cycle
from thidua.lib.workflow import WorkflowError
from thidua.org.models import User

#: The steps that have a deadline: every stage of the year but its end.
STEPS = [stage for stage in Cycle.Stage if stage != Cycle.Stage.CLOSED]
STEP_CHOICES = [(stage.value, stage.label) for stage in STEPS]


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class NationalDeadline(models.Model):
    """The Ministry's calendar: the day by which every cluster should finish a step of the year."""

    year = models.PositiveSmallIntegerField("năm thi đua")
    stage = models.CharField("bước", max_length=16, choices=STEP_CHOICES)
    due = models.DateField("hạn chót")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "thời hạn toàn quốc"
        verbose_name_plural = "thời hạn toàn quốc"
        constraints = [
            models.UniqueConstraint(fields=["year", "stage"], name="national_deadline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} năm {self.year}: {vn_date(self.due)}"


class ClusterDeadline(models.Model):
    """A cluster's own, earlier deadline for a step, set by its secretariat in its plan."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField("bước", max_length=16, choices=STEP_CHOICES)
    due = models.DateField("hạn của Cụm")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "thời hạn của Cụm"
        verbose_name_plural = "thời hạn của Cụm"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "stage"], name="cluster_deadline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} — {self.cycle}: {vn_date(self.due)}"


def _label(stage: str) -> str:
    return Cycle.Stage(stage).label


@transaction.atomic
def set_national_calendar(year: int, days: dict[str, dt.date | None], *, by: User) -> int:
    """The Ministry's calendar for `year` (a missing or None day removes it); audited. Changes."""
    if not (by.is_superuser or by.role == User.Role.MINISTRY_APPROVER):
        raise PermissionDenied("Chỉ cán bộ phê duyệt của Bộ được đặt lịch thời hạn toàn quốc.")
    current = {d.stage: d for d in NationalDeadline.objects.select_for_update().filter(year=year)}
    changed = 0
    for stage in STEPS:
        day, row = days.get(stage.value), current.get(stage.value)
        if row is not None and day == row.due:
            continue
        if row is None and day is None:
            continue
        before = {"stage": stage.value, "due": row.due.isoformat()} if row else None
        if day is None:
            audit(actor=by, action="delete", obj=row, before=before)
            row.delete()
        else:
            if row is None:
                row = NationalDeadline(year=year, stage=stage.value)
            row.due, row.updated_by = day, by
            row.save()
            after = {"year": year, "stage": stage.value, "due": day.isoformat()}
            audit(
                actor=by,
                action="update" if before else "create",
                obj=row,
                before=before,
                after=after,
            )
        changed += 1
    return changed


@transaction.atomic
def set_cluster_calendar(cycle: Cycle, days: dict[str, dt.date | None], *, by: User) -> int:
    """The cluster's own deadlines (earlier than or equal to the national ones); audited. Changes.

    Every problem is reported at once in Vietnamese and nothing is saved if there is one.
    """
    cycle.require_secretariat(by)
    if cycle.stage == Cycle.Stage.CLOSED:
        raise WorkflowError("Năm thi đua đã kết thúc: không thể thay đổi thời hạn.")
    national = {d.stage: d.due for d in NationalDeadline.objects.filter(year=cycle.cluster.year)}
    errors: dict[str, str] = {}
    for stage in STEPS:
        day, limit = days.get(stage.value), national.get(stage.value)
        if day is not None and limit is not None and day > limit:
            errors[stage.value] = (
                f"Hạn của {cycle.cluster.kind_word} cho bước “{stage.label}” ({vn_date(day)}) "
                "không được muộn hơn "
                f"hạn toàn quốc do Bộ quy định ({vn_date(limit)})."
            )
    if errors:
        raise ValidationError(errors)
    current = {d.stage: d for d in ClusterDeadline.objects.select_for_update().filter(cycle=cycle)}
    changed = 0
    for stage in STEPS:
        day, row = days.get(stage.value), current.get(stage.value)
        if (row is not None and day == row.due) or (row is None and day is None):
            continue
        before = {"stage": stage.value, "due": row.due.isoformat()} if row else None
        if day is None:
            audit(actor=by, action="delete", obj=row, before=before)
            row.delete()
        else:
            if row is None:
                row = ClusterDeadline(cycle=cycle, stage=stage.value)
            row.due, row.updated_by = day, by
            row.save()
            after = {"cycle": cycle.pk, "stage": stage.value, "due": day.isoformat()}
            audit(
                actor=by,
                action="update" if before else "create",
                obj=row,
                before=before,
                after=after,
            )
        changed += 1
    return changed


class Notification(models.Model):
    """A message for one user in the app (the bell); read once they mark it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=300, blank=True)
    created_at = models.DateTimeField("lúc", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            self.save(update_fields=["read_at"])


class ReminderSent(models.Model):
    """What was sent: one reminder per step of a cluster's year and recipient, never two."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField("bước", max_length=16, choices=STEP_CHOICES)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due = models.DateField("hạn lúc nhắc")
    notification = models.ForeignKey(
        Notification, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)
    email_error = models.CharField("lỗi gửi thư", max_length=300, blank=True)

    class Meta:
        verbose_name = "lời nhắc đã gửi"
        verbose_name_plural = "lời nhắc đã gửi"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "stage", "recipient"], name="reminder_once_per_step_and_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"Nhắc {self.recipient} — {self.get_stage_display()}, {self.cycle}"


class CalendarToken(models.Model):
    """The secret in a user's calendar feed address; only its digest is stored. Revocable."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "mã lịch cá nhân"
        verbose_name_plural = "mã lịch cá nhân"

    def __str__(self) -> str:
        return f"Mã lịch của {self.user}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    @transaction.atomic
    def issue(cls, user: User) -> str:
        """A new secret for `user` (any previous one stops working); returned once, never stored."""
        raw = secrets.token_urlsafe(32)
        cls.objects.filter(user=user).delete()
        token = cls.objects.create(user=user, digest=cls.hash(raw))
        audit(actor=user, action="issue_calendar_token", obj=token, after={"user": user.pk})
        return raw

    @classmethod
    @transaction.atomic
    def revoke(cls, user: User) -> bool:
        token = cls.objects.filter(user=user).first()
        if token is None:
            return False
        audit(actor=user, action="revoke_calendar_token", obj=token, before={"user": user.pk})
        token.delete()
        return True

    @classmethod
    def user_for(cls, raw: str) -> User | None:
        token = cls.objects.select_related("user__unit").filter(digest=cls.hash(raw)).first()
        if token is None or not token.user.is_active:
            return None
        return token.user
