"""Printer calibration for certificates printed on pre-printed blanks (phôi).

Every printer feeds paper a little off; the officer who prints sets, once per printer, how far
(in millimetres, right and down positive) the printed text must move to land on the blank's lines,
checks it on the preview and keeps it under the printer's name. Every change is audited.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text

MAX_OFFSET_MM = Decimal(50)
DEFAULT_PRINTER = "Máy in mặc định"


class PrinterCalibration(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="printer_calibrations"
    )
    printer = models.CharField("tên máy in", max_length=100, default=DEFAULT_PRINTER)
    offset_x_mm = models.DecimalField(
        "dịch ngang (mm, sang phải là dương)", max_digits=4, decimal_places=1, default=Decimal(0)
    )
    offset_y_mm = models.DecimalField(
        "dịch dọc (mm, xuống dưới là dương)", max_digits=4, decimal_places=1, default=Decimal(0)
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "căn chỉnh máy in phôi"
        verbose_name_plural = "căn chỉnh máy in phôi"
        ordering = ["user", "printer"]
        constraints = [
            models.UniqueConstraint(fields=["user", "printer"], name="documents_calibration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.printer} ({self.offset_x_mm}; {self.offset_y_mm} mm)"

    def clean(self) -> None:
        self.printer = text.normalize(self.printer)
        errors = {}
        if not self.printer:
            errors["printer"] = "Phải đặt tên máy in."
        for field in ("offset_x_mm", "offset_y_mm"):
            value = getattr(self, field)
            if value is not None and abs(value) > MAX_OFFSET_MM:
                errors[field] = f"Độ dịch tối đa ±{MAX_OFFSET_MM} mm."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_user(cls, user, printer: str | None) -> PrinterCalibration:
        """The saved calibration of this user's printer, or a zero one (not saved)."""
        name = text.normalize(printer or "") or DEFAULT_PRINTER
        found = cls.objects.filter(user=user, printer=name).first()
        return found or cls(user=user, printer=name)

    @classmethod
    @transaction.atomic
    def save_for(cls, user, *, printer: str, x_mm: Decimal, y_mm: Decimal) -> PrinterCalibration:
        name = text.normalize(printer) or DEFAULT_PRINTER
        row = cls.objects.select_for_update().filter(user=user, printer=name).first()
        before = snapshot(row) if row else None
        row = row or cls(user=user, printer=name)
        row.offset_x_mm, row.offset_y_mm, row.updated_at = x_mm, y_mm, timezone.now()
        row.full_clean()
        row.save()
        audit(
            actor=user,
            action="update" if before else "create",
            obj=row,
            before=before,
            after=snapshot(row),
        )
        return row
