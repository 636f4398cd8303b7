"""The font every KAMDesk PDF is set in, and the line-breaking rules Chinese text needs.

ReportLab has no per-glyph font fallback and cannot load the CFF-flavoured Noto CJK fonts,
so a report that mixes Chinese and Latin text must be set entirely in one TrueType font that
covers both. We bundle WenQuanYi Micro Hei (Apache-2.0) under ``resources/fonts`` and load
it from there only: a report must look the same on a machine with no Chinese fonts
installed, so the system font folders are never searched.

Loading the face parses a 5 MB collection, so it happens once per process, on first use,
behind a lock (a report may be built on a worker thread while the UI builds another).
"""

from __future__ import annotations

import copy
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any, Final

from kamdesk.paths import resource

#: The name styles and canvases use for the bundled CJK face.
FONT_NAME: Final = "KAMDeskSans"
#: The name ``<b>`` resolves to. The bundled face has no bold cut, so it is the same face;
#: registering a real bold later only needs a second ``TTFont`` under this name.
BOLD_FONT_NAME: Final = "KAMDeskSans-Bold"

_FONT_FILE: Final = ("fonts", "wqy-microhei.ttc")
#: Index of "WenQuanYi Micro Hei" inside the collection (1 is the monospaced cut).
_SUBFONT_INDEX: Final = 0

#: Characters that must not begin a line in Chinese text but are missing from ReportLab's
#: Japanese-centred list: full-width ，：；！？． and closing brackets, curly closing quotes,
#: ellipses and middle dots.
EXTRA_CANNOT_START: Final = (
    "\uff0c\uff1a\uff1b\uff01\uff1f\uff0e"  # ，：；！？．
    "\u300b\u3009\u3017\u3019\u301b\uff5d"  # 》〉〗〙〛｝
    "\uff3d\uff09\u300d\u300f\u3011\u3015"  # ］）」』】〕
    "\u2019\u201d\u2026\u2025\u00b7\u30fb\uff64\uff61"  # ’”…‥·・､｡
)

#: Characters that locale data (Babel) produces but the bundled face lacks, and the nearest
#: character it has; without this, a French amount would show a box for its digit group
#: separator (U+202F narrow no-break space).
_FONT_GAPS: Final = str.maketrans({"\u202f": "\u00a0", "\u2011": "-"})

_lock = threading.Lock()
_registered = False
_cjk_rules_applied = False


def register_fonts() -> str:
    """Make the bundled CJK face available to ReportLab and return its font name.

    Safe to call before every build: only the first call pays for parsing the font. It
    also applies :func:`apply_cjk_line_breaking`, since every text set in this font may
    be wrapped with ``wordWrap='CJK'``.
    """
    global _registered
    if _registered:
        return FONT_NAME
    with _lock:
        if not _registered:
            # Imported here so that importing kamdesk.reports stays cheap for callers
            # (the CLI, the UI) that never build a PDF.
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            regular = TTFont(FONT_NAME, str(resource(*_FONT_FILE)), subfontIndex=_SUBFONT_INDEX)
            pdfmetrics.registerFont(regular)
            # The bold name must resolve to a font that has the Chinese glyphs, or markup
            # such as <b> fails (or falls back to Helvetica-Bold). A shallow copy shares
            # the parsed face, and since its face name is the same, registerFont makes the
            # bold name an alias of the regular font: one embedded subset serves both.
            bold = copy.copy(regular)
            bold.fontName = BOLD_FONT_NAME
            pdfmetrics.registerFont(bold)
            pdfmetrics.registerFontFamily(
                FONT_NAME,
                normal=FONT_NAME,
                bold=BOLD_FONT_NAME,
                italic=FONT_NAME,
                boldItalic=BOLD_FONT_NAME,
            )
            _apply_cjk_line_breaking_locked()
            _registered = True
    return FONT_NAME


def apply_cjk_line_breaking() -> None:
    """Teach ReportLab's CJK wrapping the Chinese rules for punctuation at line ends.

    Chinese typesetting (避头尾) forbids a line to start with a comma, full stop, colon,
    closing bracket or closing quote, and to end with an opening one; a report that breaks
    these rules looks careless to its readers. ReportLab's ``wordWrap='CJK'`` falls short
    twice:

    * its list of characters that cannot start a line
      (``reportlab.lib.textsplit.ALL_CANNOT_START``) is Japanese-centred and lacks the
      full-width ，：；！？, 》 and the curly closing quotes ” ’. The list is read as a
      module global in ``textsplit`` (paragraphs that are one run of text) and in
      ``reportlab.platypus.paragraph``, which imported its own reference (paragraphs with
      markup); both are extended.
    * it hangs at most one such character in the margin, so a run of them, as common as
      。” or 》，, still starts the next line with the second one. The two line splitters
      (``textsplit.dumbSplit`` and ``paragraph.cjkFragSplit``) are replaced with copies
      that, for a run, carry the character before the run down to the next line with it
      (and never end a line with an opening bracket or quote). Everything else they do,
      including breaking Latin words at spaces, is unchanged.

    Applied once per process; calling this again changes nothing.
    """
    with _lock:
        _apply_cjk_line_breaking_locked()


