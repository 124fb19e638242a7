"""A unit's roster of a year given as counts (the unit's year data).

Collective titles (Đơn vị quyết thắng, Đơn vị tiên tiến) are judged on the share of the unit's
officers holding Chiến sĩ tiên tiến, the number of Chiến sĩ thi đua cơ sở, everyone completing
their tasks and nobody disciplined at a given form: a unit may declare those counts for the year
instead of entering hundreds of officers one by one. Declared counts take precedence over the
officers recorded in the unit when both exist (they are the unit's own statement for the year).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine.eligibility import RosterCounts
from thidua.honours.models.common import raise_on, require_edit, year_error
from thidua.org.models import Unit, User

COUNT_FIELDS = ("completed", "advanced", "emulation", "reprimanded", "warned")
# No police unit counts a million officers: a larger number is a typing error (and one past 2^31
# would not even fit PostgreSQL's integer column: a server error instead of a refusal).
COUNT_MAX = 1_000_000
COUNT_MAX_TEXT = "1.000.000"


def count_errors(values: dict[str, object]) -> dict[str, str]:
    """Each count that is not a whole number from 0 to COUNT_MAX, with its one message: the page,
    the API and both Excel sheets pass their numbers here unbounded, so a bad count reads the same
    everywhere."""
    errors = {}
    for name in ("members", *COUNT_FIELDS):
        value = values.get(name)
        whole = isinstance(value, int) and not isinstance(value, bool)
        if value is None or (whole and 0 <= value <= COUNT_MAX):
            continue
        label = str(UnitYearRoster._meta.get_field(name).verbose_name)
        errors[name] = (
            f"{label[0].upper()}{label[1:]} phải là số nguyên từ 0 đến {COUNT_MAX_TEXT} "
            f"(đang là {value})."
        )
    return errors


class UnitYearRoster(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    members = models.PositiveIntegerField("tổng quân số")
    completed = models.PositiveIntegerField("số hoàn thành nhiệm vụ trở lên", null=True, blank=True)
    advanced = models.PositiveIntegerField("số đạt Chiến sĩ tiên tiến", null=True, blank=True)
    emulation = models.PositiveIntegerField("số đạt Chiến sĩ thi đua cơ sở", null=True, blank=True)
    reprimanded = models.PositiveIntegerField("số bị kỷ luật khiển trách", null=True, blank=True)
    warned = models.PositiveIntegerField("số bị kỷ luật từ cảnh cáo trở lên", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "quân số đơn vị trong năm"
        verbose_name_plural = "quân số đơn vị trong năm"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="honours_unit_roster_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} {self.year}: {self.members} cán bộ, chiến sĩ"

    def clean(self) -> None:
        errors = {}
        if year_error(self.year):
            errors["year"] = year_error(self.year)
        elif self.unit_id and not self.unit.exists_in_year(self.year):
            errors["unit"] = f"{self.unit.name} không tồn tại trong năm {self.year}."
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and self.members is not None and value > self.members:
                label = self._meta.get_field(name).verbose_name
                errors[name] = (
                    f"{label[0].upper()}{label[1:]} ({value}) vượt tổng quân số ({self.members})."
                )
        if (
            self.reprimanded is not None
            and self.warned is not None
            and self.members is not None
            and self.reprimanded + self.warned > self.members
        ):
            errors["warned"] = "Tổng số người bị kỷ luật vượt tổng quân số."
        raise_on(errors)

    def counts(self) -> RosterCounts:
        """The engine's view: titles and discipline forms by catalogue code."""
        titles = {}
        if self.advanced is not None:
            titles["chien_si_tien_tien"] = self.advanced
        if self.emulation is not None:
            titles["chien_si_thi_dua_co_so"] = self.emulation
        disciplined = (
            None
            if self.reprimanded is None or self.warned is None
            else {"khien_trach": self.reprimanded, "canh_cao": self.warned}
        )
        return RosterCounts(self.members, self.completed, titles, disciplined)

    @classmethod
    @transaction.atomic
    def set(
        cls, *, by: User | None, unit: Unit, year: int, members: int, **counts: int | None
    ) -> UnitYearRoster:
        """Record (or replace) the unit's counts for ``year``; audited, one transaction."""
        if by is not None:
            require_edit(by, unit.pk, f"quân số của {unit.name}")
        raise_on(count_errors({"members": members, **counts}))
        existing = cls.objects.select_for_update().filter(unit=unit, year=year).first()
        before = snapshot(existing) if existing else None
        row = existing or cls(unit=unit, year=year)
        row.members, row.recorded_by = members, by
        for name in COUNT_FIELDS:
            setattr(row, name, counts.get(name))
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
