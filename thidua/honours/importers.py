"""Excel import of existing records, with a downloadable template.

One workbook, one sheet per kind of record (people, ratings, initiatives, discipline,
commendations). Every row is checked and every problem is reported with its sheet, row and column
("Trang “Khen thưởng” — Dòng 7, cột D (Năm): …"). The import is all or nothing: one transaction,
rolled back on the first problem found in the database step, and not even started when the file
itself has problems.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from thidua import untrusted
from thidua.audit.log import prepare, record_many, snapshot
from thidua.engine import text
from thidua.honours.models import (
    DISCIPLINE_FORMS,
    INITIATIVE_KIND_CHOICES,
    YEAR_MAX,
    YEAR_MIN,
    Commendation,
    Discipline,
    Initiative,
    Person,
    PersonRating,
    Posting,
    RatingLevel,
    Scope,
    UnitRating,
    award_choices,
    may_edit_for,
    require_edit,
    sees_people_of,
)
from thidua.honours.models.common import catalogue
from thidua.honours.models.people import OFFICER_CODE_FORMAT, OFFICER_CODE_REFUSED
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Unit, User
from thidua.untrusted import put, strip_control

DATA_ROWS = 2000  # rows prepared (unlocked, validated) in the template
YES_NO = (("co", "Có"), ("khong", "Không"))


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text | year | date | choice | bool | unit
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    width: int = 18
    help: str = ""

    @property
    def title(self) -> str:
        return f"{self.header} *" if self.required else self.header


@dataclass(frozen=True)
class SheetSpec:
    name: str
    key: str
    help: str
    columns: tuple[Column, ...]

    def letter(self, key: str) -> str:
        for i, col in enumerate(self.columns, start=1):
            if col.key == key:
                return get_column_letter(i)
        raise KeyError(key)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


OFFICER = Column(
    "Số hiệu CAND",
    "officer",
    width=14,
    help="Số hiệu của cán bộ (có trong hệ thống hoặc ở trang “Cán bộ”).",
)
UNIT = Column(
    "Đơn vị",
    "unit",
    "unit",
    width=30,
    help="Mã đơn vị (ví dụ hoa-binh) hoặc tên đơn vị khi đó (ví dụ Công an tỉnh Hòa Bình).",
)

SHEETS = (
    SheetSpec(
        "Cán bộ",
        "people",
        "Mỗi dòng một cán bộ, chiến sĩ mới (số hiệu chưa có trong hệ thống).",
        (
            Column("Số hiệu CAND", "officer", required=True, width=14),
            Column("Họ và tên", "full_name", required=True, width=28),
            Column("Cấp bậc hàm", "rank", width=16),
            Column("Chức vụ", "position", width=22),
            Column("Đơn vị", "unit", "unit", required=True, width=30, help=UNIT.help),
            Column("Bộ phận", "department", width=24, help="Phòng, đội, công an xã (nếu có)."),
            Column("Công tác từ ngày", "start", "date", required=True, width=14, help="dd/mm/yyyy"),
            Column(
                "Dữ liệu đầy đủ từ năm",
                "records_from",
                "year",
                width=12,
                help="Để trống nếu hồ sơ khen thưởng đầy đủ mọi năm.",
            ),
            Column(
                "Đã xác minh kỷ luật",
                "discipline_checked",
                "bool",
                choices=YES_NO,
                width=12,
                help="Có/Không; để trống = Có.",
            ),
        ),
    ),
    SheetSpec(
        "Xếp loại",
        "ratings",
        "Kết quả xếp loại hằng năm của cá nhân (ghi số hiệu) hoặc tập thể (ghi đơn vị).",
        (
            OFFICER,
            UNIT,
            Column("Năm", "year", "year", required=True, width=8),
            Column(
                "Mức xếp loại",
                "rating",
                "choice",
                required=True,
                choices=tuple(RatingLevel.choices),
                width=30,
            ),
        ),
    ),
    SheetSpec(
        "Sáng kiến",
        "initiatives",
        "Sáng kiến, đề tài khoa học, mưu trí sáng tạo đã được công nhận.",
        (
            Column("Số hiệu CAND", "officer", required=True, width=14),
            Column("Năm công nhận", "year", "year", required=True, width=10),
            Column("Tên sáng kiến, đề tài", "title", required=True, width=40),
            Column(
                "Loại",
                "kind",
                "choice",
                required=True,
                choices=tuple(INITIATIVE_KIND_CHOICES),
                width=30,
            ),
            Column(
                "Phạm vi công nhận",
                "scope",
                "choice",
                required=True,
                choices=tuple(Scope.choices),
                width=14,
            ),
            Column("Số quyết định công nhận", "decision_no", width=18),
        ),
    ),
    SheetSpec(
        "Kỷ luật",
        "disciplines",
        "Kỷ luật hoặc đang xem xét kỷ luật, của cá nhân (số hiệu) hoặc tập thể (đơn vị).",
        (
            OFFICER,
            UNIT,
            Column(
                "Hình thức kỷ luật",
                "form",
                "choice",
                choices=tuple(DISCIPLINE_FORMS),
                width=22,
                help="Để trống nếu đang xem xét kỷ luật.",
            ),
            Column("Đang xem xét kỷ luật", "awaiting_review", "bool", choices=YES_NO, width=12),
            Column("Từ ngày", "start", "date", required=True, width=13),
            Column("Đến ngày", "end", "date", width=13, help="Ngày hết thời hạn kỷ luật."),
            Column("Số quyết định", "decision_no", width=16),
        ),
    ),
    SheetSpec(
        "Khen thưởng",
        "commendations",
        "Mỗi dòng một danh hiệu hoặc hình thức khen thưởng của một cá nhân hoặc một tập thể.",
        (
            OFFICER,
            UNIT,
            Column(
                "Danh hiệu, hình thức",
                "award_code",
                "choice",
                required=True,
                choices=tuple(award_choices()),
                width=34,
            ),
            Column("Năm", "year", "year", required=True, width=8, help="Năm thành tích."),
            Column("Số quyết định", "decision_no", required=True, width=16),
            Column("Ngày quyết định", "decision_date", "date", required=True, width=14),
            Column("Cơ quan ban hành", "issuer", required=True, width=26),
            Column("Căn cứ pháp lý", "legal_basis", width=28),
            Column("Mã thành tích", "achievement_ref", width=14),
            Column("Thành tích", "achievement", width=40),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str = ""  # letter
    header: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = f"Trang “{self.sheet}” — Dòng {self.row}"
        if self.column:
            where += f", cột {self.column} ({self.header})"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        labels = {
            "people": "cán bộ",
            "ratings": "kết quả xếp loại",
            "initiatives": "sáng kiến",
            "disciplines": "kỷ luật",
            "commendations": "khen thưởng",
        }
        parts = [f"{n} {labels[k]}" for k, n in self.counts.items() if n]
        return ", ".join(parts) or "không có dòng dữ liệu nào"


class _Rollback(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading cells


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return text.normalize(strip_control(str(value)))  # a cell may carry _x0001_ escapes


def _parse_year(value: Any) -> int:
    raw = _plain(value)
    if not raw.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        raise ValueError(f"phải là số năm (ví dụ 2024), không phải “{raw}”.")
    year = int(raw) if len(raw) <= 9 else None  # int() refuses more than 4300 digits
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"năm {raw[:12]} ngoài khoảng {YEAR_MIN}–{YEAR_MAX}.")
    return year


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _plain(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"ngày không hợp lệ “{raw}” (dạng dd/mm/yyyy, ví dụ 03/12/2024).")


def _parse_choice(value: Any, choices: tuple[tuple[str, str], ...]) -> str:
    raw = _plain(value)
    key = text.search_key(raw)
    for code, label in choices:
        if key in (text.search_key(label), text.search_key(code.replace("_", " "))):
            return code
    shown = "; ".join(label for _, label in choices[:8])
    more = "…" if len(choices) > 8 else ""
    raise ValueError(f"“{raw}” không có trong danh sách ({shown}{more}).")


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = text.search_key(_plain(value))
    if key in ("co", "x", "true", "1", "dung"):
        return True
    if key in ("khong", "false", "0", "sai"):
        return False
    raise ValueError(f"ghi “Có” hoặc “Không”, không phải “{_plain(value)}”.")


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": _plain,
    "year": _parse_year,
    "date": _parse_date,
    "bool": _parse_bool,
    "unit": _plain,  # resolved later: it needs the year
}


@dataclass
class Row:
    spec: SheetSpec
    number: int
    values: dict[str, Any]

    def error(self, key: str | None, message: str) -> RowError:
        if key is None or key not in {c.key for c in self.spec.columns}:
            return RowError(self.spec.name, self.number, message=message)
        col = self.spec.column(key)
        return RowError(self.spec.name, self.number, self.spec.letter(key), col.header, message)


def _rows(ws, spec: SheetSpec, errors: list[RowError]) -> Iterator[Row]:
    headers = [_plain(c.value).rstrip(" *") for c in ws[1]][: len(spec.columns)]
    for i, col in enumerate(spec.columns):
        got = headers[i] if i < len(headers) else ""
        if text.search_key(got) != text.search_key(col.header):
            errors.append(
                RowError(
                    spec.name,
                    1,
                    get_column_letter(i + 1),
                    col.header,
                    f"tiêu đề cột phải là “{col.header}” (đang là “{got}”): dùng đúng tệp mẫu.",
                )
            )
            return
    for number, cells in enumerate(
        ws.iter_rows(min_row=2, max_col=len(spec.columns), values_only=True), start=2
    ):
        if all(_plain(v) == "" for v in cells):
            continue
        values: dict[str, Any] = {}
        row = Row(spec, number, values)
        for col, raw in zip(spec.columns, cells, strict=False):
            if _plain(raw) == "":
                if col.required:
                    errors.append(row.error(col.key, "bắt buộc, đang để trống."))
                values[col.key] = None
                continue
            try:
                if col.kind == "choice":
                    values[col.key] = _parse_choice(raw, col.choices)
                else:
                    values[col.key] = _PARSERS[col.kind](raw)
            except ValueError as exc:
                errors.append(row.error(col.key, str(exc)))
                values[col.key] = None
        yield row


# ---------------------------------------------------------------------------------------------
# Importing


class _Units:
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


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _full_clean(obj: models.Model, after_clean: Callable[[dict], dict] | None = None) -> None:
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
class _Award:
    """An annual title already given (in the database, or by an earlier row of the file)."""

    decision_date: dt.date
    order: tuple[int, int]  # (0, pk) for a stored one, (1, row order) for one of this file
    decision_no: str
    person: str | None  # officer code
    unit_id: int | None


class _Importer:
    """Checks each row against what it loaded at the start and the rows before it, in memory,
    and collects the records to write; `flush()` writes them with bulk inserts, and
    `write_audit()` appends their audit records (one per record, as the model methods would,
    in the same order) with one lock of the chain head."""

    FLUSH_EVERY = 2000  # records held before a bulk write

    def __init__(self, user: User, *, writing: bool = True) -> None:
        self.user = user
        self.writing = writing
        self.errors: list[RowError] = []
        self.people: dict[str, Person] = {}  # made by this file, by officer code
        self.counts = {s.key: 0 for s in SHEETS}
        self.units: _Units | None = None
        self.known: dict[str, Person] = {}  # already stored, by officer code
        self.person_ratings: dict[tuple[str, int], PersonRating] = {}
        self.unit_ratings: dict[tuple[int, int], UnitRating] = {}
        self.awards: dict[tuple[str, int], list[_Award]] = {}
        self.pending: list[models.Model] = []  # to insert, in order
        self.unsaved: set[int] = set()  # id() of the pending ones
        self.audit: list[models.Model | tuple[str, models.Model]] = []
        self.made = 0

    # -- what the rows are checked against, loaded once

    def load(self, parsed: list[tuple[SheetSpec, list[Row]]]) -> None:
        self.units = _Units()
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
        for chunk in _chunks(sorted(codes)):
            for person in Person.objects.filter(officer_code__in=chunk):
                self.known[person.officer_code] = person
        by_pk = {p.pk: p for p in self.known.values()}
        ids = sorted(by_pk)
        if years:
            for chunk in _chunks(ids):
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
            for chunk in _chunks(ids):
                rows += given.filter(person_id__in=chunk).values_list(*fields, "unit_id")
            for pk, award, year, date, number, person_id, unit_id in rows:
                who = by_pk[person_id].officer_code if person_id else None
                self.awards.setdefault((award, year), []).append(
                    _Award(date, (0, pk), number, who, unit_id)
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

    # -- writing: inserts held and made in bulk, audit records prepared in order

    def create(self, *objs: models.Model) -> None:
        """Records the model's create() would save and audit as "create", in this order."""
        if not self.writing:
            return
        for obj in objs:
            self.pending.append(obj)
            self.unsaved.add(id(obj))
            self.audit.append(("create", obj))
        if len(self.pending) >= self.FLUSH_EVERY:
            self.flush()

    def update(self, obj: models.Model, change: Callable[[], None]) -> None:
        """set_rating()/UnitRating.set() on a rating already there: change, save, audit."""
        if not self.writing:
            change()
            return
        if id(obj) in self.unsaved:  # made by an earlier row of this file
            self.flush()
        before = snapshot(obj)
        change()
        obj.save()
        self.audit.append(
            prepare(actor=self.user, action="update", obj=obj, before=before, after=snapshot(obj))
        )

    def stop_writing(self) -> None:
        """A row was refused: nothing will be kept, so nothing more is written."""
        self.writing = False
        self.pending, self.audit = [], []
        self.unsaved.clear()

    def flush(self) -> None:
        if not self.pending:
            return
        # Dependencies first: a new officer before their posting (first seen first).
        groups: dict[type, list[models.Model]] = {}
        for obj in self.pending:
            groups.setdefault(type(obj), []).append(obj)
        for model, objs in groups.items():
            if connection.features.can_return_rows_from_bulk_insert:
                model.objects.bulk_create(objs, batch_size=500)
            else:  # a backend that cannot tell the new keys: one insert each
                for obj in objs:
                    obj.save(force_insert=True)
        self.pending = []
        self.unsaved.clear()
        # The "create" records, each as the model's create() makes it just after saving.
        self.audit = [
            prepare(actor=self.user, action="create", obj=item[1], after=snapshot(item[1]))
            if isinstance(item, tuple)
            else item
            for item in self.audit
        ]

    def write_audit(self) -> None:
        self.flush()
        if self.audit:
            record_many(self.audit)
        self.audit = []

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
            _full_clean(person, unique)
            posting = Posting(
                person=person,
                unit=unit,
                department=v.get("department") or "",
                position=person.position,
                start=start,
            )
            _full_clean(posting)
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
                _full_clean(item)
                return item

        else:  # UnitRating.set
            key, ratings = (unit.pk, year), self.unit_ratings
            existing = ratings.get(key)

            def check() -> UnitRating:
                require_edit(self.user, unit.pk, f"xếp loại của {unit.name}")
                item = copy.copy(existing) if existing else UnitRating(unit=unit, year=year)
                item.rating, item.recorded_by = rating, self.user
                _full_clean(item)
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
            _full_clean(item)
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
            _full_clean(item)
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
                _full_clean(item, once_a_year)
            finally:
                item.revoked = False
            return item

        if self.attempt(row, create, {}) is None:
            return
        if annual:
            self.made += 1
            self.awards.setdefault((item.award_code, item.year), []).append(
                _Award(
                    item.decision_date,
                    (1, self.made),
                    item.decision_no,
                    person.officer_code if person is not None else None,
                    unit.pk if unit is not None else None,
                )
            )
        self.create(item)
        self.counts["commendations"] += 1


