"""A value as people write it (issue 19): "hơn 98", "92%", "≥ 95", "gần 3.100 thẻ" — scored on the
number, the qualifier kept; the plain number reader is the one every form, the API and Excel use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.engine.numbers import (
    QUALIFIERS,
    NumberError,
    Qualified,
    fmt_number,
    read_number,
    read_qualified,
)

NUMBERS = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3, allow_nan=False
)
UNITS = st.sampled_from(["", "%", "vụ", "thẻ", "tin, bài", "tỷ đồng", "đối tượng"])


@given(NUMBERS, st.sampled_from([None, *QUALIFIERS]), UNITS)
def test_any_vietnamese_written_value_reads_back_to_its_number_qualifier_and_unit(
    number, qualifier, unit
):
    written = Qualified(number, qualifier, unit).text()
    read = read_qualified(written)
    assert (read.number, read.qualifier, read.unit) == (number, qualifier, unit)
    assert read.text() == written


@given(NUMBERS)
def test_a_plain_number_in_vietnamese_notation_reads_as_itself(number):
    assert read_number(fmt_number(number)) == number
    assert read_qualified(fmt_number(number)) == Qualified(number)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hơn 98", Qualified(Decimal(98), "hơn")),
        ("Hơn 99.000", Qualified(Decimal(99000), "hơn")),
        ("92%", Qualified(Decimal(92), None, "%")),
        ("92 %", Qualified(Decimal(92), None, "%")),
        ("≥ 95", Qualified(Decimal(95), "≥")),
        (">= 95%", Qualified(Decimal(95), "≥", "%")),
        ("gần 3.100 thẻ", Qualified(Decimal(3100), "gần", "thẻ")),
        ("đạt 86,2%", Qualified(Decimal("86.2"), None, "%")),  # "đạt" says nothing more
        ("trên 1.252 vụ", Qualified(Decimal(1252), "trên", "vụ")),
        ("-5,2%", Qualified(Decimal("-5.2"), None, "%")),
    ],
)
def test_the_ways_reports_and_officers_write_a_value(text, expected):
    assert read_qualified(text) == expected


@pytest.mark.parametrize(
    "text", ["", "hơn", "abc", "92%%", "1e5", "1.252 vụ/ 2.254", "cao hơn chỉ tiêu 16%", "NaN"]
)
def test_what_is_not_one_value_is_refused_in_vietnamese(text):
    with pytest.raises(NumberError, match="không phải là số"):
        read_qualified(text)
