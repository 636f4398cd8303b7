"""Which account each synced row hangs off, read from the kinds' declarations.

An account belongs to a team, and everything hanging off it (its people, deals, visits,
proposals, plans, and what hangs off those) follows it. Nothing here names a kind: a
row's way to its account is its kind's declared parent (``Kind.parent``) or, for tables
without a declaration, the foreign keys of its table that lead to an account. Tables
that lead to no account (team members, the vocabulary, the question bank, milestone
templates, conflict dismissals) are team-wide: each team keeps its own, shared by its
members and seen by no other team.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

ACCOUNT = "account"


class OwnerLink(NamedTuple):
    """A column whose value is the id of the row this one hangs off, in ``table``."""

    column: str
    table: str


@functools.cache
def owner_links() -> dict[str, tuple[OwnerLink, ...]]:
    """For each table that hangs off an account: its links toward it, best first.

    The declared parent comes first, then the table's other foreign keys that lead to an
    account, non-nullable ones before nullable ones. An account's own parent (its group)
    is not followed: a branch is an account of its own.
    """
    from kamdesk.kinds import KINDS
    from kamdesk.models import SYNCED_TABLES

    declared = {k.name: k.parent for k in KINDS if k.parent is not None}
    references: dict[str, list[tuple[bool, OwnerLink]]] = {}
    for name, model in SYNCED_TABLES.items():
        for column in model.__table__.columns:  # type: ignore[attr-defined]
            for key in column.foreign_keys:
                target = key.column.table.name
                if target != name:
                    references.setdefault(name, []).append(
                        (bool(column.nullable), OwnerLink(column.name, target))
                    )
    reaching = {ACCOUNT}
    changed = True
    while changed:
        changed = False
        for name, links in references.items():
            if name not in reaching and any(link.table in reaching for _, link in links):
                reaching.add(name)
                changed = True
    found: dict[str, tuple[OwnerLink, ...]] = {}
    for name in sorted(reaching - {ACCOUNT}):
        ordered: list[OwnerLink] = []
        parent = declared.get(name)
        if parent is not None:
            ordered.append(OwnerLink(parent.column, parent.kind))
        for _nullable, link in sorted(references.get(name, []), key=lambda pair: pair[0]):
            if link.table in reaching and link not in ordered:
                ordered.append(link)
        found[name] = tuple(ordered)
    return found


def hangs_off_an_account(table: str) -> bool:
    """Whether rows of ``table`` belong to an account (else they are team-wide)."""
    return table == ACCOUNT or table in owner_links()
