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
# live accounts and team members (each one more pass over a small table or a covering
# index). SQLite joining them itself walks the deals account by
# account, a random read per deal: three times slower on a book of 30,000 deals.
_DEALS_SQL = """
SELECT id, name, account_id, owner_id, stage_model, stage, status, amount_minor, currency,
       probability, expected_close
FROM opportunity WHERE deleted_at IS NULL{statuses}
ORDER BY expected_close IS NULL, expected_close, name, id
"""
_OPEN_DEALS_COUNT_SQL = (
    "SELECT COUNT(*) FROM opportunity WHERE deleted_at IS NULL AND status = 'open' "
    "AND account_id IN (SELECT id FROM account WHERE deleted_at IS NULL)"
)
_ACCOUNT_NAMES_SQL = "SELECT id, name FROM account WHERE deleted_at IS NULL"
_MEMBER_NAMES_SQL = "SELECT id, name FROM team_member WHERE deleted_at IS NULL"
_SORT_KEYS_SQL = "SELECT account_id, sort_key FROM search_doc"


def pipeline_deals(
    db: sqlite3.Connection,
    *,
    statuses: Collection[str] | None = None,
    stage_model: str | None = None,
) -> list[Deal]:
    """Every live deal of a live account, soonest expected close first (undated last).

    ``statuses`` and ``stage_model`` limit the read to deals of those statuses and that
    stage model (the pipeline shows the open deals of one stage model unless asked for
    more: reading every deal would cost it twice the time on a large book). A deal whose
    owner has left the team counts as having none (as an account's does); a deal with no
    probability of its own is weighted by its stage's. The account's sort key is its
    pinyin one, from the search index.
    """
    params: list[str] = []
    where = ""
    if statuses:
        params = sorted(statuses)
        where = f" AND status IN ({', '.join('?' * len(params))})"
    if stage_model is not None:  # the board shows one stage model at a time
        params.append(stage_model)
        where += " AND stage_model = ?"
    accounts: dict[str, str] = dict(db.execute(_ACCOUNT_NAMES_SQL).fetchall())
    members: dict[str, str] = dict(db.execute(_MEMBER_NAMES_SQL).fetchall())
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
            )
        )
    return deals


def account_sort_keys(db: sqlite3.Connection) -> dict[str, str]:
    """Each account's sort key (pinyin for a Chinese name), from the search index."""
    return dict(db.execute(_SORT_KEYS_SQL).fetchall())


def open_deal_count(db: sqlite3.Connection) -> int:
    """How many open deals of live accounts the book holds, on any stage model."""
    return int(db.execute(_OPEN_DEALS_COUNT_SQL).fetchone()[0])


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
