"""Pinyin of Chinese names: how Chinese users type them, and the order they list them in.

A Chinese user looks for 华东制造集团 by typing "huadong" (full pinyin, as they would on
a phone) or "hdzz" (the first letter of each syllable), and for 王磊 by "wl" or "lei"; and
they expect 华东… under H, between Haier and Hubei, not after every Latin name as the
characters' code points would put it. This module turns names into those search tokens
and sort keys. It loads pypinyin's dictionaries (about 0.2 s and 50 MB), so it is imported
only where the book is written, never on the way to the window's first paint.

Polyphonic characters take pypinyin's reading in context (its phrase dictionary, no
heteronyms): 重庆 is "chongqing", 银行 "yinhang". Readings are toneless, ü is written
"v" as on a keyboard (吕 is "lv").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin

#: Han ideographs (the characters that have a pinyin reading): extension A, the unified
#: block, compatibility ideographs and the supplementary-plane extensions.
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")

#: Longest stretch of characters one search token spells out, from each character on.
#: Nobody types the pinyin of more than a dozen characters without a space; the cap keeps
#: a pasted paragraph in a name from making tokens that grow with its square.
TOKEN_CHARACTERS = 12


def _no_reading(characters: str) -> list[str]:
    # pypinyin calls this with characters it has no reading for; one empty syllable each
    # keeps the syllables aligned with the characters.
    return [""] * len(characters)


@lru_cache(maxsize=16_384)
def syllables(run: str) -> tuple[str, ...]:
    """One toneless syllable per character of a run of Han characters ('' if none is known).

    Cached: the same surnames, cities and company words recur through a whole book.
    """
    # pypinyin takes a list from the callback (its stubs say str only).
    found = lazy_pinyin(run, errors=_no_reading)  # type: ignore[arg-type]
    if len(found) != len(run):
        # Not expected from pypinyin, but the tokens rely on one syllable per character.
        found = [
            (lazy_pinyin(character, errors=_no_reading) or [""])[0]  # type: ignore[arg-type]
            for character in run
        ]
    return tuple(s if s.isascii() and s.isalpha() else "" for s in found)


def search_tokens(name: str) -> list[str]:
    """Words to index for a name so its pinyin finds it, typed in full or by initials.

    For every run of Chinese characters, from each character on: its syllables joined up
    ("huadongzhizao", "dongzhizao", …) and their first letters ("hdzz", "dzz", …). As the
    search matches a typed word as a prefix of an indexed one, "huadong", "hdzz", "zhizao"
    and "lei" (磊 in 王磊) all find their name; a typed word never matches from the
    middle of a syllable.
    """
    tokens: dict[str, None] = {}  # ordered and without repeats
    for run in _HAN_RUN.findall(name):
        # A character with no known reading splits the run.
        parts: list[list[str]] = [[]]
        for syllable in syllables(run):
            if syllable:
                parts[-1].append(syllable)
            elif parts[-1]:
                parts.append([])
        for part in parts:
            for start in range(len(part)):
                spelled = part[start : start + TOKEN_CHARACTERS]
                tokens["".join(spelled)] = None
                tokens["".join(s[0] for s in spelled)] = None
    return list(tokens)


def _spell_run(match: re.Match[str]) -> str:
    run = match.group(0)
    # A character with no known reading stands for itself.
    return " " + " ".join(s or c for s, c in zip(syllables(run), run, strict=True)) + " "


#: What ends the readable part of a sort key: below every character a key holds, so a
#: name sorts before the longer names it begins ("Hua" before "Hua Xia").
_KEY_END = "\x1f"


def sort_key(name: str) -> str:
    """The key that puts names in the order a Chinese reader expects, Latin ones among them.

    Chinese characters are spelled in pinyin, syllable by syllable (华东制造 is
    "hua dong zhi zao"), Latin letters lose case and accents, so 华东制造 sorts with the H
    names, after "Haier" and before "Hubei". The name itself follows, to order names that
    read the same (王 and 汪 are both "wang") and to keep the order total.
    """
    spelled = _HAN_RUN.sub(_spell_run, name)
    decomposed = unicodedata.normalize("NFKD", spelled)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    readable = " ".join("".join(c if c.isprintable() else " " for c in plain).split())
    return readable + _KEY_END + name
