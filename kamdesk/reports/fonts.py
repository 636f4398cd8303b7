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
from typing import Final

from kamdesk.paths import resource

#: The name styles and canvases use for the bundled CJK face.
FONT_NAME: Final = "KAMDeskSans"
#: The name ``<b>`` resolves to. The bundled face has no bold cut, so it is the same face;
#: registering a real bold later only needs a second ``TTFont`` under this name.
BOLD_FONT_NAME: Final = "KAMDeskSans-Bold"

_FONT_FILE: Final = ("fonts", "wqy-microhei.ttc")
#: Index of "WenQuanYi Micro Hei" inside the collection (1 is the monospaced cut).
_SUBFONT_INDEX: Final = 0

#: Characters that must not begin a line in Chinese text, missing from ReportLab's list:
#: full-width ，：；！？．％ and closing brackets, closing quotes, ellipses and the
#: iteration and prolonged-sound marks that ReportLab's Japanese-centred list omits.
EXTRA_CANNOT_START: Final = (
    "\uff0c\uff1a\uff1b\uff01\uff1f\uff0e"  # ，：；！？．
    "\u300b\u3009\u3017\u3019\u301b\uff5d\uff3d\uff09\u300d\u300f\u3011\u3015"  # 》〉〗〙〛｝］）」』】〕
    "\u2019\u201d\u2026\u2025\u00b7\u30fb\uff64\uff61"  # ’”…‥·・､｡
)

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
    """Teach ReportLab's CJK wrapping that Chinese punctuation must not start a line.

    ReportLab (``reportlab.lib.textsplit.CANNOT_START_LINE``) lists the Japanese
    "kinsoku" characters but lacks the full-width Chinese ，：；！？, 》 and the curly
    closing quotes ” ’, so a paragraph with ``wordWrap='CJK'`` could put a comma or a
    closing quote at the start of a line, which Chinese readers see as a typesetting
    error. The list is read as a module global in two places: ``textsplit`` itself (used
    for paragraphs that are a single run of text) and ``reportlab.platypus.paragraph``,
    which imported its own reference (used for paragraphs with markup). Both are
    extended, once; calling this again changes nothing.
    """
    with _lock:
        _apply_cjk_line_breaking_locked()


def _apply_cjk_line_breaking_locked() -> None:
    global _cjk_rules_applied
    if _cjk_rules_applied:
        return
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (textsplit, paragraph):
        current: str = module.ALL_CANNOT_START
        missing = "".join(ch for ch in EXTRA_CANNOT_START if ch not in current)
        module.ALL_CANNOT_START = current + missing
    _cjk_rules_applied = True
