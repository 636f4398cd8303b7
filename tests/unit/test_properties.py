"""Properties that must hold for any input, checked with generated inputs (hypothesis)."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from kamdesk.store.pinyin import sort_key, syllables
from kamdesk.store.search import document, match_expression
from kamdesk.sync.clock import HybridLogicalClock, physical_ms


@given(st.lists(st.integers(min_value=0, max_value=2**40), min_size=1, max_size=200))
def test_clock_stamps_always_increase_whatever_the_wall_clock_does(walls: list[int]) -> None:
    readings = iter(walls)
    clock = HybridLogicalClock(wall=lambda: next(readings))
    stamps = [clock.now() for _ in walls]

    assert stamps == sorted(set(stamps))
    # And they never run ahead of the latest wall time seen by more than the counter.
    assert physical_ms(stamps[-1]) <= max(walls) + len(walls)


def _search(name: str, typed: str) -> list[tuple[int]] | None:
    """What typing ``typed`` finds in an index holding one account named ``name``.

    None when the typed text is no search at all (it has no word in it).
    """
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE f USING fts5(body, pinyin, prefix='1 2 3')")
        body, spelled = document([name], [name])
        db.execute("INSERT INTO f (rowid, body, pinyin) VALUES (1, ?, ?)", (body, spelled))
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


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éüßçñÅ"
_HAN = "华东制造集团苏州分公司王建国采购经理技术部"
#: What account names, people and notes are made of: Latin letters (accented too),
#: digits, punctuation and Chinese.
_REALISTIC = st.text(
    alphabet=st.sampled_from(list(_LETTERS + _HAN + " .,-&()/'\"，。：；！？《》“”（）")),
    max_size=40,
)


@settings(max_examples=300)
@given(_REALISTIC)
def test_a_name_is_always_found_by_typing_it(typed: str) -> None:
    found = _search(typed, typed)
    if any(c in _LETTERS or c in _HAN for c in typed):
        assert found == [(1,)]
    else:
        assert found is None  # only punctuation and spaces: no search, every account shows


#: Characters of Chinese names and company words.
_NAME_CHARACTERS = st.sampled_from(
    list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗华东苏州集团磊伟芳明")
)


@settings(max_examples=200)
@given(st.text(alphabet=_NAME_CHARACTERS, min_size=1, max_size=8), st.data())
def test_a_chinese_name_is_found_by_its_pinyin_from_any_character(
    name: str, data: st.DataObject
) -> None:
    spelled = syllables(name)
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    full = "".join(spelled[start:end])
    typed = data.draw(st.integers(1, len(full)).map(lambda n: full[:n]))  # part-typed too
    initials = "".join(s[0] for s in spelled[start:end])

    assert _search(name, typed) == [(1,)]
    assert _search(name, typed.upper()) == [(1,)]
    assert _search(name, initials) == [(1,)]
    # A letter no syllable of the name starts with, typed after the initials, finds nothing.
    assert _search(name, initials + "q") == []


@given(
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ "), max_size=30)
)
def test_latin_names_sort_alphabetically_whatever_their_case(names: list[str]) -> None:
    assert sorted(names, key=sort_key) == sorted(
        names, key=lambda name: (" ".join(name.casefold().split()), name)
    )


@given(st.lists(st.text(alphabet=_NAME_CHARACTERS, min_size=1, max_size=6), max_size=30))
def test_chinese_names_sort_by_pinyin_syllable_by_syllable(names: list[str]) -> None:
    assert sorted(names, key=sort_key) == sorted(names, key=lambda n: (syllables(n), n))
