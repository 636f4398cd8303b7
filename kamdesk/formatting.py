"""Dates, numbers and money in the user's locale, for text the core produces (PDFs, CLI).

The UI formats with QLocale instead, so that painting a table never imports Babel; both
read the same CLDR data, so a figure reads the same on screen and on paper.
Amounts are kept in minor units (cents, 分) everywhere below the UI, so no float ever
touches money.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kamdesk.i18n import current_language

if TYPE_CHECKING:
    from decimal import Decimal

#: Currencies offered in forms; a book may hold any ISO 4217 code.
COMMON_CURRENCIES: tuple[str, ...] = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP", "SGD")


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


def format_money(amount_minor: int | None, currency: str, locale: str | None = None) -> str:
    """``¥1,234,567.00`` / ``CN¥1,234,567.00``: the amount as a reader in ``locale`` expects."""
    if amount_minor is None:
        return ""
    from babel.numbers import format_currency

    return str(
        format_currency(minor_to_major(amount_minor, currency), currency, locale=_locale(locale))
    )


def format_date(value: dt.date | None, locale: str | None = None) -> str:
    """A medium date such as ``Nov 23, 2026`` or ``2026年11月23日``."""
    if value is None:
        return ""
    from babel.dates import format_date as babel_format_date

    return str(babel_format_date(value, format="medium", locale=_locale(locale)))
