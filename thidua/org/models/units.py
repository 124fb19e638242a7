"""Units and their lifecycle through mergers, the names officers write for them, and resolving a
written name to the one unit of a year.

A unit is a police body that exists between two dates. When provinces merged on 1 July 2025 the
merged units ended and point at their successor, so history follows a unit through mergers: the
new Công an tỉnh Phú Thọ's history shows the years of Hòa Bình, Vĩnh Phúc and the old Phú Thọ.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse

from thidua.engine import text


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def valid_in_year(self, year: int) -> UnitQuerySet:
        """Units that existed on at least one day of the year."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=year_end(year)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=year_start(year)),
        )

    def search(self, query: str) -> UnitQuerySet:
        """Case- and accent-insensitive search over names, codes and recorded aliases, as officers
        write them: the prefix before the name is dropped ("Công an tỉnh Kom Tum" finds Kon Tum
        by its recorded misspelling) and spelling variants are one key ("Daklak", "Đắc Lắc")."""
        key = text.unit_query_key(query)
        if not key:
            return self
        return self.filter(
            Q(search_key__contains=key)
            | Q(code__icontains=key.replace(" ", "-"))
            | Q(aliases__search_key__contains=key)
        ).distinct()

    def ordered(self) -> UnitQuerySet:
        return self.order_by("kind", "sort_key", "valid_from")


class Unit(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", "Bộ Công an"
        MINISTRY_DEPARTMENT = "ministry_department", "Đơn vị thuộc Bộ"
        PROVINCE_POLICE = "province_police", "Công an tỉnh, thành phố"
        ACADEMY = "academy", "Học viện, trường Công an nhân dân"
        COMMAND = "command", "Bộ Tư lệnh"
        # Below a provincial department or a Ministry unit: its divisions (phòng), teams (đội),
        # commune and ward police. They hold rosters for collective titles (Đơn vị quyết thắng, tiên tiến).
        SUBORDINATE = "subordinate", "Đơn vị trực thuộc (phòng, đội, Công an xã, phường)"

    class Level(models.TextChoices):
        MINISTRY = "ministry", "Cấp Bộ"
        DEPARTMENT = "department", "Cấp Cục, Công an tỉnh"
        BASE = "base", "Cấp cơ sở"
        SUB_BASE = "sub_base", "Cấp dưới cơ sở"

    code = models.SlugField("mã đơn vị", max_length=40, unique=True)
    name = models.CharField("tên đơn vị", max_length=200)
    short_name = models.CharField("tên ngắn", max_length=120)
    kind = models.CharField("loại", max_length=32, choices=Kind.choices)
    level = models.CharField("cấp", max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    gso_code = models.CharField("mã đơn vị hành chính", max_length=8, blank=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    source = models.CharField("nguồn", max_length=300, blank=True)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["kind", "sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = text.normalize(self.name)
        self.short_name = text.normalize(self.short_name)
        self.search_key = text.search_key(f"{self.short_name} {self.name}")
        self.sort_key = text.sort_key_str(self.short_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("unit_detail", args=[self.code])

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def exists_in_year(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year_end(year)) and (
            self.valid_to is None or self.valid_to >= year_start(year)
        )

    @property
    def period_label(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "nay"
        return f"{start} – {end}"

    def lineage(self) -> list[Unit]:
        """This unit and every unit merged into it, however many mergers back (no repeats)."""
        seen: dict[int, Unit] = {}
        frontier = [self]
        while frontier:
            unit = frontier.pop()
            if unit.pk in seen:
                continue
            seen[unit.pk] = unit
            frontier.extend(unit.predecessors.all())
        return sorted(seen.values(), key=lambda u: (u is not self, u.sort_key))

    def successors(self) -> list[Unit]:
        """The chain of units this one was merged into, nearest first."""
        chain: list[Unit] = []
        unit = self.successor
        while unit is not None and unit not in chain:
            chain.append(unit)
            unit = unit.successor
        return chain

    def current(self) -> Unit:
        """The unit that carries this one's history today."""
        chain = self.successors()
        return chain[-1] if chain else self


class UnitAlias(models.Model):
    class Kind(models.TextChoices):
        FORMER_NAME = "former_name", "Tên cũ"
        MISSPELLING = "misspelling", "Cách viết sai đã gặp"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("tên khác", max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = "tên khác của đơn vị"
        verbose_name_plural = "tên khác của đơn vị"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unit_alias_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = text.normalize(self.name)
        self.search_key = text.search_key(self.name)
        super().save(*args, **kwargs)


def resolve_unit(name: str, year: int) -> Unit:
    """The one unit called `name` (or a recorded alias) that existed in `year`.

    Where two units of the same name overlap in the merger year, the one in office at the end of
    the year wins: clusters are composed for the year-end conference.
    """
    wanted = text.search_key(name)
    candidates = [
        unit
        for unit in Unit.objects.valid_in_year(year).prefetch_related("aliases")
        if wanted
        in {text.search_key(unit.short_name), text.search_key(unit.name)}
        | {alias.search_key for alias in unit.aliases.all()}
    ]
    if len(candidates) > 1:
        at_year_end = [u for u in candidates if u.valid_on(year_end(year))]
        candidates = at_year_end or candidates
    if len(candidates) != 1:
        found = ", ".join(u.code for u in candidates) or "không có"
        raise Unit.DoesNotExist(
            f"Không xác định được đơn vị “{name}” năm {year} (tìm thấy: {found})."
        )
    return candidates[0]
