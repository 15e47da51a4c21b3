"""Money and numbers the Vietnamese way."""
from decimal import Decimal

import pytest

from tracker.numbers import billions_to_vnd, format_billions, format_decimal, parse_decimal


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,5", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("1234.5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),  # Vietnamese thousands separator
        ("1.234.567", Decimal("1234567")),
        ("0,25", Decimal("0.25")),
        ("74.5", Decimal("74.5")),
        (" 1 234,5 ", Decimal("1234.5")),
        ("-3,5", Decimal("-3.5")),
        ("12", Decimal("12")),
    ],
)
def test_parse_decimal_reads_vietnamese_and_plain_numbers(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.23,4", "1,5.3", "12.34.5", "1e5", "--1"])
def test_parse_decimal_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_format_decimal_uses_dots_for_thousands_and_comma_for_decimals():
    assert format_decimal(Decimal("1234.5")) == "1.234,5"
    assert format_decimal(Decimal("1234567")) == "1.234.567"
    assert format_decimal(Decimal("74.5000")) == "74,5"
    assert format_decimal(Decimal("0.5"), 2) == "0,50"
    assert format_decimal(-1500) == "-1.500"


def test_billions_are_exact_vnd_both_ways():
    assert billions_to_vnd(Decimal("1234.5")) == 1_234_500_000_000
    assert billions_to_vnd(Decimal("0.000000001")) == 1
    assert format_billions(1_234_500_000_000) == "1.234,5"
    assert format_billions(85_500_000_000) == "85,5"
    with pytest.raises(ValueError):
        billions_to_vnd(Decimal("0.0000000001"))
