"""Type-ahead search over accounts and their people, Chinese (characters or pinyin) and English.

SQLite's FTS5 tokenizers split on spaces, and Chinese has none: "华东制造集团" would be one
token, so typing "制造" would find nothing. We therefore index text with every CJK
character as its own token and turn a CJK query into a phrase of adjacent characters
("制造" → ``"制 造"``), which matches exactly where those characters stand together.
Latin words are matched by prefix, as a user expects while still typing.

Names (the account's, its people's and its owner's) are also indexed in pinyin, in a
column of their own (see kamdesk.store.pinyin): "huadong", "hdzz" and "wl" find
华东制造集团 and 王磊 by the same prefix match. Only names: the pinyin of notes would let
"wang" find every note that mentions a network (网络, "wangluo").

The texts of the records declared under an account (a deal's name and notes: each
kind's ``search_text``) join its document too, so "the Shanghai rollout" finds the
account that deal is with.

The index lives in ``search_doc`` (one row per live account, with the keys its name and
its owner's sort by), ``search_fts`` (the text of the account and its people),
``search_person`` and ``search_member`` (the keys each live stakeholder's and team
member's names sort by), kept in step by the unit of work in the same transaction as
the edit. Because ``search_doc`` holds
exactly the live accounts, the account list walks its sort-key index for the name order.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamdesk.kinds import Kind

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


#: Account columns the account's search document is made from (its name and notes, its
#: owner's name and its industry's labels): changing one re-indexes the account.
ACCOUNT_TEXT_COLUMNS: tuple[str, ...] = ("name", "notes", "owner_id", "industry")
#: Stakeholder columns that are part of their account's search document.
STAKEHOLDER_TEXT_COLUMNS: tuple[str, ...] = ("name", "title", "department", "notes")
#: Columns of other tables that appear in the documents of the accounts referring to them
#: (an owner's name, an industry's labels), by table: changing one re-indexes those accounts.
REFERENCED_TEXT_COLUMNS: dict[str, frozenset[str]] = {
    "team_member": frozenset({"name", "deleted_at"}),
    "vocabulary": frozenset({"label_en", "label_zh", "deleted_at"}),
}

Db = sqlite3.Connection | sqlite3.Cursor


def searched_kinds() -> list[tuple[Kind, str]]:
    """The declared kinds whose text joins their account's document, and their account column."""
    from kamdesk.kinds import KINDS  # with the first write, not before the first paint

    return [
        (k, k.parent.column)
        for k in KINDS
        if k.parent is not None and k.parent.kind == "account" and k.search_text
    ]


@cache
def _kind_text_sql() -> tuple[str, ...]:
    """One SELECT per searched kind: the texts of an account's live records of it."""
    return tuple(
        f"SELECT {', '.join(k.search_text)} FROM {k.name} WHERE {column} = ? AND deleted_at IS NULL"
        for k, column in searched_kinds()
    )


_ACCOUNT_DOCUMENT_SQL = """
SELECT a.name, a.notes, COALESCE(o.name, ''), COALESCE(v.label_en, a.industry),
       COALESCE(v.label_zh, '')
FROM account a
LEFT JOIN team_member o ON o.id = a.owner_id AND o.deleted_at IS NULL
LEFT JOIN vocabulary v ON v.kind = 'industry' AND v.code = a.industry AND v.deleted_at IS NULL
WHERE a.id = ? AND a.deleted_at IS NULL
"""


