"""Money, numbers and dates on screen, with QLocale (already loaded, so no Babel at startup)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QLocale

from kamdesk.formatting import currency_digits
from kamdesk.i18n import current_language

# Qt has no "symbol for this ISO code" lookup; these are CLDR's narrow symbols for the
# currencies offered in forms. Others show their code, which is always understood.
_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "SGD": "S$"}


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
    """``¥1,234,567.00`` in the current language's number format."""
    if amount_minor is None:
        return ""
    symbol = _SYMBOLS.get(currency, currency + " ")
    return qlocale().toCurrencyString(
        _major(amount_minor, currency), symbol, currency_digits(currency)
    )


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
    for symbol in {*_SYMBOLS.values(), currency}:
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
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
