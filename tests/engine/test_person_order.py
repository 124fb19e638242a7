"""Lists of people follow Vietnamese practice: by given name (tên, the last word), then the middle
name(s), then the family name, each in the Vietnamese alphabet (… d đ e …), tones in the standard
order. One key function (engine/text.person_sort_key) for Python sorts, its string form for the
database column that lists order by."""

from __future__ import annotations

import random
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from thidua.engine.text import (
    name_parts,
    normalize,
    person_sort_key,
    person_sort_key_str,
    sort_key,
)


def ordered(names: list[str]) -> list[str]:
    return sorted(names, key=person_sort_key)


def test_people_are_ordered_by_given_name_before_anything_else() -> None:
    # Bình < Dũng < Đào: B before D before Đ, whatever the family names say (Trần > Nguyễn > Lê).
    assert ordered(["Lê Văn Dũng", "Nguyễn Thị Đào", "Trần Văn Bình"]) == [
        "Trần Văn Bình",
        "Lê Văn Dũng",
        "Nguyễn Thị Đào",
    ]


def test_the_same_given_name_is_ordered_by_middle_name_then_family_name() -> None:
    # Đức < Thị < Văn; between the two "Văn An", Nguyễn < Trần.
    assert ordered(["Trần Văn An", "Nguyễn Văn An", "Lê Thị An", "Phạm Đức An"]) == [
        "Phạm Đức An",
        "Lê Thị An",
        "Nguyễn Văn An",
        "Trần Văn An",
    ]


def test_a_name_without_a_middle_name_comes_before_one_with_it() -> None:
    assert ordered(["Nguyễn Văn An", "Lê An", "An"]) == ["An", "Lê An", "Nguyễn Văn An"]


def test_the_given_name_is_compared_whole_before_the_other_names() -> None:
    # "An" is a whole word before "Anh"; tones of the given name decide before the family name.
    assert ordered(["Bùi Anh", "Vũ An"]) == ["Vũ An", "Bùi Anh"]
    assert ordered(["Nguyễn Văn Bính", "Trần Văn Bình"]) == ["Trần Văn Bình", "Nguyễn Văn Bính"]
    assert ordered(["Hà Văn Ánh", "Đỗ Văn Anh"]) == ["Đỗ Văn Anh", "Hà Văn Ánh"]


def test_a_middle_name_of_several_words_is_compared_as_one() -> None:
    assert name_parts("Nguyễn Thị Minh Khai") == ("Khai", "Thị Minh", "Nguyễn")
    assert ordered(["Nguyễn Thị Minh Khai", "Nguyễn Thị Khai"]) == [
        "Nguyễn Thị Khai",
        "Nguyễn Thị Minh Khai",
    ]


def test_spelling_variants_of_one_name_sort_as_one() -> None:
    assert person_sort_key("  Nguyễn   Thị Hoà ") == person_sort_key("Nguyễn Thị Hòa")
    decomposed = unicodedata.normalize("NFD", "Đặng Thùy Dương")
    assert person_sort_key_str(decomposed) == person_sort_key_str("Đặng Thùy Dương")


def test_the_database_key_orders_a_roster_as_the_python_key() -> None:
    roster = [
        "Trần Văn Bình",
        "Nguyễn Thị Đào",
        "Lê Văn Dũng",
        "Nguyễn Văn An",
        "Lê An",
        "Hoàng Thị Ánh",
        "Phạm Văn Anh",
        "Vũ Đức Ân",
        "Đỗ Minh Ăn",
        "Bùi Thị Yến",
        "Ngô Quang Út",
        "Đinh Văn Ưng",
        "Trịnh Thị Hương",
        "Lý Văn Hưng",
    ]
    shuffled = roster[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=person_sort_key_str) == ordered(shuffled)


_SYLLABLES = ["An", "Anh", "Ánh", "Ân", "Bình", "Bính", "Dũng", "Đào", "Đạt", "Hà", "Hạ", "Minh"]
_SYLLABLES += ["Nguyễn", "Trần", "Lê", "Thị", "Văn", "Thu", "Thủy", "Ưng", "Ung", "Yến", "Ý", "Y"]
words = st.sampled_from(_SYLLABLES)
names = st.lists(words, min_size=1, max_size=5).map(" ".join)


@given(names, names)
def test_the_key_orders_by_given_name_first(a: str, b: str) -> None:
    given_a, given_b = name_parts(a)[0], name_parts(b)[0]
    if sort_key(given_a) != sort_key(given_b):
        assert (person_sort_key(a) < person_sort_key(b)) == (sort_key(given_a) < sort_key(given_b))
        assert (person_sort_key_str(a) < person_sort_key_str(b)) == (
            sort_key(given_a) < sort_key(given_b)
        )


@given(names, names)
def test_with_the_same_given_name_the_middle_name_decides_then_the_family_name(
    a: str, b: str
) -> None:
    (given_a, middle_a, family_a), (given_b, middle_b, family_b) = name_parts(a), name_parts(b)
    if given_a == given_b:
        expected = (sort_key(middle_a), sort_key(family_a)) < (
            sort_key(middle_b),
            sort_key(family_b),
        )
        assert (person_sort_key(a) < person_sort_key(b)) == expected


@given(names, names)
def test_the_database_key_agrees_with_the_python_key(a: str, b: str) -> None:
    if person_sort_key(a) < person_sort_key(b):
        assert person_sort_key_str(a) < person_sort_key_str(b)
    assert (person_sort_key(a) == person_sort_key(b)) == (normalize(a) == normalize(b))


@given(st.text(max_size=40), st.text(max_size=40))
def test_the_database_key_never_contradicts_the_python_key_on_any_text(a: str, b: str) -> None:
    # Texts differing only in punctuation may tie in the database key, never cross.
    if person_sort_key(a) < person_sort_key(b):
        assert person_sort_key_str(a) <= person_sort_key_str(b)
