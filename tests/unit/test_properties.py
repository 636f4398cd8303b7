"""Properties that must hold for any input, checked with generated inputs (hypothesis)."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from kamdesk.store.search import index_text, match_expression
from kamdesk.sync.clock import HybridLogicalClock, physical_ms


@given(st.lists(st.integers(min_value=0, max_value=2**40), min_size=1, max_size=200))
def test_clock_stamps_always_increase_whatever_the_wall_clock_does(walls: list[int]) -> None:
    readings = iter(walls)
    clock = HybridLogicalClock(wall=lambda: next(readings))
    stamps = [clock.now() for _ in walls]

    assert stamps == sorted(set(stamps))
    # And they never run ahead of the latest wall time seen by more than the counter.
    assert physical_ms(stamps[-1]) <= max(walls) + len(walls)


def _search(body: str, typed: str) -> list[tuple[int]] | None:
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE f USING fts5(body, prefix='1 2 3')")
        db.execute("INSERT INTO f (rowid, body) VALUES (1, ?)", (index_text(body),))
        expression = match_expression(typed)
        if expression is None:
            return None
        return db.execute("SELECT rowid FROM f WHERE f MATCH ?", (expression,)).fetchall()
    finally:
        db.close()


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_anything_typed_in_the_search_box_is_a_valid_query(typed: str) -> None:
    # Quotes, stars, AND/OR/NEAR, brackets, surrogates, any script: never an FTS error.
    _search("华东制造集团 East China Manufacturing", typed)


#: What account names, people and notes are made of: Latin letters (accented too),
#: digits, punctuation and Chinese.
_REALISTIC = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-&()/'\"")
        + list("éüßçñÅ")
        + list("华东制造集团苏州分公司王建国采购经理技术部，。：；！？《》“”（）")
    ),
    max_size=40,
)


@settings(max_examples=300)
@given(_REALISTIC)
def test_a_name_is_always_found_by_typing_it(typed: str) -> None:
    found = _search(typed, typed)
    assert found in (None, [(1,)])
