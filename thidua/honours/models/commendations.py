"""Commendation decisions (one row per title or form and recipient), their revocation and files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.honours.models.common import (
    REVOCATION_GROUNDS,
    award_name,
    catalogue,
    date_error,
    raise_on,
    require_edit,
    user_line_ids,
    year_error,
)
from thidua.honours.models.people import Person, by_name
from thidua.lib.files import StoredFile
from thidua.lib.workflow import WorkflowError, save_versioned
from thidua.org.models import Unit, User


class CommendationQuerySet(models.QuerySet["Commendation"]):
    def visible_to(self, user: User) -> CommendationQuerySet:
        """Collective awards are public knowledge; individual ones follow the person's line."""
        if user.has_national_scope:
            return self
        return self.filter(
            Q(person__isnull=True) | Q(person__current_unit_id__in=user_line_ids(user))
        )

    def of_line(self, unit: Unit) -> CommendationQuerySet:
        return self.filter(unit__in=[u.pk for u in unit.lineage()])

    def valid(self) -> CommendationQuerySet:
        return self.filter(revoked=False)

    def in_register_order(self) -> CommendationQuerySet:
        """The register as listed: latest year and decision first; within a decision the
        collectives (by unit, Vietnamese order), then the individuals by given name, middle
        name(s), family name."""
        return self.order_by(
            "-year", "-decision_date", "decision_no", by_name("person"), "unit__sort_key", "pk"
        )