Progress = Callable[..., None]  # progress(done=None, *, total=None, step=None)
BATCH = 100  # rows between two progress reports


def import_workbook(
    upload,
    user: User,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    before_commit: Callable[[], None] | None = None,
) -> ImportResult:
    """Check every row of every sheet; save all of them, or nothing.

    `progress` (a job's) hears how far the reading and then the writing are, every BATCH rows:
    the work counts each data row twice (read and checked, then checked against the database and
    written). `before_commit` runs inside the one transaction just before it commits (a job checks
    there that it was not given up meanwhile); an exception from it rolls everything back.
    """
    report = progress or (lambda *args, **kwargs: None)
    result = ImportResult()
    try:
        wb = untrusted.open_workbook(upload)
    except untrusted.FileRefused as exc:  # not a workbook, a zip bomb, a DTD, a damaged part
        result.errors.append(RowError("—", 1, message=f"Không đọc được tệp: {exc.message}"))
        return result
    importer = _Importer(user, writing=not dry_run)
    importer.errors += _unknown_sheets(wb)
    parsed: list[tuple[SheetSpec, list[Row]]] = []
    estimate = sum(
        max((wb[spec.name].max_row or 1) - 1, 0) for spec in SHEETS if spec.name in wb.sheetnames
    )
    report(0, total=2 * max(estimate, 1), step="Đang đọc và kiểm tra tệp…")
    read = 0
    for spec in SHEETS:
        if spec.name in wb.sheetnames:
            rows: list[Row] = []
            for row in _rows(wb[spec.name], spec, importer.errors):
                rows.append(row)
                read += 1
                if read % BATCH == 0:
                    report(
                        read, step=f"Đang đọc và kiểm tra trang “{spec.name}”: dòng {row.number}"
                    )
            parsed.append((spec, rows))
    wb.close()
    report(read, total=2 * max(read, 1), step=f"Đã đọc {read} dòng dữ liệu.")
    if not parsed:
        importer.errors.append(
            RowError(
                "—", 1, message="Tệp không có trang dữ liệu nào của tệp mẫu (Cán bộ, Khen thưởng…)."
            )
        )
    if importer.errors:
        result.errors = importer.errors
        return result
    if not any(rows for _, rows in parsed):
        result.errors.append(RowError("—", 2, message="Tệp không có dòng dữ liệu nào."))
        return result
    try:
        with transaction.atomic():
            importer.load(parsed)
            written = 0
            for spec, rows in parsed:
                handler = getattr(importer, f"{spec.key}_row")
                for i, row in enumerate(rows, start=1):
                    handler(row)
                    if importer.errors and importer.writing:
                        importer.stop_writing()  # all or nothing: this file will not be saved
                    written += 1
                    if written % BATCH == 0 or i == len(rows):
                        report(
                            read + written,
                            step=f"Đang kiểm tra và ghi trang “{spec.name}”: {i}/{len(rows)} dòng",
                        )
                importer.flush()
            if importer.errors or dry_run:
                raise _Rollback
            report(step="Đang hoàn tất: ghi một lần toàn bộ dữ liệu…")
            importer.write_audit()
            if before_commit is not None:
                before_commit()
    except _Rollback:
        pass
    result.errors = sorted(
        importer.errors, key=lambda e: ([s.name for s in SHEETS].index(e.sheet), e.row)
    )
    result.counts = importer.counts
    result.saved = not result.errors and not dry_run
    return result


