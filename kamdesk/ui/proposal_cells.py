"""What a proposal builder's cell or field shows, what the rep may type there, and what it means.

One place turns a stored value of a proposal's field (minor units, a scaled number, a code)
into the text a cell shows and the text an editor starts with, and turns what the rep
typed back into the value the book takes, checked by the same rules the ops apply
(``kamdesk.domain.rules``). The same value gives the figures engine its input, so the
figures follow each keystroke without the book: a typed value is put into the in-memory
``ProposalDocument`` (``document_with``) and the engine runs on that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kamdesk.domain.fields import FieldKind, FieldSpec, from_scaled
from kamdesk.domain.proposals import (
    Benefit,
    BenefitKind,
    Billing,
    Economics,
    ItemKind,
    LineItem,
    Option,
    ProposalDocument,
)
from kamdesk.domain.rules import check_field, clean_value
from kamdesk.formatting import currency_digits, minor_to_major
from kamdesk.i18n import _
from kamdesk.kinds import Kind
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_text, money_text, parse_amount, qlocale
from kamdesk.ui.values import number_text


class CellError(ValueError):
    """What the rep typed is not a value of the field; ``message`` says why, readably."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_choice(spec: FieldSpec) -> bool:
    """Whether the field is picked from a list (billing, kind of benefit, language)."""
    return spec.kind is FieldKind.CHOICE and spec.vocabulary is not None


def choices(context: AppContext, spec: FieldSpec) -> list[tuple[str, str]]:
    """(code, label in the UI's language) of a choice field, in the list's order."""
    from kamdesk.i18n import current_language

    assert spec.vocabulary is not None
    language = current_language().code
    return [(t.code, t.label(language)) for t in context.vocabulary(spec.vocabulary.value)]


def number_from_stored(spec: FieldSpec, value: Any) -> Decimal | None:
    """A NUMBER's stored value in the unit shown (8.00 for a rate of 8 %)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    return from_scaled(int(value), spec.scale)


def _decimal_text(value: Decimal, places: int | None = None) -> str:
    """A decimal in the UI's locale, with no more decimals than it needs (1,234.5)."""
    normal = value.normalize() if places is None else value.quantize(Decimal(1).scaleb(-places))
    exponent = normal.as_tuple().exponent
    digits = max(0, -exponent) if isinstance(exponent, int) else 0
    return str(qlocale().toString(float(normal), "f", digits))


def _number_text(spec: FieldSpec, value: Any) -> str:
    """A NUMBER in the UI's locale: exactly as the forms show it, when it is stored."""
    if isinstance(value, int) and not isinstance(value, bool):
        return number_text(value, spec.scale)
    number = number_from_stored(spec, value)
    return "" if number is None else _decimal_text(number)


def _parse_decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace("%", "").replace("\u00a0", " ").strip()
    if not cleaned:
        return None
    locale = qlocale()
    cleaned = cleaned.replace(locale.groupSeparator(), "").replace(" ", "")
    cleaned = cleaned.replace(locale.decimalPoint(), ".").replace("\u2212", "-")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise CellError(_("“{text}” is not a number.").format(text=text.strip())) from error
    if not value.is_finite():
        raise CellError(_("“{text}” is not a number.").format(text=text.strip()))
    return value


def display_text(context: AppContext, spec: FieldSpec, value: Any, currency: str) -> str:
    """How a cell shows a stored value: money with its symbol, a rate with %, a label."""
    if value is None or value == "":
        return ""
    if is_choice(spec):
        assert spec.vocabulary is not None
        return context.label(spec.vocabulary.value, str(value))
    if spec.kind is FieldKind.MONEY:
        return money_text(int(value), currency)
    if spec.kind is FieldKind.NUMBER:
        return _number_text(spec, value) + (" %" if spec.unit == "%" else "")
    if spec.kind is FieldKind.DATE and isinstance(value, dt.date):
        return date_text(value)
    if spec.kind is FieldKind.FLAG:
        return _("Yes") if value else _("No")
    return str(value)


def edit_text(spec: FieldSpec, value: Any, currency: str) -> str:
    """What an editor starts with: the value without symbol or unit, in the UI's locale."""
    if value is None or value == "":
        return ""
    if spec.kind is FieldKind.MONEY:
        return _decimal_text(minor_to_major(int(value), currency), currency_digits(currency))
    if spec.kind is FieldKind.NUMBER:
        return _number_text(spec, value)
    if spec.kind is FieldKind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_text(spec: FieldSpec, text: str, currency: str) -> Any:
    """The value the book stores for what the rep typed; ``CellError`` when it is none.

    Range rules (a discount above 100 %) are not this function's to say: the value is
    returned and ``refusal`` gives the message the ops would give.
    """
    stripped = text.strip()
    if spec.kind is FieldKind.MONEY:
        try:
            return parse_amount(stripped, currency)
        except ValueError as error:
            raise CellError(_("“{text}” is not an amount.").format(text=stripped)) from error
    if spec.kind is FieldKind.NUMBER:
        return clean_value(spec, _parse_decimal(stripped))
    if spec.kind is FieldKind.DATE:
        from kamdesk.ui.forms import parse_date

        if not stripped:
            return None
        found = parse_date(stripped)
        if found is None:
            raise CellError(_("“{text}” is not a date.").format(text=stripped))
        return found
    return clean_value(spec, stripped)