class Commendation(models.Model):
    """One title or form of commendation for one recipient, from one decision."""

    class Recipient(models.TextChoices):
        INDIVIDUAL = "ca_nhan", "Cá nhân"
        COLLECTIVE = "tap_the", "Tập thể"

    recipient_kind = models.CharField("đối tượng", max_length=8, choices=Recipient.choices)
    person = models.ForeignKey(
        Person,
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="tập thể (tên đơn vị khi được khen)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    award_code = models.CharField("danh hiệu, hình thức khen thưởng", max_length=60)
    year = models.PositiveSmallIntegerField("năm thành tích")
    decision_no = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    issuer = models.CharField("cơ quan, người ban hành", max_length=200)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=300, blank=True)
    achievement_ref = models.CharField(
        "mã thành tích",
        max_length=80,
        blank=True,
        help_text="Mỗi thành tích chỉ được khen thưởng một lần: dùng cùng mã để hệ thống phát hiện trùng.",
    )
    achievement = models.TextField("thành tích được khen", blank=True)
    revoked = models.BooleanField("đã hủy bỏ, thu hồi", default=False, editable=False)
    revocation_decision_no = models.CharField(
        "số quyết định hủy bỏ", max_length=60, blank=True, editable=False
    )
    revocation_date = models.DateField(
        "ngày quyết định hủy bỏ", null=True, blank=True, editable=False
    )
    revocation_ground = models.CharField(
        "căn cứ hủy bỏ", max_length=60, choices=REVOCATION_GROUNDS, blank=True, editable=False
    )
    revocation_reason = models.TextField("lý do hủy bỏ", blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    illustrative = models.BooleanField("dữ liệu minh họa", default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CommendationQuerySet.as_manager()

    EDITABLE = [
        "award_code",
        "year",
        "decision_no",
        "decision_date",
        "issuer",
        "legal_basis",
        "achievement_ref",
        "achievement",
    ]

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-year", "-decision_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_kind="ca_nhan", person__isnull=False, unit__isnull=True)
                | Q(recipient_kind="tap_the", person__isnull=True, unit__isnull=False),
                name="honours_commendation_one_recipient",
            ),
        ]
        indexes = [models.Index(fields=["award_code", "year"])]

    def __str__(self) -> str:
        return f"{self.award_name} năm {self.year} — {self.recipient_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("honours_commendation", args=[self.pk])

    @property
    def award_name(self) -> str:
        return award_name(self.award_code)

    @property
    def recipient_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose record this is: the person's unit, or the honoured unit itself. It is
        changed by that unit and by the units it was merged into (`may_edit_for`), never by an
        officer of a unit merged into another writing for the successor."""
        return self.person.current_unit_id if self.person_id else self.unit_id

    def clean(self) -> None:
        for name in ("decision_no", "issuer", "legal_basis", "achievement_ref", "achievement"):
            setattr(self, name, text.normalize(getattr(self, name) or ""))
        errors: dict[str, str] = {}
        cat = catalogue()
        if self.award_code not in cat:
            errors["award_code"] = "Không có trong danh mục danh hiệu, hình thức khen thưởng."
        elif self.recipient_kind not in cat.get(self.award_code).recipients:
            who = "cá nhân" if self.recipient_kind == self.Recipient.INDIVIDUAL else "tập thể"
            errors["award_code"] = f"“{self.award_name}” không xét tặng cho {who}."
        if year_error(self.year):
            errors["year"] = year_error(self.year)
        elif date_error(self.decision_date):
            errors["decision_date"] = date_error(self.decision_date)
        elif self.decision_date and self.decision_date.year < self.year:
            errors["decision_date"] = (
                f"Ngày quyết định {self.decision_date:%d/%m/%Y} trước năm thành tích {self.year}."
            )
        if self.unit_id and not year_error(self.year) and not self.unit.exists_in_year(self.year):
            later = self.unit.valid_from and self.unit.valid_from.year > self.year
            hint = " Ghi tên đơn vị khi được khen (trước sáp nhập)." if later else ""
            errors["unit"] = (
                f"{self.unit.name} không tồn tại trong năm {self.year} ({self.unit.period_label}).{hint}"
            )
        if (
            not errors
            and not self.revoked
            and self.award_code in cat
            and cat.get(self.award_code).annual
        ):
            twin = Commendation.objects.filter(
                award_code=self.award_code, year=self.year, revoked=False
            ).exclude(pk=self.pk)
            if self.unit_id:
                twin = twin.filter(unit__in=self.unit.current().lineage())
            else:
                twin = twin.filter(person_id=self.person_id)
            first = twin.first()
            if first:
                errors["year"] = (
                    f"Đã có “{self.award_name}” năm {self.year} (QĐ số {first.decision_no}); "
                    "danh hiệu hằng năm chỉ tặng một lần mỗi năm."
                )
        raise_on(errors)

    def require_live(self) -> None:
        if self.revoked:
            raise WorkflowError(
                "Khen thưởng đã bị hủy bỏ, thu hồi: hồ sơ được giữ nguyên làm lịch sử, không sửa được."
            )

    @classmethod
    @transaction.atomic
    def create(
        cls,
        *,
        by: User | None,
        person: Person | None = None,
        unit: Unit | None = None,
        illustrative: bool = False,
        **fields: Any,
    ) -> Commendation:
        kind = cls.Recipient.INDIVIDUAL if person is not None else cls.Recipient.COLLECTIVE
        row = cls(
            recipient_kind=kind,
            person=person,
            unit=unit,
            created_by=by,
            illustrative=illustrative,
            **fields,
        )
        if by is not None:
            require_edit(by, row.owner_unit_id, "khen thưởng của đơn vị khác")
        row.full_clean()
        row.save()
        audit(actor=by, action="create", obj=row, after=snapshot(row))
        return row

    @transaction.atomic
    def update(self, *, by: User, expected_version: int | None = None, **fields: Any) -> None:
        require_edit(by, self.owner_unit_id)
        self.require_live()
        before = snapshot(self, self.EDITABLE)
        for name, value in fields.items():
            if name not in self.EDITABLE:
                raise ValueError(f"{name} is not editable")
            setattr(self, name, value)
        self.full_clean()
        save_versioned(self, self.EDITABLE, expected_version, "quyết định khen thưởng")
        audit(
            actor=by, action="update", obj=self, before=before, after=snapshot(self, self.EDITABLE)
        )

    @transaction.atomic
    def revoke(
        self,
        *,
        by: User | None,
        decision_no: str,
        decision_date: dt.date,
        ground: str,
        reason: str,
        expected_version: int | None = None,
    ) -> None:
        """Hủy bỏ, thu hồi (Law 2022 ch. VII): the record stays, marked, and no longer counts."""
        if by is not None:
            require_edit(by, self.owner_unit_id)
        self.require_live()
        reason, decision_no = text.normalize(reason), text.normalize(decision_no)
        errors = {}
        if not decision_no:
            errors["decision_no"] = "Phải ghi số quyết định hủy bỏ, thu hồi."
        if ground not in dict(REVOCATION_GROUNDS):
            errors["ground"] = "Chọn căn cứ hủy bỏ theo Luật Thi đua, khen thưởng."
        if not reason:
            errors["reason"] = "Phải nêu lý do hủy bỏ, thu hồi."
        if decision_date and self.decision_date and decision_date < self.decision_date:
            errors["decision_date"] = "Ngày hủy bỏ trước ngày quyết định khen thưởng."
        raise_on(errors)
        fields = [
            "revoked",
            "revocation_decision_no",
            "revocation_date",
            "revocation_ground",
            "revocation_reason",
            "revoked_by",
        ]
        before = snapshot(self, fields)
        self.revoked, self.revocation_decision_no, self.revocation_date = (
            True,
            decision_no,
            decision_date,
        )
        self.revocation_ground, self.revocation_reason, self.revoked_by = ground, reason, by
        save_versioned(self, fields, expected_version, "quyết định khen thưởng")
        audit(
            actor=by,
            action="revoke",
            obj=self,
            before=before,
            after=snapshot(self, fields),
            reason=reason,
        )

    @transaction.atomic
    def attach(self, *, by: User, upload) -> Attachment:
        """A scan of the decision or the file behind it; type and size checked like evidence."""
        require_edit(by, self.owner_unit_id)
        content_type, digest = Attachment.check_file(upload)
        row = Attachment(
            commendation=self,
            original_name=text.normalize(upload.name)[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            uploaded_by=by,
        )
        row.file.save(upload.name, upload, save=False)
        row.save()
        audit(actor=by, action="attach", obj=row, after=snapshot(row))
        return row


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"khen-thuong/{instance.commendation.year}/{instance.commendation_id}/{filename}"


class Attachment(StoredFile):
    """A scan of a commendation's decision or the file behind it (the common fields:
    lib.files.StoredFile)."""

    commendation = models.ForeignKey(
        Commendation, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"
        ordering = ["uploaded_at", "pk"]
