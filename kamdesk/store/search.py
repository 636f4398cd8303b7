"""Type-ahead search over account names, stakeholder names and notes, Chinese and English.

SQLite's FTS5 tokenizers split on spaces, and Chinese has none: "华东制造集团" would be one
token, so typing "制造" would find nothing. We therefore index text with every CJK
character as its own token and turn a CJK query into a phrase of adjacent characters
("制造" → ``"制 造"``), which matches exactly where those characters stand together.
Latin words are matched by prefix, as a user expects while still typing.

The index lives in ``search_doc`` (one row per account) and ``search_fts`` (the text of
the account and its people), kept in step by the unit of work in the same transaction as
the edit.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache

_CJK_RANGES = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
)


@cache
def _cjk_char() -> re.Pattern[str]:
    # Compiled on first use: compiling these character classes costs milliseconds the
    # window's first paint should not pay.
    return re.compile(f"[{_CJK_RANGES}]")


@cache
def _query_token() -> re.Pattern[str]:
    return re.compile(f"(?P<cjk>[{_CJK_RANGES}]+)|(?P<word>(?:(?![{_CJK_RANGES}])[^\\W_])+)")


#: Longest query we turn into a match expression; beyond this a user is pasting, not typing.
MAX_QUERY_LENGTH = 200


def index_text(*parts: str) -> str:
    """The text as FTS5 should index it: each CJK character set apart by spaces."""
    joined = " ".join(part for part in parts if part)
    return _cjk_char().sub(lambda m: f" {m.group(0)} ", joined)


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None if it has no words.

    Every word must match (AND): a CJK run as a phrase of adjacent characters, a Latin
    word or number as a prefix.
    """
    if not query.strip():
        return None
    terms: list[str] = []
    for token in _query_token().finditer(query[:MAX_QUERY_LENGTH]):
        if token.group("cjk"):
            terms.append('"' + " ".join(token.group("cjk")) + '"')
        else:
            terms.append('"' + token.group("word") + '"*')
    return " AND ".join(terms) if terms else None


ACCOUNT_TEXT_COLUMNS: tuple[str, ...] = ("name", "notes")
STAKEHOLDER_TEXT_COLUMNS: tuple[str, ...] = ("name", "title", "department", "notes")

Db = sqlite3.Connection | sqlite3.Cursor


def reindex_account(db: Db, account_id: str) -> None:
    """Index an account's searchable text again, from the book as it is now.

    One document per account holds the account's own texts and those of its live
    stakeholders: a match is then an account, with no join over every person, and the
    words of a query may be found across the account and its people ("华东 王").
    A deleted account is dropped from the index.
    """
    account = db.execute(
        f"SELECT {', '.join(ACCOUNT_TEXT_COLUMNS)} FROM account "
        "WHERE id = ? AND deleted_at IS NULL",
        (account_id,),
    ).fetchone()
    row = db.execute("SELECT id FROM search_doc WHERE account_id = ?", (account_id,)).fetchone()
    if row is not None:
        db.execute("DELETE FROM search_fts WHERE rowid = ?", (row[0],))
    if account is None:
        if row is not None:
            db.execute("DELETE FROM search_doc WHERE id = ?", (row[0],))
        return
    texts = list(account)
    for person in db.execute(
        f"SELECT {', '.join(STAKEHOLDER_TEXT_COLUMNS)} FROM stakeholder "
        "WHERE account_id = ? AND deleted_at IS NULL",
        (account_id,),
    ):
        texts.extend(person)
    if row is None:
        rowid = db.execute(
            "INSERT INTO search_doc (account_id) VALUES (?)", (account_id,)
        ).lastrowid
    else:
        rowid = row[0]
    db.execute("INSERT INTO search_fts (rowid, body) VALUES (?, ?)", (rowid, index_text(*texts)))


#: SQL for "the ids of accounts whose text matches ?", to use inside ``IN (…)``.
MATCHING_ACCOUNTS_SQL = (
    "SELECT d.account_id FROM search_fts JOIN search_doc AS d ON d.id = search_fts.rowid "
    "WHERE search_fts MATCH ?"
)


def rebuild_index(db: Db) -> None:
    """Index every live account from scratch (migrations, repairs)."""
    db.execute("DELETE FROM search_fts")
    db.execute("DELETE FROM search_doc")
    for (account_id,) in db.execute("SELECT id FROM account WHERE deleted_at IS NULL").fetchall():
        reindex_account(db, account_id)
