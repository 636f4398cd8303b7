"""The page layout every KAMDesk PDF shares: branded first page, running header, page X of Y.

A report builder (account summary, proposal, account plan) only writes a *story*, the list
of flowables, and hands it to :func:`render_pdf`. The template supplies A4 pages in the
company's branding, a first page with the logo and company name, later pages with a slim
running header, and a footer with the company name and "Page X of Y".

Output is deterministic (ReportLab's ``invariant`` mode): the same data and the same
creation time give the same bytes, so tests can compare documents. The creation time is
the moment of the build unless the caller passes one; it is the only clock a PDF reads.

Long documents can add a table of contents: every paragraph in a heading style is
bookmarked, added to the PDF outline and announced to ReportLab's indexing flowables
(``TOCEntry``), so putting :func:`table_of_contents` in the story is all that is needed;
:func:`render_pdf` then runs the extra layout passes a TOC needs.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from kamdesk import APP_NAME
from kamdesk.i18n import _
from kamdesk.reports.data import Branding
from kamdesk.reports.styles import MUTED, ReportStyles

_log = logging.getLogger(__name__)

PAGE_SIZE: Final = A4
MARGIN_LEFT: Final = 18 * mm
MARGIN_RIGHT: Final = 18 * mm
MARGIN_BOTTOM: Final = 18 * mm
#: Top margin of later pages, leaving room for the running header.
MARGIN_TOP: Final = 20 * mm
#: Width of the text frame: what tables divide among their columns.
CONTENT_WIDTH: Final = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
#: Height of the text frame on pages after the first: the most a page can hold.
BODY_HEIGHT: Final = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
#: Height of the first page's header band (logo and company name).
FIRST_PAGE_HEADER: Final = 24 * mm
#: Tallest a logo may be drawn in the first page's header band.
LOGO_MAX_HEIGHT: Final = 14 * mm
LOGO_MAX_WIDTH: Final = 50 * mm

#: Page template ids, for ``NextPageTemplate`` in stories that need a fresh first page.
FIRST_PAGE: Final = "first"
LATER_PAGES: Final = "later"

_PAGE_LABEL_FORM: Final = "kamdeskPageLabel{page}"


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself: PDF metadata and the running header."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    #: BCP 47 language of the text (``zh-CN``, ``en-US``), for screen readers; optional.
    lang: str = ""


PageLabelPainter = Callable[[Canvas, int, int], None]


class PageCountCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas on whose pages "Page X of Y" can be drawn before Y is known.

    The common recipe holds back every page until the end, which breaks bookmarks and
    links (they are bound to the page being written, and no page is written until the
    end). Here only the page label is held back: each page draws a reference to a PDF
    form named after its page number, and :meth:`save`, when the count is known, fills
    each form in with ``paint_label(canvas, page, total)``. ReportLab allows a form to
    be used before it is defined.
    """

    def __init__(self, *args: Any, paint_label: PageLabelPainter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paint_label = paint_label
        self._labelled_pages: list[int] = []

    def draw_page_label(self) -> None:
        """Show this page's "Page X of Y" label, to be filled in when the document is saved."""
        page = self.getPageNumber()
        self.doForm(_PAGE_LABEL_FORM.format(page=page))
        self._labelled_pages.append(page)

    def save(self) -> None:
        """Fill in every page label now that the page count is known, then write the PDF."""
        if self._code:
            # Canvas.save would do this itself; the count must include that page.
            self.showPage()
        total = self.getPageNumber() - 1
        for page in self._labelled_pages:
            self.beginForm(_PAGE_LABEL_FORM.format(page=page))
            self._paint_label(self, page, total)
            self.endForm()
        super().save()


class _BrandedPage(PageTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """A page template that draws the branded header and the footer around its frame."""

    def __init__(
        self, template_id: str, frame: Frame, doc: ReportDocTemplate, *, first: bool
    ) -> None:
        super().__init__(id=template_id, frames=[frame])
        self._report = doc
        self._first = first

    def beforeDrawPage(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Override PageTemplate.beforeDrawPage: paint header and footer under the text."""
        canvas.saveState()
        if self._first:
            self._report.draw_first_page_header(canvas)
        else:
            self._report.draw_running_header(canvas)
        self._report.draw_footer(canvas)
        canvas.restoreState()


class ReportDocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type hints
    """A4 document in the company's branding with "Page X of Y" footers.

    Reuse it for every report so they look alike: pass a story to :meth:`build` (or to
    :func:`render_pdf`). The first page has a header band with the logo and company name,
    later pages a running header with the document title.
    """

    def __init__(
        self,
        target: str | IO[bytes],
        *,
        info: DocumentInfo,
        branding: Branding,
        styles: ReportStyles,
        toc_levels: Mapping[str, int] | None = None,
        created_at: dt.datetime | None = None,
    ) -> None:
        super().__init__(
            target,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=info.title,
            author=info.author,
            subject=info.subject,
            keywords=list(info.keywords),
            creator=APP_NAME,
            producer=APP_NAME,
            lang=info.lang or None,
            # Without this every page would start in Helvetica, a Type 1 font with no
            # Chinese glyphs, and the PDF would list it among its fonts.
            initialFontName=styles.page_font_name,
            initialFontSize=styles.body.fontSize,
            initialLeading=styles.body.leading,
            # Same input, same bytes: no random ids, and no clock but ``created_at``.
            invariant=1,
        )
        #: When the document was made, stamped as its creation (and modification) date.
        self.created_at = created_at or dt.datetime.now().astimezone()
        self.info = info
        self.branding = branding
        self.styles = styles
        #: Paragraph style name → table-of-contents level of the headings to index.
        self.toc_levels: Mapping[str, int] = (
            toc_levels
            if toc_levels is not None
            else {styles.heading.name: 0, styles.subheading.name: 1}
        )
        self._logo = _load_logo(branding)
        self._outline_level = -1
        self.addPageTemplates(
            [
                _BrandedPage(FIRST_PAGE, self._frame(first=True), self, first=True),
                _BrandedPage(LATER_PAGES, self._frame(first=False), self, first=False),
            ]
        )
        self.pageTemplates[0].autoNextPageTemplate = LATER_PAGES

    def _frame(self, *, first: bool) -> Frame:
        top = FIRST_PAGE_HEADER + 6 * mm if first else self.topMargin
        return Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.pagesize[1] - self.bottomMargin - top,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"{'first' if first else 'later'}-body",
        )

    def build(
        self,
        flowables: list[Flowable],
        filename: str | None = None,
        canvasmaker: Callable[..., Canvas] | None = None,
    ) -> None:
        """Override BaseDocTemplate.build: lay out on a canvas that can count pages."""
        if canvasmaker is None:
            stamp = pdf_date(self.created_at)

            def canvasmaker(*args: Any, **kwargs: Any) -> Canvas:
                canvas = PageCountCanvas(*args, paint_label=self.paint_page_label, **kwargs)
                # Invariant mode would stamp 2000-01-01; the formatter's arguments are
                # that fixed date, so it is ignored in favour of the real one.
                canvas.setDateFormatter(lambda *_fixed: stamp)
                return canvas

        super().build(flowables, filename=filename, canvasmaker=canvasmaker)

    # -- Headers and footers -------------------------------------------------------------

    def draw_first_page_header(self, canvas: Canvas) -> None:
        """Logo and company name across the top of the first page, over a brand-colour rule."""
        page_width, page_height = self.pagesize
        rule_y = page_height - FIRST_PAGE_HEADER
        text_x = self.leftMargin
        if self._logo is not None:
            width, height = _fit(self._logo.getSize(), LOGO_MAX_WIDTH, LOGO_MAX_HEIGHT)
            canvas.drawImage(
                self._logo,
                self.leftMargin,
                rule_y + 3 * mm,
                width=width,
                height=height,
                mask="auto",
            )
            text_x += width + 4 * mm
        if self.branding.company_name:
            font, size = self.styles.heading.fontName, 13
            canvas.setFont(font, size)
            canvas.setFillColor(self.styles.primary)
            name = _clip(
                self.branding.company_name, font, size, page_width - self.rightMargin - text_x
            )
            canvas.drawString(text_x, rule_y + 3 * mm + 2, name)
        canvas.setStrokeColor(self.styles.primary)
        canvas.setLineWidth(1.2)
        canvas.line(self.leftMargin, rule_y, page_width - self.rightMargin, rule_y)

    def draw_running_header(self, canvas: Canvas) -> None:
        """The document title above a hairline, so a loose page says what it belongs to."""
        page_width, page_height = self.pagesize
        baseline = page_height - self.topMargin + 5 * mm
        font, size = self.styles.page_font_name, self.styles.page_font_size
        canvas.setFont(font, size)
        canvas.setFillColor(MUTED)
        canvas.drawString(self.leftMargin, baseline, _clip(self.info.title, font, size, self.width))
        canvas.setStrokeColor(self.styles.primary)
        canvas.setLineWidth(0.5)
        canvas.line(
            self.leftMargin, baseline - 2 * mm, page_width - self.rightMargin, baseline - 2 * mm
        )

    def draw_footer(self, canvas: Canvas) -> None:
        """Company name on the left, "Page X of Y" on the right, under a hairline."""
        page_width, _page_height = self.pagesize
        baseline = self.bottomMargin - 9 * mm
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.25)
        canvas.line(
            self.leftMargin, baseline + 4 * mm, page_width - self.rightMargin, baseline + 4 * mm
        )
        font, size = self.styles.page_font_name, self.styles.page_font_size
        canvas.setFont(font, size)
        canvas.setFillColor(MUTED)
        if self.branding.company_name:
            # The right third is kept for the page label.
            name = _clip(self.branding.company_name, font, size, self.width * 2 / 3)
            canvas.drawString(self.leftMargin, baseline, name)
        if isinstance(canvas, PageCountCanvas):
            canvas.draw_page_label()

    def paint_page_label(self, canvas: Canvas, page: int, total: int) -> None:
        """Draw "Page X of Y" right-aligned in the footer (called once the count is known)."""
        page_width, _page_height = self.pagesize
        canvas.setFont(self.styles.page_font_name, self.styles.page_font_size)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(
            page_width - self.rightMargin,
            self.bottomMargin - 9 * mm,
            _("Page {page} of {total}").format(page=page, total=total),
        )

    # -- Table of contents ---------------------------------------------------------------

    def afterFlowable(self, flowable: Flowable) -> None:
        """Override BaseDocTemplate.afterFlowable: index headings for a TOC and the outline."""
        if not isinstance(flowable, Paragraph):
            return
        level = self.toc_levels.get(flowable.style.name)
        if level is None:
            return
        text = flowable.getPlainText()
        # doc.seq restarts with every layout pass, so keys stay stable across passes.
        key = f"heading-{self.seq.nextf('kamdesk-heading')}"
        self.canv.bookmarkPage(key)
        # The PDF outline may only go one level deeper at a time.
        self._outline_level = min(level, self._outline_level + 1)
        self.canv.addOutlineEntry(text, key, level=self._outline_level, closed=True)
        # A table of contents sets its entries as Paragraph markup: "R&D" must arrive escaped.
        self.notify("TOCEntry", (level, escape_markup(text), self.page, key))

    def beforeDocument(self) -> None:
        """Override BaseDocTemplate.beforeDocument: start each layout pass's outline afresh."""
        self._outline_level = -1


def render_pdf(
    story: Sequence[Flowable],
    *,
    info: DocumentInfo,
    branding: Branding,
    styles: ReportStyles,
    created_at: dt.datetime | None = None,
) -> bytes:
    """Lay ``story`` out on branded pages and return the PDF file's bytes.

    The PDF says it was created at ``created_at`` (by default now): pass a fixed time
    for output that is the same from one run to the next. Stories holding an indexing
    flowable (a table of contents) are laid out as many times as it takes for its page
    numbers to settle; others in a single pass.
    """
    buffer = io.BytesIO()
    doc = ReportDocTemplate(
        buffer, info=info, branding=branding, styles=styles, created_at=created_at
    )
    flowables = list(story)
    if any(flowable.isIndexing() for flowable in flowables):
        doc.multiBuild(flowables)
    else:
        doc.build(flowables)
    return buffer.getvalue()


def keep_together(
    flowables: Sequence[Flowable], *, lead: Sequence[Flowable] = ()
) -> list[Flowable]:
    """``flowables`` kept on one page when they fit on one, for a section such as a table.

    A group that does not fit in the space left on the page but fits on a page of its own
    starts the next page, whole, rather than leave a few rows of it on this page and the
    rest on the next. A group taller than a page starts where it falls and runs on (tables
    repeat their header rows), but not at the foot of a page with room for less than
    ``lead``: pass its heading and first rows so that a heading never ends a page.
    """
    height = stacked_height(flowables)
    if height > BODY_HEIGHT:
        height = stacked_height(lead)
    return [CondPageBreak(height), *flowables] if height > 0 else list(flowables)


def stacked_height(flowables: Sequence[Flowable], width: float = CONTENT_WIDTH) -> float:
    """The height ``flowables`` take one below the other in a frame ``width`` wide.

    Space before and after counts as a frame adds it, collapsing where one flowable's
    space after meets the next one's space before, including the first one's space
    before (kept out at the top of a page, so the figure errs on the tall side).
    """
    height = 0.0
    space_after = 0.0
    for flowable in flowables:
        _width, flowable_height = flowable.wrap(width, BODY_HEIGHT)
        height += max(flowable.getSpaceBefore() - space_after, 0) + flowable_height
        space_after = flowable.getSpaceAfter()
        height += space_after
    return height


def pdf_date(moment: dt.datetime) -> str:
    """``moment`` in the PDF date format (``D:20261201093000+08'00'``); naive means local."""
    moment = moment.astimezone() if moment.tzinfo is None else moment
    offset_minutes = round((moment.utcoffset() or dt.timedelta()).total_seconds() / 60)
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{minutes:02d}'"


def table_of_contents(styles: ReportStyles) -> TableOfContents:
    """A table of contents for a long report, set in the report's font.

    Put it in the story; :func:`render_pdf` fills it with the ``heading`` (level 0) and
    ``subheading`` (level 1) paragraphs and their page numbers. ReportLab's default TOC
    styles use Helvetica, which has no Chinese glyphs.
    """
    level_0 = ParagraphStyle(
        "KAMDeskTOCLevel0", parent=styles.body, rightIndent=30, spaceBefore=2, spaceAfter=1
    )
    level_1 = ParagraphStyle(
        "KAMDeskTOCLevel1", parent=level_0, leftIndent=14, spaceBefore=0, textColor=MUTED
    )
    toc = TableOfContents(
        dotsMinLevel=0,
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles.body.fontName),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    toc.levelStyles = [level_0, level_1]
    return toc


def escape_markup(text: str) -> str:
    """``text`` made safe to put in Paragraph markup: ``&``, ``<`` and ``>`` escaped.

    Not ``xml.sax.saxutils.escape``: importing it pulls in urllib, http and ssl, a fifth
    of the time a first export takes.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _load_logo(branding: Branding) -> ImageReader | None:
    """The branding logo, or ``None`` when there is none or it cannot be read.

    A logo that has gone missing (a moved file, a settings file from another computer)
    should cost the report its logo, not the whole report.
    """
    if branding.logo_path is None:
        return None
    try:
        logo = ImageReader(str(branding.logo_path))
        logo.getSize()
    # Pillow and ReportLab raise a variety of errors for unreadable images.
    except Exception as error:
        _log.warning("Leaving out the logo %s: %s", branding.logo_path, error)
        return None
    return logo


def _clip(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut short with an ellipsis to fit ``width`` on one line.

    Headers and footers are drawn straight on the canvas, which never wraps: a long
    account or company name would otherwise run off the page or over the page label.
    """
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _fit(size: tuple[int, int], max_width: float, max_height: float) -> tuple[float, float]:
    """``size`` scaled down, keeping its proportions, to fit in ``max_width`` × ``max_height``."""
    width, height = size
    if width <= 0 or height <= 0:
        return max_width, max_height
    scale = min(max_width / width, max_height / height)
    return width * scale, height * scale
