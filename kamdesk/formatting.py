"""Dates, numbers and money in the user's locale, for text the core produces (PDFs, CLI).

The UI formats with QLocale instead, so that painting a table never imports Babel; both
read CLDR data, and where the two could differ this module decides for both: the currency
symbol (:func:`currency_symbol`, the same table on screen and on paper) and the date
format (CLDR's medium one, which ``kamdesk.ui.formatting`` spells out for QLocale).
Amounts are kept in minor units (cents, 分) everywhere below the UI, so no float ever
touches money.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Final

from kamdesk.i18n import current_language

if TYPE_CHECKING:
    from decimal import Decimal

#: Currencies offered in forms; a book may hold any ISO 4217 code.
COMMON_CURRENCIES: tuple[str, ...] = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP", "SGD")

#: CLDR's standard symbol of each common currency in each language the app speaks. Not the
#: narrow symbols: "¥" alone is both yuan and yen, so English readers see CN¥ for yuan and
#: Chinese readers JP¥ for yen. Kept here rather than asked of Babel so that the screen,
#: which must not load Babel, and paper agree whatever Babel release is installed.
_CURRENCY_SYMBOLS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "CNY": "CN¥",
        "USD": "$",
        "EUR": "€",
        "HKD": "HK$",
        "JPY": "¥",
        "GBP": "£",
        "SGD": "SGD",
    },
    "zh": {
        "CNY": "¥",
        "USD": "US$",
        "EUR": "€",
        "HKD": "HK$",
        "JPY": "JP¥",
        "GBP": "£",
        "SGD": "SGD",
    },
}

#: Put between a currency symbol ending in a letter and the digits ("SGD 1,234.00"), as
#: CLDR's currency spacing rule says; a symbol such as ¥ or $ stays tight.
_CURRENCY_SPACE: Final = "\u00a0"


def minor_to_major(amount_minor: int, currency: str) -> Decimal:
    """The amount in whole currency units (``12345`` cents → ``123.45``)."""
    from decimal import Decimal

    return Decimal(amount_minor).scaleb(-currency_digits(currency))


def major_to_minor(amount: Decimal, currency: str) -> int:
    """The amount in minor units, rounded half-even to the currency's precision."""
    from decimal import Decimal

    digits = currency_digits(currency)
    return int(amount.scaleb(digits).quantize(Decimal(1)))


def currency_digits(currency: str) -> int:
    """How many decimal places the currency has (JPY 0, CNY 2)."""
    return 0 if currency.upper() in {"JPY", "KRW", "VND", "CLP", "ISK"} else 2


def _locale(locale: str | None) -> str:
    return locale or current_language().locale


def currency_symbol(currency: str, locale: str | None = None) -> str:
    """The symbol of ``currency`` for readers in ``locale``: ``CN¥`` in English, ``¥`` in Chinese.

    Currencies and languages outside the table show their ISO code, which every reader
    understands.
    """
    code = currency.upper()
    return _CURRENCY_SYMBOLS.get(_language(_locale(locale)), {}).get(code, code)


def _language(locale: str) -> str:
    """``zh`` for ``zh_Hans_CN``: the key of the symbol table."""
    return locale.replace("-", "_").split("_")[0].lower()


def spaced_symbol(symbol: str, *, before_number: bool) -> str:
    """``symbol`` with the no-break space CLDR puts between a letter and the digits.

    ``SGD`` becomes ``"SGD\u00a0"`` before a number (``"\u00a0SGD"`` after one); symbols
    that end (or start) with a currency sign, such as ``CN¥`` or ``€``, are unchanged.
    """
    if not symbol:
        return symbol
    edge = symbol[-1] if before_number else symbol[0]
    if unicodedata.category(edge).startswith("S"):
        return symbol
    return symbol + _CURRENCY_SPACE if before_number else _CURRENCY_SPACE + symbol


def format_money(amount_minor: int | None, currency: str, locale: str | None = None) -> str:
    """``¥1,234,567.00`` / ``CN¥1,234,567.00``: the amount as a reader in ``locale`` expects.

    The locale's currency pattern and digits (from Babel) with the symbol of
    :func:`currency_symbol` and the currency's own number of decimals, so that the PDF
    shows what the app shows for the same amount.
    """
    if amount_minor is None:
        return ""
    import re

    from babel import Locale
    from babel.numbers import format_decimal

    locale = _locale(locale)
    pattern: str = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    digits = currency_digits(currency)
    pattern = re.sub(r"\.0+", "." + "0" * digits if digits else "", pattern, count=1)
    if _language(locale) in _CURRENCY_SYMBOLS:
        symbol = currency_symbol(currency, locale)
    else:  # a locale the app has no table for (only ever asked for explicitly)
        from babel.numbers import get_currency_symbol

        symbol = str(get_currency_symbol(currency.upper(), locale))
    sign_at = pattern.index("\u00a4")
    if pattern[sign_at + 1 : sign_at + 2] in {"#", "0"}:
        symbol = spaced_symbol(symbol, before_number=True)
    elif pattern[sign_at - 1 : sign_at] in {"#", "0"}:
        symbol = spaced_symbol(symbol, before_number=False)
    # Quoted, the symbol is literal text in the pattern ('' is how a quote is written).
    pattern = pattern.replace("\u00a4", "'" + symbol.replace("'", "''") + "'")
    return str(format_decimal(minor_to_major(amount_minor, currency), pattern, locale=locale))


def format_date(value: dt.date | None, locale: str | None = None) -> str:
    """A medium date such as ``Nov 23, 2026`` or ``2026年11月23日``."""
    if value is None:
        return ""
    from babel.dates import format_date as babel_format_date

    return str(babel_format_date(value, format="medium", locale=_locale(locale)))
