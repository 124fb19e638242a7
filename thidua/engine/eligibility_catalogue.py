"""The award catalogue (titles and forms of commendation) and the validation-problem type shared
by every loader of eligibility data.

The catalogue is data (``rulesets/catalogue.json``): codes in ascii snake case, Vietnamese names as
in the research digest, who may receive each form, and the cash multiples of NĐ 152/2025.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

RULESET_DIR = Path(__file__).resolve().parent / "rulesets"
CATALOGUE_PATH = RULESET_DIR / "catalogue.json"

INDIVIDUAL = "ca_nhan"
COLLECTIVE = "tap_the"
RECIPIENTS = {INDIVIDUAL: "cá nhân", COLLECTIVE: "tập thể"}
CATEGORIES = {
    "danh_hieu_thi_dua": "danh hiệu thi đua",
    "hinh_thuc_khen_thuong": "hình thức khen thưởng",
}
ISSUERS = {
    "don_vi": "thủ trưởng đơn vị",
    "bo_cong_an": "Bộ Công an",
    "chinh_phu": "Chính phủ, Thủ tướng Chính phủ",
    "nha_nuoc": "Chủ tịch nước",
}


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (a JSON path such as ``rules[3].condition.of[1].rating``) and
    what, in Vietnamese, so the Ministry approver editing a rule set can fix every one at once."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class EligibilityError(ValueError):
    """Every refusal of the eligibility engine (unknown award, a form not given to this kind of
    recipient, a consideration date before the year's end, an invalid rule set): one type, so
    no caller misses one. The message is plain Vietnamese (no quotes around it, unlike KeyError)."""


class UnknownAward(EligibilityError):
    """An award code or name that resolves to nothing in the catalogue."""


class RuleSetError(EligibilityError):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class AwardKind:
    code: str
    name: str
    recipients: frozenset[str]
    category: str
    issuer: str
    annual: bool
    rank: int
    cash_multiple: Decimal | None = None
    note: str = ""
    # Other names the same form goes by in decisions, cluster rules and spreadsheets.
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "recipients": sorted(self.recipients),
            "category": self.category,
            "issuer": self.issuer,
            "annual": self.annual,
            "rank": self.rank,
            "cash_multiple": None if self.cash_multiple is None else str(self.cash_multiple),
            "note": self.note,
            "aliases": list(self.aliases),
        }


# Spelling variants written interchangeably in award names ("chiến sỹ" = "chiến sĩ").
_VARIANTS = (("sỹ", "sĩ"), ("kỹ", "kĩ"), ("lý", "lí"))


def name_key(text: str) -> str:
    """Comparison key of an award name: NFC, case- and accent-insensitive, spelling variants
    unified, punctuation and quotes dropped, spaces collapsed."""

    text = unicodedata.normalize("NFC", text).casefold()
    for variant, standard in _VARIANTS:
        text = text.replace(variant, standard)
    text = text.replace("đ", "d")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    cleaned = "".join(ch if ch.isalnum() else " " for ch in stripped)
    return " ".join(cleaned.split())


@dataclass(frozen=True)
class Catalogue:
    awards: Mapping[str, AwardKind]
    unit_levels: Mapping[str, str]
    discipline_forms: tuple[tuple[str, str], ...]
    revocation_grounds: Mapping[str, str] = field(default_factory=dict)
    cash_basis: str = ""
    unit_levels_basis: str = ""
    revocation_basis: str = ""

    def __iter__(self) -> Iterator[AwardKind]:
        return iter(sorted(self.awards.values(), key=lambda a: a.rank))

    def __contains__(self, code: object) -> bool:
        return code in self.awards

    def get(self, code: str) -> AwardKind:
        try:
            return self.awards[code]
        except KeyError:
            raise UnknownAward(
                f"Không có hình thức khen thưởng mã “{code}” trong danh mục"
            ) from None

    def resolve(self, name_or_code: str) -> str:
        """The catalogue code of an award written as its code, its name or one of its aliases
        (accent-, case- and variant-insensitive: “Bằng khen của Bộ Công an”, “chiến sỹ thi đua
        cơ sở”). Raises UnknownAward when it resolves to nothing: a name that matches no form is
        an error, never a check silently skipped."""
        text = (name_or_code or "").strip()
        if text in self.awards:
            return text
        key = name_key(text)
        found = self._names().get(key) if key else None
        if found is None:
            raise UnknownAward(
                f"“{text}” không khớp tên hay tên gọi khác của danh hiệu, hình thức khen thưởng "
                "nào trong danh mục"
            )
        return found

    def _names(self) -> dict[str, str]:
        names = self.__dict__.get("_name_index")
        if names is None:
            names = {}
            for kind in self.awards.values():
                for label in (kind.code.replace("_", " "), kind.name, *kind.aliases):
                    names.setdefault(name_key(label), kind.code)
            object.__setattr__(self, "_name_index", names)
        return names

    def name(self, code: str) -> str:
        kind = self.awards.get(code)
        return kind.name if kind else code

    def level_name(self, code: str) -> str:
        return self.unit_levels.get(code, code)

    def discipline_rank(self, form: str | None) -> int | None:
        """Severity index of a discipline form (code or Vietnamese name); None if not recognised."""
        if not form:
            return None
        key = " ".join(form.casefold().split())
        for index, (code, name) in enumerate(self.discipline_forms):
            if key in (code, name.casefold()):
                return index
        return None

    def discipline_name(self, index: int) -> str:
        return self.discipline_forms[index][1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "awards": [kind.to_dict() for kind in self],
            "unit_levels": [{"code": c, "name": n} for c, n in self.unit_levels.items()],
            "discipline_forms": [{"code": c, "name": n} for c, n in self.discipline_forms],
            "revocation_grounds": [
                {"code": c, "name": n} for c, n in self.revocation_grounds.items()
            ],
            "cash_basis": self.cash_basis,
        }


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool | float):
        raise InvalidOperation
    return Decimal(str(value))


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Build and validate a catalogue; raise RuleSetError listing every problem."""
    problems: list[Problem] = []
    awards: dict[str, AwardKind] = {}
    for i, raw in enumerate(data.get("awards") or []):
        path = f"awards[{i}]"
        code = raw.get("code")
        if not isinstance(code, str) or not code.isascii() or not code.replace("_", "").isalnum():
            problems.append(Problem(f"{path}.code", f"mã không hợp lệ “{code}” (chữ ascii, _)"))
            continue
        if code in awards:
            problems.append(Problem(f"{path}.code", f"mã “{code}” bị trùng"))
        recipients = frozenset(raw.get("recipients") or ())
        if not recipients or not recipients <= RECIPIENTS.keys():
            problems.append(
                Problem(f"{path}.recipients", "đối tượng phải là ca_nhan và/hoặc tap_the")
            )
        if raw.get("category") not in CATEGORIES:
            problems.append(
                Problem(f"{path}.category", f"loại không hợp lệ “{raw.get('category')}”")
            )
        if raw.get("issuer") not in ISSUERS:
            problems.append(
                Problem(f"{path}.issuer", f"cấp quyết định không hợp lệ “{raw.get('issuer')}”")
            )
        if not isinstance(raw.get("name"), str) or not raw["name"].strip():
            problems.append(Problem(f"{path}.name", "thiếu tên tiếng Việt"))
        if not isinstance(raw.get("rank"), int):
            problems.append(Problem(f"{path}.rank", "thứ tự phải là số nguyên"))
        try:
            cash = _decimal(raw.get("cash_multiple"))
        except (InvalidOperation, ValueError):
            problems.append(Problem(f"{path}.cash_multiple", "hệ số tiền thưởng phải là chuỗi số"))
            cash = None
        awards[code] = AwardKind(
            code=code,
            name=str(raw.get("name", "")),
            recipients=recipients,
            category=str(raw.get("category", "")),
            issuer=str(raw.get("issuer", "")),
            annual=bool(raw.get("annual", False)),
            rank=raw.get("rank") if isinstance(raw.get("rank"), int) else 0,
            cash_multiple=cash,
            note=str(raw.get("note", "")),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        )
    levels = {lv["code"]: lv["name"] for lv in data.get("unit_levels") or []}
    forms = tuple((f["code"], f["name"]) for f in data.get("discipline_forms") or [])
    if not levels:
        problems.append(Problem("unit_levels", "thiếu danh sách cấp đơn vị"))
    if not forms:
        problems.append(Problem("discipline_forms", "thiếu danh sách hình thức kỷ luật"))
    if problems:
        raise RuleSetError(problems)
    return Catalogue(
        awards=awards,
        unit_levels=levels,
        discipline_forms=forms,
        revocation_grounds={g["code"]: g["name"] for g in data.get("revocation_grounds") or []},
        cash_basis=str(data.get("cash_basis", "")),
        unit_levels_basis=str(data.get("unit_levels_basis", "")),
        revocation_basis=str(data.get("revocation_basis", "")),
    )


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The bundled catalogue (cached: it is read-only data)."""
    with open(path, encoding="utf-8") as fh:
        return parse_catalogue(json.load(fh))
