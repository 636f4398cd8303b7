"""A stored field value as the user reads it: labels for codes, names for ids, money."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.domain.visits import in_zone
from kamdesk.i18n import _, current_language
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import date_text, date_time_text, money_text, qlocale
from kamdesk.ui.models.stakeholder_table import influence_dots


def value_text(context: AppContext, spec: FieldSpec, value: Any, record: Mapping[str, Any]) -> str:
    """How the page or a message shows ``value`` of field ``spec``.

    ``record`` is the rest of the record (a money field needs its currency).
    """
    match spec.kind:
        case FieldKind.CHOICE:
            assert spec.vocabulary is not None
            return context.label(spec.vocabulary.value, str(value or ""))
        case FieldKind.MONEY:
            return money_text(value, str(record.get("currency") or "CNY"))
        case FieldKind.DATE:
            return date_text(as_date(value))
        case FieldKind.PERCENT:
            return "" if value is None else percent_text(int(value))
        case FieldKind.NUMBER:
            text = number_text(value, spec.scale)
            return f"{text} {spec.unit}" if text and spec.unit else text
        case FieldKind.SCORE:  # influence: ●●●○○, as the stakeholder table shows it
            return influence_dots(value if isinstance(value, int) else None)
        case FieldKind.FLAG:
            return _("Yes") if value else _("No")
        case FieldKind.TEAM_MEMBER:
            return context.member_name(value)
        case FieldKind.TEAM_MEMBERS:
            return ", ".join(context.member_name(m) for m in value or ())
        case FieldKind.ACCOUNT:
            parent = context.reader.account(str(value)) if value else None
            return str(parent["name"]) if parent else ""
        case FieldKind.STAKEHOLDER:
            person = context.reader.stakeholder(str(value)) if value else None
            return person.name if person else ""
        case FieldKind.STAKEHOLDERS:
            people = [context.reader.stakeholder(str(i)) for i in value or ()]
            return ", ".join(p.name for p in people if p is not None)
        case FieldKind.DATETIME:
            return moment_text(value, str(record.get("time_zone") or "UTC"))
        case FieldKind.DEAL | FieldKind.QUESTION:
            return linked_title(context, spec.kind, value)
        case _:
            return "" if value is None else str(value)


def moment_text(value: Any, zone_name: str) -> str:
    """A stored moment at the wall-clock time of ``zone_name``: ``Dec 8, 2026, 9:30 AM``."""
    if not isinstance(value, dt.datetime):
        return ""
    return date_time_text(in_zone(value, zone_name).replace(tzinfo=None))


def linked_title(context: AppContext, kind: FieldKind, value: Any) -> str:
    """The name of the deal, or the text of the bank's question, a record names."""
    from kamdesk.kinds import kind as kind_named

    if not value:
        return ""
    if kind is FieldKind.DEAL:
        row = context.reader.record_of(kind_named("opportunity"), str(value))
        return str(row.values["name"]) if row is not None else ""
    row = context.reader.record_of(kind_named("question"), str(value))
    return question_text(row.values) if row is not None else ""


def question_text(values: Mapping[str, Any]) -> str:
    """A bank question in the language of the screens (the other one when it has none)."""
    english, chinese = str(values.get("text_en") or ""), str(values.get("text_zh") or "")
    if current_language().code.startswith("zh"):
        return chinese or english
    return english or chinese


def number_text(stored: Any, scale: int) -> str:
    """A stored NUMBER as typed and shown in the UI's locale: ``12.5``, ``1,250``, ``8``.

    Exact (through Decimal, never a float), grouped, with the locale's decimal mark and
    no trailing zeros: a quantity of 3 reads "3", not "3.000".
    """
    from kamdesk.domain.fields import from_scaled

    if not isinstance(stored, int) or isinstance(stored, bool):
        return ""
    locale = qlocale()
    shown = format(from_scaled(stored, scale), "f")
    sign = locale.negativeSign() if shown.startswith("-") else ""
    whole, _dot, fraction = shown.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    grouped = locale.toString(int(whole))
    return sign + grouped + (locale.decimalPoint() + fraction if fraction else "")


def parse_number(text: str, scale: int, unit: str = "") -> int | None:
    """The stored NUMBER of what the user typed (``12,5 %`` → 1250 at scale 2), or None.

    Takes the locale's grouping and decimal marks and the field's unit. Raises
    ValueError for text that is no number or has more decimal places than the field keeps.
    """
    from decimal import Decimal, InvalidOperation

    from kamdesk.domain.fields import decimal_places, to_scaled

    cleaned = text.replace("\u00a0", " ").strip()
    if unit:
        cleaned = cleaned.replace(unit, "").strip()
    if not cleaned:
        return None
    locale = qlocale()
    cleaned = cleaned.replace(locale.groupSeparator(), "").replace(" ", "")
    cleaned = cleaned.replace(locale.decimalPoint(), ".").replace(locale.negativeSign(), "-")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite() or decimal_places(value) > scale or abs(value) > 10**15:
        raise ValueError(text)
    return to_scaled(value, scale)


def percent_text(value: int) -> str:
    """``60%``: a whole percentage with the locale's digits and sign."""
    locale = qlocale()
    return f"{locale.toString(value)}{locale.percent()}"


def as_date(value: Any) -> dt.date | None:
    """A stored date as a date: the change log and older reads may carry ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
