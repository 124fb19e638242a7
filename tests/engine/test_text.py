"""The Vietnamese text module: real names as examples, and its promises as properties."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from thidua.engine.text import (
    TONE_MARKS,
    match_name,
    name_key,
    normalize,
    same_name,
    search_key,
    slugify_vi,
    sort_key,
    sort_key_str,
)

# The 63 provinces before 1 July 2025, in the order of a Vietnamese-sorted list.
PROVINCES_IN_VIETNAMESE_ORDER = [
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hồ Chí Minh",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lạng Sơn",
    "Lào Cai",
    "Lâm Đồng",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
]

OLD_AND_OFFICIAL_SPELLINGS = [
    ("Hoà Bình", "Hòa Bình"),
    ("Khánh Hoà", "Khánh Hòa"),
    ("Thanh Hoá", "Thanh Hóa"),
    ("Công an tỉnh Thanh Hoá", "Công an tỉnh Thanh Hóa"),
    ("Thuỷ", "Thủy"),
    ("Thuý", "Thúy"),
    ("Thuỵ", "Thụy"),
    ("Xoè", "Xòe"),
    ("Khoẻ", "Khỏe"),
    ("hoá", "hóa"),
    ("Hoạ", "Họa"),
    ("HOÀ BÌNH", "HÒA BÌNH"),
    ("Ngã ba Huỷ", "Ngã ba Hủy"),
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
]

# ---------------------------------------------------------------------------------- strategies

_BASES = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_VOWEL_BASES = "aăâeêioôơuưy"


def _with_tone(letter: str, tone: int) -> str:
    return unicodedata.normalize("NFC", letter + TONE_MARKS[tone - 1]) if tone else letter


VIETNAMESE_LETTERS = sorted(
    {
        _with_tone(case(base), tone)
        for base in _BASES
        for case in (str.lower, str.upper)
        for tone in range(6 if base in _VOWEL_BASES else 1)
    }
)
vietnamese_text = st.text(
    alphabet=st.sampled_from([*VIETNAMESE_LETTERS, " ", " ", "-", ".", "\u00a0", "\t", "0", "7"]),
    max_size=24,
)
any_text = st.text(max_size=40)


@st.composite
def open_syllables(draw: st.DrawFn) -> tuple[str, str]:
    """An oa/oe/uy syllable without final consonant, spelt with the tone mark on the second vowel
    (old-style "hoà") and on the first (official "hòa")."""
    onset = draw(st.sampled_from(["", "h", "kh", "th", "x", "t", "ng", "l", "nh", "ch", "tr"]))
    first, second = draw(st.sampled_from(["oa", "oe", "uy"]))
    tone = draw(st.integers(1, 5))
    old = onset + first + _with_tone(second, tone)
    official = onset + _with_tone(first, tone) + second
    if draw(st.booleans()):
        old, official = old.capitalize(), official.capitalize()
    return old, official


# ---------------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(("old", "official"), OLD_AND_OFFICIAL_SPELLINGS)
def test_old_tone_placement_becomes_the_official_spelling(old: str, official: str) -> None:
    assert normalize(old) == official
    assert normalize(official) == official


@pytest.mark.parametrize("name", [*PROVINCES_IN_VIETNAMESE_ORDER, "Thành phố Huế", "Quý", "Quí"])
def test_official_names_are_left_as_written(name: str) -> None:
    assert normalize(name) == name


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("hòang", "hoàng"), ("Khỏang", "Khoảng"), ("hùynh", "huỳnh"), ("hoàng", "hoàng")],
)
def test_before_a_final_consonant_the_mark_goes_on_the_second_vowel(
    written: str, canonical: str
) -> None:
    assert normalize(written) == canonical


@pytest.mark.parametrize("word", ["Quý", "Quỳnh", "quà", "Nguyễn", "Thuở", "Huệ", "Khuya", "Sgòa"])
def test_letters_and_other_rhymes_are_never_changed(word: str) -> None:
    assert normalize(word) == word


def test_whitespace_is_collapsed_and_stripped() -> None:
    assert normalize("  Công an\u00a0 tỉnh\tHòa\n Bình ") == "Công an tỉnh Hòa Bình"


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Đắk Lắk")
    assert decomposed != "Đắk Lắk"
    assert normalize(decomposed) == "Đắk Lắk"


@given(any_text)
@example("hoà\u0301")
@example("a \u0301")
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once


@given(any_text)
def test_normalized_text_is_nfc_with_single_spaces(s: str) -> None:
    out = normalize(s)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    assert "  " not in out
    assert all(c == " " or not c.isspace() for c in out)


@given(open_syllables())
def test_old_and_official_tone_placement_normalize_equal(pair: tuple[str, str]) -> None:
    old, official = pair
    assert normalize(old) == normalize(official) == official
    assert same_name(old, official)
    assert sort_key(old) == sort_key(official)
    assert search_key(old) == search_key(official)


@given(open_syllables(), vietnamese_text, vietnamese_text)
def test_tone_placement_is_fixed_inside_longer_names(
    pair: tuple[str, str], before: str, after: str
) -> None:
    old, official = pair
    assert normalize(f"{before} {old} {after}") == normalize(f"{before} {official} {after}")


# ---------------------------------------------------------------------------------- search keys


def test_a_name_typed_without_accents_finds_the_unit() -> None:
    assert search_key("hoa binh") in search_key("Công an tỉnh Hòa Bình")
    assert search_key("HOÀ BÌNH") == "hoa binh"
    assert search_key("Bà Rịa-Vũng Tàu") == search_key("ba ria vung tau")


def test_d_with_stroke_searches_as_d() -> None:
    assert search_key("Đắk Lắk") == "dak lak"
    assert search_key("đà nẵng") == "da nang"
    assert search_key("ÐẮK LẮK") == "dak lak"  # U+00D0, left by old Vietnamese encodings


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Hòa Bình", "hoa-binh"),
        ("Đắk Lắk", "dak-lak"),
        ("Bà Rịa - Vũng Tàu", "ba-ria-vung-tau"),
        ("Thừa Thiên Huế", "thua-thien-hue"),
        ("Thành phố Hồ Chí Minh", "thanh-pho-ho-chi-minh"),
        ("Cục Công tác đảng và công tác chính trị", "cuc-cong-tac-dang-va-cong-tac-chinh-tri"),
    ],
)
def test_slugs_are_plain_ascii(name: str, slug: str) -> None:
    assert slugify_vi(name) == slug


@given(any_text)
def test_search_key_is_lower_case_ascii_words(s: str) -> None:
    assert re.fullmatch(r"([a-z0-9]+( [a-z0-9]+)*)?", search_key(s))


@given(any_text)
def test_slug_is_lower_case_ascii_joined_by_hyphens(s: str) -> None:
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slugify_vi(s))


@given(any_text)
def test_search_key_is_the_same_for_every_unicode_form_and_for_the_normalized_text(s: str) -> None:
    key = search_key(s)
    assert search_key(unicodedata.normalize("NFD", s)) == key
    assert search_key(unicodedata.normalize("NFC", s)) == key
    assert search_key(normalize(s)) == key
    assert search_key(key) == key


@given(vietnamese_text)
def test_search_key_ignores_case_and_accents(s: str) -> None:
    assert search_key(s.upper()) == search_key(s) == search_key(s.lower())
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)
    ).replace("đ", "d")
    assert search_key(stripped.replace("Đ", "D")) == search_key(s)


# ---------------------------------------------------------------------------------- names


def test_same_name_ignores_case_spacing_punctuation_and_tone_placement() -> None:
    assert same_name("Khánh Hoà", "khánh  hòa")
    assert same_name("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu")
    assert same_name(unicodedata.normalize("NFD", "Đắk Nông"), "ĐẮK NÔNG")


def test_same_name_keeps_accents_apart() -> None:
    assert not same_name("Ba", "Bà")
    assert not same_name("Hà Nam", "Hà Nội")


def test_a_recorded_misspelling_resolves_through_its_alias() -> None:
    candidates = ["Gia Lai", "Đắk Lắk", "Đắk Nông", "Kon Tum", "Lâm Đồng", "Bình Phước"]
    assert match_name("Kom Tum", candidates) is None
    assert match_name("Kom Tum", candidates, aliases={"Kom Tum": "Kon Tum"}) == "Kon Tum"
    assert match_name("kom tum", candidates, aliases={"Kom Tum": "Kon Tum"}) == "Kon Tum"


def test_a_former_name_resolves_to_the_renamed_unit() -> None:
    aliases = {"Thừa Thiên Huế": "Huế"}
    assert match_name("Thừa Thiên - Huế", ["Huế", "Quảng Trị"], aliases=aliases) == "Huế"


def test_an_alias_to_a_name_that_is_not_a_candidate_is_ignored() -> None:
    assert match_name("Kom Tum", ["Gia Lai"], aliases={"Kom Tum": "Kon Tum"}) is None


def test_names_typed_without_accents_match_when_unambiguous() -> None:
    assert match_name("hoa binh", PROVINCES_IN_VIETNAMESE_ORDER) == "Hòa Bình"
    assert match_name("DAK NONG", PROVINCES_IN_VIETNAMESE_ORDER) == "Đắk Nông"
    assert match_name("Khánh Hoà", PROVINCES_IN_VIETNAMESE_ORDER) == "Khánh Hòa"


def test_the_exact_spelling_wins_and_an_ambiguous_loose_match_gives_nothing() -> None:
    assert match_name("Bà", ["Ba", "Bà"]) == "Bà"
    assert match_name("ba", ["Ba", "Bà"]) == "Ba"
    assert match_name("bả", ["Ba", "Bà"]) is None
    assert match_name("", ["Ba"]) is None
    assert match_name("Hà Tây", PROVINCES_IN_VIETNAMESE_ORDER) is None


@given(vietnamese_text, vietnamese_text)
def test_same_name_is_an_equivalence_coarser_than_normalize(a: str, b: str) -> None:
    assert same_name(a, a)
    assert same_name(a, b) == same_name(b, a)
    if normalize(a) == normalize(b):
        assert same_name(a, b)
    if same_name(a, b):
        assert search_key(a) == search_key(b)
    assert same_name(a, a.upper())
    assert name_key(name_key(a)) == name_key(a)


@given(st.sampled_from(PROVINCES_IN_VIETNAMESE_ORDER))
def test_every_province_is_found_from_its_search_key(name: str) -> None:
    assert match_name(search_key(name), PROVINCES_IN_VIETNAMESE_ORDER) == name


# ---------------------------------------------------------------------------------- collation


def test_provinces_sort_in_vietnamese_order() -> None:
    shuffled = PROVINCES_IN_VIETNAMESE_ORDER.copy()
    random.Random(2025).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == PROVINCES_IN_VIETNAMESE_ORDER


def test_the_database_sort_key_orders_provinces_the_same_way() -> None:
    keys = [sort_key_str(name) for name in PROVINCES_IN_VIETNAMESE_ORDER]
    assert keys == sorted(keys)


def test_d_with_stroke_sorts_after_d() -> None:
    assert sorted(["Em", "Đà Nẵng", "Dương"], key=sort_key) == ["Dương", "Đà Nẵng", "Em"]
    assert sorted(["Bình Định", "Bình Dương"], key=sort_key) == ["Bình Dương", "Bình Định"]


def test_breve_and_circumflex_letters_follow_a() -> None:
    names = ["Bao", "Ân", "Ăn", "An", "Ơn", "Ôn", "On", "Ưng", "Ung"]
    assert sorted(names, key=sort_key) == ["An", "Ăn", "Ân", "Bao", "On", "Ôn", "Ơn", "Ung", "Ưng"]


def test_tones_compare_after_letters_in_the_standard_order() -> None:
    tones = ["ma", "mà", "má", "mả", "mã", "mạ"]
    assert sorted(reversed(tones), key=sort_key) == tones
    assert sort_key("mạ") < sort_key("mác") < sort_key("Mai")  # letters before tones


def test_words_compare_one_by_one() -> None:
    assert sort_key("An Giang") < sort_key("Anh") < sort_key("Ánh Dương")
    assert sort_key("Cà Mau") < sort_key("Cao Bằng")


def test_case_only_breaks_ties() -> None:
    assert sorted(["Hòa Bình", "hòa bình", "Hoa Binh"], key=sort_key) == [
        "Hoa Binh",
        "hòa bình",
        "Hòa Bình",
    ]


def test_numbers_sort_by_value() -> None:
    names = ["Cụm 10", "Cụm 2", "Cụm 1", "Khối 3"]
    assert sorted(names, key=sort_key) == ["Cụm 1", "Cụm 2", "Cụm 10", "Khối 3"]


@given(vietnamese_text, vietnamese_text)
@example("Hoà", "Hòa")
@example("ba", "Ba")
def test_sort_key_is_equal_exactly_when_the_normalized_texts_are(a: str, b: str) -> None:
    assert (sort_key(a) == sort_key(b)) == (normalize(a) == normalize(b))


@given(vietnamese_text)
def test_sort_key_ignores_unicode_form_and_spacing(s: str) -> None:
    assert sort_key(unicodedata.normalize("NFD", s)) == sort_key(s)
    assert sort_key(f"  {s}  ") == sort_key(s)


@given(st.lists(vietnamese_text, max_size=12), st.randoms())
def test_sorting_does_not_depend_on_the_input_order(names: list[str], rnd: random.Random) -> None:
    shuffled = names.copy()
    rnd.shuffle(shuffled)
    assert [normalize(n) for n in sorted(shuffled, key=sort_key)] == [
        normalize(n) for n in sorted(names, key=sort_key)
    ]


@given(any_text, any_text)
@example("Bình Dương", "Bình Định")
@example("ba", "ba ria")
def test_the_database_sort_key_never_contradicts_sort_key(a: str, b: str) -> None:
    if sort_key(a) <= sort_key(b):
        assert sort_key_str(a) <= sort_key_str(b)
    else:
        assert sort_key_str(a) >= sort_key_str(b)
    assert re.fullmatch(r"[0-9a-z]*", sort_key_str(a))
