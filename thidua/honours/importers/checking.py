"""Checking each row as the model steps would, against what was loaded once at the start and the
rows before it, in memory (no query per row): references (units by code or by their name in a year,
officers in the user's line), the models' own checks with their refusals mapped to the row, the
once-a-year awards."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from thidua.engine import text
from thidua.honours.importers.reading import Row
from thidua.honours.importers.sheets import SHEETS, SheetSpec
from thidua.honours.importers.writing import Writer
from thidua.honours.models import (
    Commendation,
    Discipline,
    Initiative,
    Person,
    PersonRating,
    Posting,
    UnitRating,
    may_edit_for,
    require_edit,
    sees_people_of,
)
from thidua.honours.models.common import catalogue
from thidua.honours.models.people import OFFICER_CODE_FORMAT, OFFICER_CODE_REFUSED
from thidua.lib.cells import CellError
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Unit, User


class Units:
    """Every unit (with its recorded other names), loaded once: looking up a unit by code or by
    its name in a year, its successor today and its line, without a query per row."""

    def __init__(self) -> None:
        # The order of Unit.objects.valid_in_year(): resolve_unit lists candidates in it.
        self.ordered = list(Unit.objects.prefetch_related("aliases"))
        self.by_pk = {u.pk: u for u in self.ordered}
        self.by_code = {u.code: u for u in self.ordered}
        self.keys = {
            u.pk: {text.search_key(u.short_name), text.search_key(u.name)}
            | {alias.search_key for alias in u.aliases.all()}
            for u in self.ordered
        }
        self.predecessors: dict[int, list[int]] = {}
        for u in self.ordered:
            if u.successor_id is not None:
                self.predecessors.setdefault(u.successor_id, []).append(u.pk)
        self.resolved: dict[tuple[str, int], Unit | str] = {}

    def resolve(self, name: str, year: int) -> Unit:
        """resolve_unit(name, year), answered from memory (same choice, same message)."""
        key = (name, year)
        if key not in self.resolved:
            wanted = text.search_key(name)
            candidates = [
                u for u in self.ordered if u.exists_in_year(year) and wanted in self.keys[u.pk]
            ]
            if len(candidates) > 1:
                at_year_end = [u for u in candidates if u.valid_on(dt.date(year, 12, 31))]
                candidates = at_year_end or candidates
            if len(candidates) == 1:
                self.resolved[key] = candidates[0]
            else:
                found = ", ".join(u.code for u in candidates) or "không có"
                self.resolved[key] = (
                    f"Không xác định được đơn vị “{name}” năm {year} (tìm thấy: {found})."
                )
        found = self.resolved[key]
        if isinstance(found, str):
            raise Unit.DoesNotExist(found)
        return found

    def current(self, unit: Unit) -> Unit:
        """unit.current(): the end of its chain of successors."""
        seen = {unit.pk}
        while unit.successor_id is not None and unit.successor_id not in seen:
            unit = self.by_pk[unit.successor_id]
            seen.add(unit.pk)
        return unit

    def lineage_ids(self, unit: Unit) -> set[int]:
        """The pks of unit.lineage(): itself and every unit merged into it, however far back."""
        seen: set[int] = set()
        frontier = [unit.pk]
        while frontier:
            pk = frontier.pop()
            if pk not in seen:
                seen.add(pk)
                frontier.extend(self.predecessors.get(pk, ()))
        return seen


def chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def full_clean(obj: models.Model, after_clean: Callable[[dict], dict] | None = None) -> None:
    """obj.full_clean() without its queries, which the importer answers from what it loaded.

    The same field checks and clean() with the same messages, except: foreign keys are not looked
    up again (the importer found them, or made them, itself: a new officer has no pk yet); the
    unique fields and constraints are ensured by the importer (a code already taken is refused
    first, a rating already recorded is updated, one recipient or subject per row) instead of
    being queried per row; `after_clean(errors)` adds a check of clean()'s that needs the
    database, run only when clean() itself passed, as the model does.
    """
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    errors: dict = {}
    try:
        obj.clean_fields(exclude=relations)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        obj.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    else:
        if after_clean is not None:
            errors = after_clean(errors)
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Award:
    """An annual title already given (in the database, or by an earlier row of the file)."""

    decision_date: dt.date
    order: tuple[int, int]  # (0, pk) for a stored one, (1, row order) for one of this file
    decision_no: str
    person: str | None  # officer code
    unit_id: int | None


class Importer(Writer):
    """Checks each row against what it loaded at the start and the rows before it, in memory,
    and collects the records to write; `flush()` writes them with bulk inserts, and
    `write_audit()` appends their audit records (one per record, as the model methods would,
    in the same order) with one lock of the chain head."""

    def __init__(self, user: User, *, writing: bool = True) -> None:
        super().__init__(user, writing=writing)
        self.errors: list[CellError] = []
        self.people: dict[str, Person] = {}  # made by this file, by officer code
        self.counts = {s.key: 0 for s in SHEETS}
        self.units: Units | None = None
        self.known: dict[str, Person] = {}  # already stored, by officer code
        self.person_ratings: dict[tuple[str, int], PersonRating] = {}
        self.unit_ratings: dict[tuple[int, int], UnitRating] = {}
        self.awards: dict[tuple[str, int], list[Award]] = {}
        self.made = 0

    # -- what the rows are checked against, loaded once

    def load(self, parsed: list[tuple[SheetSpec, list[Row]]]) -> None:
        self.units = Units()
        codes: set[str] = set()
        years: set[int] = set()
        annual: set[str] = set()
        cat = catalogue()
        for _, rows in parsed:
            for row in rows:
                code = (row.values.get("officer") or "").upper()
                if code:
                    codes.add(code)
                if isinstance(row.values.get("year"), int):
                    years.add(row.values["year"])
                award = row.values.get("award_code")
                if award in cat and cat.get(award).annual:
                    annual.add(award)
        for chunk in chunks(sorted(codes)):
            for person in Person.objects.filter(officer_code__in=chunk):
                self.known[person.officer_code] = person
        by_pk = {p.pk: p for p in self.known.values()}
        ids = sorted(by_pk)
        if years:
            for chunk in chunks(ids):
                for rating in PersonRating.objects.filter(person_id__in=chunk, year__in=years):
                    self.person_ratings[(by_pk[rating.person_id].officer_code, rating.year)] = (
                        rating
                    )
            for rating in UnitRating.objects.filter(year__in=years):
                rating.unit = self.units.by_pk[rating.unit_id]
                self.unit_ratings[(rating.unit_id, rating.year)] = rating
        if annual and years:
            given = Commendation.objects.filter(
                revoked=False, award_code__in=annual, year__in=years
            )
            fields = ("pk", "award_code", "year", "decision_date", "decision_no", "person_id")
            rows = list(given.filter(unit__isnull=False).values_list(*fields, "unit_id"))
            for chunk in chunks(ids):
                rows += given.filter(person_id__in=chunk).values_list(*fields, "unit_id")
            for pk, award, year, date, number, person_id, unit_id in rows:
                who = by_pk[person_id].officer_code if person_id else None
                self.awards.setdefault((award, year), []).append(
                    Award(date, (0, pk), number, who, unit_id)
                )

    # -- references

    def unit(self, row: Row, key: str, year: int | None) -> Unit | None:
        raw = row.values.get(key)
        if not raw:
            return None
        unit = self.units.by_code.get(raw.strip().lower())
        if unit is None:
            try:
                unit = self.units.resolve(raw, year or dt.date.today().year)
            except Unit.DoesNotExist as exc:
                self.errors.append(row.error(key, str(exc)))
                return None
        return unit

    def person(self, row: Row) -> Person | None:
        code = (row.values.get("officer") or "").upper()
        if not code:
            return None
        person = self.people.get(code) or self.known.get(code)
        if person is None or not may_edit_for(self.user, person.current_unit_id):
            # Out of the user's line: reported as unknown, like any page would (404).
            self.errors.append(
                row.error("officer", f"không có cán bộ số hiệu “{code}” trong phạm vi của bạn.")
            )
            return None
        return person

    def subject(self, row: Row, year: int | None) -> tuple[Person | None, Unit | None]:
        has_person, has_unit = bool(row.values.get("officer")), bool(row.values.get("unit"))
        if has_person == has_unit:
            self.errors.append(
                row.error(
                    None, "ghi số hiệu CAND (cá nhân) hoặc đơn vị (tập thể), chỉ một trong hai."
                )
            )
            return None, None
        if has_person:
            return self.person(row), None
        return None, self.unit(row, "unit", year)

    # -- the model steps' checks, with their refusals mapped to the row

    def attempt(self, row: Row, check: Callable[[], Any], fields: dict[str, str]) -> Any:
        """check()'s result, or None with its refusal reported on the row."""
        try:
            return check()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, items in exc.message_dict.items():
                    for message in items:
                        self.errors.append(row.error(fields.get(name, name), message))
            else:
                self.errors += [row.error(None, m) for m in exc.messages]
        except PermissionDenied as exc:
            self.errors.append(row.error(None, str(exc) or "ngoài phạm vi của bạn."))
        except WorkflowError as exc:
            self.errors.append(row.error(None, exc.message))
        return None

    # -- the sheets

    def people_row(self, row: Row) -> None:
        v = row.values
        start = v.get("start")
        unit = self.unit(row, "unit", start.year if start else None)
        code = (v.get("officer") or "").upper()
        known = self.known.get(code)
        if code and code in self.people:
            self.errors.append(row.error("officer", f"số hiệu “{code}” đã có ở dòng khác của tệp."))
            return
        if code and known is not None and sees_people_of(self.user, known.current_unit_id):
            self.errors.append(
                row.error("officer", f"số hiệu “{code}” đã có trong hồ sơ thuộc phạm vi của bạn.")
            )
            return
        if code and (known is not None or not OFFICER_CODE_FORMAT.fullmatch(code)):
            # Another unit's record, or a malformed number: one answer, nothing revealed.
            self.errors.append(row.error("officer", OFFICER_CODE_REFUSED))
            return
        if unit is None or start is None or not v.get("full_name"):
            return

        def unique(errors: dict) -> dict:
            # Person.officer_code is unique: the code was checked above; clean() normalises it
            # again, and should that change it, the changed one is checked too.
            taken = person.officer_code != code and (
                person.officer_code in self.people
                or person.officer_code in self.known
                or Person.objects.filter(officer_code=person.officer_code).exists()
            )
            if taken:
                errors = ValidationError({"officer_code": OFFICER_CODE_REFUSED}).update_error_dict(
                    errors
                )
            return errors

        person = Person(
            officer_code=code,
            full_name=v["full_name"],
            rank=v.get("rank") or "",
            position=v.get("position") or "",
            records_from=v.get("records_from"),
            discipline_checked=v.get("discipline_checked") is not False,
        )

        def create() -> Posting:  # Person.create
            require_edit(self.user, unit.pk, f"hồ sơ cán bộ của {unit.name}")
            full_clean(person, unique)
            posting = Posting(
                person=person,
                unit=unit,
                department=v.get("department") or "",
                position=person.position,
                start=start,
            )
            full_clean(posting)
            person.current_unit = unit  # refresh_current_unit(): the one posting's unit
            return posting

        posting = self.attempt(row, create, {"officer_code": "officer", "unit": "unit"})
        if posting is not None:
            self.people[code] = person
            self.create(person, posting)
            self.counts["people"] += 1

    def ratings_row(self, row: Row) -> None:
        v = row.values
        year, rating = v.get("year"), v.get("rating")
        person, unit = self.subject(row, year)
        if year is None or rating is None or (person is None and unit is None):
            return
        if person is not None:  # Person.set_rating
            key: tuple = (person.officer_code, year)
            ratings: dict = self.person_ratings
            existing = ratings.get(key)

            def check() -> PersonRating:
                require_edit(self.user, person.current_unit_id)
                item = copy.copy(existing) if existing else PersonRating(person=person, year=year)
                item.rating = rating
                full_clean(item)
                return item

        else:  # UnitRating.set
            key, ratings = (unit.pk, year), self.unit_ratings
            existing = ratings.get(key)

            def check() -> UnitRating:
                require_edit(self.user, unit.pk, f"xếp loại của {unit.name}")
                item = copy.copy(existing) if existing else UnitRating(unit=unit, year=year)
                item.rating, item.recorded_by = rating, self.user
                full_clean(item)
                return item

        checked = self.attempt(row, check, {})
        if checked is None:
            return
        if existing is None:
            ratings[key] = checked
            self.create(checked)
        else:

            def change() -> None:
                existing.rating = checked.rating
                if isinstance(existing, UnitRating):
                    existing.recorded_by = self.user

            self.update(existing, change)
        self.counts["ratings"] += 1

    def initiatives_row(self, row: Row) -> None:
        v = row.values
        person = self.person(row)
        if (
            person is None
            or None in (v.get("year"), v.get("kind"), v.get("scope"))
            or not v.get("title")
        ):
            return
        fields = {k: v.get(k) or "" for k in ("title", "kind", "scope", "decision_no")}

        def add() -> Initiative:  # Person.add_initiative
            require_edit(self.user, person.current_unit_id)
            item = Initiative(person=person, year=v["year"], **fields)
            full_clean(item)
            return item

        item = self.attempt(row, add, {})
        if item is not None:
            self.create(item)
            self.counts["initiatives"] += 1

    def disciplines_row(self, row: Row) -> None:
        v = row.values
        start = v.get("start")
        person, unit = self.subject(row, start.year if start else None)
        if start is None or (person is None and unit is None):
            return
        fields = {
            "form": v.get("form") or "",
            "awaiting_review": bool(v.get("awaiting_review")),
            "start": start,
            "end": v.get("end"),
            "decision_no": v.get("decision_no") or "",
        }

        def add() -> Discipline:  # Person.add_discipline, Discipline.add_for_unit
            if person is not None:
                require_edit(self.user, person.current_unit_id)
                item = Discipline(person=person, **fields)
            else:
                require_edit(self.user, unit.pk, f"hồ sơ kỷ luật của {unit.name}")
                item = Discipline(unit=unit, **fields)
            full_clean(item)
            return item

        item = self.attempt(row, add, {})
        if item is not None:
            self.create(item)
            self.counts["disciplines"] += 1

    def commendations_row(self, row: Row) -> None:
        v = row.values
        person, unit = self.subject(row, v.get("year"))
        needed = ("award_code", "year", "decision_no", "decision_date", "issuer")
        if (person is None and unit is None) or any(not v.get(k) for k in needed):
            return
        fields = {
            k: v.get(k) or ""
            for k in (
                "award_code",
                "decision_no",
                "issuer",
                "legal_basis",
                "achievement_ref",
                "achievement",
            )
        }
        item = Commendation(
            recipient_kind=Commendation.Recipient.INDIVIDUAL
            if person is not None
            else Commendation.Recipient.COLLECTIVE,
            person=person,
            unit=unit,
            created_by=self.user,
            year=v["year"],
            decision_date=v["decision_date"],
            **fields,
        )
        kind = catalogue().get(item.award_code) if item.award_code in catalogue() else None
        annual = kind is not None and kind.annual

        def once_a_year(errors: dict) -> dict:
            # Commendation.clean()'s last check (when the rest of clean() passed), against the
            # awards loaded at the start and those of the rows before.
            if not annual:
                return errors
            if unit is not None:
                line = self.units.lineage_ids(self.units.current(unit))
                twins = [
                    a
                    for a in self.awards.get((item.award_code, item.year), ())
                    if a.unit_id in line
                ]
            else:
                twins = [
                    a
                    for a in self.awards.get((item.award_code, item.year), ())
                    if a.person == person.officer_code
                ]
            if twins:  # the first in the model's order: latest decision first, then pk
                first = min(twins, key=lambda a: (-a.decision_date.toordinal(), a.order))
                message = (
                    f"Đã có “{item.award_name}” năm {item.year} (QĐ số {first.decision_no}); "
                    "danh hiệu hằng năm chỉ tặng một lần mỗi năm."
                )
                errors = ValidationError({"year": message}).update_error_dict(errors)
            return errors

        def create() -> Commendation:  # Commendation.create
            owner = person.current_unit_id if person is not None else unit.pk
            require_edit(self.user, owner, "khen thưởng của đơn vị khác")
            # clean() would look for an earlier award of an annual title with a query; with
            # revoked set it skips that, and once_a_year() does it from memory instead.
            item.revoked = True
            try:
                full_clean(item, once_a_year)
            finally:
                item.revoked = False
            return item

        if self.attempt(row, create, {}) is None:
            return
        if annual:
            self.made += 1
            self.awards.setdefault((item.award_code, item.year), []).append(
                Award(
                    item.decision_date,
                    (1, self.made),
                    item.decision_no,
                    person.officer_code if person is not None else None,
                    unit.pk if unit is not None else None,
                )
            )
        self.create(item)
        self.counts["commendations"] += 1
