"""Validation of what a user typed, before anything is written.

Each check returns a message for the field it concerns, so a form can show it next to
that field; nothing is saved unless every field passes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any

from kamdesk.domain.fields import (
    MAX_AMOUNT_MINOR,
    FieldKind,
    FieldSpec,
    decimal_places,
    from_scaled,
    to_scaled,
)
from kamdesk.domain.visits import zone
from kamdesk.domain.vocabulary import FORCE_ROLE, TIERS, VocabularyKind
from kamdesk.i18n import _

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

#: The codes allowed for a vocabulary kind (the UI and ops pass what the book holds).
KnownCodes = Callable[[str], Collection[str]]


def _storable(text: str) -> bool:
    """False for text with a lone surrogate (half an emoji from a broken paste)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def missing_message(spec: FieldSpec) -> str:
    """What a required field left empty says: its own reason, or that it is required."""
    if spec.required_message:
        return _(spec.required_message)
    return _("{field} is required.").format(field=_(spec.label))


def check_field(spec: FieldSpec, value: Any, known_codes: KnownCodes) -> str | None:
    """The message for a bad value of one field, or None when the value is fine."""
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == "" or value == ()
    if empty:
        return missing_message(spec) if spec.required else None
    kind = spec.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.EMAIL):
        if not isinstance(value, str):
            return _("{field} must be text.").format(field=_(spec.label))
        if len(value) > spec.max_length:
            return _("{field} is too long ({length} characters; at most {limit}).").format(
                field=_(spec.label), length=len(value), limit=spec.max_length
            )
        if "\x00" in value or not _storable(value):
            return _("{field} contains a character that cannot be stored.").format(
                field=_(spec.label)
            )
        if kind is FieldKind.EMAIL and not _EMAIL.match(value):
            return _("This is not an email address.")
        return None
    if kind is FieldKind.MONEY:
        if not isinstance(value, int) or isinstance(value, bool):
            return _("Enter an amount.")
        if value < 0:
            return _("{field} cannot be negative.").format(field=_(spec.label))
        if value > MAX_AMOUNT_MINOR:
            return _("{field} is too large.").format(field=_(spec.label))
        return None
    if kind is FieldKind.NUMBER:
        return _number_message(spec, value)
    if kind is FieldKind.PERCENT:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            return _("{field} must be a whole number from 0 to 100.").format(field=_(spec.label))
        return None
    if kind is FieldKind.DATE:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            return _("Enter a date such as 2026-12-31.")
        return None
    if kind is FieldKind.DATETIME:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            return _("Enter a date and time such as 2026-12-31 09:30.")
        return None
    if kind is FieldKind.TIME_ZONE:
        if not isinstance(value, str) or zone(value) is None:
            return _("Choose a time zone such as Asia/Shanghai.")
        return None
    if kind is FieldKind.SCORE:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            return _("{field} must be between 1 and 5.").format(field=_(spec.label))
        return None
    if kind is FieldKind.TIER:
        return None if value in TIERS else _("Tier must be A, B or C.")
    if kind is FieldKind.CURRENCY:
        if not isinstance(value, str) or not _CURRENCY.match(value):
            return _("Use a three-letter currency code such as CNY or USD.")
        return None
    if kind is FieldKind.CHOICE:
        assert spec.vocabulary is not None
        if value not in known_codes(spec.vocabulary.value):
            return _("Choose a value from the list.")
        return None
    if kind is FieldKind.FLAG:
        return None if isinstance(value, bool) else _("Tick or untick.")
    return None


def _bound_text(bound: Decimal, unit: str) -> str:
    """``100 %``, ``−100 %``, ``1``: a bound as a message names it (a true minus sign)."""
    text = format(bound.normalize(), "f").replace("-", "\u2212")
    return f"{text} {unit}" if unit else text


def _number_message(spec: FieldSpec, value: Any) -> str | None:
    """The message for a NUMBER out of its bounds (a discount above 100 %), or None."""
    label = _(spec.label)
    if (
        isinstance(value, Decimal) and value.is_finite()
    ):  # more places than the field keeps (see clean_value)
        return _("{field} takes at most {places} decimal places.").format(
            field=label, places=spec.scale
        )
    if not isinstance(value, int) or isinstance(value, bool):
        return _("Enter a number.")
    if abs(value) > MAX_AMOUNT_MINOR:
        return _("{field} is too large.").format(field=label)
    shown = from_scaled(value, spec.scale)
    low, high = spec.minimum, spec.maximum
    if low is not None and (shown < low or (spec.minimum_excluded and shown == low)):
        bound = _bound_text(low, spec.unit)
        if spec.minimum_excluded:
            return _("{field} must be above {minimum}.").format(field=label, minimum=bound)
        if low == 0:
            return _("{field} cannot be negative.").format(field=label)
        return _("{field} cannot be below {minimum}.").format(field=label, minimum=bound)
    if high is not None and shown > high:
        return _("{field} cannot be above {maximum}.").format(
            field=label, maximum=_bound_text(high, spec.unit)
        )
    return None


