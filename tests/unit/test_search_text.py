"""How typed text becomes a search: CJK as adjacent characters, Latin words as prefixes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from kamdesk.store.search import MAX_QUERY_LENGTH, index_text, match_expression


@pytest.fixture
def fts() -> Iterator[sqlite3.Connection]:
    """An in-memory FTS5 table like the book's, holding a few documents."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE doc USING fts5(body, prefix='1 2 3')")
    for rowid, text in enumerate(
        ["华东制造集团苏州分公司", "Acme Manufacturing Ltd", "华东 Manufacturing 合资", "苏宁"],
        start=1,
    ):
        db.execute("INSERT INTO doc (rowid, body) VALUES (?, ?)", (rowid, index_text(text)))
    yield db
    db.close()


def hits(db: sqlite3.Connection, query: str) -> set[int] | None:
    """The documents the query finds, or None if it is no search at all (no word in it)."""
    expression = match_expression(query)
    if expression is None:
        return None
    return {r[0] for r in db.execute("SELECT rowid FROM doc WHERE doc MATCH ?", (expression,))}


def test_index_text_sets_each_cjk_character_apart() -> None:
    assert index_text("华东Acme").split() == ["华", "东", "Acme"]
    assert index_text("", "苏州", "").split() == ["苏", "州"]


def test_empty_or_blank_query_is_no_search() -> None:
    assert match_expression("") is None
    assert match_expression("   \t") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("苏州", {1}),
        ("苏", {1, 4}),
        ("州苏", set()),  # the characters must stand together, in this order
        ("manu", {2, 3}),
        ("MANU", {2, 3}),
        ("华东 manu", {3}),
        ("华东manu", {3}),
        ("acme manufacturing", {2}),
    ],
)
def test_queries_find_what_a_user_expects(
    fts: sqlite3.Connection, query: str, expected: set[int]
) -> None:
    assert hits(fts, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"', None),  # no word: no search
        ("(", None),
        ("^", None),
        ("'", None),
        ("-", None),
        ("AND", set()),  # a word like any other, which no document holds
        ("NEAR", set()),
        ("NEAR(", set()),
        ("OR NOT", set()),
        ("body:x", set()),  # not a column filter: the words "body" and "x"
        ("a*", {2}),  # the star is no syntax, "a" is a prefix anyway: Acme
        ("manu)", {2, 3}),
        ('苏"州', {1}),  # two words: 苏 and 州, both in 1, not both in 苏宁
        ("a\x00b", set()),  # "a" and "b": no document has a word starting with b
    ],
)
def test_fts_syntax_in_the_query_is_taken_as_nothing_or_as_words(
    fts: sqlite3.Connection, query: str, expected: set[int] | None
) -> None:
    assert hits(fts, query) == expected


def test_a_huge_paste_is_cut_to_a_bounded_expression(fts: sqlite3.Connection) -> None:
    query = "华东 manu " * 10_000
    expression = match_expression(query)
    assert expression is not None
    assert len(expression) < 10 * MAX_QUERY_LENGTH
    assert hits(fts, query) == {3}
