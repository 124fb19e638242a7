"""The covenant (giao ước) and its signatures, title registrations, and drives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models.cycle import Cycle, MethodVersion
from thidua.engine.text import normalize
from thidua.lib.workflow import WorkflowError, save_versioned
from thidua.org.models import Unit, User

# Collective titles a provincial police department registers for, and the individual titles whose
# numbers it registers (digest §1; codes shared with the eligibility catalogue).
COLLECTIVE_TITLES = [
    ("co_thi_dua_chinh_phu", "Cờ thi đua của Chính phủ"),
    ("co_thi_dua_bo_cong_an", "Cờ thi đua của Bộ Công an"),
    ("don_vi_quyet_thang", "Đơn vị quyết thắng"),
    ("don_vi_tien_tien", "Đơn vị tiên tiến"),
]
INDIVIDUAL_TITLES = [
    ("chien_si_tien_tien", "Chiến sĩ tiên tiến"),
    ("chien_si_thi_dua_co_so", "Chiến sĩ thi đua cơ sở"),
    ("chien_si_thi_dua_toan_luc_luong", "Chiến sĩ thi đua toàn lực lượng CAND"),
    ("chien_si_thi_dua_toan_quoc", "Chiến sĩ thi đua toàn quốc"),
]
# More officers than any police department has: a typing slip, not a registration.
MAX_INDIVIDUAL_COUNT = 999_999


class Covenant(models.Model):
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="covenant")
    text = models.TextField("nội dung giao ước")
    signing_place = models.CharField("địa điểm ký kết", max_length=200, blank=True)
    signing_date = models.DateField("ngày ký kết", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "giao ước thi đua"
        verbose_name_plural = "giao ước thi đua"

    def __str__(self) -> str:
        return f"Giao ước thi đua {self.cycle}"

    @classmethod
    @transaction.atomic
    def write(
        cls,
        cycle: Cycle,
        *,
        by: User,
        text: str,
        signing_place: str = "",
        signing_date=None,
        expected_version: int | None = None,
    ) -> Covenant:
        """Step 2: the secretariat writes the covenant; once anyone signed, the text is frozen."""
        cycle.require_step(workflow.WRITE_COVENANT, by)
        text = normalize(text)
        if not text:
            raise ValidationError({"text": "Nội dung giao ước không được để trống."})
        covenant = cls.objects.filter(cycle=cycle).first()
        if covenant is None:
            covenant = cls.objects.create(
                cycle=cycle,
                text=text,
                signing_place=normalize(signing_place),
                signing_date=signing_date,
            )
            audit(actor=by, action="create", obj=covenant, after=snapshot(covenant))
            return covenant
        if covenant.signatures.exists() and text != covenant.text:
            raise WorkflowError("Giao ước đã có đơn vị ký: không thể sửa nội dung.")
        before = snapshot(covenant)
        covenant.text, covenant.signing_place, covenant.signing_date = (
            text,
            normalize(signing_place),
            signing_date,
        )
        save_versioned(
            covenant, ["text", "signing_place", "signing_date"], expected_version, "giao ước"
        )
        audit(actor=by, action="update", obj=covenant, before=before, after=snapshot(covenant))
        return covenant

    @transaction.atomic
    def sign(self, *, unit: Unit, by: User) -> CovenantSignature:
        """A member unit signs (its officer, or the secretariat on its behalf)."""
        self.cycle.require_member(unit)
        workflow.SIGN_COVENANT.require_stage(self.cycle)
        if by.unit_id != unit.pk and not by.is_secretariat_of(self.cycle.cluster):
            raise WorkflowError(
                "Chỉ cán bộ của chính đơn vị (hoặc Thường trực Cụm) được ký giao ước thay đơn vị."
            )
        if self.signatures.filter(unit=unit).exists():
            raise WorkflowError(f"{unit.name} đã ký giao ước.")
        signature = CovenantSignature.objects.create(covenant=self, unit=unit, signed_by=by)
        audit(actor=by, action="sign", obj=signature, after=snapshot(signature))
        return signature


class CovenantSignature(models.Model):
    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="signatures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "chữ ký giao ước"
        verbose_name_plural = "chữ ký giao ước"
        constraints = [
            models.UniqueConstraint(fields=["covenant", "unit"], name="covenant_signature_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} ký {self.signed_at:%d/%m/%Y}"


class Registration(models.Model):
    """Step 3: a unit's registration of collective titles and the number of individuals per title."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="registrations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    collective_titles = models.JSONField("danh hiệu tập thể đăng ký", default=list)
    individual_counts = models.JSONField("số cá nhân đăng ký theo danh hiệu", default=dict)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "đăng ký danh hiệu thi đua"
        verbose_name_plural = "đăng ký danh hiệu thi đua"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="registration_unique")
        ]

    def __str__(self) -> str:
        return f"Đăng ký của {self.unit.short_name}"

    @property
    def collective_labels(self) -> list[str]:
        names = dict(COLLECTIVE_TITLES)
        return [names.get(code, code) for code in self.collective_titles]

    @property
    def individual_rows(self) -> list[tuple[str, int]]:
        names = dict(INDIVIDUAL_TITLES)
        return [
            (names.get(code, code), count)
            for code, count in self.individual_counts.items()
            if count
        ]

    @staticmethod
    def clean_values(
        collective_titles: list[str], individual_counts: dict[str, int]
    ) -> tuple[list[str], dict[str, int]]:
        errors: dict[str, list[str]] = {}
        known_collective = dict(COLLECTIVE_TITLES)
        bad = [code for code in collective_titles if code not in known_collective]
        if bad:
            errors["collective_titles"] = [
                f"Danh hiệu tập thể không có trong danh mục: {', '.join(bad)}."
            ]
        counts: dict[str, int] = {}
        known_individual = dict(INDIVIDUAL_TITLES)
        for code, value in individual_counts.items():
            if code not in known_individual:
                errors.setdefault("individual_counts", []).append(
                    f"{code}: danh hiệu cá nhân không có trong danh mục."
                )
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors.setdefault("individual_counts", []).append(
                    f"{known_individual[code]}: phải là số nguyên."
                )
                continue
            if number < 0:
                errors.setdefault("individual_counts", []).append(
                    f"{known_individual[code]}: không được âm."
                )
            elif number > MAX_INDIVIDUAL_COUNT:
                limit = f"{MAX_INDIVIDUAL_COUNT:,}".replace(",", ".")
                errors.setdefault("individual_counts", []).append(
                    f"{known_individual[code]}: không được vượt quá {limit} người."
                )
            counts[code] = number
        ast = counts.get("chien_si_thi_dua_co_so", 0)
        if ast and ast > counts.get("chien_si_tien_tien", 0):
            errors.setdefault("individual_counts", []).append(
                "Số Chiến sĩ thi đua cơ sở không thể vượt số Chiến sĩ tiên tiến (phải là Chiến sĩ tiên tiến trước)."
            )
        if not collective_titles and not any(counts.values()):
            errors["collective_titles"] = ["Chưa đăng ký danh hiệu nào."]
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(collective_titles)), counts

    @classmethod
    @transaction.atomic
    def register(
        cls,
        cycle: Cycle,
        *,
        unit: Unit,
        by: User,
        collective_titles: list[str],
        individual_counts: dict[str, int],
        expected_version: int | None = None,
    ) -> Registration:
        cycle.require_member(unit)
        if by.unit_id != unit.pk and not by.is_secretariat_of(cycle.cluster):
            raise WorkflowError("Chỉ cán bộ của chính đơn vị được đăng ký danh hiệu cho đơn vị.")
        workflow.REGISTER.require_stage(cycle)
        titles, counts = cls.clean_values(collective_titles, individual_counts)
        registration = cls.objects.filter(cycle=cycle, unit=unit).first()
        if registration is None:
            registration = cls.objects.create(
                cycle=cycle,
                unit=unit,
                collective_titles=titles,
                individual_counts=counts,
                registered_by=by,
            )
            audit(actor=by, action="create", obj=registration, after=snapshot(registration))
            return registration
        before = snapshot(registration)
        registration.collective_titles, registration.individual_counts = titles, counts
        registration.registered_by, registration.registered_at = by, timezone.now()
        save_versioned(
            registration,
            ["collective_titles", "individual_counts", "registered_by", "registered_at"],
            expected_version,
            "bản đăng ký",
        )
        audit(
            actor=by, action="update", obj=registration, before=before, after=snapshot(registration)
        )
        return registration