def check_values(
    specs: Mapping[str, FieldSpec], values: Mapping[str, Any], known_codes: KnownCodes
) -> dict[str, str]:
    """Messages by field for every bad value in ``values``."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        message = check_field(specs[name], value, known_codes)
        if message:
            errors[name] = message
    return errors


def clean_value(spec: FieldSpec, value: Any) -> Any:
    """The value as it is stored: text trimmed, empty choices as empty text."""
    if isinstance(value, str):
        value = value.strip()
        if spec.kind in _REFERENCE_KINDS:
            return value or None
    if value is None and spec.kind in (
        FieldKind.TEXT,
        FieldKind.LONG_TEXT,
        FieldKind.EMAIL,
        FieldKind.CHOICE,
        FieldKind.TIER,
        FieldKind.TIME_ZONE,
    ):
        return ""
    if spec.kind in (FieldKind.TEAM_MEMBERS, FieldKind.STAKEHOLDERS):
        return tuple(sorted(set(value or ())))
    if spec.kind is FieldKind.DATETIME:
        return _clean_moment(value)
    if spec.kind is FieldKind.DATE and isinstance(value, str):
        try:  # the change log and the reader carry dates as ISO text
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            return value  # refused by check_field with a message
    if value == "" and spec.kind in (FieldKind.DATE, FieldKind.PERCENT, FieldKind.NUMBER):
        return None
    if spec.kind is FieldKind.NUMBER and isinstance(value, Decimal) and value.is_finite():
        # A number in the unit shown (12.5 for 12.5 %), as the actions may pass it: kept
        # as it is if it has more places than are stored, for check_field to refuse.
        return to_scaled(value, spec.scale) if decimal_places(value) <= spec.scale else value
    return value


#: Kinds that name one other record by its id: empty is None.
_REFERENCE_KINDS = frozenset(
    {
        FieldKind.ACCOUNT,
        FieldKind.STAKEHOLDER,
        FieldKind.TEAM_MEMBER,
        FieldKind.DEAL,
        FieldKind.QUESTION,
    }
)


def _clean_moment(value: Any) -> Any:
    """A moment as stored: aware, in UTC (ISO text, as the change log carries it, read).

    A naive datetime names no moment: it is kept as it is and refused by check_field.
    """
    if isinstance(value, str):
        if not value:
            return None
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value  # refused by check_field with a message
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def creates_cycle(
    record_id: str, new_parent_id: str | None, parent_of: Mapping[str, str | None]
) -> bool:
    """True if making ``new_parent_id`` the parent of ``record_id`` closes a loop.

    ``parent_of`` maps each record to its current parent. Used for account groups (a
    branch cannot be its group's parent) and for stakeholders' reporting lines.
    """
    seen: set[str] = set()
    current = new_parent_id
    while current is not None:
        if current == record_id or current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def parent_choice(kind: VocabularyKind | None, code: str) -> str | None:
    """The choice ``code`` belongs to in the field that narrows it, if the rules know one.

    A force's prefix names its buying role (E-DB and E-PB are forces of the economic
    buyer); a deal stage's prefix names its stage model ("compass.intent" is a stage of
    the sales compass). Codes a team added itself have no known parent and fit any choice.
    """
    if kind is VocabularyKind.FORCE and code:
        role = FORCE_ROLE.get(code.split("-", 1)[0])
        return str(role) if role is not None else None
    if kind is VocabularyKind.DEAL_STAGE and "." in code:
        return code.split(".", 1)[0]
    return None


def choice_fits(kind: VocabularyKind | None, code: str, parent_code: str) -> bool:
    """True unless both are chosen and ``code`` belongs to another parent choice."""
    if not code or not parent_code:
        return True
    parent = parent_choice(kind, code)
    return parent is None or parent == parent_code


def check_narrowed_choices(
    specs: Mapping[str, FieldSpec], values: Mapping[str, Any], stored: Mapping[str, Any]
) -> dict[str, str]:
    """Messages for choices that do not belong to the choice narrowing them.

    Only pairs the user is changing are judged (``values``; the other half is taken from
    ``stored``): an inconsistent pair read from an older book stays as it is, shown,
    until the user touches it.
    """
    errors: dict[str, str] = {}
    for name, spec in specs.items():
        parent = spec.narrowed_by
        if parent is None or (name not in values and parent not in values):
            continue
        code = str(values.get(name, stored.get(name)) or "")
        parent_code = str(values.get(parent, stored.get(parent)) or "")
        if not choice_fits(spec.vocabulary, code, parent_code):
            errors[name] = does_not_belong(spec, specs[parent])
    return errors


def does_not_belong(spec: FieldSpec, parent: FieldSpec) -> str:
    """The message for a choice that clashes with the choice narrowing it."""
    return _("This {field} does not belong to the chosen {other}.").format(
        field=_(spec.label).lower(), other=_(parent.label).lower()
    )
