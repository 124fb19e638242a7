"""Vietnamese numbers and Nghị định 30 dates, as the documents print them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from thidua.documents import numbers as vn


def test_dates_take_a_leading_zero_for_days_below_ten_and_for_january_and_february():
    assert vn.date_words(dt.date(2021, 12, 3)) == "ngày 03 tháng 12 năm 2021"
    assert vn.date_words(dt.date(2022, 2, 15)) == "ngày 15 tháng 02 năm 2022"
    assert vn.date_words(dt.date(2021, 7, 5)) == "ngày 05 tháng 7 năm 2021"
    assert vn.place_date("Yên Bái", dt.date(2021, 12, 3)) == "Yên Bái, ngày 03 tháng 12 năm 2021"
    assert vn.short_date(dt.date(2021, 12, 3)) == "03/12/2021"


def test_numbers_use_dot_thousands_and_a_decimal_comma():
    assert vn.number(3264) == "3.264"
    assert vn.number(Decimal("5453700")) == "5.453.700"
    assert vn.percent(Decimal("86.24")) == "86,2%"
    assert vn.percent(Decimal("100")) == "100%"
    assert vn.number(None) == "—"


def test_scores_keep_two_decimals_so_a_column_lines_up():
    assert vn.fixed(Decimal("94.6")) == "94,60"
    assert vn.fixed(Decimal("98.105")) == "98,11"  # half up, for display only
    assert vn.fixed(Decimal("1234567.891")) == "1.234.567,89"
    assert vn.fixed(Decimal("-0.5")) == "-0,50"
    assert vn.fixed(None) == "—"


def test_counts_in_lists_have_two_digits_and_ratios_are_exact():
    assert vn.two_digits(1) == "01"
    assert vn.two_digits(6) == "06"
    assert vn.two_digits(12) == "12"
    assert vn.ratio(7, 8) == Decimal("87.5")
    assert vn.ratio(1, 0) is None
