"""The Vietnamese number reader: numbers as reports write them, and round trips."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from thidua.engine.extract.numbers import format_number, parse_number, parse_words


def test_dots_group_thousands_and_the_comma_marks_decimals():
    assert parse_number("3.264") == Decimal(3264)
    assert parse_number("3.100") == Decimal(3100)
    assert parse_number("3000") == Decimal(3000)
    assert parse_number("86,2") == Decimal("86.2")
    assert parse_number("07") == Decimal(7)
    assert parse_number("1.234.567,5") == Decimal("1234567.5")


def test_written_out_numbers_before_a_unit():
    assert parse_words(["hai", "vụ"]) == (Decimal(2), 1)
    assert parse_words(["mười", "đối", "tượng"]) == (Decimal(10), 1)
    assert parse_words(["ba", "mươi", "lăm"]) == (Decimal(35), 3)
    assert parse_words(["ba", "trăm", "linh", "năm"]) == (Decimal(305), 4)
    assert parse_words(["lăm"]) is None


amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)


@given(amounts)
def test_any_vietnamese_formatted_number_round_trips(value: Decimal):
    assert parse_number(format_number(value)) == value


@given(amounts)
def test_any_ungrouped_number_round_trips(value: Decimal):
    assert parse_number(format_number(value, group=False)) == value


@given(st.integers(min_value=1, max_value=999))
def test_any_written_out_number_below_a_thousand_round_trips(n: int):
    digits = ["", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
    hundreds, tens, ones = divmod(n, 100)[0], divmod(n % 100, 10)[0], n % 10
    words = []
    if hundreds:
        words += [digits[hundreds], "trăm"]
    if tens == 1:
        words.append("mười")
    elif tens:
        words += [digits[tens], "mươi"]
    elif hundreds and ones:
        words.append("linh")
    if ones:
        if ones == 5 and tens:
            words.append("lăm")
        elif ones == 1 and tens > 1:
            words.append("mốt")
        else:
            words.append(digits[ones])
    assert parse_words([*words, "vụ"]) == (Decimal(n), len(words))


@given(
    amounts,
    st.sampled_from(["vụ", "đối tượng", "%", "tỷ đồng", "tin, bài", "hồ sơ"]),
    st.sampled_from(["", "hơn ", "gần ", "đạt "]),
)
def test_the_finder_reads_any_formatted_number_before_a_unit_in_a_sentence(value, unit, word):
    from thidua.engine.extract import find_figures

    written = format_number(value) + ("" if unit == "%" else " ") + unit
    text = f"Năm 2025, Công an tỉnh đã điều tra {word}{written} trên địa bàn."
    (figure,) = find_figures(text)
    assert (figure.value, figure.unit) == (value, unit)
    assert text[figure.start : figure.end] == written
    assert figure.qualifier == (word.strip() or None)
