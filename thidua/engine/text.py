"""Vietnamese text: the one place where names are normalised, matched, searched and sorted.

Pure Python, no Django import. Every name the system stores goes through `normalize`, every search
through `search_key`, every listing through `sort_key` (or `sort_key_str` where a database orders).

Tone-mark placement. Two spellings of the same syllable are in use for the open rhymes *oa*, *oe*
and *uy*: "Hòa", "Khỏe", "Thủy" (mark on the first vowel) and "Hoà", "Khoẻ", "Thuỷ" (mark on the
second). Vietnamese linguists call the first the traditional ("kiểu cũ") and the second the newer
("kiểu mới") placement; what matters here is that the official administrative names — the General
Statistics Office list, Nghị quyết 202/2025/QH15, the Ministry's own documents — write "Hòa Bình",
"Khánh Hòa", "Thanh Hóa". That is the canonical form `normalize` produces. With a final consonant
both styles agree that the mark goes on the second vowel ("hoàng", "khoảng", "huỳnh"), and
`normalize` also repairs a mark misplaced on the first one ("hòang" → "hoàng"). Letters are never
changed: "Quý"/"Quí" stay as written (in "qu" the "u" belongs to the consonant), and so do syllables
that are not Vietnamese.

Collation. `sort_key` compares base letters first in the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with f j w z at their Latin places), word
by word; then tones in the standard order (none, huyền, sắc, hỏi, ngã, nặng); then case (lower
before upper); and finally the normalised text itself, so that two strings sort equal exactly when
they normalise equal. Runs of digits compare by their numeric value ("Cụm 9" before "Cụm 10").

People's names. A Vietnamese list of people is ordered by the given name (tên, the last word of
"Nguyễn Văn An"), then the middle name(s) (tên đệm), then the family name (họ), each compared whole
by the collation above: `person_sort_key` (and `person_sort_key_str` for a database column).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

__all__ = [
    "PersonSortKey",
    "SortKey",
    "match_name",
    "name_key",
    "name_parts",
    "normalize",
    "person_sort_key",
    "person_sort_key_str",
    "same_name",
    "same_unit_key",
    "search_key",
    "slugify_vi",
    "sort_key",
    "sort_key_str",
    "unit_query_key",
]

# The five tone marks as combining characters, in the standard order (0 = no mark, "ngang").
HUYEN, SAC, HOI, NGA, NANG = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
TONE_MARKS = (HUYEN, SAC, HOI, NGA, NANG)
_TONE_OF_MARK = {mark: i for i, mark in enumerate(TONE_MARKS, start=1)}

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
"""Vietnamese alphabet order; f, j, w, z (loanwords) sit at their Latin places."""

_VOWELS = frozenset("aăâeêioôơuưy")
_ONSETS = frozenset(
    [
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "gh",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "ngh",
        "nh",
        "p",
        "ph",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ]
) | {""}
_CODAS = frozenset(["c", "ch", "m", "n", "ng", "nh", "p", "t"])
_OPEN_PAIRS = frozenset({"oa", "oe", "uy"})

_LETTER_RANK = {ch: 10 + i for i, ch in enumerate(ALPHABET)}
_OTHER_LETTER_BASE = 100  # letters outside the alphabet sort after it, by code point
_NUMBER_MARK = 2  # a run of digits, compared by value, before any letter
_WORD_BREAK = 1  # between words: before any letter, so "Ba Ria" < "Bac"
_STR_UNIT_MAX = 36 * 36 - 1  # sort_key_str: two base-36 digits per element, "zz" escapes


@lru_cache(maxsize=4096)
def _analyse(ch: str) -> tuple[str, int, bool]:
    """(base letter in lower case without its tone mark, tone 0–5, is upper case) of one char."""
    upper = ch != ch.lower()
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_OF_MARK and tone == 0:
            tone = _TONE_OF_MARK[part]
        else:
            kept.append(part)
    base = unicodedata.normalize("NFC", "".join(kept)).lower()
    return base, tone, upper


def _compose(base: str, tone: int, upper: bool) -> str:
    """The precomposed letter: base (one lower-case letter) + tone, in the given case."""
    letter = base.upper() if upper else base
    if tone:
        letter = unicodedata.normalize("NFC", letter + TONE_MARKS[tone - 1])
    return letter


# A word for tone placement: a run of letters. A word followed by a stray combining mark is left
# alone: after the fix NFC might compose the mark with a different letter.
_WORD_RE = re.compile(r"[^\W\d_]+")


def _place_tone(word: str) -> str:
    """Move the tone mark of an oa/oe/uy syllable to its canonical vowel; anything else as is."""
    if len(word) < 2 or len(word) > 7 or word.isascii():
        return word
    info = [_analyse(ch) for ch in word]
    bases = [b for b, _, _ in info]
    if any(len(b) != 1 for b in bases):
        return word
    vowel_at = [i for i, b in enumerate(bases) if b in _VOWELS]
    if len(vowel_at) != 2 or vowel_at[1] != vowel_at[0] + 1:
        return word
    first, second = vowel_at
    onset = "".join(bases[:first])
    coda = "".join(bases[second + 1 :])
    if bases[first] + bases[second] not in _OPEN_PAIRS:
        return word
    if onset not in _ONSETS or (coda and coda not in _CODAS):
        return word
    tones = [t for _, t, _ in info]
    if sum(1 for t in tones if t) != 1 or not (tones[first] or tones[second]):
        return word
    tone = tones[first] or tones[second]
    target, other = (second, first) if coda else (first, second)
    if tones[target]:
        return word
    chars = list(word)
    chars[target] = _compose(bases[target], tone, info[target][2])
    chars[other] = _compose(bases[other], 0, info[other][2])
    return "".join(chars)


def _fix_tones(text: str) -> str:
    out = []
    last = 0
    for match in _WORD_RE.finditer(text):
        start, end = match.span()
        if end < len(text) and unicodedata.combining(text[end]):
            continue
        fixed = _place_tone(match.group())
        if fixed != match.group():
            out.append(text[last:start])
            out.append(fixed)
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=8192)
def normalize(s: str) -> str:
    """The canonical form of a name or any user text.

    NFC; every run of whitespace (including non-breaking spaces, tabs, new lines) becomes one space;
    no leading or trailing space; tone marks of oa/oe/uy placed as in official names
    ("Hoà Bình" → "Hòa Bình", "Thuỷ" → "Thủy"). Letters and case are kept. Idempotent.
    """
    # str.split() without arguments splits on every Unicode whitespace and drops empty pieces.
    text = " ".join(unicodedata.normalize("NFC", s).split())
    fixed = _fix_tones(text)
    # Defensive: a fix must never produce text that NFC would change (it would not be idempotent).
    return fixed if unicodedata.is_normalized("NFC", fixed) else text


def same_unit_key(s: str) -> str:
    """The cheap identity of a unit name in the engine's inputs: NFC, trimmed, every run of
    whitespace one space ("Yên Bái " and a decomposed "Yên Bái" are one unit). The file readers
    store names fully normalised (:func:`normalize`); this key is for comparisons on hot paths."""
    return " ".join(unicodedata.normalize("NFC", s).split())


# --- search keys -------------------------------------------------------------------------------


def _build_ascii_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for base in ALPHABET:
        for letter in {base, base.upper()}:
            plain = "d" if base == "đ" else unicodedata.normalize("NFD", base)[0]
            for tone in range(6):
                composed = _compose(base, tone, letter.isupper())
                if len(composed) == 1:
                    table[ord(composed)] = plain
    table[ord("Ð")] = "d"  # U+00D0, often typed for Đ by old Vietnamese encodings
    table[ord("ð")] = "d"
    return table


_ASCII_TABLE = _build_ascii_table()
_NON_KEY_RE = re.compile(r"[^a-z0-9]+")


def _ascii_words(s: str) -> str:
    """Lower-case ASCII words: accents and case dropped, đ → d, punctuation separating words."""
    text = s.translate(_ASCII_TABLE)
    if text.isascii():  # the fast path: Vietnamese and ASCII only
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", s).casefold())
        text = "".join(c for c in text if not unicodedata.combining(c)).translate(_ASCII_TABLE)
    return _NON_KEY_RE.sub(" ", text).strip()


# Spellings officers use for one word, folded into one key on both sides of every search:
# "sỹ"/"sĩ", "kỹ"/"kĩ", "lý"/"lí", "mỹ"/"mĩ", "tỷ"/"tỉ", "hy"/"hi" ("chiến sỹ" finds "chiến sĩ").
_Y_TO_I = re.compile(r"\b([sktlmh])y\b")
# Place names as the press and officers write them: run together, or with c for k.
_NAME_VARIANTS = {
    "daklak": "dak lak",
    "dac lac": "dak lak",
    "dak lac": "dak lak",
    "dac lak": "dak lak",
    "daknong": "dak nong",
    "dac nong": "dak nong",
    "kontum": "kon tum",
    "hochiminh": "ho chi minh",
    "tphcm": "ho chi minh",
    "tp hcm": "ho chi minh",
    "hanoi": "ha noi",
}
_NAME_VARIANTS_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _NAME_VARIANTS), key=len, reverse=True)) + r")\b"
)
# What officers write before a unit's name: "Công an tỉnh Kom Tum", "CA TP Hà Nội", "Công an Lai Châu".
_UNIT_PREFIX_RE = re.compile(
    r"^(?:cong an(?: (?:tinh|thanh pho|tp))?|ca (?:tinh|thanh pho|tp)) (?!(?:tinh|thanh pho|tp)$)"
)


@lru_cache(maxsize=8192)
def search_key(s: str) -> str:
    """A case- and accent-insensitive key for substring search: lower-case ASCII words.

    "Hòa Bình", "HOÀ BÌNH", "hoa  binh" → "hoa binh"; đ → d; punctuation separates words
    ("Bà Rịa - Vũng Tàu" → "ba ria vung tau"). Characters with no ASCII letter or digit in them
    (e.g. CJK) are dropped. Spelling variants are one key: "chiến sỹ" = "chiến sĩ" ("chien si"),
    "Daklak" = "Đắc Lắc" = "Đắk Lắk" ("dak lak"). The one normaliser of every search: stored keys
    and queries both go through it.
    """
    text = _Y_TO_I.sub(r"\1i", _ascii_words(s))
    return _NAME_VARIANTS_RE.sub(lambda m: _NAME_VARIANTS[m.group(1)], text)


def unit_query_key(s: str) -> str:
    """The search key of a unit as an officer names it, without the prefix before the name:
    "Công an tỉnh Kom Tum" → "kom tum" (a recorded misspelling of Kon Tum then finds it).
    A prefix alone ("Công an tỉnh") is kept: it is what the officer looks for."""
    key = search_key(s)
    return _UNIT_PREFIX_RE.sub("", key) or key


def slugify_vi(s: str) -> str:
    """An ASCII slug: "Hòa Bình" → "hoa-binh", "Đắk Lắk" → "dak-lak", "Bà Rịa - Vũng Tàu" →
    "ba-ria-vung-tau"."""
    return _ascii_words(s).replace(" ", "-")


# --- names -------------------------------------------------------------------------------------

# Runs of anything but word characters and combining marks (which belong to the letter before).
_NAME_SEPARATORS_RE = re.compile(
    r"[^\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+|_+"
)


@lru_cache(maxsize=8192)
def name_key(s: str) -> str:
    """The key under which two spellings are the same name: normalised, case-folded, with any run
    of spaces or punctuation as one space. Accent-sensitive ("Hà Nam" ≠ "Hà Nâm")."""
    folded = unicodedata.normalize("NFC", normalize(s).casefold())
    return _NAME_SEPARATORS_RE.sub(" ", folded).strip()


def same_name(a: str, b: str) -> bool:
    """Whether a and b spell the same name: equal up to Unicode form, spacing, punctuation, case and
    old/new tone placement ("Khánh Hoà" = "khánh hòa", "Bà Rịa-Vũng Tàu" = "Bà Rịa - Vũng Tàu")."""
    return name_key(a) == name_key(b)


def _unique(found: list[str]) -> str | None:
    if not found:
        return None
    first = found[0]
    return first if all(same_name(first, other) for other in found[1:]) else None


def match_name(
    query: str,
    candidates: Iterable[str],
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """The candidate that `query` names, or None when there is none or the choice is ambiguous.

    Tried in order, stopping at the first step that finds something:
    1. a candidate with the same name (`same_name`);
    2. a recorded alias with the same name whose target is a candidate, e.g.
       ``aliases={"Kom Tum": "Kon Tum"}`` (a misspelling seen in a press text) or a former name;
    3. a single candidate, or a single alias target, with the same accent-insensitive
       `search_key` ("hoa binh" → "Hòa Bình").
    Returns the candidate as given in `candidates`.
    """
    pool = list(candidates)
    alias_pairs = list((aliases or {}).items())
    wanted = name_key(query)
    exact = [c for c in pool if name_key(c) == wanted]
    if exact:
        return exact[0]

    def targets(names: Iterable[str]) -> list[str]:
        return [c for name in names for c in pool if same_name(c, name)]

    by_alias = targets(target for alias, target in alias_pairs if name_key(alias) == wanted)
    if by_alias:
        return _unique(by_alias)

    loose = search_key(query)
    if not loose:
        return None
    found = [c for c in pool if search_key(c) == loose]
    found += targets(target for alias, target in alias_pairs if search_key(alias) == loose)
    return _unique(found)


# --- collation ---------------------------------------------------------------------------------

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]


def _collation_elements(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    pending_break = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            j = i
            digits = []
            while j < n and (d := unicodedata.decimal(text[j], None)) is not None:
                digits.append(d)
                j += 1
            while len(digits) > 1 and digits[0] == 0:
                digits.pop(0)
            if pending_break and primary:
                primary.append(_WORD_BREAK)
            pending_break = False
            primary += [_NUMBER_MARK, len(digits), *digits]
            i = j
            continue
        if ch.isalpha():
            base, tone, upper = _analyse(ch)
            rank = _LETTER_RANK.get(base)
            if rank is None:
                rank = _OTHER_LETTER_BASE + sum(ord(c) for c in base)
            if pending_break and primary:
                primary.append(_WORD_BREAK)
            pending_break = False
            primary.append(rank)
            tones.append(tone)
            cases.append(1 if upper else 0)
        elif not unicodedata.combining(ch):
            pending_break = True  # spaces and punctuation separate words; stray marks are ignored
        i += 1
    return tuple(primary), tuple(tones), tuple(cases)


@lru_cache(maxsize=8192)
def sort_key(s: str) -> SortKey:
    """A Vietnamese collation key: ``sorted(names, key=sort_key)`` gives the order a Vietnamese
    reader expects (An Giang, Bà Rịa - Vũng Tàu, Bạc Liêu, Bắc Giang, …, Bình Dương, Bình Định, …,
    Cần Thơ, Đà Nẵng, …). Levels: base letters word by word, then tones, then case, then the
    normalised text, so ``sort_key(a) == sort_key(b)`` exactly when ``normalize(a) == normalize(b)``.
    """
    text = normalize(s)
    primary, tones, cases = _collation_elements(text)
    return primary, tones, cases, text


def _base36(value: int, width: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(width):
        value, rest = divmod(value, 36)
        out.append(digits[rest])
    return "".join(reversed(out))


@lru_cache(maxsize=8192)
def sort_key_str(s: str) -> str:
    """`sort_key` as a string of ``[0-9a-z]`` for a database column to ORDER BY.

    Any collation that orders digits before lower-case letters (byte order, C, en_US, vi_VN …)
    orders these strings as `sort_key` orders the texts, except that texts differing only in
    punctuation, spacing or leading zeros may tie. Length: about four characters per letter.
    """
    primary, tones, cases, _ = sort_key(s)
    units = "".join(_encode_unit(v) for v in primary)
    return units + "00" + "".join(map(str, tones)) + "".join(map(str, cases))


def _encode_unit(value: int) -> str:
    """Two base-36 digits, or "zz" and four more for large values (letters beyond U+04AB, long
    numbers): fixed widths on each side of the escape, so the encoding keeps the order."""
    if value < _STR_UNIT_MAX:
        return _base36(value, 2)
    return "zz" + _base36(min(value, 36**4 - 1), 4)


# --- people's names ----------------------------------------------------------------------------

PersonSortKey = tuple[SortKey, SortKey, SortKey]


def name_parts(full_name: str) -> tuple[str, str, str]:
    """(given name, middle name(s), family name) of a Vietnamese full name, normalised:
    "Nguyễn Thị Minh Khai" → ("Khai", "Thị Minh", "Nguyễn"); "Nguyễn An" → ("An", "", "Nguyễn");
    a single word is the given name."""
    words = normalize(full_name).split(" ")
    if len(words) == 1:
        return words[0], "", ""
    return words[-1], " ".join(words[1:-1]), words[0]


@lru_cache(maxsize=8192)
def person_sort_key(full_name: str) -> PersonSortKey:
    """The order of people in every list: given name, then middle name(s), then family name, each
    by `sort_key` ("Trần Văn Bình" < "Lê Văn Dũng" < "Nguyễn Thị Đào"; "Lê An" < "Nguyễn Văn An":
    no middle name before one). Equal exactly when the normalised names are equal."""
    given, middle, family = name_parts(full_name)
    return sort_key(given), sort_key(middle), sort_key(family)


@lru_cache(maxsize=8192)
def person_sort_key_str(full_name: str) -> str:
    """`person_sort_key` as a string of ``[0-9a-z]`` for a database column to ORDER BY (the stored
    `Person.name_sort_key`). No `sort_key_str` of one part is a proper prefix of another's, so the
    three parts joined compare part by part; ties as in `sort_key_str`."""
    return "".join(sort_key_str(part) for part in name_parts(full_name))
