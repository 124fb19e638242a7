"""Plain data for the eligibility engine: the inputs (people, units, their history) and the
outputs (verdicts with one explained line per condition).

Everything is a frozen dataclass of plain values, so the Django side can build them from rows and
the API can serialise the results with ``to_dict()``. No Django import here.

Unknown is explicit. A year without a rating, a discipline status that was not given
(``disciplines=None``) or award records older than ``records_from`` make a condition UNKNOWN, never
False: the engine must not refuse somebody because a record was never typed in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any


def _key(text: str) -> str:
    """Lookup key for Vietnamese labels: NFC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def normalise_ref(ref: str | None) -> str:
    """The comparison key of an achievement or initiative reference: NFC, case-insensitive,
    spaces trimmed and collapsed, so ``sk-135739``, ``SK-135739 `` and ``SK-135739`` are one
    achievement (one achievement, one reward). Empty for no reference."""
    if not ref:
        return ""
    return _key(ref)


class Rating(IntEnum):
    """Annual performance rating ("xếp loại mức độ hoàn thành nhiệm vụ"), ordered worst to best."""

    KHONG_HOAN_THANH = 0
    HOAN_THANH = 1
    HOAN_THANH_TOT = 2
    HOAN_THANH_XUAT_SAC = 3

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return _RATING_LABELS[self]

    @classmethod
    def parse(cls, value: Rating | str) -> Rating:
        """Accept a Rating, its code ("hoan_thanh_tot") or its Vietnamese label."""
        if isinstance(value, Rating):
            return value
        found = _RATING_LOOKUP.get(_key(str(value)))
        if found is None:
            raise ValueError(f"Mức đánh giá không hợp lệ: “{value}”")
        return found


_RATING_LABELS = {
    Rating.KHONG_HOAN_THANH: "không hoàn thành nhiệm vụ",
    Rating.HOAN_THANH: "hoàn thành nhiệm vụ",
    Rating.HOAN_THANH_TOT: "hoàn thành tốt nhiệm vụ",
    Rating.HOAN_THANH_XUAT_SAC: "hoàn thành xuất sắc nhiệm vụ",
}
_RATING_LOOKUP = {_key(r.code): r for r in Rating} | {_key(v): k for k, v in _RATING_LABELS.items()}


class Scope(IntEnum):
    """Scope in which an initiative is recognised; a wider scope also satisfies a narrower one."""

    CO_SO = 1
    BO = 2
    TOAN_QUOC = 3

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return _SCOPE_LABELS[self]

    @classmethod
    def parse(cls, value: Scope | str) -> Scope:
        if isinstance(value, Scope):
            return value
        found = _SCOPE_LOOKUP.get(_key(str(value)))
        if found is None:
            raise ValueError(f"Phạm vi sáng kiến không hợp lệ: “{value}”")
        return found


_SCOPE_LABELS = {Scope.CO_SO: "cơ sở", Scope.BO: "Bộ", Scope.TOAN_QUOC: "toàn quốc"}
_SCOPE_LOOKUP = {_key(s.code): s for s in Scope} | {_key(v): k for k, v in _SCOPE_LABELS.items()}

# Kinds of recognised work that the law treats as alternatives ("sáng kiến, đề tài khoa học hoặc
# mưu trí sáng tạo trong chiến đấu"); a rule may ask for one kind only (e.g. "02 sáng kiến").
INITIATIVE_KINDS = {
    "sang_kien": "sáng kiến",
    "de_tai_khoa_hoc": "đề tài khoa học",
    "muu_tri_sang_tao": "mưu trí, sáng tạo trong chiến đấu, phục vụ chiến đấu",
}


