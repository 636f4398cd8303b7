"""Where a line of PDF text may end: Unicode line breaking (UAX #14) plus the Chinese rules.

ReportLab wraps Latin text at spaces only and, with ``wordWrap='CJK'`` (which Chinese needs,
having no spaces), cuts anywhere: "manag|ement". Neither is right for text that mixes the
two, as every KAMDesk report does. So every paragraph style keeps ``wordWrap='CJK'``, and
the two ReportLab functions that split such paragraphs into lines are replaced with ones
that break only where the Unicode line breaking algorithm allows (as implemented by the
``uniseg`` library): Latin words at spaces and after hyphens, Chinese between characters
but never before a closing mark such as ，。：；！？》” nor after an opening one such as “《（.

On top of UAX #14 the Chinese line-start and line-end rules (避头尾) are applied as a
tailoring: a line never starts with a character of ReportLab's Japanese-centred list
(``reportlab.lib.textsplit.ALL_CANNOT_START``) extended with :data:`EXTRA_CANNOT_START`,
and never ends with one of ``ALL_CANNOT_END``. A word wider than the whole line is the one
case left where a line breaks mid-word; reports avoid it by giving table columns at least
the width of their longest word (:func:`min_content_width`).

``uniseg`` is pure Python and takes about 80 µs a character, so the break positions of a
paragraph are only worked out once a line overflows, on a shortened copy of the text
(:func:`uax14_breaks`), and are remembered per text: a table lays its cells out several
times, and the same labels recur from row to row.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any, Final

#: Characters that must not begin a line in Chinese text but are missing from ReportLab's
#: Japanese-centred list: full-width ，：；！？． and closing brackets, curly closing quotes,
#: ellipses and middle dots.
EXTRA_CANNOT_START: Final = (
    "\uff0c\uff1a\uff1b\uff01\uff1f\uff0e"  # ，：；！？．
    "\u300b\u3009\u3017\u3019\u301b\uff5d"  # 》〉〗〙〛｝
    "\uff3d\uff09\u300d\u300f\u3011\u3015"  # ］）」』】〕
    "\u2019\u201d\u2026\u2025\u00b7\u30fb\uff64\uff61"  # ’”…‥·・､｡
)

#: What an inline image or other object stands for in the text handed to UAX #14
#: (U+FFFC OBJECT REPLACEMENT CHARACTER: a break is allowed on either side).
_OBJECT: Final = "\ufffc"

_lock = threading.Lock()
_installed = False


def apply_line_breaking() -> None:
    """Make ReportLab's ``wordWrap='CJK'`` paragraphs break where :func:`break_positions` allows.

    Extends ReportLab's list of characters that cannot start a line (read by both of its
    splitters: ``reportlab.lib.textsplit`` for paragraphs that are one run of text and
    ``reportlab.platypus.paragraph``, which imported its own reference, for paragraphs with
    markup) and replaces the two splitters, ``textsplit.dumbSplit`` and
    ``paragraph.cjkFragSplit``, with :func:`_dumb_split` and :func:`_cjk_frag_split`.

    Applied once per process; calling this again changes nothing.
    """
    global _installed
    if _installed:
        return
    with _lock:
        if not _installed:
            _install_locked()
            _installed = True


def _install_locked() -> None:
    # Loaded here, with the fonts, so that importing kamdesk.reports stays cheap.
    import uniseg.linebreak  # noqa: F401
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        current: str = module.ALL_CANNOT_START
        missing = "".join(ch for ch in EXTRA_CANNOT_START if ch not in current)
        module.ALL_CANNOT_START = current + missing
    # Only replace what is there with the expected shape: on a ReportLab that reorganised
    # its wrapping, the longer list above still applies and the tests report the rest.
    if callable(getattr(textsplit, "dumbSplit", None)):
        textsplit.dumbSplit = _dumb_split
    if all(
        callable(getattr(paragraph, name, None))
        for name in ("cjkFragSplit", "cjkU", "makeCJKParaLine", "ParaLines")
    ):
        paragraph.cjkFragSplit = _cjk_frag_split


@lru_cache(maxsize=1)
def _tailoring() -> tuple[frozenset[str], frozenset[str]]:
    """The characters a line may not start with, and those it may not end with."""
    from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START

    return frozenset(ALL_CANNOT_START + EXTRA_CANNOT_START), frozenset(ALL_CANNOT_END)


@lru_cache(maxsize=4096)
def break_positions(text: str) -> tuple[int, ...]:
    """The indices ``i`` (``0 < i < len(text)``) where a line may end before ``text[i]``.

    UAX #14 break opportunities, less those where ``text[i]`` may not start a line or
    ``text[i - 1]`` may not end one. A break after a space lands after the whole run of
    spaces, which then hang at the end of the line and are not drawn.
    """
    cannot_start, cannot_end = _tailoring()
    return tuple(
        i
        for i in uax14_breaks(text)
        if text[i] not in cannot_start and text[i - 1] not in cannot_end
    )


#: Runs of three or more Latin letters (line break class AL) or common Chinese characters
#: (class ID), whose inner break opportunities are known without the algorithm: none
#: between two letters (rule LB28), one between any two ideographs (LB31).
_PLAIN_RUN: Final = re.compile(r"[A-Za-z]{3,}|[\u4e00-\u9fff]{3,}")


def uax14_breaks(text: str) -> list[int]:
    """UAX #14 break opportunities in ``text`` (``0 < i < len(text)``), untailored.

    The algorithm looks only at the classes of neighbouring characters (and through runs
    of spaces and combining marks, which are never shortened), so the inside of a run of
    letters or ideographs cannot change what it decides at the run's ends. Each such run
    is therefore handed to ``uniseg`` as its first and last character only, which makes
    ordinary text several times shorter (the library takes about 80 µs a character),
    and the inner positions are filled in: none for letters, all for ideographs.
    """
    from uniseg.linebreak import line_break_breakables

    kept: list[int] = []  # index in ``text`` of each character handed to the library
    inner: list[int] = []  # break opportunities inside runs of ideographs
    last = 0
    for run in _PLAIN_RUN.finditer(text):
        start, end = run.span()
        kept.extend(range(last, start + 1))
        kept.append(end - 1)
        if text[start] >= "\u4e00":
            inner.extend(range(start + 1, end - 1))
        last = end
    kept.extend(range(last, len(text)))
    short = "".join(text[index] for index in kept)
    found = [kept[j] for j, allowed in enumerate(line_break_breakables(short)) if allowed and j]
    return sorted(found + inner) if inner else found


def unbreakable_pieces(text: str) -> list[str]:
    """``text`` cut at every :func:`break_positions`, trailing spaces dropped from each piece."""
    cuts = (0, *break_positions(text), len(text))
    pieces = (text[start:end].rstrip(" ") for start, end in pairwise(cuts))
    return [piece for piece in pieces if piece]


def min_content_width(text: str, font_name: str, font_size: float, at_least: float = 0) -> float:
    """The width of the widest piece of ``text`` that may not be broken across lines.

    What a table column needs so that no word in it is cut. Working out break positions
    is slow, so words (runs between spaces) no wider than ``at_least`` are taken at their
    full width without looking inside them: the answer is exact whenever it is greater
    than ``at_least``, and otherwise no greater than it.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widest = 0.0
    for word in text.split(" "):
        if not word:
            continue
        width: float = stringWidth(word, font_name, font_size)
        if width > at_least and width > widest:
            width = max(
                stringWidth(piece, font_name, font_size) for piece in unbreakable_pieces(word)
            )
        widest = max(widest, width)
    return widest


