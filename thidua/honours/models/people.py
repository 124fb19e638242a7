"""The minimal personnel record: postings, annual ratings, initiatives, discipline."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.honours.models.common import (
    DISCIPLINE_FORMS,
    INITIATIVE_KIND_CHOICES,
    RatingLevel,
    Scope,
    date_error,
    line_ids,
    raise_on,
    require_edit,
    sees_people_of,
    user_line_ids,
    with_subordinates,
    year_error,
)
from thidua.lib.workflow import WorkflowError, save_versioned
from thidua.org.models import Unit, User

OFFICER_CODE_FORMAT = re.compile(r"[A-Z0-9][A-Z0-9./-]{1,19}")
# One answer for a malformed number and for one already held by a record the user may not see:
# creating a record must not tell an officer that a number exists in another unit.
OFFICER_CODE_REFUSED = (
    "Số hiệu CAND này không dùng được cho hồ sơ mới. Số hiệu gồm 2–20 chữ cái in hoa không dấu, "
    "chữ số và dấu “-”, “.”, “/”. Nếu cán bộ chuyển đến từ đơn vị khác, đơn vị cũ (hoặc cán bộ "
    "phê duyệt của Bộ) ghi nhận điều chuyển hồ sơ sang đơn vị của bạn."
)


def officer_code_problem(code: str, user: User | None) -> str | None:
    """Why `code` cannot be given to a new record, in words that reveal nothing about records
    outside the user's line: the same words for a malformed number and for another unit's."""
    code = text.normalize(code).upper()
    if not code:
        return "Phải nhập số hiệu CAND."
    if not OFFICER_CODE_FORMAT.fullmatch(code):
        return OFFICER_CODE_REFUSED
    holder = Person.objects.filter(officer_code=code).values_list("current_unit_id").first()
    if holder is None:
        return None
    if user is not None and sees_people_of(user, holder[0]):
        return "Số hiệu này đã có trong hồ sơ cán bộ thuộc phạm vi của bạn: tìm ở trang “Cán bộ”."
    return OFFICER_CODE_REFUSED


def by_name(path: str) -> OrderBy:
    """ORDER BY the name of the person at ``path`` ("person" on a proposal or a record): given name,
    middle name(s), family name (`Person.name_sort_key`); rows without a person come first on every
    database (a unit's own row before its people)."""
    return F(f"{path}__name_sort_key").asc(nulls_first=True)


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> PersonQuerySet:
        if user.has_national_scope:
            return self
        return self.filter(current_unit_id__in=user_line_ids(user))

    def search(self, query: str) -> PersonQuerySet:
        key = text.search_key(query)
        if not key:
            return self
        return self.filter(Q(search_key__contains=key) | Q(officer_code__icontains=query.strip()))

    def in_line_of(self, unit: Unit) -> PersonQuerySet:
        """The people of the unit's line and of its subordinate units (phòng, đội, xã)."""
        return self.filter(current_unit_id__in=with_subordinates(line_ids(unit)))


class Person(models.Model):
    """A minimal personnel record: what individual titles are judged on, nothing more."""

    officer_code = models.CharField(
        "số hiệu CAND",
        max_length=20,
        unique=True,
        error_messages={"unique": "Số hiệu này đã có trong hệ thống."},
    )
    full_name = models.CharField("họ và tên", max_length=120)
    rank = models.CharField("cấp bậc hàm", max_length=60, blank=True)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    current_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị hiện nay",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    records_from = models.PositiveSmallIntegerField(
        "dữ liệu khen thưởng đầy đủ từ năm",
        null=True,
        blank=True,
        help_text="Để trống nếu hồ sơ đầy đủ mọi năm; các năm trước đó được coi là chưa có dữ liệu.",
    )
    discipline_checked = models.BooleanField(
        "đã xác minh tình trạng kỷ luật",
        default=True,
        help_text="Bỏ chọn nếu chưa xác minh: điều kiện về kỷ luật sẽ là “chưa đủ dữ liệu”.",
    )
    note = models.TextField("ghi chú", blank=True)
    illustrative = models.BooleanField("dữ liệu minh họa", default=False, editable=False)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    # The order of every list of people: given name, middle name(s), family name (text.person_sort_key).
    name_sort_key = models.CharField(max_length=1000, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    EDITABLE = ["full_name", "rank", "position", "records_from", "discipline_checked", "note"]

    class Meta:
        verbose_name = "cán bộ, chiến sĩ"
        verbose_name_plural = "cán bộ, chiến sĩ"
        ordering = ["name_sort_key", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The name's sort key follows the name on every save, cleaned or not."""
        self.name_sort_key = text.person_sort_key_str(self.full_name)
        fields = kwargs.get("update_fields")
        if fields is not None and "full_name" in fields and "name_sort_key" not in fields:
            kwargs["update_fields"] = [*fields, "name_sort_key"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("honours_person", args=[self.pk])

    @property
    def unit_now(self) -> Unit | None:
        """The unit the officer serves in today: the posting's unit, or its successor after a merger."""
        return self.current_unit.current() if self.current_unit_id else None

    def _normalise(self) -> None:
        self.full_name = text.normalize(self.full_name)
        self.officer_code = text.normalize(self.officer_code).upper()
        self.rank, self.position = text.normalize(self.rank), text.normalize(self.position)
        self.note = text.normalize(self.note)
        self.search_key = text.search_key(self.full_name)
        self.name_sort_key = text.person_sort_key_str(self.full_name)

    def clean(self) -> None:
        self._normalise()
        errors = {}
        if not self.full_name:
            errors["full_name"] = "Phải nhập họ và tên."
        if not self.officer_code:
            errors["officer_code"] = "Phải nhập số hiệu CAND."
        if self.records_from is not None and year_error(self.records_from):
            errors["records_from"] = year_error(self.records_from)
        raise_on(errors)

    # -- workflow steps

    @classmethod
    @transaction.atomic
    def create(
        cls,
        *,
        by: User | None,
        unit: Unit,
        start: dt.date,
        department: str = "",
        illustrative: bool = False,
        **fields: Any,
    ) -> Person:
        """A new record with its first posting (a person always belongs to a unit line)."""
        if by is not None:
            require_edit(by, unit.pk, f"hồ sơ cán bộ của {unit.name}")
        problem = officer_code_problem(fields.get("officer_code") or "", by)
        if problem:
            raise ValidationError({"officer_code": problem})
        person = cls(illustrative=illustrative, **fields)
        person.full_clean()
        person.save()
        posting = Posting(
            person=person, unit=unit, department=department, position=person.position, start=start
        )
        posting.full_clean()
        posting.save()
        person.refresh_current_unit()
        audit(actor=by, action="create", obj=person, after=snapshot(person))
        audit(actor=by, action="create", obj=posting, after=snapshot(posting))
        return person

    @transaction.atomic
    def update(self, *, by: User, expected_version: int | None = None, **fields: Any) -> None:
        require_edit(by, self.current_unit_id)
        before = snapshot(self, self.EDITABLE)
        for name, value in fields.items():
            if name not in self.EDITABLE:
                raise ValueError(f"{name} is not editable")
            setattr(self, name, value)
        self.full_clean()
        self.updated_at = timezone.now()
        save_versioned(
            self,
            [*self.EDITABLE, "search_key", "name_sort_key", "updated_at"],
            expected_version,
            "hồ sơ cán bộ",
        )
        audit(
            actor=by, action="update", obj=self, before=before, after=snapshot(self, self.EDITABLE)
        )

    def refresh_current_unit(self) -> None:
        """The unit of the open posting (or the latest one), kept on the row for visibility."""
        postings = sorted(self.postings.all(), key=lambda p: (p.end is None, p.start))
        unit_id = postings[-1].unit_id if postings else None
        if unit_id != self.current_unit_id:
            self.current_unit_id = unit_id
            Person.objects.filter(pk=self.pk).update(current_unit_id=unit_id)

    @transaction.atomic
    def add_posting(
        self,
        *,
        by: User | None,
        unit: Unit,
        start: dt.date,
        end: dt.date | None = None,
        department: str = "",
        position: str = "",
    ) -> Posting:
        """A transfer: the open posting, if earlier, ends the day before the new one starts."""
        if by is not None:
            require_edit(by, self.current_unit_id)
            require_edit(by, unit.pk, f"hồ sơ cán bộ của {unit.name}")
        closed = []
        for open_posting in self.postings.filter(end__isnull=True, start__lt=start):
            before = snapshot(open_posting)
            open_posting.end = start - dt.timedelta(days=1)
            open_posting.save(update_fields=["end"])
            closed.append((open_posting, before))
        posting = Posting(
            person=self,
            unit=unit,
            start=start,
            end=end,
            department=text.normalize(department),
            position=text.normalize(position),
        )
        posting.full_clean()
        posting.save()
        for open_posting, before in closed:
            audit(
                actor=by,
                action="update",
                obj=open_posting,
                before=before,
                after=snapshot(open_posting),
            )
        audit(actor=by, action="create", obj=posting, after=snapshot(posting))
        self.refresh_current_unit()
        return posting

    @transaction.atomic
    def set_rating(self, *, by: User | None, year: int, rating: str) -> PersonRating:
        if by is not None:
            require_edit(by, self.current_unit_id)
        existing = self.ratings.filter(year=year).first()
        before = snapshot(existing) if existing else None
        row = existing or PersonRating(person=self, year=year)
        row.rating = rating
        row.full_clean()
        row.save()
        audit(
            actor=by,
            action="update" if before else "create",
            obj=row,
            before=before,
            after=snapshot(row),
        )
        return row

    @transaction.atomic
    def add_initiative(self, *, by: User | None, **fields: Any) -> Initiative:
        if by is not None:
            require_edit(by, self.current_unit_id)
        row = Initiative(person=self, **fields)
        row.full_clean()
        row.save()
        audit(actor=by, action="create", obj=row, after=snapshot(row))
        return row

    @transaction.atomic
    def add_discipline(self, *, by: User | None, **fields: Any) -> Discipline:
        if by is not None:
            require_edit(by, self.current_unit_id)
        row = Discipline(person=self, **fields)
        row.full_clean()
        row.save()
        audit(actor=by, action="create", obj=row, after=snapshot(row))
        return row

    @transaction.atomic
    def remove(self, *, by: User, item: models.Model, reason: str = "") -> None:
        """Delete a posting, rating, initiative or discipline entry entered by mistake."""
        require_edit(by, self.current_unit_id)
        if getattr(item, "person_id", None) != self.pk:
            raise PermissionDenied("Mục này không thuộc hồ sơ cán bộ đang xem.")
        if isinstance(item, Posting) and self.postings.count() == 1:
            raise WorkflowError("Không xóa được quá trình công tác duy nhất của cán bộ.")
        audit(actor=by, action="delete", obj=item, before=snapshot(item), reason=reason)
        item.delete()
        if isinstance(item, Posting):
            self.refresh_current_unit()


class Posting(models.Model):
    """One period in one unit (quá trình công tác). A posting in a unit that later merged
    continues in its successor: the officer did not move, the unit did."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField("bộ phận (phòng, đội, công an xã)", max_length=200, blank=True)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "quá trình công tác"
        verbose_name_plural = "quá trình công tác"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="honours_posting_range",
                violation_error_message="Ngày kết thúc phải sau ngày bắt đầu.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} ({self.period_label})"

    @property
    def period_label(self) -> str:
        end = self.end.strftime("%d/%m/%Y") if self.end else "nay"
        return f"{self.start:%d/%m/%Y} – {end}"

    def clean(self) -> None:
        errors = {
            name: date_error(getattr(self, name))
            for name in ("start", "end")
            if date_error(getattr(self, name))
        }
        if self.end and self.start and self.end < self.start:
            errors["end"] = "Ngày kết thúc phải sau ngày bắt đầu."
        if errors:
            raise_on(errors)
        if self.unit_id and self.start and not self.unit.valid_on(self.start):
            errors["unit"] = (
                f"{self.unit.name} không tồn tại vào ngày {self.start:%d/%m/%Y} "
                f"({self.unit.period_label})."
            )
        if self.person_id and self.start and not errors:
            far = dt.date.max
            for other in self.person.postings.exclude(pk=self.pk):
                if self.start <= (other.end or far) and other.start <= (self.end or far):
                    errors["start"] = (
                        f"Trùng thời gian với quá trình công tác tại {other.unit.short_name} "
                        f"({other.period_label})."
                    )
                    break
        raise_on(errors)


class PersonRating(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ratings")
    year = models.PositiveSmallIntegerField("năm")
    rating = models.CharField("mức xếp loại", max_length=24, choices=RatingLevel.choices)

    class Meta:
        verbose_name = "xếp loại cá nhân"
        verbose_name_plural = "xếp loại cá nhân"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="honours_person_rating_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_rating_display()}"

    def clean(self) -> None:
        raise_on({"year": year_error(self.year)} if year_error(self.year) else {})


class UnitRating(models.Model):
    """A unit's annual rating (Đơn vị hoàn thành xuất sắc nhiệm vụ…), for collective titles."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    rating = models.CharField("mức xếp loại", max_length=24, choices=RatingLevel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "xếp loại đơn vị"
        verbose_name_plural = "xếp loại đơn vị"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="honours_unit_rating_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} {self.year}: {self.get_rating_display()}"

    def clean(self) -> None:
        errors = {}
        if year_error(self.year):
            errors["year"] = year_error(self.year)
        elif self.unit_id and not self.unit.exists_in_year(self.year):
            errors["unit"] = f"{self.unit.name} không tồn tại trong năm {self.year}."
        raise_on(errors)

    @classmethod
    @transaction.atomic
    def set(cls, *, by: User | None, unit: Unit, year: int, rating: str) -> UnitRating:
        if by is not None:
            require_edit(by, unit.pk, f"xếp loại của {unit.name}")
        existing = cls.objects.filter(unit=unit, year=year).first()
        before = snapshot(existing) if existing else None
        row = existing or cls(unit=unit, year=year)
        row.rating, row.recorded_by = rating, by
        row.full_clean()
        row.save()
        audit(
            actor=by,
            action="update" if before else "create",
            obj=row,
            before=before,
            after=snapshot(row),
        )
        return row


class Initiative(models.Model):
    """A recognised initiative, science work or combat ingenuity, with the scope it was
    recognised in (cơ sở < Bộ < toàn quốc)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="initiatives")
    year = models.PositiveSmallIntegerField("năm công nhận")
    title = models.CharField("tên sáng kiến, đề tài", max_length=300)
    kind = models.CharField(
        "loại", max_length=20, choices=INITIATIVE_KIND_CHOICES, default="sang_kien"
    )
    scope = models.CharField("phạm vi công nhận", max_length=12, choices=Scope.choices)
    decision_no = models.CharField("số quyết định công nhận", max_length=60, blank=True)

    class Meta:
        verbose_name = "sáng kiến, đề tài"
        verbose_name_plural = "sáng kiến, đề tài"
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.title = text.normalize(self.title)
        self.decision_no = text.normalize(self.decision_no)
        errors = {}
        if year_error(self.year):
            errors["year"] = year_error(self.year)
        if not self.title:
            errors["title"] = "Phải nhập tên sáng kiến, đề tài."
        raise_on(errors)


class Discipline(models.Model):
    """A disciplinary record of a person (or a unit): a review awaiting decision, or a form of
    discipline with its period. Either blocks every title while it runs (rule 15)."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="disciplines"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    awaiting_review = models.BooleanField(
        "đang xem xét kỷ luật (chưa có quyết định)", default=False
    )
    form = models.CharField(
        "hình thức kỷ luật", max_length=30, choices=DISCIPLINE_FORMS, blank=True
    )
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        verbose_name = "kỷ luật"
        verbose_name_plural = "kỷ luật"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, unit__isnull=False)
                | Q(person__isnull=False, unit__isnull=True),
                name="honours_discipline_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    @transaction.atomic
    def add_for_unit(cls, *, by: User | None, unit: Unit, **fields: Any) -> Discipline:
        """A collective's discipline (rule 15 applies to units too)."""
        if by is not None:
            require_edit(by, unit.pk, f"hồ sơ kỷ luật của {unit.name}")
        row = cls(unit=unit, **fields)
        row.full_clean()
        row.save()
        audit(actor=by, action="create", obj=row, after=snapshot(row))
        return row

    @property
    def label(self) -> str:
        what = (
            "Đang xem xét kỷ luật" if self.awaiting_review else f"Kỷ luật {self.get_form_display()}"
        )
        end = f"{self.end:%d/%m/%Y}" if self.end else "chưa xác định"
        return f"{what} ({self.start:%d/%m/%Y} – {end})"

    def clean(self) -> None:
        self.decision_no, self.note = text.normalize(self.decision_no), text.normalize(self.note)
        errors = {}
        if not self.awaiting_review and not self.form:
            errors["form"] = "Chọn hình thức kỷ luật, hoặc đánh dấu “đang xem xét kỷ luật”."
        if self.awaiting_review and self.form:
            errors["form"] = "Đang xem xét kỷ luật thì chưa có hình thức: để trống."
        for name in ("start", "end"):
            if date_error(getattr(self, name)):
                errors[name] = date_error(getattr(self, name))
        if self.end and self.start and self.end < self.start:
            errors["end"] = "Ngày kết thúc phải sau ngày bắt đầu."
        raise_on(errors)
