"""The paragraph and table styles every KAMDesk report is set in, built in one place.

Reports ask :func:`make_styles` for a :class:`ReportStyles` instead of building
``ParagraphStyle`` objects of their own, so the branding colour, the CJK font and the
CJK wrapping rules apply to every report alike, and a change of look is one edit here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from kamdesk.reports.data import Branding
from kamdesk.reports.fonts import BOLD_FONT_NAME, register_fonts

_log = logging.getLogger(__name__)

#: Body text size in points; the other sizes are set relative to it.
BODY_SIZE: Final = 9.5
#: Grey used for secondary text (labels, footers, empty states).
MUTED: Final = colors.HexColor("#5F6368")
#: Hairlines between table rows.
RULE: Final = colors.HexColor("#C8CDD2")
#: Background of every other table row, so a wide row is easy to follow.
ZEBRA: Final = colors.HexColor("#F3F5F7")
#: Space in points left and right of the text in a data table's cells.
CELL_PADDING: Final = 3

_DEFAULT_BRANDING: Final = Branding()


def parse_color(value: str, fallback: str) -> colors.Color:
    """The ``#RRGGBB`` colour ``value``, or ``fallback`` when it is not one.

    Branding comes from the user's settings; a mistyped colour should give a report in the
    default colour, not no report at all.
    """
    try:
        return colors.HexColor(value)
    except (TypeError, ValueError):
        _log.warning("Ignoring invalid branding colour %r", value)
        return colors.HexColor(fallback)


@dataclass(frozen=True)
class ReportStyles:
    """The styles of one report, already carrying the company's colours."""

    primary: colors.Color
    accent: colors.Color
    #: The document title (account name, proposal name).
    title: ParagraphStyle
    #: Section headings; these feed the table of contents of long documents.
    heading: ParagraphStyle
    #: Headings one level below ``heading``.
    subheading: ParagraphStyle
    body: ParagraphStyle
    #: Secondary text: the date line under a title, notes under a table.
    small: ParagraphStyle
    #: Field names in label/value blocks such as the account profile.
    label: ParagraphStyle
    #: The line shown where a list has nothing in it ("No stakeholders recorded yet").
    empty: ParagraphStyle
    table_header: ParagraphStyle
    table_cell: ParagraphStyle
    #: Text in page headers and footers, drawn straight on the canvas.
    page_font_name: str
    page_font_size: float

    def _cell_font(self) -> list[tuple[object, ...]]:
        # Tables set a font for every cell, Helvetica unless told otherwise, even when the
        # cell holds a Paragraph: that would put a Type 1 font with no Chinese glyphs in
        # the PDF, and set any plain-string cell in it.
        return [
            ("FONTNAME", (0, 0), (-1, -1), self.table_cell.fontName),
            ("FONTSIZE", (0, 0), (-1, -1), self.table_cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), self.table_cell.leading),
        ]

    def table_style(self, *, header_rows: int = 1) -> TableStyle:
        """Grid, header band and zebra rows for a data table with ``header_rows`` headers."""
        last_header = header_rows - 1
        return TableStyle(
            [
                *self._cell_font(),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, last_header), self.primary),
                ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]),
                ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
                ("BOX", (0, 0), (-1, -1), 0.5, self.primary),
            ]
        )

    def key_value_style(self) -> TableStyle:
        """Layout for label/value blocks: no grid, labels muted, a hairline under each pair."""
        return TableStyle(
            [
                *self._cell_font(),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ]
        )


def make_styles(branding: Branding) -> ReportStyles:
    """Build the styles for a report in ``branding``'s colours, in the bundled CJK font.

    Every style wraps with ``wordWrap='CJK'``: Chinese has no spaces to break at, and
    ReportLab's default wrapping would otherwise overflow a table cell with a long
    Chinese sentence. With the splitters of :mod:`kamdesk.reports.linebreak` installed,
    that mode breaks lines where Unicode line breaking allows, in any script.
    """
    font = register_fonts()
    primary = parse_color(branding.primary_color, _DEFAULT_BRANDING.primary_color)
    accent = parse_color(branding.accent_color, _DEFAULT_BRANDING.accent_color)

    body = ParagraphStyle(
        "KAMDeskBody",
        fontName=font,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.45,
        alignment=TA_LEFT,
        wordWrap="CJK",
        spaceAfter=3,
        textColor=colors.black,
    )
    title = ParagraphStyle(
        "KAMDeskTitle",
        parent=body,
        fontName=BOLD_FONT_NAME,
        fontSize=20,
        leading=26,
        textColor=primary,
        spaceAfter=2,
    )
    heading = ParagraphStyle(
        "KAMDeskHeading",
        parent=body,
        fontName=BOLD_FONT_NAME,
        fontSize=12.5,
        leading=17,
        textColor=primary,
        spaceBefore=9,
        spaceAfter=4,
        keepWithNext=1,
    )
    subheading = ParagraphStyle(
        "KAMDeskSubheading",
        parent=heading,
        fontSize=10.5,
        leading=14,
        spaceBefore=6,
        spaceAfter=2,
    )
    small = ParagraphStyle(
        "KAMDeskSmall",
        parent=body,
        fontSize=BODY_SIZE - 1.5,
        leading=(BODY_SIZE - 1.5) * 1.4,
        textColor=MUTED,
        spaceAfter=0,
    )
    label = ParagraphStyle("KAMDeskLabel", parent=small, spaceAfter=0)
    empty = ParagraphStyle("KAMDeskEmpty", parent=body, textColor=MUTED, spaceBefore=2)
    table_cell = ParagraphStyle(
        "KAMDeskTableCell",
        parent=body,
        fontSize=BODY_SIZE - 1,
        leading=(BODY_SIZE - 1) * 1.35,
        spaceAfter=0,
    )
    table_header = ParagraphStyle(
        "KAMDeskTableHeader",
        parent=table_cell,
        fontName=BOLD_FONT_NAME,
        textColor=colors.white,
    )
    return ReportStyles(
        primary=primary,
        accent=accent,
        title=title,
        heading=heading,
        subheading=subheading,
        body=body,
        small=small,
        label=label,
        empty=empty,
        table_header=table_header,
        table_cell=table_cell,
        page_font_name=font,
        page_font_size=7.5,
    )
