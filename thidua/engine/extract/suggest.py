"""Suggestions: which figure of a report is the result of which criterion of a scale.

A criterion is matched by its name and its ``aliases`` (other phrasings, see
``docs/scale-schema.md``) against each figure's indicator: the share of the phrase's content words
that the indicator contains, the best phrase counting. Only measured criteria are suggested
(``target``, ``plan``, ``count``); a figure must be in the criterion's unit ("%" for a rate, the
rule's unit otherwise). A criterion about a change against a past year ("tỷ lệ tăng, giảm", "kéo
giảm") takes a change ("giảm 5,2%", "…, giảm 12 vụ (3,6%) so với năm 2024") with its sign: a fall
is negative where lower is better, positive where the criterion counts the fall. Each figure serves
at most one criterion; each criterion gets its best figure. Pure Python, no Django import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..rules import kind_of
from ..scale import Criterion, Scale
from .figures import Figure, number_json
from .lexicon import UNITS, canonical_unit, match_key

__all__ = ["Suggestion", "suggest"]

THRESHOLD = 0.6
_STOP = frozenset(
    {
        "ty",
        "ti",
        "le",
        "so",
        "voi",
        "nam",
        "va",
        "cua",
        "cac",
        "cho",
        "ve",
        "tren",
        "duoc",
        "co",
        "la",
        "the",
        "nhung",
        "da",
        "dat",
        "tang",
        "giam",
        "hon",
        "muc",
        "chi",
        "tieu",
        "don",
        "vi",
        "ket",
        "qua",
        "cong",
        "tac",
        "thuc",
        "hien",
        "toan",
        "tinh",
        "diem",
        "tru",
        "khi",
    }
)
# "… – Chỉ tiêu giao: 76%": the table column of targets or plans, not of results
_TARGET_BEFORE = re.compile(r"(?:chỉ\s+tiêu|kế\s+hoạch)[^;:.]{0,20}:\s*[-−+]?[\d.,]+[^;:]*$", re.I)
_CHANGE_NAME = re.compile(r"tang giam|keo giam|ti le giam|ti le tang|so voi nam|so voi cung ky")


@dataclass(frozen=True, slots=True)
class Suggestion:
    criterion: str
    value: Decimal
    figure: int  # index in the figure list
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "value": number_json(self.value),
            "figure": self.figure,
            "confidence": round(self.confidence, 2),
        }


def _words(phrase: str) -> set[str]:
    key = match_key(phrase).replace("cong an", " ")
    return {w for w in key.split() if w not in _STOP and not w.isdigit()}


def _criterion_unit(c: Criterion) -> str | None:
    rule = c.rule
    kind = kind_of(rule)
    if kind.input != "number":  # measured kinds only: not judged points, not a yes/no
        return None
    unit = getattr(rule, "unit", "") or ""
    if kind.target_field and (not unit or "%" in unit):
        return "%" if kind.target_field == "target" or "%" in unit else unit
    known = {match_key(w): canon for canon, ws in UNITS.items() for w in (canon, *ws)}
    return known.get(match_key(unit), unit)


@dataclass(frozen=True, slots=True)
class _Candidate:
    value: Decimal
    unit: str
    change: str | None  # "up" | "down" | None


def _candidates(f: Figure) -> list[_Candidate]:
    q = (f.qualifier or "").lower()
    change = "down" if "giảm" in q else "up" if "tăng" in q else None
    if change is None and f.value < 0:  # "-6,2" in a column of changes: a fall, signed
        change = "down"
    c = f.comparison
    if c and c.get("alone"):
        return []  # "cao hơn chỉ tiêu 16%": a difference to the target, not the rate itself
    out = [_Candidate(f.value, f.unit, change)]
    if c and c.get("kind") == "change":
        out.append(_Candidate(Decimal(str(c["value"])), c["unit"], c["direction"]))
        if "rate" in c:
            out.append(_Candidate(Decimal(str(c["rate"])), "%", c["direction"]))
    return out


def _signed(c: Criterion, cand: _Candidate) -> Decimal:
    value = abs(cand.value)
    counts_the_fall = "giam" in match_key(c.name) and "tang" not in match_key(c.name)
    lower_is_better = getattr(c.rule, "direction", "higher") == "lower"
    if cand.change == "down":
        return value if counts_the_fall and not lower_is_better else -value
    if cand.change == "up":
        return -value if counts_the_fall and not lower_is_better else value
    return cand.value


def _score(name: set[str], aliases: list[set[str]], words: set[str]) -> float:
    """1 and a little more for a longer alias when the figure's words hold every word of an alias
    (an alias is a precise phrasing, the longest the most specific); else the share of the
    name's content words among them (at least two)."""
    best = max((len(a) for a in aliases if a and a <= words), default=0)
    if best:
        return 1.0 + best / 100
    common = len(name & words)
    return common / len(name) if name and common >= min(2, len(name)) else 0.0


def suggest(scale: Scale, figures: list[Figure]) -> list[Suggestion]:
    """The best figure for each measured criterion of ``scale``, at most one criterion per
    figure, in the scale's order."""
    scored: list[tuple[float, int, int, Criterion, Decimal]] = []
    indicators = [_words(f.indicator) | _words(f.context) for f in figures]
    for ci, c in enumerate(scale.criteria):
        unit = _criterion_unit(c)
        if unit is None:
            continue
        wants_change = bool(_CHANGE_NAME.search(match_key(c.name)))
        name, aliases = _words(c.name), [_words(a) for a in c.aliases]
        for fi, f in enumerate(figures):
            if f.high is not None or _TARGET_BEFORE.search(f.context):
                continue  # a range is the officer's to decide; a target is not a result
            score = _score(name, aliases, indicators[fi])
            if score < THRESHOLD:
                continue
            for cand in _candidates(f):
                if cand.unit != unit and canonical_unit_safe(cand.unit) != unit:
                    continue
                if wants_change != (cand.change is not None):
                    continue
                scored.append((score, -fi, ci, c, _signed(c, cand)))
                break
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    taken_figures: set[int] = set()
    chosen: dict[str, Suggestion] = {}
    for score, neg_fi, _ci, c, value in scored:
        fi = -neg_fi
        if c.code in chosen or fi in taken_figures:
            continue
        chosen[c.code] = Suggestion(c.code, value, fi, min(1.0, score))
        taken_figures.add(fi)
    return [chosen[c.code] for c in scale.criteria if c.code in chosen]


def canonical_unit_safe(unit: str) -> str:
    try:
        return canonical_unit(unit)
    except KeyError:
        return unit
