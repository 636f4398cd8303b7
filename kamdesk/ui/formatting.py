"""Money, numbers and dates on screen, with QLocale (already loaded, so no Babel at startup).

They read as the PDFs print them (``kamdesk.formatting``, with Babel): the currency symbol
comes from the same table, and dates use CLDR's medium format, which QLocale does not
offer by name and is spelt out here for each language the app speaks.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Final

from PySide6.QtCore import QDate, QLocale, QTime

from kamdesk.formatting import COMMON_CURRENCIES, currency_digits, currency_symbol, spaced_symbol
from kamdesk.i18n import LANGUAGES, current_language

#: CLDR's medium date format ("Dec 1, 2026", "2026年12月1日") in QLocale's notation, per
#: language code. QLocale's short format is the ambiguous "12/1/26".
_MEDIUM_DATE: Final = {"en": "MMM d, yyyy", "zh_CN": "yyyy年M月d日"}
#: How CLDR joins a date and a time in each language.
_DATE_AND_TIME: Final = {"en": "{date}, {time}", "zh_CN": "{date} {time}"}
#: Symbols a pasted or typed amount may start with, longest first so "HK$" goes before "$".
_TYPED_SYMBOLS: Final = sorted(
    {currency_symbol(code, language.locale) for code in COMMON_CURRENCIES for language in LANGUAGES}
    | {"¥", "$", "€", "£", "S$"},
    key=len,
    reverse=True,
)


def qlocale() -> QLocale:
    """The QLocale of the current language."""
    return _qlocale(current_language().locale)


@cache
def _qlocale(locale: str) -> QLocale:
    return QLocale(locale.replace("_Hans", ""))


def _major(amount_minor: int, currency: str) -> float:
    # A float is exact enough to *show* any amount below 2**53 minor units; stored
    # amounts stay integers and parsing goes through Decimal.
    return amount_minor / 10.0 ** currency_digits(currency)


def money_text(amount_minor: int | None, currency: str) -> str:
    """``CN¥1,234,567.00`` / ``¥1,234,567.00``: the amount as the PDF in this language shows it."""
    if amount_minor is None:
        return ""
    locale = qlocale()
    symbol = currency_symbol(currency, current_language().locale)
    symbol = spaced_symbol(symbol, before_number=_symbol_before_number(locale.name()))
    # The sign by hand: QLocale writes some negative amounts in accounting brackets.
    sign = locale.negativeSign() if amount_minor < 0 else ""
    return sign + locale.toCurrencyString(
        _major(abs(amount_minor), currency), symbol, currency_digits(currency)
    )


@cache
def _symbol_before_number(locale_name: str) -> bool:
    """Whether the locale writes the currency symbol before the amount."""
    return QLocale(locale_name).toCurrencyString(1.0, "\u00a4", 0).startswith("\u00a4")


def date_text(value: dt.date | None) -> str:
    """``Dec 1, 2026`` / ``2026年12月1日``: CLDR's medium date, as the PDFs print dates."""
    if value is None:
        return ""
    return qlocale().toString(QDate(value.year, value.month, value.day), _medium_date())


def time_text(value: dt.datetime) -> str:
    """``9:41 AM`` / ``09:41``: the short time (an aware ``value`` in the computer's zone)."""
    if value.tzinfo is not None:
        value = value.astimezone()
    locale = qlocale()
    return locale.toString(
        QTime(value.hour, value.minute, value.second),
        locale.timeFormat(QLocale.FormatType.ShortFormat),
    )


def date_time_text(value: dt.datetime | None) -> str:
    """``Dec 1, 2026, 9:41 AM`` / ``2026年12月1日 09:41``: a medium date and a short time.

    An aware ``value`` is shown in the computer's time zone; a naive one as it is.
    """
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone()
    joined = _DATE_AND_TIME.get(current_language().code, "{date} {time}")
    return joined.format(
        date=qlocale().toString(QDate(value.year, value.month, value.day), _medium_date()),
        time=time_text(value),
    )


def _medium_date() -> str:
    language = current_language()
    return _MEDIUM_DATE.get(language.code) or qlocale().dateFormat(QLocale.FormatType.LongFormat)


def amount_text(amount_minor: int | None, currency: str) -> str:
    """The amount for editing: grouped digits without a symbol (``1,234,567.00``)."""
    if amount_minor is None:
        return ""
    return qlocale().toString(_major(amount_minor, currency), "f", currency_digits(currency))


def parse_amount(text: str, currency: str) -> int | None:
    """Minor units from what the user typed, or None for an empty field.

    Accepts the locale's grouping and decimal marks and a leading currency symbol.
    Raises ValueError when the text is not a number.
    """
    from decimal import Decimal, InvalidOperation

    from kamdesk.formatting import major_to_minor

    cleaned = text.strip()
    for symbol in [*_TYPED_SYMBOLS, currency.upper(), currency]:
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.replace("\u00a0", " ").strip()
    if not cleaned:
        return None
    locale = qlocale()
    cleaned = cleaned.replace(locale.groupSeparator(), "").replace(" ", "")
    cleaned = cleaned.replace(locale.decimalPoint(), ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    try:
        return major_to_minor(value, currency)
    except ArithmeticError as error:  # beyond what Decimal can quantize: not an amount
        raise ValueError(text) from error
