"""Type-ahead search over account names, stakeholder names and notes, Chinese and English.

SQLite's FTS5 tokenizers split on spaces, and Chinese has none: "华东制造集团" would be one
token, so typing "制造" would find nothing. We therefore index text with every CJK
character as its own token and turn a CJK query into a phrase of adjacent characters
("制造" → ``"制 造"``), which matches exactly where those characters stand together.
Latin words are matched by prefix, as a user expects while still typing.

The index lives in ``search_doc`` (which record, which account) and ``search_fts`` (the
text), kept in step by the unit of work in the same transaction as the edit.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
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


def index_document(
    db: sqlite3.Connection | sqlite3.Cursor,
    *,
    ref_id: str,
    kind: str,
    account_id: str,
    texts: Iterable[str],
) -> None:
    """Add or replace the searchable text of one account or stakeholder."""
    body = index_text(*texts)
    row = db.execute("SELECT id FROM search_doc WHERE ref_id = ?", (ref_id,)).fetchone()
    if row is None:
        cursor = db.execute(
            "INSERT INTO search_doc (ref_id, kind, account_id) VALUES (?, ?, ?)",
            (ref_id, kind, account_id),
        )
        rowid = cursor.lastrowid
    else:
        rowid = row[0]
        db.execute("DELETE FROM search_fts WHERE rowid = ?", (rowid,))
        db.execute("UPDATE search_doc SET account_id = ? WHERE id = ?", (account_id, rowid))
    db.execute("INSERT INTO search_fts (rowid, body) VALUES (?, ?)", (rowid, body))


def remove_document(db: sqlite3.Connection | sqlite3.Cursor, ref_id: str) -> None:
    """Drop a deleted record from the index."""
    row = db.execute("SELECT id FROM search_doc WHERE ref_id = ?", (ref_id,)).fetchone()
    if row is not None:
        db.execute("DELETE FROM search_fts WHERE rowid = ?", (row[0],))
        db.execute("DELETE FROM search_doc WHERE id = ?", (row[0],))


#: SQL for "the ids of accounts with a document matching ?", to use inside ``IN (…)``.
MATCHING_ACCOUNTS_SQL = (
    "SELECT d.account_id FROM search_fts JOIN search_doc AS d ON d.id = search_fts.rowid "
    "WHERE search_fts MATCH ?"
)

ACCOUNT_TEXT_COLUMNS: tuple[str, ...] = ("name", "notes")
STAKEHOLDER_TEXT_COLUMNS: tuple[str, ...] = ("name", "title", "department", "notes")


def rebuild_index(db: sqlite3.Connection | sqlite3.Cursor) -> None:
    """Index every live account and stakeholder from scratch (migrations, repairs)."""
    db.execute("DELETE FROM search_fts")
    db.execute("DELETE FROM search_doc")
    accounts = db.execute(
        f"SELECT id, {', '.join(ACCOUNT_TEXT_COLUMNS)} FROM account WHERE deleted_at IS NULL"
    ).fetchall()
    for account_id, *texts in accounts:
        index_document(db, ref_id=account_id, kind="account", account_id=account_id, texts=texts)
    stakeholders = db.execute(
        f"SELECT id, account_id, {', '.join(STAKEHOLDER_TEXT_COLUMNS)} FROM stakeholder "
        "WHERE deleted_at IS NULL"
    ).fetchall()
    for stakeholder_id, account_id, *texts in stakeholders:
        index_document(
            db, ref_id=stakeholder_id, kind="stakeholder", account_id=account_id, texts=texts
        )
