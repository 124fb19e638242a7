"""The figure finder: every stated figure of a report's text, with its unit, the phrase it
measures, its qualifier, a comparison, the sentence it stands in and its character offsets.

Rules and lexicons only (:mod:`.lexicon`, :mod:`.numbers`); pure Python, no Django import.

A figure is a number followed by a unit of result ("3.264 vụ", "92%", "hơn 99.000 tin, bài").
Numbers without a unit (years, dates, article numbers, "Cụm thi đua số 3") are not figures. A
number written after a comparison word right after another figure ("…đạt 92%, vượt 16% chỉ tiêu";
"…320 vụ, giảm 12 vụ (3,6%) so với năm 2024") is that figure's ``comparison``, not a figure of its
own. Figures joined by a slash ("1.252 vụ/ 2.254 đối tượng") share their indicator.

Public API::

    figures = find_figures(text)   # list[Figure], in the order of the text
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .lexicon import APPROX, VERBS, canonical_unit, unit_pattern
from .numbers import NUMBER_PATTERN, WORDS, parse_number, parse_words

__all__ = ["Figure", "find_figures", "sentences"]

_UNITS = unit_pattern()
_LETTER = r"[^\W\d_]"
# sign? number (range)? unit — the unit right after the number, not glued to a longer word
_FIGURE_RE = re.compile(
    rf"(?<![\w/.,\-−])(?P<sign>[-−+](?=\d))?(?P<num>{NUMBER_PATTERN})"
    rf"(?:\s*(?:-|–|—|đến|tới)\s*(?P<high>{NUMBER_PATTERN}))?"
    rf"(?P<space>\s*)(?P<unit>{_UNITS})(?!{_LETTER}|\d)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(rf"{_LETTER}+")
_UNIT_AFTER_RE = re.compile(rf"\s+(?P<unit>{_UNITS})(?!{_LETTER}|\d)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"\n+|(?<=[.!?…;])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9-])|(?<=[.!?…])\s*$")
_CLAUSE_SEP = re.compile(r"[,;(\[]|\s-\s")
_CUT_AFTER = re.compile(
    r"^.*(?:\bđã\b|\bđạt\b|\btrong đó\b|\bđồng thời\b|\bcụ thể\b|\bgồm\b|\bvới\b)\s*",
    re.S | re.IGNORECASE,
)
_MARKERS = re.compile(r"\b(?:đã|đạt|trong đó|đồng thời|cụ thể|gồm|với)\b", re.IGNORECASE)
_COMPARATIVE = re.compile(
    r"^[\s,;(]*(?:và\s+)?(?:so\s+với\s+[^,;]*?\s+)?"
    r"(?P<word>vượt|cao\s+hơn|thấp\s+hơn|tăng|giảm|nhiều\s+hơn|ít\s+hơn)\b(?P<rest>[^,;.]*)$",
    re.IGNORECASE,
)
_AGAINST = re.compile(r"chỉ\s+tiêu|kế\s+hoạch|so\s+với|cùng\s+kỳ|năm\s+trước", re.IGNORECASE)
# "… cao hơn chỉ tiêu 16%" with no figure of its own before: the report states only the
# difference to the target (points or relative?), never the rate itself.
_ALONE_AGAINST_TARGET = re.compile(
    r"(?P<word>vượt|cao\s+hơn|thấp\s+hơn)\s+(?:so\s+với\s+)?(?:chỉ\s+tiêu|kế\s+hoạch)"
    r"[^,;.\d]{0,40}$",
    re.IGNORECASE,
)
_RATE_AFTER = re.compile(rf"(?:\s*[^\W\d_]+){{0,3}}\s*\(\s*(?P<num>{NUMBER_PATTERN})\s*%\s*\)")
_SUFFIX_STOP = re.compile(
    r"[,;.:()\[\]/]|\s-\s|\s–\s|\d|\b(?:đạt|tăng|giảm|vượt|cao hơn|thấp hơn|so với|chiếm|"
    r"trong đó|và)\b",
    re.IGNORECASE,
)
_QUALIFIER_WORDS = sorted(APPROX + VERBS + ("cao hơn", "thấp hơn"), key=len, reverse=True)
_QUALIFIER_TAIL = re.compile(
    r"(?:(?<![^\W\d_])(?:" + "|".join(re.escape(q) for q in _QUALIFIER_WORDS) + r")\s*)+$",
    re.IGNORECASE,
)
_NOT_COUNTED_BEFORE = re.compile(r"(?:hàng|vài|mấy|các|những|một số)\s*$", re.IGNORECASE)


@dataclass(slots=True)
class Figure:
    value: Decimal
    unit: str
    indicator: str
    qualifier: str | None
    evidence: str
    start: int  # offset of the number (or its qualifier-free first word) in the text
    end: int  # offset just after the unit
    sentence_start: int
    high: Decimal | None = None  # the upper end of a range ("5–7%")
    comparison: dict[str, Any] | None = None
    written: str = ""  # the figure as written, e.g. "hơn 3.100 vụ"
    _prefix: str = field(default="", repr=False)
    _suffix: str = field(default="", repr=False)
    context: str = field(default="", repr=False)  # the words since the previous figure

    @property
    def prefix(self) -> str:
        return self._prefix

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "value": number_json(self.value),
            "unit": self.unit,
            "indicator": self.indicator,
            "qualifier": self.qualifier,
            "comparison": self.comparison,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
        }
        if self.high is not None:
            doc["high"] = number_json(self.high)
        return doc

    def pairs(self) -> list[tuple[Decimal, str]]:
        """Every (value, unit) the figure states: its own and its comparison's."""
        out = [(self.value, self.unit)]
        if self.comparison:
            out.append((Decimal(str(self.comparison["value"])), self.comparison["unit"]))
            if "rate" in self.comparison:
                out.append((Decimal(str(self.comparison["rate"])), "%"))
        return out