def refusal(
    context: AppContext, kind: Kind, spec: FieldSpec, stored: Mapping[str, Any], value: Any
) -> str | None:
    """What the ops would say to ``value`` in ``spec``'s field, or None: no book needed.

    The field's own check first (a discount above 100 %), then the kind's rules on the
    record with the value in it (quantity × price too large for the money column).
    """

    def known(vocabulary: str) -> list[str]:
        return [t.code for t in context.vocabulary(vocabulary)]

    message = check_field(spec, value, known)
    if message:
        return message
    values = {**stored, spec.name: value}
    for rule in kind.checks:
        found = rule(values)
        if found:
            return found.get(spec.name) or next(iter(found.values()))
    return None


# The figures' view of a typed value -------------------------------------------------

#: Where a field of each kind lands in the document the engine reads: attribute names of
#: ``Economics`` (the proposal), ``Option``, ``LineItem`` and ``Benefit``.
_ATTRIBUTES: dict[str, dict[str, str]] = {
    "proposal": {
        "horizon_years": "horizon_years",
        "discount_rate": "discount_rate",
        "status_quo_cost_minor": "status_quo_cost_per_year",
        "competitor_name": "competitor_name",
        "competitor_one_off_minor": "competitor_one_off",
        "competitor_per_year_minor": "competitor_per_year",
    },
    "proposal_option": {"name": "name", "summary": "summary", "recommended": "recommended"},
    "proposal_line": {
        "product": "product",
        "quantity": "quantity",
        "unit_price_minor": "unit_price",
        "discount": "discount",
        "billing": "billing",
        "item_kind": "item_kind",
        "year": "year",
    },
    "proposal_benefit": {
        "kind": "kind",
        "description": "description",
        "amount_per_year_minor": "amount_per_year",
        "hours_per_year": "hours_per_year",
        "hourly_rate_minor": "hourly_rate",
        "assumption": "assumption",
        "starts_year": "starts_year",
    },
}
_ENUMS: dict[str, type[Billing] | type[ItemKind] | type[BenefitKind]] = {
    "billing": Billing,
    "item_kind": ItemKind,
    "kind": BenefitKind,
}
#: Attributes the engine cannot read as None: an empty cell counts as nothing.
_ZERO_WHEN_EMPTY = frozenset({"quantity", "unit_price", "discount", "amount_per_year"})


def affects_figures(kind_name: str, field_name: str) -> bool:
    """Whether a field changes the figures (so typing in it recomputes them)."""
    return field_name in _ATTRIBUTES.get(kind_name, {})


#: Attributes the document holds as whole numbers (a horizon, a first year).
_WHOLE = frozenset({"horizon_years", "starts_year", "year"})


def domain_value(spec: FieldSpec, stored: Any, currency: str) -> Any:
    """A stored value as the document holds it: major units, percents, enums."""
    if spec.name in _ENUMS and stored:
        return _ENUMS[spec.name](stored)
    if spec.kind is FieldKind.MONEY:
        return None if stored is None else minor_to_major(int(stored), currency)
    if spec.kind is FieldKind.NUMBER:
        number = number_from_stored(spec, stored)
        if spec.name in _WHOLE:
            return None if number is None else int(number)
        return number
    return stored


def document_with(
    document: ProposalDocument,
    kind_name: str,
    record_id: str,
    spec: FieldSpec,
    stored: Any,
) -> ProposalDocument:
    """``document`` as it would be with ``spec``'s field of ``record_id`` set to ``stored``.

    Only the fields that move the figures are carried over; any other returns the
    document as it is.
    """
    attribute = _ATTRIBUTES.get(kind_name, {}).get(spec.name)
    if attribute is None:
        return document
    value = domain_value(spec, stored, document.currency)
    if value is None and attribute in _ZERO_WHEN_EMPTY:
        value = Decimal(0)
    if kind_name == "proposal":
        if attribute == "horizon_years" and value is None:
            value = 0
        if attribute == "discount_rate" and value is None:
            value = Decimal(0)
        if attribute == "competitor_name":
            value = value or ""
        economics: Economics = dataclasses.replace(document.economics, **{attribute: value})
        return dataclasses.replace(document, economics=economics)
    options = tuple(
        _option_with(o, kind_name, record_id, attribute, value) for o in document.options
    )
    return dataclasses.replace(document, options=options)


def _option_with(
    option: Option, kind_name: str, record_id: str, attribute: str, value: Any
) -> Option:
    if kind_name == "proposal_option":
        if option.id != record_id:
            return option
        changed: dict[str, Any] = {attribute: value if value is not None else ""}
        return dataclasses.replace(option, **changed)
    if kind_name == "proposal_line":
        lines: tuple[LineItem, ...] = tuple(
            dataclasses.replace(line, **{attribute: value}) if line.id == record_id else line
            for line in option.lines
        )
        return dataclasses.replace(option, lines=lines)
    benefits: tuple[Benefit, ...] = tuple(
        dataclasses.replace(benefit, **{attribute: value}) if benefit.id == record_id else benefit
        for benefit in option.benefits
    )
    return dataclasses.replace(option, benefits=benefits)
