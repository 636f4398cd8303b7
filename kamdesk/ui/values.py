"""A stored field value as the user reads it: labels for codes, names for ids, money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamdesk.domain.fields import FieldKind, FieldSpec
from kamdesk.i18n import _
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import money_text


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
        case _:
            return "" if value is None else str(value)