def _apply_cjk_line_breaking_locked() -> None:
    global _cjk_rules_applied, _cannot_start, _cannot_end
    if _cjk_rules_applied:
        return
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        current: str = module.ALL_CANNOT_START
        missing = "".join(ch for ch in EXTRA_CANNOT_START if ch not in current)
        module.ALL_CANNOT_START = current + missing
    _cannot_start = frozenset(textsplit.ALL_CANNOT_START)
    _cannot_end = frozenset(textsplit.ALL_CANNOT_END)
    # Only replace what is there with the expected shape: on a ReportLab that reorganised
    # its wrapping, the longer list above still applies and the tests report the rest.
    if callable(getattr(textsplit, "dumbSplit", None)):
        textsplit.dumbSplit = _dumb_split
    if all(
        callable(getattr(paragraph, name, None))
        for name in ("cjkFragSplit", "cjkU", "makeCJKParaLine", "ParaLines")
    ):
        paragraph.cjkFragSplit = _cjk_frag_split
    _cjk_rules_applied = True


_cannot_start: frozenset[str] = frozenset()
_cannot_end: frozenset[str] = frozenset()


def _next_line_start(chars: Sequence[str], line_start: int, overflow: int) -> int:
    """Where the next line starts, when ``chars[overflow]`` is the first that does not fit.

    ``chars`` holds one character per item (or ``""`` for an inline image). As in
    ReportLab: inside Latin text, break after the last space (or Chinese character) in the
    second half of the line; a single closing mark hangs in the margin rather than start
    the next line. Added: a run of closing marks goes down together with the character
    before it, and a line does not end with an opening mark.
    """
    start = overflow
    if _is_latin(chars[overflow]):
        limit = (line_start + overflow + 1) >> 1
        for j in range(overflow - 1, limit, -1):
            if _is_break_after(chars[j]):
                start = j + 1
                break
    if start <= line_start:
        # A single character wider than the line: it has the line to itself.
        return line_start + 1
    # Spaces at a line end vanish, so look at the first character that will show.
    first = _first_shown(chars, start)
    if first < len(chars) and chars[first] in _cannot_start:
        after = _first_shown(chars, first + 1)
        if after >= len(chars) or chars[after] not in _cannot_start:
            return first + 1
        # A run of closing marks: the character before it goes down with it; if that is
        # the end of a Latin word, the whole word does.
        before = start - 1
        while before > line_start and (chars[before] in _cannot_start or _is_space(chars[before])):
            before -= 1
        while (
            before - 1 > line_start
            and _is_latin(chars[before - 1])
            and not _is_space(chars[before - 1])
        ):
            before -= 1
        if before <= line_start or chars[before] in _cannot_start or _is_space(chars[before]):
            # Nothing on this line can go down with the run; hang one, as ReportLab does.
            return first + 1
        start = before
    while start - 1 > line_start and chars[start - 1] in _cannot_end:
        start -= 1
    return start


def _first_shown(chars: Sequence[str], index: int) -> int:
    """The index of the first character from ``index`` on that is not a space."""
    while index < len(chars) and _is_space(chars[index]):
        index += 1
    return index


def _is_latin(char: str) -> bool:
    # ReportLab's own test for "not Asian", kept so Latin text wraps as it did before.
    return len(char) == 1 and ord(char) < 0x3000


def _is_space(char: str) -> bool:
    return len(char) == 1 and unicodedata.category(char) == "Zs"


def _is_break_after(char: str) -> bool:
    return len(char) == 1 and (unicodedata.category(char) == "Zs" or ord(char) >= 0x3000)


def _dumb_split(word: str, widths: Sequence[float], max_widths: Any) -> list[list[Any]]:
    """Replacement for ``reportlab.lib.textsplit.dumbSplit`` with the rules above.

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
            line_width = sum(widths[line_start:next_start])
            lines.append([max_width - line_width, word[line_start:next_start].strip()])
            max_width = max_widths[min(len(lines), len(max_widths) - 1)]
            line_start = i = next_start
            used = 0.0
    if used > 0:
        lines.append([max_width - used, word[line_start:]])
    return lines


def _cjk_frag_split(
    frags: Sequence[Any], max_widths: Sequence[Any], calc_bounds: bool, encoding: str = "utf8"
) -> Any:
    """Replacement for ``reportlab.platypus.paragraph.cjkFragSplit`` with the rules above.

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
            line_width = sum(widths[line_start:next_start])
            lines.append(
                makeCJKParaLine(
                    units[line_start:next_start],
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


def fit_to_font(text: str) -> str:
    """``text`` with characters the bundled face has no glyph for replaced by close ones."""
    return text.translate(_FONT_GAPS)
