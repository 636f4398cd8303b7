"""Money and dates as the PDFs and the command line print them (Babel, no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest

from kamdesk.formatting import (
    COMMON_CURRENCIES,
    currency_symbol,
    format_date,
    format_money,
    spaced_symbol,
)

ENGLISH = "en_US"
CHINESE = "zh_Hans_CN"


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        (CHINESE, "CNY", "¥1,234,567.89"),
        (ENGLISH, "CNY", "CN¥1,234,567.89"),
        (CHINESE, "JPY", "JP¥123,456,789"),
        (ENGLISH, "JPY", "¥123,456,789"),
        (CHINESE, "USD", "US$1,234,567.89"),
        (ENGLISH, "USD", "$1,234,567.89"),
        (ENGLISH, "HKD", "HK$1,234,567.89"),
        (ENGLISH, "SGD", "SGD\u00a01,234,567.89"),
        (ENGLISH, "CHF", "CHF\u00a01,234,567.89"),
    ],
)
def test_money_shows_the_symbol_a_reader_of_the_locale_expects(
    locale: str, currency: str, expected: str
) -> None:
    amount = 123_456_789  # minor units: 1,234,567.89, or ¥123,456,789 for yen

    assert format_money(amount, currency, locale) == expected


def test_yuan_and_yen_never_look_alike() -> None:
    for locale in (ENGLISH, CHINESE):
        assert format_money(100, "CNY", locale) != format_money(100, "JPY", locale)


def test_money_keeps_the_currency_s_decimals_and_sign() -> None:
    assert format_money(0, "CNY", ENGLISH) == "CN¥0.00"
    assert format_money(-150, "CNY", CHINESE) == "-¥1.50"
    assert format_money(None, "CNY", CHINESE) == ""


def test_every_common_currency_has_a_symbol_in_each_language() -> None:
    for locale in (ENGLISH, CHINESE):
        symbols = [currency_symbol(code, locale) for code in COMMON_CURRENCIES]
        assert all(symbols)
        # A symbol says which currency it is: no two currencies share one.
        assert len(set(symbols)) == len(symbols), symbols


def test_an_unknown_currency_shows_its_code() -> None:
    assert currency_symbol("xyz", ENGLISH) == "XYZ"
    assert format_money(1234, "XYZ", CHINESE) == "XYZ\u00a012.34"


def test_a_symbol_ending_in_a_letter_gets_a_no_break_space_before_the_digits() -> None:
    assert spaced_symbol("SGD", before_number=True) == "SGD\u00a0"
    assert spaced_symbol("SGD", before_number=False) == "\u00a0SGD"
    assert spaced_symbol("CN¥", before_number=True) == "CN¥"
    assert spaced_symbol("€", before_number=False) == "€"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [(ENGLISH, "Dec 1, 2026"), (CHINESE, "2026年12月1日")],
)
def test_dates_are_in_the_locale_s_medium_format(locale: str, expected: str) -> None:
    assert format_date(dt.date(2026, 12, 1), locale) == expected
    assert "12/1/26" not in format_date(dt.date(2026, 12, 1), locale)