def _next_line_start(chars: Sequence[str], line_start: int, overflow: int) -> int:
    """Where the next line starts, when ``chars[overflow]`` is the first that does not fit.

    ``chars`` holds one character per item (or ``""`` for an inline image or a forced line
    break). The last break position of the paragraph that leaves the line no wider than it
    may be, counting spaces that hang in the margin as nothing; if there is none (a word
    wider than the line), the line is cut before ``chars[overflow]``, but never between a
    letter and a combining mark that belongs to it.
    """
    text = "".join(char or _OBJECT for char in chars)
    positions = break_positions(text)
    after = bisect_right(positions, overflow)
    if after < len(positions) and not text[overflow : positions[after]].strip(" "):
        # Only spaces do not fit: they hang in the margin.
        return positions[after]
    if after and positions[after - 1] > line_start:
        return positions[after - 1]
    cut = max(overflow, line_start + 1)
    while cut - 1 > line_start and cut < len(text) and _is_mark(text[cut]):
        cut -= 1
    return cut


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in {"Mn", "Mc", "Me"} or char == "\u200d"


def _line_end(chars: Sequence[str], line_start: int, next_start: int) -> int:
    """Where the visible part of a line ends: spaces before the break hang and vanish."""
    end = next_start
    while end - 1 > line_start and chars[end - 1] == " ":
        end -= 1
    return end