NOT_NEEDED_LABEL = "Không cần xét"
UNVERIFIED_BASIS = "Căn cứ đang được đối chiếu với văn bản hiện hành"


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"met": "Đạt", "not_met": "Không đạt", "unknown": "Chưa đủ dữ liệu"}[self.value]


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class Award:
    """One title or form of commendation received (a row of a commendation decision)."""

    code: str
    year: int
    decision_no: str | None = None
    decision_date: date | None = None
    achievement_ref: str | None = None
    revoked: bool = False
    revocation_decision: str | None = None
    # Code of the catalogue's revocation grounds (Luật TĐKT 2022, Chương VII), if known.
    revocation_ground: str | None = None
    # Unit code that held a collective award; for a unit line across mergers it may be a
    # predecessor's code. Ignored for individuals: a person's titles follow the person.
    holder: str | None = None

    def describe(self, name: str) -> str:
        parts = [f"{name} năm {self.year}"]
        if self.decision_no:
            parts.append(f"QĐ số {self.decision_no}")
        if self.decision_date:
            parts.append(f"ngày {self.decision_date:%d/%m/%Y}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Initiative:
    """A recognised initiative, science work or combat ingenuity."""

    year: int
    scope: Scope
    kind: str = "sang_kien"
    title: str = ""
    ref: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scope", Scope.parse(self.scope))
        if self.kind not in INITIATIVE_KINDS:
            raise ValueError(f"Loại sáng kiến không hợp lệ: “{self.kind}”")


@dataclass(frozen=True)
class Discipline:
    """A disciplinary record. ``awaiting_review`` is a review opened with no decision yet."""

    start: date
    end: date | None = None
    form: str | None = None
    awaiting_review: bool = False
    decision_no: str | None = None


@dataclass(frozen=True)
class UnitSpan:
    """A unit code over a date range (``end`` None = still current)."""

    code: str
    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def touches_year(self, year: int) -> bool:
        return (self.start is None or self.start.year <= year) and (
            self.end is None or year <= self.end.year
        )


@dataclass(frozen=True)
class LevelSpan:
    """A unit's level (``cap_cuc_tinh`` / ``cap_phong_huyen`` / ``cap_doi_xa``) over dates."""

    level: str
    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _freeze_ratings(ratings: Mapping[int, Rating | str]) -> Mapping[int, Rating]:
    return MappingProxyType({int(y): Rating.parse(r) for y, r in ratings.items()})


class _History:
    """Awards indexed by code and year, and by normalised achievement reference (``by_ref``);
    built once per candidate because checks are repeated."""

    __slots__ = ("by_ref", "revoked", "valid")

    def __init__(self, awards: Iterable[Award]) -> None:
        self.valid: dict[str, dict[int, Award]] = {}
        self.revoked: dict[str, dict[int, Award]] = {}
        self.by_ref: dict[str, list[Award]] = {}
        for award in awards:
            target = self.revoked if award.revoked else self.valid
            target.setdefault(award.code, {}).setdefault(award.year, award)
            key = normalise_ref(award.achievement_ref)
            if key and not award.revoked:
                self.by_ref.setdefault(key, []).append(award)


@dataclass(frozen=True)
class Person:
    """An officer's history as far as eligibility is concerned.

    ``ratings`` maps a year to the rating (a missing year is unknown). ``disciplines`` None means
    the discipline status was not given (unknown); ``()`` means known to be clean.
    ``records_from`` is the first year from which awards and initiatives are complete: for earlier
    years a missing record is unknown, not "never received". None = complete for every year.
    """

    id: str
    name: str = ""
    ratings: Mapping[int, Rating] = field(default_factory=dict)
    awards: tuple[Award, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    disciplines: tuple[Discipline, ...] | None = None
    units: tuple[UnitSpan, ...] = ()
    records_from: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ratings", _freeze_ratings(self.ratings))
        object.__setattr__(self, "awards", tuple(self.awards))
        object.__setattr__(self, "initiatives", tuple(self.initiatives))
        object.__setattr__(self, "units", tuple(self.units))
        if self.disciplines is not None:
            object.__setattr__(self, "disciplines", tuple(self.disciplines))

    @property
    def is_unit(self) -> bool:
        return False

    def known(self, year: int) -> bool:
        return self.records_from is None or year >= self.records_from

    def unit_on(self, day: date) -> str | None:
        for span in self.units:
            if span.covers(day):
                return span.code
        return None

    @cached_property
    def history(self) -> _History:
        return _History(self.awards)


@dataclass(frozen=True)
class RosterCounts:
    """A unit's roster of the judged year given as counts, the unit's year data, so that collective
    titles can be judged without a record for each of hundreds of officers.

    ``completed``: members rated at least "hoàn thành nhiệm vụ" (None = not given).
    ``titles``: award code → members holding it for the year (Chiến sĩ tiên tiến, Chiến sĩ thi
    đua cơ sở). ``disciplined``: discipline form code → members whose heaviest discipline in the
    year is that form. A count not given makes its condition unknown, never failed."""

    members: int
    completed: int | None = None
    titles: Mapping[str, int] = field(default_factory=dict)
    disciplined: Mapping[str, int] | None = None
    source: str = "quân số đơn vị khai"

    def __post_init__(self) -> None:
        object.__setattr__(self, "titles", MappingProxyType(dict(self.titles)))
        if self.disciplined is not None:
            object.__setattr__(self, "disciplined", MappingProxyType(dict(self.disciplined)))
        counts = [self.completed, *self.titles.values(), *(self.disciplined or {}).values()]
        if self.members < 0 or any(c is not None and not 0 <= c <= self.members for c in counts):
            raise ValueError("Số người theo từng tiêu chí phải từ 0 đến tổng quân số của đơn vị")


@dataclass(frozen=True)
class Unit:
    """A unit (collective) with its line of predecessors and the roster of the judged year.

    ``lineage`` lists the codes that form the same line with their date ranges (e.g. Công an tỉnh
    Hòa Bình until 2025-06-30, then Công an tỉnh Phú Thọ): an award held by any of them inside its
    range counts for this unit. ``members`` is the roster for the judged year (None = unknown; then ``roster``, the
    counts the unit declared for the year, is used when given).
    As for a person, ``disciplines`` None means the unit's discipline status is unknown.
    """

    code: str
    name: str = ""
    levels: tuple[LevelSpan, ...] = ()
    lineage: tuple[UnitSpan, ...] = ()
    ratings: Mapping[int, Rating] = field(default_factory=dict)
    awards: tuple[Award, ...] = ()
    disciplines: tuple[Discipline, ...] | None = None
    members: tuple[Person, ...] | None = None
    leads_cluster: Mapping[int, bool] = field(default_factory=dict)
    records_from: int | None = None
    # The roster as counts (the unit's year data); used when ``members`` is None.
    roster: RosterCounts | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ratings", _freeze_ratings(self.ratings))
        object.__setattr__(self, "awards", tuple(self.awards))
        object.__setattr__(self, "levels", tuple(self.levels))
        object.__setattr__(self, "lineage", tuple(self.lineage))
        object.__setattr__(self, "leads_cluster", MappingProxyType(dict(self.leads_cluster)))
        if self.disciplines is not None:
            object.__setattr__(self, "disciplines", tuple(self.disciplines))
        if self.members is not None:
            object.__setattr__(self, "members", tuple(self.members))

    @property
    def id(self) -> str:
        return self.code

    @property
    def is_unit(self) -> bool:
        return True

    def known(self, year: int) -> bool:
        return self.records_from is None or year >= self.records_from

    def level_on(self, day: date) -> str | None:
        for span in self.levels:
            if span.covers(day):
                return span.level
        return None

    def in_line(self, award: Award) -> bool:
        """Whether an award belongs to this unit's line (the engine ignores which code held it)."""
        if award.holder is None or award.holder == self.code:
            return True
        for span in self.lineage:
            if span.code == award.holder:
                if award.decision_date is not None:
                    return span.covers(award.decision_date)
                return span.touches_year(award.year)
        return False

    @cached_property
    def history(self) -> _History:
        return _History(a for a in self.awards if self.in_line(a))


Candidate = Person | Unit


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True)
class ConditionResult:
    """One explained condition: which rule, what it requires, whether it holds and why."""

    rule_id: str
    text: str
    legal_basis: str
    status: Status
    detail: str = ""
    kind: str = ""
    children: tuple[ConditionResult, ...] = ()
    # The rule's title in words (what an officer reads instead of the rule id).
    rule_title: str = ""
    # False for the other branch of an either/or already met by one branch ("không cần xét").
    needed: bool = True
    # What of the legal basis is not verified against the text in force (administrators only).
    unverified: str = ""

    @property
    def shown_status(self) -> str:
        """The status as an officer reads it: a branch not needed is neither met nor failed."""
        return self.status.value if self.needed else "not_needed"

    @property
    def shown_label(self) -> str:
        return self.status.label if self.needed else NOT_NEEDED_LABEL

    @property
    def public_basis(self) -> str:
        """The legal basis a decision may cite: withheld while it is not verified."""
        return UNVERIFIED_BASIS if self.unverified else self.legal_basis

    def to_dict(self, admin: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule_id": self.rule_id,
            "rule_title": self.rule_title,
            "kind": self.kind,
            "text": self.text,
            "legal_basis": self.legal_basis if admin else self.public_basis,
            "status": self.shown_status,
            "needed": self.needed,
            "detail": self.detail,
        }
        if admin and self.unverified:
            data["unverified"] = self.unverified
        if self.children:
            data["children"] = [c.to_dict(admin) for c in self.children]
        return data

    def leaves(self) -> Iterable[ConditionResult]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()


def combine_all(statuses: Iterable[Status]) -> Status:
    """Three-valued AND: one failure decides, otherwise any unknown keeps it open."""
    result = Status.MET
    for status in statuses:
        if status is Status.NOT_MET:
            return Status.NOT_MET
        if status is Status.UNKNOWN:
            result = Status.UNKNOWN
    return result


def combine_any(statuses: Iterable[Status]) -> Status:
    """Three-valued OR: one success decides, otherwise any unknown keeps it open."""
    result = Status.NOT_MET
    for status in statuses:
        if status is Status.MET:
            return Status.MET
        if status is Status.UNKNOWN:
            result = Status.UNKNOWN
    return result


@dataclass(frozen=True)
class Verdict:
    """Eligibility of one candidate for one award in one year, with every condition explained."""

    candidate_id: str
    award: str
    award_name: str
    year: int
    as_of: date
    ruleset_id: str
    conditions: tuple[ConditionResult, ...]
    # The legal title of the rule set ("Luật Thi đua, khen thưởng 2022 …"), shown to officers.
    ruleset_title: str = ""

    @property
    def status(self) -> Status:
        if not self.conditions:
            return Status.UNKNOWN
        return combine_all(c.status for c in self.conditions)

    @property
    def eligible(self) -> bool | None:
        status = self.status
        return None if status is Status.UNKNOWN else status is Status.MET

    @property
    def failing(self) -> tuple[ConditionResult, ...]:
        """Top-level conditions that are not met (the "why not")."""
        return tuple(c for c in self.conditions if c.status is Status.NOT_MET)

    @property
    def unknown(self) -> tuple[ConditionResult, ...]:
        return tuple(c for c in self.conditions if c.status is Status.UNKNOWN)

    @property
    def summary(self) -> str:
        eligible = self.eligible
        if eligible:
            return f"Đủ điều kiện xét tặng “{self.award_name}” năm {self.year}."
        picked = self.failing if eligible is False else self.unknown
        head = "Không đủ điều kiện" if eligible is False else "Chưa đủ dữ liệu để kết luận"
        reasons = "; ".join(f"{c.text} — {c.detail}" for c in picked)
        return f"{head} xét tặng “{self.award_name}” năm {self.year}: {reasons}."

    def to_dict(self, admin: bool = False) -> dict[str, Any]:
        """Plain data for pages and the API. Unverified legal bases are withheld unless
        ``admin`` (the administrators who maintain the rule sets)."""
        return {
            "candidate_id": self.candidate_id,
            "award": self.award,
            "award_name": self.award_name,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "ruleset": self.ruleset_id,
            "ruleset_title": self.ruleset_title,
            "eligible": self.eligible,
            "status": self.status.value,
            "summary": self.summary,
            "conditions": [c.to_dict(admin) for c in self.conditions],
        }
