"""The font every KAMDesk PDF is set in.

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
from kamdesk.reports.linebreak import apply_line_breaking

#: The name styles and canvases use for the bundled CJK face.
FONT_NAME: Final = "KAMDeskSans"
#: The name ``<b>`` resolves to. The bundled face has no bold cut, so it is the same face;
#: registering a real bold later only needs a second ``TTFont`` under this name.
BOLD_FONT_NAME: Final = "KAMDeskSans-Bold"

_FONT_FILE: Final = ("fonts", "wqy-microhei.ttc")
#: Index of "WenQuanYi Micro Hei" inside the collection (1 is the monospaced cut).
_SUBFONT_INDEX: Final = 0

#: Characters that locale data (Babel) produces but the bundled face lacks, and the nearest
#: character it has; without this, a French amount would show a box for its digit group
#: separator (U+202F narrow no-break space).
_FONT_GAPS: Final = str.maketrans({"\u202f": "\u00a0", "\u2011": "-"})

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Make the bundled CJK face available to ReportLab and return its font name.

    Safe to call before every build: only the first call pays for parsing the font. It
    also applies :func:`kamdesk.reports.linebreak.apply_line_breaking`, since every text
    set in this font is wrapped with ``wordWrap='CJK'``.
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
            apply_line_breaking()
            _registered = True
    return FONT_NAME


def fit_to_font(text: str) -> str:
    """``text`` with characters the bundled face has no glyph for replaced by close ones."""
    return text.translate(_FONT_GAPS)