def _dumb_split(word: str, widths: Sequence[float], max_widths: Any) -> list[list[Any]]:
    """Replacement for ``reportlab.lib.textsplit.dumbSplit`` that breaks per UAX #14.

    Splits a run of text with no markup into ``[extra_space, text]`` lines.
    """
    from reportlab.rl_config import _FUZZ

    if not isinstance(max_widths, list | tuple):
        max_widths = [max_widths]
    lines: list[list[Any]] = []
    max_width = max_widths[0]
    line_start = i = 0
    used = 0.0
    while i < len(word):
        used += widths[i]
        i += 1
        if used > max_width + _FUZZ and used > 0:
            next_start = _next_line_start(word, line_start, i - 1)
            end = _line_end(word, line_start, next_start)
            line_width = sum(widths[line_start:end])
            lines.append([max_width - line_width, word[line_start:end]])
            max_width = max_widths[min(len(lines), len(max_widths) - 1)]
            line_start = i = next_start
            used = 0.0
    if used > 0:
        lines.append([max_width - used, word[line_start:]])
    return lines


def _cjk_frag_split(
    frags: Sequence[Any], max_widths: Sequence[Any], calc_bounds: bool, encoding: str = "utf8"
) -> Any:
    """Replacement for ``reportlab.platypus.paragraph.cjkFragSplit`` that breaks per UAX #14.

    Splits a paragraph with markup (several fragments) into lines of fragments.
    """
    from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
    from reportlab.rl_config import _FUZZ

    units: list[Any] = []
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend(cjkU(char, frag, encoding) for char in text)
        else:
            units.append(cjkU(text, frag, encoding))
    widths = [0.0] * len(units)
    lines: list[Any] = []
    max_width = max_widths[0]
    line_start = i = 0
    used = 0.0
    while i < len(units):
        unit = units[i]
        width = unit.width
        if hasattr(width, "normalizedValue"):
            # A width given as a percentage of the line (an inline image).
            width._normalizer = max_width
            width = width.normalizedValue(max_width)
        widths[i] = width
        used += width
        i += 1
        line_break = hasattr(unit.frag, "lineBreak")
        if line_break or (used > max_width + _FUZZ and used > 0):
            next_start = i if line_break else _next_line_start(units, line_start, i - 1)
            end = next_start if line_break else _line_end(units, line_start, next_start)
            line_width = sum(widths[line_start:end])
            lines.append(
                makeCJKParaLine(
                    units[line_start:end],
                    max_width,
                    line_width,
                    max_width - line_width,
                    line_break,
                    calc_bounds,
                )
            )
            max_width = max_widths[min(len(lines), len(max_widths) - 1)]
            line_start = i = next_start
            used = 0.0
    if used > 0:
        lines.append(
            makeCJKParaLine(
                units[line_start:], max_width, used, max_width - used, False, calc_bounds
            )
        )
    return ParaLines(kind=1, lines=lines)