def _unknown_sheets(wb) -> list[RowError]:
    """A sheet of data the import does not know (renamed, say "Khen thưởng (2)") would otherwise be
    skipped without a word, and its rows lost: it is reported instead."""
    known = {spec.name for spec in SHEETS} | {GUIDE_SHEET, LISTS_SHEET}
    names = "; ".join(f"“{spec.name}”" for spec in SHEETS)
    errors = []
    for name in wb.sheetnames:
        if name in known:
            continue
        ws = wb[name]
        if any(_plain(v) for row in ws.iter_rows(max_row=50, values_only=True) for v in row):
            errors.append(
                RowError(
                    name,
                    1,
                    message="trang này không có trong tệp mẫu nên chưa được nhập; đặt lại đúng "
                    f"tên trang ({names}) hoặc chép dữ liệu sang trang đúng.",
                )
            )
    return errors


def count_rows(upload) -> int:
    """How many data rows (not blank) the workbook's sheets hold; 0 for a file that is not one.

    Decides whether an upload is imported at once or as a background job."""
    count = 0
    try:
        wb = untrusted.open_workbook(upload)
        for spec in SHEETS:
            if spec.name in wb.sheetnames:
                for cells in wb[spec.name].iter_rows(
                    min_row=2, max_col=len(spec.columns), values_only=True
                ):
                    if any(v is not None and str(v).strip() for v in cells):
                        count += 1
        wb.close()
    except Exception:  # not a workbook: the import itself reports it, row 1
        count = 0
    finally:
        if hasattr(upload, "seek"):
            upload.seek(0)
    return count