def reindex_account(db: Db, account_id: str) -> None:
    """Index an account's searchable text again, from the book as it is now.

    One document per account holds the account's own texts, its owner's name, its
    industry (in English and Chinese, so "manu" and "制造" both find it) and the texts of
    its live stakeholders and deals (each kind's ``search_text``): a match is then an
    account, with no join over every person, and the words of a query may be found
    across the account and its people ("华东 王", "华东 rollout").
    A deleted account is dropped from the index.
    """
    from kamdesk.store import pinyin  # loads pypinyin: kept off the startup path

    account = db.execute(_ACCOUNT_DOCUMENT_SQL, (account_id,)).fetchone()
    row = db.execute("SELECT id FROM search_doc WHERE account_id = ?", (account_id,)).fetchone()
    if row is not None:
        db.execute("DELETE FROM search_fts WHERE rowid = ?", (row[0],))
    db.execute("DELETE FROM search_person WHERE account_id = ?", (account_id,))
    if account is None:
        if row is not None:
            db.execute("DELETE FROM search_doc WHERE id = ?", (row[0],))
        return
    name, notes, owner, industry_en, industry_zh = account
    texts = [name, notes, owner, industry_en, industry_zh]
    names = [name, owner]
    people: list[tuple[str, str, str]] = []
    for person_id, *person in db.execute(
        f"SELECT id, {', '.join(STAKEHOLDER_TEXT_COLUMNS)} FROM stakeholder "
        "WHERE account_id = ? AND deleted_at IS NULL",
        (account_id,),
    ):
        texts.extend(person)
        names.append(person[0])
        people.append((person_id, account_id, pinyin.sort_key(person[0])))
    # Words only, not pinyin: a deal's name is no person's, and the pinyin of its words
    # would let "wang" find every deal about a network (网络, "wangluo").
    for sql in _kind_text_sql():
        for record_texts in db.execute(sql, (account_id,)):
            texts.extend(text for text in record_texts if text)
    # OR REPLACE: a person moved here from another account takes their key along.
    db.executemany(
        "INSERT OR REPLACE INTO search_person (stakeholder_id, account_id, sort_key) "
        "VALUES (?, ?, ?)",
        people,
    )
    keys = (pinyin.sort_key(name), pinyin.sort_key(owner) if owner else "")
    if row is None:
        rowid = db.execute(
            "INSERT INTO search_doc (account_id, sort_key, owner_key) VALUES (?, ?, ?)",
            (account_id, *keys),
        ).lastrowid
    else:
        rowid = row[0]
        db.execute("UPDATE search_doc SET sort_key = ?, owner_key = ? WHERE id = ?", (*keys, rowid))
    db.execute(
        "INSERT INTO search_fts (rowid, body, pinyin) VALUES (?, ?, ?)",
        (rowid, *document(texts, names)),
    )


def document(texts: Iterable[str], names: Iterable[str]) -> tuple[str, str]:
    """The two columns of a search document: every text as words, and the names in pinyin."""
    from kamdesk.store import pinyin

    spelled: dict[str, None] = {}  # ordered and without repeats
    for name in names:
        spelled.update(dict.fromkeys(pinyin.search_tokens(name)))
    return index_text(*texts), " ".join(spelled)


def reindex_referenced(db: Db, table: str, row_id: str) -> list[str]:
    """Bring the index in step with a changed row of REFERENCED_TEXT_COLUMNS' tables.

    A team member's own sort key is written here; the accounts whose documents hold the
    row's text are returned, for the caller to index again (once, whatever else changed):
    a renamed team member is then found under the new name in the accounts they own, and
    an industry relabelled under its new label.
    """
    if table == "team_member":
        _index_member(db, row_id)
    return _accounts_referring_to(db, table, row_id)


def _index_member(db: Db, member_id: str) -> None:
    from kamdesk.store import pinyin

    row = db.execute(
        "SELECT name FROM team_member WHERE id = ? AND deleted_at IS NULL", (member_id,)
    ).fetchone()
    if row is None:
        db.execute("DELETE FROM search_member WHERE team_member_id = ?", (member_id,))
    else:
        db.execute(
            "INSERT OR REPLACE INTO search_member (team_member_id, sort_key) VALUES (?, ?)",
            (member_id, pinyin.sort_key(row[0])),
        )


def _accounts_referring_to(db: Db, table: str, row_id: str) -> list[str]:
    if table == "team_member":
        sql = "SELECT id FROM account WHERE owner_id = ? AND deleted_at IS NULL"
    elif table == "vocabulary":
        sql = (
            "SELECT a.id FROM vocabulary v JOIN account a ON a.industry = v.code "
            "WHERE v.id = ? AND v.kind = 'industry' AND a.deleted_at IS NULL"
        )
    else:
        return []
    return [r[0] for r in db.execute(sql, (row_id,))]


#: SQL for "the ``search_doc`` ids of the documents matching ?", to use inside ``IN (…)``.
MATCHING_DOCS_SQL = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?"


def rebuild_index(db: Db) -> None:
    """Index every live account from scratch (migrations, repairs).

    This writes the index as this version lays it out: a migration that changes the
    layout again must rebuild it, and earlier migrations must not call this.
    """
    db.execute("DELETE FROM search_fts")
    db.execute("DELETE FROM search_doc")
    db.execute("DELETE FROM search_person")
    db.execute("DELETE FROM search_member")
    for (account_id,) in db.execute("SELECT id FROM account WHERE deleted_at IS NULL").fetchall():
        reindex_account(db, account_id)
    for (member_id,) in db.execute(
        "SELECT id FROM team_member WHERE deleted_at IS NULL"
    ).fetchall():
        _index_member(db, member_id)
