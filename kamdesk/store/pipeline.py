"""The pipeline's read: every live deal of a live account, on plain sqlite3.

The pipeline window opens on a book of 10,000 accounts and some 30,000 deals, so this
reads them as ``reader.py`` reads accounts: the standard library's sqlite3, no ORM
objects. The stage models and their stage order come from the deal's declaration
(``kamdesk.kinds.opportunity``), the one place they are written down.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection

from kamdesk.domain.pipeline import Deal
from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.kinds.opportunity import OPPORTUNITY, STAGE_PROBABILITY

# The deals are read in one pass over their table, and joined here with the names of the
# live accounts and team members and the accounts' sort keys (each one more pass over a
# small table or a covering index). SQLite joining them itself walks the deals account by
# account, a random read per deal: three times slower on a book of 30,000 deals.
_DEALS_SQL = """
SELECT id, name, account_id, owner_id, stage_model, stage, status, amount_minor, currency,
       probability, expected_close
FROM opportunity WHERE deleted_at IS NULL{statuses}
"""
_ACCOUNT_NAMES_SQL = "SELECT id, name FROM account WHERE deleted_at IS NULL"
_MEMBER_NAMES_SQL = "SELECT id, name FROM team_member WHERE deleted_at IS NULL"
_SORT_KEYS_SQL = "SELECT account_id, sort_key FROM search_doc"


def pipeline_deals(
    db: sqlite3.Connection, *, statuses: Collection[str] | None = None
) -> list[Deal]:
    """Every live deal of a live account, soonest expected close first (undated last).

    ``statuses`` limits the read to deals of those statuses (the pipeline shows open
    deals unless asked for more: reading the won and lost ones too would cost it a third
    of its time on a large book). A deal whose owner has left the team counts as having
    none (as an account's does); a deal with no probability of its own is weighted by its
    stage's. The account's sort key is its pinyin one, from the search index.
    """
    params: list[str] = []
    where = ""
    if statuses:
        params = sorted(statuses)
        where = f" AND status IN ({', '.join('?' * len(params))})"
    accounts: dict[str, str] = dict(db.execute(_ACCOUNT_NAMES_SQL).fetchall())
    members: dict[str, str] = dict(db.execute(_MEMBER_NAMES_SQL).fetchall())
    sort_keys: dict[str, str] = dict(db.execute(_SORT_KEYS_SQL).fetchall())
    dates: dict[str, dt.date] = {}  # a few hundred distinct days among thousands of deals
    deals = []
    for (deal_id, name, account_id, owner_id, model, stage, status, amount, currency,
         probability, close) in db.execute(_DEALS_SQL.format(statuses=where), params):  # fmt: skip
        account_name = accounts.get(account_id)
        if account_name is None:
            continue  # a deal of a deleted account
        owner_name = members.get(owner_id or "")
        if probability is None:
            probability = STAGE_PROBABILITY.get(stage, 0)
        day = None
        if close:
            day = dates.get(close)
            if day is None:
                day = dates[close] = dt.date.fromisoformat(close)
        deals.append(
            Deal(
                deal_id,
                name,
                account_id,
                account_name,
                owner_id if owner_name is not None else "",
                owner_name or "",
                model,
                stage,
                status,
                amount,
                currency,
                probability,
                day,
                sort_keys.get(account_id, ""),
            )
        )
    deals.sort(key=_by_close)
    return deals


def _by_close(deal: Deal) -> tuple[bool, dt.date, str, str]:
    """Soonest close first, undated last; then by name and id (the order shown)."""
    return (deal.expected_close is None, deal.expected_close or dt.date.min, deal.name, deal.id)


def stage_models() -> tuple[str, ...]:
    """The stage models a deal can follow, in the order they are offered."""
    return tuple(t.code for t in OPPORTUNITY.vocabulary if t.kind == VocabularyKind.STAGE_MODEL)


def stages_of(stage_model: str) -> tuple[str, ...]:
    """The stages of ``stage_model``, first to last (as the declaration lists them)."""
    prefix = f"{stage_model}."
    return tuple(
        t.code
        for t in OPPORTUNITY.vocabulary
        if t.kind == VocabularyKind.DEAL_STAGE and t.code.startswith(prefix)
    )