class Drive(models.Model):
    """Step 4: a short, peak or thematic drive with its own dates, targets and results."""

    class Kind(models.TextChoices):
        SHORT = "short", "Đợt thi đua ngắn ngày"
        PEAK = "peak", "Đợt cao điểm"
        THEMATIC = "thematic", "Thi đua chuyên đề"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="drives")
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    name = models.CharField("tên đợt thi đua", max_length=300)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    targets = models.TextField("chỉ tiêu", blank=True)
    results = models.TextField("kết quả", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "đợt thi đua"
        verbose_name_plural = "đợt thi đua"
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="drive_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def phase(self, today: dt.date | None = None) -> tuple[str, str]:
        """Where the drive stands on `today`: (badge style, words)."""
        today = today or timezone.localdate()
        if today < self.starts_on:
            return "neutral", "Sắp diễn ra"
        if today > self.ends_on:
            return "approved", "Đã kết thúc"
        return "info", "Đang diễn ra"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            errors["ends_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
        year = self.cycle.year if self.cycle_id else None
        if year and self.starts_on and self.starts_on.year not in (year - 1, year):
            errors["starts_on"] = f"Đợt thi đua phải thuộc năm thi đua {year}."
        if errors:
            raise ValidationError(errors)

    @classmethod
    @transaction.atomic
    def save_drive(
        cls,
        cycle: Cycle,
        *,
        by: User,
        drive: Drive | None = None,
        expected_version: int | None = None,
        **values,
    ) -> Drive:
        (workflow.ADD_DRIVE if drive is None else workflow.EDIT_DRIVE).require_actor(by, cycle)
        if cycle.stage == Cycle.Stage.CLOSED:
            raise WorkflowError("Năm thi đua đã kết thúc.")
        for key in ("name", "targets", "results"):
            if key in values:
                values[key] = normalize(values[key])
        if drive is None:
            drive = cls(cycle=cycle, created_by=by, **values)
            drive.full_clean()
            drive.save()
            audit(actor=by, action="create", obj=drive, after=snapshot(drive))
            return drive
        before = snapshot(drive)
        for key, value in values.items():
            setattr(drive, key, value)
        drive.full_clean()
        save_versioned(drive, list(values), expected_version, "đợt thi đua")
        audit(actor=by, action="update", obj=drive, before=before, after=snapshot(drive))
        return drive


# -- reading the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """How many member units have done something (registered, signed), in the report's words."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def percent(self) -> str:
        from thidua.engine.numbers import fmt_number

        return fmt_number(self.done * 100 / self.total, 1) if self.total else "0"

    def label(self, verb: str) -> str:
        """E.g. "7/8 đơn vị đã đăng ký (87,5%)", or "100% đăng ký" once every unit has."""
        if self.complete:
            return f"100% {verb}"
        return f"{self.done}/{self.total} đơn vị đã {verb} ({self.percent}%)"


def registration_rate(cycle: Cycle, registrations: list[Registration]) -> Rate:
    members = cycle.member_ids()
    return Rate(len({r.unit_id for r in registrations} & members), len(members))


# -- changing the method without losing anyone's edit ---------------------------------------------


def method_token(method: MethodVersion | None) -> str:
    """A fingerprint of everything a method version holds: the hidden "version" of method forms.

    MethodVersion has no version counter (before the lock it is edited in place), so a form carries
    this token and the change is refused if the method no longer matches it.
    """
    if method is None:
        return "none"
    from thidua.engine.scale import fingerprint

    return fingerprint(
        {
            "number": method.number,
            "scale": method.scale,
            "award_rules": method.award_rules,
            "targets": method.targets,
            "operating_rules": method.operating_rules,
            "vote_quorum": method.vote_quorum,
            "vote_threshold": method.vote_threshold,
        }
    )[len("sha256:") :][:32]