def number_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split at new lines and at . ! ? ; before a capital, digit."""
    spans = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = max(pos, m.end())
    if pos < len(text):
        spans.append((pos, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


@dataclass(slots=True)
class _Hit:
    start: int  # number start
    end: int  # unit end
    value: Decimal
    high: Decimal | None
    unit: str
    unit_written: str


def _numeric_hits(s: str) -> list[_Hit]:
    hits = []
    for m in _FIGURE_RE.finditer(s):
        value = parse_number(m["num"])
        if value is None:
            continue
        before = s[max(0, m.start() - 12) : m.start()]
        if _NOT_COUNTED_BEFORE.search(before):
            continue
        if m["sign"] in ("-", "−"):
            value = -value
        high = parse_number(m["high"]) if m["high"] else None
        if high is not None and high <= abs(value):
            continue  # "2021-2026 người"? not a range
        if not m["space"] and canonical_unit(m["unit"]) not in ("%", "kg", "gam", "tấn"):
            continue  # "3vụ" is not how figures are written; "92%" and "5kg" are
        hits.append(_Hit(m.start(), m.end(), value, high, canonical_unit(m["unit"]), m["unit"]))
    return hits


def _word_hits(s: str, taken: list[tuple[int, int]]) -> list[_Hit]:
    """Written-out numbers before a unit: "hai vụ", "mười đối tượng", "ba mươi lăm tài khoản"."""
    words = list(_WORD_RE.finditer(s))
    lowered = [w.group().lower() for w in words]
    hits = []
    i = 0
    while i < len(words):
        if lowered[i] not in WORDS or (i and lowered[i - 1] in ("hàng", "vài", "mấy")):
            i += 1
            continue
        parsed = parse_words(lowered[i:])
        if parsed is None:
            i += 1
            continue
        value, used = parsed
        last = words[i + used - 1]
        m = _UNIT_AFTER_RE.match(s, last.end())
        start = words[i].start()
        if m and value > 0 and not any(a <= start < b for a, b in taken):
            hits.append(_Hit(start, m.end(), value, None, canonical_unit(m["unit"]), m["unit"]))
            i += used
        else:
            i += 1
    return hits


def _strip_qualifier(prefix: str) -> tuple[str, str | None]:
    m = _QUALIFIER_TAIL.search(prefix)
    if not m:
        return prefix, None
    qualifier = " ".join(m.group().split())
    return prefix[: m.start()], qualifier or None


def _clean(phrase: str) -> str:
    phrase = " ".join(phrase.split()).strip(" :–-—,;/")
    return phrase


def _cut(own: str) -> str:
    """The phrase a figure measures, from the words before it: after the last "đã", "đạt",
    "trong đó"… when enough is left ("tỷ lệ" alone is not enough), else without those words."""
    cut = _clean(_CUT_AFTER.sub("", own))
    words = [w for w in cut.lower().split() if w not in ("tỷ", "lệ", "tỉ")]
    if len(words) >= 2:
        return cut
    return _clean(_MARKERS.sub(" ", own))


def _suffix(s: str, pos: int) -> str:
    m = _SUFFIX_STOP.search(s, pos)
    end = m.start() if m else len(s)
    return s[pos:end]


def _comparison(between: str, hit: _Hit, s: str) -> tuple[dict[str, Any], int] | None:
    """The comparison ``hit`` states about an earlier figure, if ``between`` (the clause before
    the number of ``hit``) is only a comparison word, and where it ends."""
    m = _COMPARATIVE.match(between)
    if not m:
        return None
    after = s[hit.end : hit.end + 80]
    tail = re.split(r",\s|;|\.\s", after)[0]
    before = re.split(r";", s[max(0, hit.start - 120) : hit.start])[-1]
    context = before + " " + tail
    if not _AGAINST.search(context):
        return None
    word = " ".join(m["word"].lower().split())
    target = re.search(r"chỉ\s+tiêu|kế\s+hoạch", context, re.IGNORECASE)
    direction = "up" if word in ("tăng", "nhiều hơn", "cao hơn", "vượt") else "down"
    kind = ("above_target" if direction == "up" else "below_target") if target else "change"
    comparison: dict[str, Any] = {
        "kind": kind,
        "value": number_json(abs(hit.value)),
        "unit": hit.unit,
    }
    if kind == "change":
        comparison["direction"] = direction
    against = re.search(r"so\s+với\s+([^,;.()]+)", context, re.IGNORECASE)
    if against:
        comparison["against"] = _clean(re.split(r"\s(?:tăng|giảm)\b", against.group(1))[0])
    end = hit.end
    rate = _RATE_AFTER.match(s, hit.end)
    if rate and hit.unit != "%":
        value = parse_number(rate["num"])
        if value is not None:
            comparison["rate"] = number_json(value)
            end = rate.end()
    return comparison, end


_CHANGE_QUALIFIER = re.compile(r"tăng|giảm", re.IGNORECASE)
_RATE_WORDS = re.compile(r"\b(?:tỷ|tỉ)\s+lệ\b", re.IGNORECASE)


def _compared(local: list[Figure], hit: _Hit, s: str) -> Figure | None:
    """The earlier figure of the sentence a comparison is about: for a percentage the last one;
    for a count the one in the same unit whose words the comparison repeats, else the nearest."""
    free = [f for f in local if f.comparison is None]
    if hit.unit == "%":
        return free[-1] if free else None
    same = [f for f in free if f.unit == hit.unit]
    if not same:
        return None
    words = set(_suffix(s, hit.end).lower().split()) - {hit.unit}
    best = max(
        range(len(same)),
        key=lambda i: (
            len(words & set((same[i]._prefix + " " + same[i]._suffix).lower().split())),
            i,
        ),
    )
    return same[best]


def find_figures(text: str) -> list[Figure]:
    """Every figure stated in ``text`` (NFC is applied by the caller; offsets index ``text``)."""
    figures: list[Figure] = []
    for a, b in sentences(text):
        s = text[a:b]
        hits = _numeric_hits(s)
        hits = sorted(hits + _word_hits(s, [(h.start, h.end) for h in hits]), key=lambda h: h.start)
        local: list[Figure] = []
        chain: list[Figure] = []  # figures joined by "/" sharing their words
        boundary = 0  # where the current figure's own words may start
        for hit in hits:
            if hit.start < boundary:
                continue
            previous = local[-1] if local else None
            between = s[boundary : hit.start]
            seps = list(_CLAUSE_SEP.finditer(between))
            if previous is not None:
                clause = between[seps[-1].start() :] if seps else between
                found = _comparison(clause, hit, s)
                target = _compared(local, hit, s) if found is not None else None
                if found is not None and target is not None:
                    comparison, boundary = found
                    if target.unit == "%" and hit.unit == "%" and comparison["kind"] != "change":
                        # "vượt 16% chỉ tiêu": 16 points, or 16% of the target? The officer decides.
                        comparison["ambiguous"] = True
                    target.comparison = comparison
                    continue
            own = between[seps[-1].end() :] if seps else between
            own, qualifier = _strip_qualifier(own)
            prefix = _cut(own)
            context = s[boundary : hit.end]
            if previous is not None and not _RATE_WORDS.sub("", prefix).strip():
                # "(đạt 86,2%)", "bắt 2.031 đối tượng, đạt tỷ lệ 91,6%": the rate of the cases
                source = next((f for f in reversed(local) if f.unit == "vụ"), previous)
                if hit.unit == "%" and source.unit != "%":
                    inherited = f"{source._prefix} {source._suffix}"
                else:
                    inherited = source._prefix
                prefix = _clean(f"{prefix} {inherited}")
                context = f"{source.context} {context}"
            suffix = _clean(_suffix(s, hit.end))
            unit_text = "" if hit.unit == "%" else " ".join(hit.unit_written.split())
            figure = Figure(
                value=hit.value,
                unit=hit.unit,
                indicator="",
                qualifier=qualifier,
                evidence=s,
                start=a + hit.start,
                end=a + hit.end,
                sentence_start=a,
                high=hit.high,
                written=s[hit.start : hit.end],
                _prefix=prefix,
                _suffix=" ".join(x for x in (unit_text, suffix) if x),
                context=context,
            )
            alone = _ALONE_AGAINST_TARGET.search(between) if hit.unit == "%" else None
            if alone is not None:
                word = " ".join(alone["word"].lower().split())
                figure.comparison = {
                    "kind": "below_target" if word == "thấp hơn" else "above_target",
                    "value": number_json(abs(hit.value)),
                    "unit": "%",
                    "ambiguous": True,
                    "alone": True,  # no rate stated: nothing to suggest, the officer decides
                }
            # "1.252 vụ/ 2.254 đối tượng phạm tội về ma túy": the chain shares its words
            chained = s[boundary : hit.start].strip() in ("/", "và", "-", "hoặc")
            if previous is not None and chained and not _clean(own):
                chain.append(figure)
                for f in chain[:-1]:
                    f._suffix = _join_suffix(f, suffix)
            else:
                chain = [figure]
            local.append(figure)
            boundary = hit.end
            change = _CHANGE_QUALIFIER.search(qualifier or "")
            rate = _RATE_AFTER.match(s, hit.end) if change and hit.unit != "%" else None
            if change and rate and (value := parse_number(rate["num"])) is not None:
                # "giảm 9 người chết (8,4%)": the fall as a share of last year's figure
                figure.comparison = {
                    "kind": "change",
                    "value": number_json(value),
                    "unit": "%",
                    "direction": "down" if change.group().lower() == "giảm" else "up",
                }
                boundary = rate.end()
        for f in local:
            f.indicator = _clean(" ".join(x for x in (f._prefix, f._suffix) if x))
        figures.extend(local)
    return figures


def _join_suffix(f: Figure, shared: str) -> str:
    own = f._suffix
    return f"{own} {shared}".strip() if shared and shared not in own else own


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
