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


def hits(db: sqlite3.Connection, query: str) -> set[int]:
    expression = match_expression(query)
    if expression is None:
        return set()
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
    "query",
    ['"', "AND", "a*", "(", "NEAR", "NEAR(", "OR NOT", "^", "body:x", "'", "-", '苏"州', "a\x00b"],
)
def test_fts_syntax_in_the_query_never_breaks_the_search(
    fts: sqlite3.Connection, query: str
) -> None:
    hits(fts, query)  # must not raise


def test_a_huge_paste_is_cut_to_a_bounded_expression(fts: sqlite3.Connection) -> None:
    query = "华东 manu " * 10_000
    expression = match_expression(query)
    assert expression is not None
    assert len(expression) < 10 * MAX_QUERY_LENGTH
    hits(fts, query)