# ---------------------------------------------------------------------------------------------
# The template


HEADER_FILL = PatternFill("solid", fgColor="0F2747")
REQUIRED_FILL = PatternFill("solid", fgColor="A8191F")
LISTS_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"


def template_workbook() -> bytes:
    """The import template: instructions, one locked-header sheet per record kind with
    drop-down lists and checks, and the lists themselves on a hidden sheet."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    ranges = _write_lists(lists)
    for spec in SHEETS:
        _data_sheet(wb.create_sheet(spec.name), spec, ranges)
    _write_guide(guide)
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_lists(ws) -> dict[tuple, str]:
    """One column per list; returns {choices: absolute range} for the data validations."""
    ranges: dict[tuple, str] = {}
    units = [u.name for u in Unit.objects.order_by("kind", "sort_key")]
    all_lists = [("Đơn vị", tuple((n, n) for n in dict.fromkeys(units)))]
    for spec in SHEETS:
        for col in spec.columns:
            if col.choices and col.choices not in [c for _, c in all_lists]:
                all_lists.append((col.header, col.choices))
    for i, (header, choices) in enumerate(all_lists, start=1):
        letter = get_column_letter(i)
        put(ws, 1, i, header).font = Font(bold=True)
        for j, (_, label) in enumerate(choices, start=2):
            put(ws, j, i, label)
        ranges[choices if header != "Đơn vị" else ("unit",)] = (
            f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
        )
    return ranges


def _data_sheet(ws, spec: SheetSpec, ranges: dict[tuple, str]) -> None:
    last = DATA_ROWS + 1
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = put(ws, 1, i, col.title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.protection = Protection(locked=True)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        # The data area stays editable under the sheet protection that locks the header row.
        dim.protection = Protection(locked=False)
        if col.kind == "date":
            dim.number_format = "dd/mm/yyyy"
        area = f"{letter}2:{letter}{last}"
        validation = None
        if col.kind == "year":
            validation = DataValidation(
                type="whole", operator="between", formula1=str(YEAR_MIN), formula2=str(YEAR_MAX)
            )
            validation.error = f"Năm là số từ {YEAR_MIN} đến {YEAR_MAX}."
        elif col.kind == "date":
            validation = DataValidation(type="date", operator="greaterThan", formula1="1")
            validation.error = "Ngày dạng dd/mm/yyyy."
        elif col.choices:
            validation = DataValidation(type="list", formula1=ranges[col.choices])
            validation.error = "Chọn một giá trị trong danh sách."
        elif col.kind == "unit":
            # Names of every unit, as a suggestion only: a code or an old name is accepted too.
            validation = DataValidation(
                type="list", formula1=ranges[("unit",)], showErrorMessage=False
            )
        if validation is not None:
            validation.allow_blank = True
            validation.errorTitle = col.header
            validation.prompt = col.help or None
            validation.add(area)
            ws.add_data_validation(validation)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    # Editing, sorting and filtering the data stay allowed; only the header is locked.
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.insertRows = False
    ws.protection.deleteRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def _write_guide(ws) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90
    lines: list[tuple[str, str, str]] = [
        ("NHẬP HỒ SƠ KHEN THƯỞNG TỪ EXCEL", "", ""),
        (
            "",
            "",
            "Điền dữ liệu vào các trang “Cán bộ”, “Xếp loại”, “Sáng kiến”, “Kỷ luật”, “Khen thưởng”; để trống trang không dùng.",
        ),
        ("", "", "Cột có dấu * (tiêu đề màu đỏ) là bắt buộc. Không sửa dòng tiêu đề (đã khóa)."),
        ("", "", "Ngày ghi dạng dd/mm/yyyy (ví dụ 03/12/2024); năm ghi 4 chữ số."),
        (
            "",
            "",
            "Đơn vị: ghi mã (ví dụ hoa-binh) hoặc tên đơn vị tại thời điểm đó (ví dụ “Công an tỉnh Hòa Bình” cho năm 2023, trước sáp nhập).",
        ),
        (
            "",
            "",
            "Nhập tất cả hoặc không nhập gì: nếu có một dòng lỗi, hệ thống báo từng lỗi (trang, dòng, cột) và không lưu dòng nào.",
        ),
        ("", "", "Cán bộ mới ở trang “Cán bộ” được dùng ngay ở các trang sau trong cùng tệp."),
        ("", "", ""),
    ]
    for spec in SHEETS:
        lines.append((f"Trang “{spec.name}”", "", spec.help))
        for i, col in enumerate(spec.columns, start=1):
            required = "bắt buộc" if col.required else ""
            lines.append(
                (
                    "",
                    f"{get_column_letter(i)}. {required}",
                    f"{col.header}: {col.help}".rstrip(": "),
                )
            )
        lines.append(("", "", ""))
    for r, (a, b, c) in enumerate(lines, start=1):
        put(ws, r, 1, a).font = Font(bold=True, size=13 if r == 1 else 11)
        put(ws, r, 2, b).font = Font(italic=True, color="A8191F")
        put(ws, r, 3, c).alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True
