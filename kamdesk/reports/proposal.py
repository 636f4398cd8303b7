"""The proposal PDF: what the customer's executives read before they choose an option.

Its sections follow the order a buyer asks their questions in: the cover (who it is for,
what, when, which version), the executive summary (the problem, what we recommend and its
headline ROI, payback and NPV), their situation and pains, our solution mapped to those
pains, the options side by side, the investment and ROI of each option with the
cumulative cash-flow chart, the scenarios, the sensitivity (tornado) chart, the
implementation plan, the terms, why us and the next steps. A table of contents follows
the cover, and every page says "page X of Y".

A proposal is written in its own language (Chinese or English, chosen per proposal),
whatever the UI's: every heading goes through the proposal's :class:`Translator`, and
money, percentages, months and dates are formatted for that language's CLDR locale, in
the proposal's currency.

Every figure on the page is the engine's (``kamdesk.domain.proposal_figures``): this
module formats figures, it never works one out. A figure the engine could not work out
(an IRR that does not exist, a payback that never comes) is shown as the engine's reason,
a sentence the reader understands, where the figure would be; an IRR that is not the only
rate zeroing the NPV carries a footnote saying to trust the NPV. Sections with nothing to
say (no phases, no "why us") are left out rather than shown as an empty heading.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeAlias

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kamdesk.domain.proposal_figures import (
    DISCOUNT_RATE_DRIVER,
    INVESTMENT_DRIVER,
    REASON_TEXTS,
    RECURRING_DRIVER,
    SCENARIO_LABELS,
    SENSITIVITY_SWING,
    Figure,
    IrrFigure,
    OptionFigures,
    Reason,
    Sensitivity,
    Unavailable,
)
from kamdesk.domain.proposals import (
    BENEFIT_KIND_LABELS,
    Benefit,
    BenefitKind,
    Billing,
    LineItem,
    Option,
    ProposalDocument,
    ProposalStatus,
)
from kamdesk.formatting import format_date, format_money, major_to_minor
from kamdesk.i18n import N_, Translator, translator
from kamdesk.reports.data import Branding
from kamdesk.reports.fonts import BOLD_FONT_NAME, fit_to_font
from kamdesk.reports.proposal_charts import (
    Series,
    TornadoBar,
    compact_money,
    cumulative_cash_flow_chart,
    net_flows_chart,
    series_colours,
    to_float,
    tornado_chart,
)
from kamdesk.reports.styles import CELL_PADDING, MUTED, ReportStyles, make_styles
from kamdesk.reports.template import (
    CONTENT_WIDTH,
    DocumentInfo,
    PageCountCanvas,
    ReportDocTemplate,
    escape_markup,
    keep_together,
    pdf_date,
    stacked_height,
)

#: Shown where a figure came out as not-a-number: the engine should never give one, but
#: if it did, the reader gets a sentence, not "NaN".
_NOT_A_NUMBER: Final = N_("Cannot be worked out from these figures.")
#: The footnote of an IRR that is not the only rate zeroing the NPV.
_IRR_NOT_UNIQUE: Final = N_("Several rates give an NPV of 0: trust the NPV.")
#: Marks a figure that has a footnote.
_NOTE_MARK: Final = "*"
_RECOMMENDED_MARK: Final = "★"
#: Height of the cash-flow charts in points.
_CHART_HEIGHT: Final = 205.0
#: Room kept right of a contents entry for its page number.
_CONTENTS_NUMBER: Final = 36.0
#: Names of a contents entry's page-number form and of the anchor it links to.
_CONTENTS_FORM: Final = "proposalContentsPage{index}"
_CONTENTS_KEY: Final = "proposal-section-{index}"
#: Rows of a table (after its header) that must fit below its heading on the page.
_LEAD_ROWS: Final = 2
#: The widest glyph of the bundled face, in ems (most are half of one or less).
_WIDEST_GLYPH: Final = 1.2
#: Tables of at most this many rows move to the next page whole rather than split.
_KEPT_ROWS: Final = 14
#: The drivers the engine names itself (the others are benefits, named as the user typed).
_ENGINE_DRIVERS: Final = frozenset(
    {INVESTMENT_DRIVER, RECURRING_DRIVER, DISCOUNT_RATE_DRIVER, *BENEFIT_KIND_LABELS.values()}
)
#: Share of the width the label column of the options table takes.
_LABEL_SHARE: Final = 0.26


def proposal_pdf(
    document: ProposalDocument,
    figures: Mapping[str, OptionFigures],
    branding: Branding,
    *,
    created: dt.datetime | None = None,
) -> bytes:
    """The proposal ``document`` as PDF bytes, with the engine's ``figures`` by option id.

    Written in ``document.language`` whatever the UI's language is; in ``branding``'s
    look. The PDF says it was created at ``created`` (by default now): pass a fixed time
    for the same bytes from one run to the next.
    """
    styles = make_styles(branding)
    writer = _Writer(document, figures, styles)
    info = DocumentInfo(
        title=f"{document.title} · {document.customer}" if document.customer else document.title,
        author=document.prepared_by or branding.company_name,
        subject=writer.t.gettext(N_("Proposal")),
        keywords=tuple(k for k in (document.customer, document.deal) if k),
        lang=writer.locale.replace("_Hans", "").replace("_", "-"),
    )
    story = writer.story()
    buffer = io.BytesIO()
    doc = _ProposalDocTemplate(
        buffer,
        info=info,
        branding=branding,
        styles=styles,
        created_at=created,
        words=writer.t,
        contents_entries=len(writer.contents_entries),
    )
    # One layout pass: the contents leave their page numbers to be filled in at the end.
    with _binary_streams():
        doc.build(story)
    return buffer.getvalue()


_binary_lock = threading.Lock()
#: Proposals being built now, and ReportLab's setting from before the first of them.
_binary_builds = 0
_ascii85_setting = 1


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Write the PDF's streams compressed but not also ASCII85-encoded, while in the block.

    ReportLab encodes every compressed stream (pages, charts, the font subset) as ASCII
    text by default, in pure Python: a fifth of the time a proposal takes, for a file a
    quarter larger. Binary streams are what every PDF reader expects. The setting is
    ReportLab's global one, so it is put back when the last proposal being built is done;
    another report built meanwhile on another thread is written with binary streams too,
    which is just as valid.
    """
    from reportlab import rl_config

    global _binary_builds, _ascii85_setting
    with _binary_lock:
        if _binary_builds == 0:
            _ascii85_setting = rl_config.useA85
            rl_config.useA85 = 0
        _binary_builds += 1
    try:
        yield
    finally:
        with _binary_lock:
            _binary_builds -= 1
            if _binary_builds == 0:
                rl_config.useA85 = _ascii85_setting


class _ProposalDocTemplate(ReportDocTemplate):
    """The shared template, with contents and "page X of Y" in the proposal's language.

    The page label is in the proposal's language, not the UI's, and the contents' page
    numbers are filled in once the document is laid out.

    ReportLab's table of contents needs the whole document laid out twice (once to learn
    the pages, once to print them), which would double the time a proposal takes. The
    proposal's sections are known before layout, and its contents sit on a page of their
    own, so the page numbers are the only thing layout decides: like "page X of Y", each
    is a PDF form drawn where it goes and filled in when the PDF is saved.
    """

    def __init__(self, *args: Any, words: Translator, contents_entries: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._words = words
        self._contents_entries = contents_entries
        #: The page each heading was laid out on, in the order of the contents.
        self.heading_pages: list[int] = []

    def build(
        self,
        flowables: list[Flowable],
        filename: str | None = None,
        canvasmaker: Callable[..., Canvas] | None = None,
    ) -> None:
        """Override ReportDocTemplate.build: a canvas that also fills in the contents."""
        stamp = pdf_date(self.created_at)

        def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
            canvas = _ContentsCanvas(
                *args,
                paint_label=self.paint_page_label,
                paint_contents=self.paint_contents_pages,
                **kwargs,
            )
            # As the shared template does: the document's own time, not invariant mode's.
            canvas.setDateFormatter(lambda *_fixed: stamp)
            return canvas

        super().build(flowables, filename=filename, canvasmaker=canvasmaker or make_canvas)

    def afterFlowable(self, flowable: Flowable) -> None:
        """Override ReportDocTemplate.afterFlowable: note each heading's page and anchor."""
        super().afterFlowable(flowable)
        if isinstance(flowable, Paragraph) and flowable.style.name in self.toc_levels:
            self.canv.bookmarkPage(_CONTENTS_KEY.format(index=len(self.heading_pages)))
            self.heading_pages.append(self.page)

    def paint_contents_pages(self, canvas: Canvas) -> None:
        """Fill in the page number of every contents entry (called when saving)."""
        for index in range(self._contents_entries):
            page = self.heading_pages[index] if index < len(self.heading_pages) else None
            canvas.beginForm(
                _CONTENTS_FORM.format(index=index), lowerx=-60, lowery=-4, upperx=2, uppery=14
            )
            canvas.setFont(self.styles.body.fontName, self.styles.body.fontSize)
            canvas.drawRightString(0, 0, str(page) if page is not None else "")
            canvas.endForm()

    def paint_page_label(self, canvas: Canvas, page: int, total: int) -> None:
        """Override ReportDocTemplate.paint_page_label: in the proposal's language."""
        page_width, _page_height = self.pagesize
        canvas.setFont(self.styles.page_font_name, self.styles.page_font_size)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(
            page_width - self.rightMargin,
            self.bottomMargin - 9 * mm,
            self._words.gettext(N_("Page {page} of {total}")).format(page=page, total=total),
        )


class _ContentsCanvas(PageCountCanvas):
    """A page-counting canvas that also fills in the contents' page numbers on saving."""

    def __init__(self, *args: Any, paint_contents: Callable[[Canvas], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paint_contents = paint_contents

    def save(self) -> None:
        """Override PageCountCanvas.save: the contents' forms, then the page labels."""
        if self._code:
            # The last page must be finished before forms are defined.
            self.showPage()
        self._paint_contents(self)
        super().save()


class _Contents(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """The table of contents: each heading, a dot leader and its page, a link to it.

    The entries are the proposal's headings, known before layout; their page numbers
    are PDF forms the template fills in at the end (:class:`_ProposalDocTemplate`).
    """

    def __init__(
        self, entries: Sequence[tuple[int, str]], styles: ReportStyles, *, first: int = 0
    ) -> None:
        super().__init__()
        self._entries = entries
        self._styles = styles
        #: The index of the first entry, when the contents run over more than one page.
        self._first = first
        self._rows: list[tuple[Paragraph, float, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Override Flowable.wrap: lay each entry out across the width, less the numbers."""
        self._rows = []
        height = 0.0
        for level, text in self._entries:
            style = self._styles.body if level == 0 else self._styles.small
            indent = 14.0 * level
            paragraph = Paragraph(text, style)
            _w, entry_height = paragraph.wrap(available_width - indent - _CONTENTS_NUMBER, 1e6)
            self._rows.append((paragraph, indent, height))
            height += entry_height + (4 if level == 0 else 2)
        self.width = available_width
        self.height = height
        return available_width, height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Override Flowable.split: the entries that fit here, and the rest for the next page."""
        self.wrap(available_width, available_height)
        fitting = sum(
            1
            for paragraph, _indent, top in self._rows
            if top + paragraph.height <= available_height
        )
        if fitting == 0 or fitting == len(self._entries):
            return []
        entries = list(self._entries)
        return [
            _Contents(entries[:fitting], self._styles, first=self._first),
            _Contents(entries[fitting:], self._styles, first=self._first + fitting),
        ]

    def draw(self) -> None:
        """Override Flowable.draw: entries top down, each linked to its heading."""
        canvas = self.canv
        for row, (paragraph, indent, top) in enumerate(self._rows):
            index = self._first + row
            y = self.height - top - paragraph.height
            paragraph.drawOn(canvas, indent, y)
            widths = paragraph.getActualLineWidths0() or [0.0]
            line_end = indent + widths[-1]
            style = paragraph.style
            # The last line's baseline, where the leader and the number go.
            baseline = y + paragraph.height - style.fontSize - (len(widths) - 1) * style.leading
            canvas.saveState()
            canvas.setStrokeColor(MUTED)
            canvas.setLineWidth(0.6)
            canvas.setDash(0.6, 2.4)
            leader_end = self.width - _CONTENTS_NUMBER / 2
            if leader_end > line_end + 6:
                canvas.line(line_end + 4, baseline + 1, leader_end, baseline + 1)
            canvas.restoreState()
            canvas.saveState()
            canvas.translate(self.width, baseline)
            canvas.scale(
                style.fontSize / self._styles.body.fontSize,
                style.fontSize / self._styles.body.fontSize,
            )
            canvas.doForm(_CONTENTS_FORM.format(index=index))
            canvas.restoreState()
            canvas.linkRect(
                "",
                _CONTENTS_KEY.format(index=index),
                (indent, y, self.width, y + paragraph.height),
                relative=1,
            )


@dataclass(frozen=True)
class _Cell:
    """Plain text in a data table's cell, and how it is set."""

    text: str
    #: Right-aligned, as figures are.
    right: bool = False
    bold: bool = False
    #: Grey and a little smaller: a sentence where a figure would be.
    muted: bool = False
    #: In a header row: white on the brand colour.
    header: bool = False


#: What a data-table cell may hold.
Cell: TypeAlias = "Flowable | str | _Cell"


class _Writer:
    """Writes the story of one proposal in its language, from the engine's figures."""

    def __init__(
        self,
        document: ProposalDocument,
        figures: Mapping[str, OptionFigures],
        styles: ReportStyles,
    ) -> None:
        self.d = document
        self.t = translator(str(document.language))
        self.locale = self.t.language.locale
        from babel import Locale

        # Parsed once: Babel would parse the locale's name again for every number.
        self._babel_locale = Locale.parse(self.locale)
        self.styles = styles
        #: The options the engine gave figures for, in the proposal's order.
        self.options: list[tuple[Option, OptionFigures]] = [
            (option, figures[option.id]) for option in document.options if option.id in figures
        ]
        recommended = document.recommended
        self.recommended: tuple[Option, OptionFigures] | None = next(
            ((o, f) for o, f in self.options if recommended is not None and o.id == recommended.id),
            None,
        )
        self.colours = series_colours(styles.primary, len(self.options))
        self._section_number = 0
        #: (level, markup) of every heading in the story, in order: the contents.
        self.contents_entries: list[tuple[int, str]] = []
        self._notes: list[str] = []
        cell = styles.table_cell
        self.cell = cell
        self.number = ParagraphStyle("ProposalNumber", parent=cell, alignment=TA_RIGHT)
        self.reason = ParagraphStyle(
            "ProposalReason", parent=cell, textColor=MUTED, fontSize=cell.fontSize - 0.5
        )
        self.reason_right = ParagraphStyle(
            "ProposalReasonRight", parent=self.reason, alignment=TA_RIGHT
        )
        self.header_right = ParagraphStyle(
            "ProposalHeaderRight", parent=styles.table_header, alignment=TA_RIGHT
        )
        self.bold_cell = ParagraphStyle("ProposalBoldCell", parent=cell, fontName=BOLD_FONT_NAME)
        self.bold_number = ParagraphStyle(
            "ProposalBoldNumber", parent=self.number, fontName=BOLD_FONT_NAME
        )
        # Not in the TOC: the table of contents lists only ``heading`` and ``subheading``.
        self.label = ParagraphStyle(
            "ProposalLabel",
            parent=styles.body,
            fontName=BOLD_FONT_NAME,
            textColor=styles.primary,
            spaceBefore=5,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.contents = ParagraphStyle("ProposalContents", parent=styles.heading)
        self.cover_kicker = ParagraphStyle(
            "ProposalKicker", parent=styles.body, fontSize=11, leading=14, textColor=MUTED
        )
        self.cover_title = ParagraphStyle(
            "ProposalCoverTitle", parent=styles.title, fontSize=26, leading=33, spaceAfter=8
        )
        self.cover_customer = ParagraphStyle(
            "ProposalCoverCustomer",
            parent=styles.body,
            fontName=BOLD_FONT_NAME,
            fontSize=15,
            leading=20,
            spaceAfter=14,
        )
        self.kpi_value = ParagraphStyle(
            "ProposalKpiValue",
            parent=styles.body,
            fontName=BOLD_FONT_NAME,
            fontSize=13.5,
            leading=17,
            textColor=styles.primary,
            spaceAfter=0,
        )
        self.kpi_reason = ParagraphStyle(
            "ProposalKpiReason", parent=styles.body, textColor=MUTED, spaceAfter=0
        )
        # The bullet's own font is Helvetica unless told: no Chinese, and one more font.
        self.bullet = ParagraphStyle(
            "ProposalBullet",
            parent=styles.body,
            bulletFontName=styles.body.fontName,
            leftIndent=10,
            bulletIndent=1,
        )
        #: A line that belongs with what follows it (an option's summary over its prices).
        self.lead_in = ParagraphStyle("ProposalLeadIn", parent=styles.body, keepWithNext=1)
        self.note = ParagraphStyle("ProposalNote", parent=styles.small, spaceBefore=2)
        self.tint = _tint(styles.primary, 0.10)

    # -- The story ------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        """Every section in the order of the proposal, each heading indexed in the TOC."""
        story = self._cover()
        story += [Paragraph(self._text(self.t.gettext(N_("Contents"))), self.contents)]
        # Filled with the headings below as they are written, before the layout.
        story += [_Contents(self.contents_entries, self.styles), PageBreak()]
        for section in (
            self._executive_summary,
            self._situation,
            self._solution,
            self._options_side_by_side,
            self._investment_and_roi,
            self._scenarios,
            self._sensitivity,
            self._implementation_plan,
            self._terms,
            self._why_us,
            self._next_steps,
        ):
            story += section()
        return story

    def _heading(self, title: str) -> Paragraph:
        """A numbered section heading ("3. The options side by side"), indexed in the TOC."""
        self._section_number += 1
        text = self._text(f"{self._section_number}. {title}")
        self.contents_entries.append((0, text))
        return Paragraph(text, self.styles.heading)

    def _subheading(self, title: str) -> Paragraph:
        """A heading one level down (an option's name), indexed in the contents."""
        text = self._text(title)
        self.contents_entries.append((1, text))
        return Paragraph(text, self.styles.subheading)

    # -- Cover ----------------------------------------------------------------------------

    def _cover(self) -> list[Flowable]:
        d, t = self.d, self.t
        if d.status is ProposalStatus.SENT and d.sent_on is not None:
            status = t.gettext(N_("Sent on {date}")).format(date=self._date(d.sent_on))
        else:
            status = t.gettext(N_("Draft"))
        version = t.gettext(N_("Version {version}")).format(version=d.version)
        facts = [
            (t.gettext(N_("Prepared for")), d.customer),
            (t.gettext(N_("Deal")), d.deal),
            (t.gettext(N_("Date")), self._date(d.document_date)),
            (t.gettext(N_("Version")), f"{version} · {status}"),
            (t.gettext(N_("Prepared by")), d.prepared_by),
        ]
        rows = [
            [
                Paragraph(self._text(label), self.styles.label),
                Paragraph(self._text(value), self.cell),
            ]
            for label, value in facts
            if value.strip()
        ]
        story: list[Flowable] = [
            Spacer(0, 38 * mm),
            Paragraph(self._text(t.gettext(N_("Proposal"))), self.cover_kicker),
            Paragraph(self._text(d.title), self.cover_title),
        ]
        if d.customer.strip():
            story.append(Paragraph(self._text(d.customer), self.cover_customer))
        if rows:
            table = Table(
                rows, colWidths=[CONTENT_WIDTH * 0.22, CONTENT_WIDTH * 0.5], hAlign="LEFT"
            )
            table.setStyle(self.styles.key_value_style())
            table.setStyle([("LINEABOVE", (0, 0), (-1, 0), 1.2, self.styles.primary)])
            story.append(table)
        story.append(PageBreak())
        return story

    # -- Executive summary ----------------------------------------------------------------

    def _executive_summary(self) -> list[Flowable]:
        t = self.t
        story: list[Flowable] = [self._heading(t.gettext(N_("Executive summary")))]
        problem = _first_paragraph(self.d.situation) or "; ".join(
            pain.pain.strip() for pain in self.d.pains if pain.pain.strip()
        )
        if problem:
            story.append(Paragraph(self._text(t.gettext(N_("The problem"))), self.label))
            story.append(Paragraph(self._text(problem), self.styles.body))
        if self.recommended is None:
            story.append(
                Paragraph(
                    self._text(t.gettext(N_("No options in this proposal yet."))), self.styles.empty
                )
            )
            return story
        option, figures = self.recommended
        story.append(Paragraph(self._text(t.gettext(N_("Our recommendation"))), self.label))
        lead = t.gettext(N_("We recommend {option}.")).format(option=option.name)
        story.append(Paragraph(self._text(lead), self.styles.body))
        if option.summary.strip():
            story.append(Paragraph(self._text(option.summary), self.styles.body))
        story.append(Spacer(0, 4))
        story.append(self._headline(figures))
        story += self._notes_flowables()
        horizon = self.d.economics.horizon_years
        basis = t.ngettext(
            "Over {years} year at the customer's discount rate of {rate}.",
            "Over {years} years at the customer's discount rate of {rate}.",
            horizon,
        ).format(years=horizon, rate=self._percent(self.d.economics.discount_rate))
        story.append(Spacer(0, 3))
        story.append(Paragraph(self._text(basis), self.styles.small))
        delay = figures.cost_of_delay_per_month
        if isinstance(delay, Decimal) and delay.is_finite() and delay > 0:
            text = t.gettext(N_("Each month of deciding later costs {amount} in benefits forgone."))
            story.append(
                Paragraph(self._text(text.format(amount=self._money(delay))), self.styles.small)
            )
        return story

    def _headline(self, figures: OptionFigures) -> Table:
        """The recommended option's ROI, payback, NPV and IRR in large type, side by side."""
        t = self.t
        cells = [
            (t.gettext(N_("Return on investment")), self._figure(figures.roi, self._percent)),
            (t.gettext(N_("Payback")), self._figure(figures.payback_months, self._months)),
            (t.gettext(N_("Net present value")), self._figure(figures.npv, self._money)),
            (t.gettext(N_("Internal rate of return")), self._irr(figures.irr)),
        ]
        row: list[list[Flowable]] = []
        for label, (text, is_reason) in cells:
            row.append(
                [
                    Paragraph(self._text(label), self.styles.label),
                    Paragraph(self._text(text), self.kpi_reason if is_reason else self.kpi_value),
                ]
            )
        # The NPV is the longest figure (a full amount): its cell is the widest.
        shares = (0.22, 0.22, 0.32, 0.24)
        table = Table([row], colWidths=[CONTENT_WIDTH * s for s in shares], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    # Tables start each cell in Helvetica unless told otherwise.
                    ("FONTNAME", (0, 0), (-1, -1), self.cell.fontName),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                    ("BACKGROUND", (0, 0), (-1, -1), self.tint),
                    ("LINEABOVE", (0, 0), (-1, 0), 1.5, self.styles.primary),
                    ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.white),
                ]
            )
        )
        return table

    # -- Situation and solution ----------------------------------------------------------

    def _situation(self) -> list[Flowable]:
        pains = [pain for pain in self.d.pains if pain.pain.strip()]
        if not self.d.situation.strip() and not pains:
            return []
        story: list[Flowable] = [self._heading(self.t.gettext(N_("Your situation and pains")))]
        story += self._paragraphs(self.d.situation)
        if pains:
            story.append(Paragraph(self._text(self.t.gettext(N_("What hurts today"))), self.label))
            for pain in pains:
                story.append(Paragraph(self._text(pain.pain), self.bullet, bulletText="•"))
        return story

    def _solution(self) -> list[Flowable]:
        pains = [pain for pain in self.d.pains if pain.pain.strip() or pain.component.strip()]
        if not pains:
            return []
        t = self.t
        header = [t.gettext(N_("Your pain")), t.gettext(N_("How our solution answers it"))]
        rows: list[list[Cell]] = [self._header_row(header)]
        for pain in pains:
            rows.append(
                [
                    _Cell(pain.pain or "–"),
                    _Cell(pain.component or "–"),
                ]
            )
        heading = self._heading(t.gettext(N_("Our solution, pain by pain")))
        return self._kept([heading], rows, [0.42, 0.58])

    # -- Options side by side ------------------------------------------------------------

    def _options_side_by_side(self) -> list[Flowable]:
        if not self.options:
            return []
        t = self.t
        horizon = self.d.economics.horizon_years
        header: list[Flowable] = [Paragraph("", self.styles.table_header)]
        for option, _figures in self.options:
            name = self._text(option.name)
            if self._is_recommended(option):
                mark = self._text(f"{_RECOMMENDED_MARK} {t.gettext(N_('Recommended'))}")
                name += f"<br/>{mark}"
            header.append(Paragraph(name, self.header_right))
        lines: list[tuple[str, Callable[[OptionFigures], tuple[str, bool]]]] = [
            (t.gettext(N_("One-off investment")), lambda f: (self._money(f.investment), False)),
            (
                t.gettext(N_("Recurring cost a year")),
                lambda f: (self._money(f.recurring_per_year), False),
            ),
            (
                t.ngettext(
                    "Benefits over {years} year", "Benefits over {years} years", horizon
                ).format(years=horizon),
                lambda f: (self._money(f.total_benefits), False),
            ),
            (t.gettext(N_("Return on investment")), lambda f: self._figure(f.roi, self._percent)),
            (t.gettext(N_("Net present value")), lambda f: self._figure(f.npv, self._money)),
            (t.gettext(N_("Internal rate of return")), lambda f: self._irr(f.irr)),
            (t.gettext(N_("Payback")), lambda f: self._figure(f.payback_months, self._months)),
            (
                t.ngettext(
                    "Total cost over {years} year", "Total cost over {years} years", horizon
                ).format(years=horizon),
                lambda f: (self._money(f.tco), False),
            ),
        ]
        rows: list[list[Flowable]] = [header]
        if any(option.summary.strip() for option, _f in self.options):
            rows.append(
                [_Cell(t.gettext(N_("What it is")), bold=True)]
                + [_Cell(option.summary or "–") for option, _f in self.options]
            )
        for label, value in lines:
            row: list[Flowable] = [_Cell(label, bold=True)]
            for _option, figures in self.options:
                text, is_reason = value(figures)
                row.append(_Cell(text, right=True, muted=is_reason))
            rows.append(row)
        option_share = (1 - _LABEL_SHARE) / len(self.options)
        style: list[tuple[object, ...]] = []
        for column, (option, _figures) in enumerate(self.options, start=1):
            if self._is_recommended(option):
                style += [
                    ("BACKGROUND", (column, 1), (column, -1), self.tint),
                    ("BOX", (column, 0), (column, -1), 1.2, self.styles.primary),
                ]
        heading = self._heading(t.gettext(N_("The options side by side")))
        shares = [_LABEL_SHARE] + [option_share] * len(self.options)
        return [*self._kept([heading], rows, shares, style=style), *self._notes_flowables()]

    # -- Investment and ROI ---------------------------------------------------------------

    def _investment_and_roi(self) -> list[Flowable]:
        if not self.options:
            return []
        t = self.t
        heading = self._heading(t.gettext(N_("Investment and return")))
        intro = Paragraph(
            self._text(
                t.gettext(
                    N_(
                        "Each option's cash flow year by year: year 0 is the one-off "
                        "investment; each later year, the benefits less the recurring costs. "
                        "An option has paid for itself where its line crosses zero."
                    )
                )
            ),
            self.styles.body,
        )
        story: list[Flowable]
        if self._chartable():
            # The heading and its first chart start a page together rather than split.
            story = [
                KeepTogether(
                    [
                        heading,
                        intro,
                        *self._chart_block(
                            t.gettext(N_("Cumulative cash flow")), self._cumulative_chart()
                        ),
                    ]
                ),
                KeepTogether(
                    self._chart_block(
                        t.gettext(N_("Net cash flow by year")), self._net_flows_chart()
                    )
                ),
            ]
        else:
            # A single year (or a figure that is not a number) makes no line to draw.
            reason = t.gettext(REASON_TEXTS[Reason.NO_HORIZON])
            story = [heading, Paragraph(self._text(reason), self.styles.empty)]
        for option, figures in self.options:
            story += self._option_detail(option, figures)
        return story

    def _chartable(self) -> bool:
        """Whether the cash flows make a chart: two years at least, every flow a number."""
        return all(
            len(figures.net_flows) >= 2
            and len(figures.cumulative) == len(figures.net_flows)
            and all(value.is_finite() for value in (*figures.net_flows, *figures.cumulative))
            for _option, figures in self.options
        )

    def _series(self, values: Callable[[OptionFigures], Sequence[Decimal]]) -> list[Series]:
        return [
            Series(option.name, tuple(to_float(v) for v in values(figures)), colour)
            for (option, figures), colour in zip(self.options, self.colours, strict=True)
        ]

    def _tick(self, value: float) -> str:
        return compact_money(value, self.d.currency, self.locale)

    def _cumulative_chart(self) -> Flowable:
        t = self.t
        return cumulative_cash_flow_chart(
            self._series(lambda f: f.cumulative),
            width=CONTENT_WIDTH,
            height=_CHART_HEIGHT,
            x_label=t.gettext(N_("Year")),
            y_label=t.gettext(N_("Cumulative cash flow")),
            tick=self._tick,
        )

    def _net_flows_chart(self) -> Flowable:
        t = self.t
        return net_flows_chart(
            self._series(lambda f: f.net_flows),
            width=CONTENT_WIDTH,
            height=_CHART_HEIGHT - 15,
            x_label=t.gettext(N_("Year")),
            y_label=t.gettext(N_("Net cash flow")),
            tick=self._tick,
        )

    def _chart_block(self, caption: str, chart: Flowable) -> list[Flowable]:
        return [Paragraph(self._text(caption), self.label), chart, Spacer(0, 4)]

    def _option_detail(self, option: Option, figures: OptionFigures) -> list[Flowable]:
        """One option: its line items, its benefits with their assumptions, its figures."""
        t = self.t
        title = option.name
        if self._is_recommended(option):
            title += f" {_RECOMMENDED_MARK} {t.gettext(N_('Recommended'))}"
        intro: list[Flowable] = [self._subheading(title)]
        if option.summary.strip():
            intro.append(Paragraph(self._text(option.summary), self.lead_in))
        # The option's name stays with the start of its price list.
        story = self._line_items(option.lines, figures, intro=intro)
        story += self._benefits(option.benefits)
        story += self._yearly(figures)
        story.append(Paragraph(self._text(t.gettext(N_("The figures"))), self.label))
        story.append(self._option_figures(figures))
        story += self._notes_flowables()
        return story

    def _line_items(
        self, lines: Sequence[LineItem], figures: OptionFigures, *, intro: Sequence[Flowable]
    ) -> list[Flowable]:
        t = self.t
        before = [*intro, Paragraph(self._text(t.gettext(N_("What it costs"))), self.label)]
        if not lines:
            empty = t.gettext(N_("No line items yet."))
            return [*before, Paragraph(self._text(empty), self.styles.empty)]
        header = [
            t.gettext(N_("Item")),
            t.gettext(N_("Quantity")),
            t.gettext(N_("Unit price")),
            t.gettext(N_("Discount")),
            t.gettext(N_("When")),
            t.gettext(N_("Amount")),
        ]
        rows: list[list[Cell]] = [self._header_row(header, numbers_from=1)]
        for line in lines:
            rows.append(
                [
                    _Cell(line.product),
                    _Cell(self._quantity(line.quantity), right=True),
                    _Cell(self._money(line.unit_price), right=True),
                    _Cell(self._percent(line.discount) if line.discount else "–", right=True),
                    _Cell(self._when(line), right=True),
                    _Cell(self._money(line.amount), right=True),
                ]
            )
        for label, amount in (
            (t.gettext(N_("One-off investment")), figures.investment),
            (t.gettext(N_("Recurring cost a year")), figures.recurring_per_year),
        ):
            rows.append(
                [
                    _Cell(label, bold=True),
                    "",
                    "",
                    "",
                    "",
                    _Cell(self._money(amount), right=True, bold=True),
                ]
            )
        totals = len(rows) - 2
        style: list[tuple[object, ...]] = [
            ("SPAN", (0, totals), (4, totals)),
            ("SPAN", (0, totals + 1), (4, totals + 1)),
            ("LINEABOVE", (0, totals), (-1, totals), 0.8, self.styles.primary),
        ]
        return self._kept(before, rows, [0.34, 0.09, 0.15, 0.09, 0.15, 0.18], style=style)

    def _when(self, line: LineItem) -> str:
        """When a line is paid: "At signing", "Year 4", "Every year", "Every year from year 2"."""
        t, year = self.t, line.first_year
        if line.billing is Billing.YEARLY:
            if year <= 1:
                return t.gettext(N_("Every year"))
            return t.gettext(N_("Every year from year {year}")).format(year=year)
        if year <= 0:
            return t.gettext(N_("At signing"))
        return t.gettext(N_("Year {year}")).format(year=year)

    def _benefits(self, benefits: Sequence[Benefit]) -> list[Flowable]:
        t = self.t
        before = [Paragraph(self._text(t.gettext(N_("What it is worth to you"))), self.label)]
        if not benefits:
            empty = t.gettext(REASON_TEXTS[Reason.NO_BENEFITS])
            return [*before, Paragraph(self._text(empty), self.styles.empty)]
        header = [
            t.gettext(N_("Benefit")),
            t.gettext(N_("A year")),
            t.gettext(N_("From year")),
            t.gettext(N_("Assumption")),
        ]
        rows: list[list[Cell]] = [self._header_row(header, numbers_from=1, numbers_to=2)]
        for benefit in benefits:
            kind = t.gettext(BENEFIT_KIND_LABELS[benefit.kind])
            what = (
                f"{self._text(benefit.description)}<br/>"
                f'<font color="{_hex(MUTED)}">{self._text(kind)}</font>'
            )
            assumption = benefit.assumption.strip()
            if (
                benefit.kind is BenefitKind.HOURS_SAVED
                and benefit.hours_per_year is not None
                and benefit.hourly_rate is not None
            ):
                hours = t.gettext(N_("{hours} hours a year × {rate} an hour")).format(
                    hours=self._quantity(benefit.hours_per_year),
                    rate=self._money(benefit.hourly_rate),
                )
                assumption = f"{hours}\n{assumption}" if assumption else hours
            rows.append(
                [
                    Paragraph(what, self.cell),
                    _Cell(self._money(benefit.yearly_value), right=True),
                    _Cell(str(benefit.starts_year), right=True),
                    _Cell(assumption or "–"),
                ]
            )
        return self._kept(before, rows, [0.33, 0.17, 0.1, 0.4])

    def _yearly(self, figures: OptionFigures) -> list[Flowable]:
        """Benefits, net flow and cumulative flow of each year: the chart's exact figures."""
        t = self.t
        header = [
            t.gettext(N_("Year")),
            t.gettext(N_("Benefits")),
            t.gettext(N_("Net cash flow")),
            t.gettext(N_("Cumulative")),
        ]
        rows: list[list[Cell]] = [self._header_row(header, numbers_from=1)]
        for year, net in enumerate(figures.net_flows):
            # Benefits start in year 1: year 0 is the signing, when only costs fall.
            benefit = (
                figures.yearly_benefits[year - 1]
                if 0 < year <= len(figures.yearly_benefits)
                else None
            )
            cumulative = figures.cumulative[year] if year < len(figures.cumulative) else None
            rows.append(
                [
                    _Cell(str(year)),
                    _Cell(self._money(benefit) if benefit is not None else "–", right=True),
                    _Cell(self._money(net), right=True),
                    _Cell(self._money(cumulative) if cumulative is not None else "–", right=True),
                ]
            )
        before = [Paragraph(self._text(t.gettext(N_("Year by year"))), self.label)]
        return self._kept(before, rows, [0.16, 0.28, 0.28, 0.28])

    def _option_figures(self, figures: OptionFigures) -> Flowable:
        """The option's figures as label/value pairs, two to a row."""
        t = self.t
        horizon = self.d.economics.horizon_years
        competitor = self.d.economics.competitor_name.strip()
        pairs = [
            (t.gettext(N_("Return on investment")), self._figure(figures.roi, self._percent)),
            (t.gettext(N_("Net present value")), self._figure(figures.npv, self._money)),
            (t.gettext(N_("Internal rate of return")), self._irr(figures.irr)),
            (t.gettext(N_("Payback")), self._figure(figures.payback_months, self._months)),
            (
                t.gettext(N_("Discounted payback")),
                self._figure(figures.discounted_payback_months, self._months),
            ),
            (
                t.ngettext(
                    "Total cost over {years} year", "Total cost over {years} years", horizon
                ).format(years=horizon),
                (self._money(figures.tco), False),
            ),
            (
                t.gettext(N_("Cost of the status quo")),
                self._figure(figures.tco_status_quo, self._money),
            ),
            (
                t.gettext(N_("Cost of {competitor}")).format(competitor=competitor)
                if competitor
                else t.gettext(N_("Cost of a competitor's offer")),
                self._figure(figures.tco_competitor, self._money),
            ),
            (
                t.gettext(N_("Cost of deciding a month later")),
                self._figure(figures.cost_of_delay_per_month, self._money),
            ),
        ]
        rows: list[list[Cell]] = []
        for start in range(0, len(pairs), 2):
            row: list[Cell] = []
            for label, (text, is_reason) in pairs[start : start + 2]:
                row += [_Cell(label, muted=True), _Cell(text, muted=is_reason, bold=not is_reason)]
            rows.append(row + [""] * (4 - len(row)))
        widths = [CONTENT_WIDTH * s for s in (0.2, 0.3, 0.2, 0.3)]
        cells, cell_style = self._set_cells(rows, widths)
        table = Table(cells, colWidths=widths, hAlign="LEFT")
        table.setStyle(self.styles.key_value_style())
        table.setStyle(cell_style)
        return table

    # -- Scenarios and sensitivity --------------------------------------------------------

    def _scenarios(self) -> list[Flowable]:
        options = [(o, f) for o, f in self.options if f.scenarios]
        if not options:
            return []
        t = self.t
        header = [
            t.gettext(N_("Option")),
            t.gettext(N_("Scenario")),
            t.gettext(N_("Benefits")),
            t.gettext(N_("Costs")),
            t.gettext(N_("Net present value")),
            t.gettext(N_("Return on investment")),
            t.gettext(N_("Payback")),
        ]
        rows: list[list[Cell]] = [self._header_row(header, numbers_from=2)]
        spans: list[tuple[object, ...]] = []
        for option, figures in options:
            first = len(rows)
            for index, scenario in enumerate(figures.scenarios):
                row: list[Flowable | str] = [
                    _Cell(option.name, bold=True) if index == 0 else "",
                    _Cell(t.gettext(SCENARIO_LABELS[scenario.scenario])),
                    _Cell(self._percent(scenario.benefit_factor * 100), right=True),
                    _Cell(self._percent(scenario.cost_factor * 100), right=True),
                ]
                for figure, render in (
                    (scenario.npv, self._money),
                    (scenario.roi, self._percent),
                    (scenario.payback_months, self._months),
                ):
                    text, is_reason = self._figure(figure, render)
                    row.append(_Cell(text, right=True, muted=is_reason))
                rows.append(row)
            if len(rows) - first > 1:
                spans.append(("SPAN", (0, first), (0, len(rows) - 1)))
        shares = [0.19, 0.14, 0.1, 0.1, 0.18, 0.13, 0.16]
        intro = t.gettext(
            N_(
                "The same options if the benefits and costs turn out lower or higher than "
                "expected (benefits and costs as a share of the expected case)."
            )
        )
        before = [
            self._heading(t.gettext(N_("Scenarios"))),
            Paragraph(self._text(intro), self.styles.body),
        ]
        return self._kept(before, rows, shares, zebra=False, style=spans)

    def _sensitivity(self) -> list[Flowable]:
        if self.recommended is None or not self.recommended[1].sensitivity:
            return []
        t = self.t
        option, figures = self.recommended
        swing = self._percent(SENSITIVITY_SWING)
        intro = t.gettext(
            N_(
                "How the net present value of {option} moves when one driver is {swing} lower "
                "or higher and everything else is as expected; the widest bars matter most."
            )
        ).format(option=option.name, swing=swing)
        story: list[Flowable] = [
            self._heading(t.gettext(N_("Sensitivity"))),
            Paragraph(self._text(intro), self.styles.body),
        ]

        # A driver with an end the engine could not work out has no bar, only its table row.
        bars = [
            TornadoBar(self._driver(item.driver), low, high)
            for item in figures.sensitivity
            if (low := _coordinate(item.npv_low)) is not None
            and (high := _coordinate(item.npv_high)) is not None
        ]
        base = _coordinate(figures.npv)
        if base is not None and bars:
            chart = tornado_chart(
                bars,
                base=base,
                width=CONTENT_WIDTH,
                low_label=t.gettext(N_("Driver {swing} lower")).format(swing=swing),
                high_label=t.gettext(N_("Driver {swing} higher")).format(swing=swing),
                base_label=t.gettext(N_("Expected NPV")),
                low_colour=self.styles.accent,
                high_colour=self.styles.primary,
                tick=self._tick,
            )
            # The heading and its chart start a page together rather than split.
            story = [KeepTogether([*story, chart, Spacer(0, 4)])]
        story.append(self._sensitivity_table(figures.sensitivity))
        return story

    def _sensitivity_table(self, items: Sequence[Sensitivity]) -> Flowable:
        t = self.t
        swing = self._percent(SENSITIVITY_SWING)
        header = [
            t.gettext(N_("Driver")),
            t.gettext(N_("NPV, driver {swing} lower")).format(swing=swing),
            t.gettext(N_("NPV, driver {swing} higher")).format(swing=swing),
        ]
        rows: list[list[Cell]] = [self._header_row(header, numbers_from=1)]
        ordered = sorted(items, key=_swing, reverse=True)
        for item in ordered:
            row: list[Flowable] = [_Cell(self._driver(item.driver))]
            for figure in (item.npv_low, item.npv_high):
                text, is_reason = self._figure(figure, self._money)
                row.append(_Cell(text, right=True, muted=is_reason))
            rows.append(row)
        return self._table(rows, [0.44, 0.28, 0.28])

    # -- Plan, terms, why us, next steps -------------------------------------------------

    def _implementation_plan(self) -> list[Flowable]:
        if not self.d.phases:
            return []
        t = self.t
        header = [
            t.gettext(N_("Phase")),
            t.gettext(N_("Starts")),
            t.gettext(N_("Weeks")),
            t.gettext(N_("Deliverables")),
            t.gettext(N_("Owner")),
        ]
        rows: list[list[Cell]] = [self._header_row(header)]
        for phase in self.d.phases:
            rows.append(
                [
                    _Cell(phase.name, bold=True),
                    _Cell(self._date(phase.starts_on) or "–"),
                    _Cell(str(phase.weeks) if phase.weeks is not None else "–"),
                    _Cell(phase.deliverables or "–"),
                    _Cell(phase.owner or "–"),
                ]
            )
        heading = self._heading(t.gettext(N_("Implementation plan")))
        return self._kept([heading], rows, [0.2, 0.15, 0.08, 0.39, 0.18])

    def _terms(self) -> list[Flowable]:
        if not self.d.payment_terms.strip():
            return []
        return [self._heading(self.t.gettext(N_("Terms"))), *self._paragraphs(self.d.payment_terms)]

    def _why_us(self) -> list[Flowable]:
        d, t = self.d, self.t
        competitors = [name for name in d.competitors if name.strip()]
        if not (d.why_us.strip() or d.references.strip()):
            return []
        story: list[Flowable] = [self._heading(t.gettext(N_("Why us")))]
        story += self._paragraphs(d.why_us)
        if competitors and d.why_us.strip():
            compared = t.gettext(N_("Compared with: {names}")).format(names=", ".join(competitors))
            story.append(Paragraph(self._text(compared), self.styles.small))
        if d.references.strip():
            story.append(Paragraph(self._text(t.gettext(N_("References"))), self.label))
            story += self._paragraphs(d.references)
        return story

    def _next_steps(self) -> list[Flowable]:
        if not self.d.next_steps.strip():
            return []
        story = [
            self._heading(self.t.gettext(N_("Next steps"))),
            *self._paragraphs(self.d.next_steps),
        ]
        if self.d.prepared_by.strip():
            contact = self.t.gettext(N_("Your contact: {name}")).format(name=self.d.prepared_by)
            story.append(Paragraph(self._text(contact), self.styles.small))
        return story

    # -- Figures as text ------------------------------------------------------------------

    def _driver(self, name: str) -> str:
        """A sensitivity driver's name: the engine's own ones translated, a benefit's as typed."""
        return self.t.gettext(name) if name in _ENGINE_DRIVERS else name

    def _figure(self, figure: Figure, render: Callable[[Decimal], str]) -> tuple[str, bool]:
        """The figure as ``render`` writes it, or the reason there is none (and True)."""
        if isinstance(figure, Unavailable):
            return self.t.gettext(REASON_TEXTS[figure.reason]), True
        if not figure.is_finite():
            return self.t.gettext(_NOT_A_NUMBER), True
        return render(figure), False

    def _irr(self, irr: IrrFigure | Unavailable) -> tuple[str, bool]:
        """The IRR, marked with a footnote when other rates also zero the NPV."""
        if isinstance(irr, Unavailable):
            return self._figure(irr, self._percent)
        text, is_reason = self._figure(irr.rate, self._percent)
        if not irr.unique and not is_reason:
            self._note(self.t.gettext(_IRR_NOT_UNIQUE))
            text += _NOTE_MARK
        return text, is_reason

    def _note(self, text: str) -> None:
        if text not in self._notes:
            self._notes.append(text)

    def _notes_flowables(self) -> list[Flowable]:
        """The footnotes of the table just written, then none pending."""
        notes = [Paragraph(self._text(f"{_NOTE_MARK} {note}"), self.note) for note in self._notes]
        self._notes = []
        return notes

    def _money(self, amount: Decimal) -> str:
        """``CN¥1,234,567.00`` / ``¥1,234,567.00``: CLDR's way in the proposal's language."""
        if not amount.is_finite():
            return self.t.gettext(_NOT_A_NUMBER)
        minor = major_to_minor(amount, self.d.currency)
        return format_money(minor, self.d.currency, self.locale)

    def _percent(self, value: Decimal) -> str:
        """A percentage (``12.5`` is 12.5 %) with one decimal, as the locale writes it."""
        from babel.numbers import format_percent

        return str(format_percent(value / 100, "#,##0.0%", locale=self._babel_locale))

    def _months(self, months: Decimal) -> str:
        """A number of months with one decimal: ``18.5 months`` / ``18.5 个月``."""
        from babel.numbers import format_decimal

        number = str(format_decimal(months, "#,##0.0", locale=self._babel_locale))
        return self.t.gettext(N_("{months} months")).format(months=number)

    def _quantity(self, quantity: Decimal) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(quantity, "#,##0.##", locale=self._babel_locale))

    def _date(self, value: dt.date | None) -> str:
        return format_date(value, self.locale)

    # -- Pieces ---------------------------------------------------------------------------

    def _is_recommended(self, option: Option) -> bool:
        return self.recommended is not None and self.recommended[0].id == option.id

    def _text(self, text: str) -> str:
        """``text`` as Paragraph markup: special characters escaped, line breaks kept."""
        return "<br/>".join(escape_markup(fit_to_font(line)) for line in text.strip().splitlines())

    def _paragraphs(self, text: str) -> list[Flowable]:
        """``text`` as body paragraphs, one per block between blank lines."""
        return [Paragraph(self._text(block), self.styles.body) for block in _blocks(text)]

    def _header_row(
        self,
        titles: Sequence[str],
        *,
        numbers_from: int | None = None,
        numbers_to: int | None = None,
    ) -> list[Cell]:
        """A table's header cells; columns ``numbers_from``..``numbers_to`` right-aligned."""
        last = len(titles) - 1 if numbers_to is None else numbers_to
        return [
            _Cell(
                title,
                right=numbers_from is not None and numbers_from <= index <= last,
                header=True,
            )
            for index, title in enumerate(titles)
        ]

    def _table(
        self,
        rows: Sequence[Sequence[Cell]],
        shares: Sequence[float],
        *,
        zebra: bool = True,
        style: Sequence[tuple[object, ...]] = (),
    ) -> Table:
        """A data table across the text width, its header repeated on each page it runs on."""
        widths = [CONTENT_WIDTH * share for share in shares]
        cells, cell_style = self._set_cells(rows, widths)
        table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(self.styles.table_style(header_rows=1))
        if not zebra:
            table.setStyle([("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white])])
        table.setStyle(cell_style + list(style))
        return table

    def _set_cells(
        self, rows: Sequence[Sequence[Cell]], widths: Sequence[float]
    ) -> tuple[list[list[Flowable | str]], list[tuple[object, ...]]]:
        """The table's cells, each :class:`_Cell` set as a string when it fits, and their style.

        Most cells are a figure or a short label that fits its column on one line: as a
        plain string it costs the table a fraction of what a wrapping Paragraph does.
        Longer text, and text that would run into the next column, wraps as a Paragraph.
        """
        font, size = self.cell.fontName, self.cell.fontSize
        cells: list[list[Flowable | str]] = []
        #: (command, value) → the cells it applies to, made into ranges at the end.
        settings: dict[tuple[str, object], list[tuple[int, int]]] = {}
        for row_index, row in enumerate(rows):
            line: list[Flowable | str] = []
            for column, cell in enumerate(row):
                if not isinstance(cell, _Cell):
                    line.append(cell)
                    continue
                text = fit_to_font(cell.text.strip())
                cell_font = BOLD_FONT_NAME if cell.bold or cell.header else font
                cell_size = size - 0.5 if cell.muted else size
                room = widths[column] - 2 * CELL_PADDING - 1
                # No glyph of the face is wider than 1.2 em: short text needs no measuring.
                if "\n" in text or (
                    len(text) * cell_size * _WIDEST_GLYPH > room
                    and stringWidth(text, cell_font, cell_size) > room
                ):
                    line.append(Paragraph(self._text(cell.text), self._cell_style(cell)))
                    continue
                line.append(text)
                at = (column, row_index)
                if cell.right:
                    settings.setdefault(("ALIGN", "RIGHT"), []).append(at)
                if cell_font != font:
                    settings.setdefault(("FONTNAME", cell_font), []).append(at)
                if cell.header:
                    settings.setdefault(("TEXTCOLOR", colors.white), []).append(at)
                elif cell.muted:
                    settings.setdefault(("TEXTCOLOR", MUTED), []).append(at)
                    settings.setdefault(("FONTSIZE", cell_size), []).append(at)
            cells.append(line)
        commands: list[tuple[object, ...]] = [
            (command, start, end, value)
            for (command, value), places in settings.items()
            for start, end in _blocks_of(places)
        ]
        return cells, commands

    def _cell_style(self, cell: _Cell) -> ParagraphStyle:
        """The Paragraph style of a cell too long to set as a string."""
        if cell.header:
            return self.header_right if cell.right else self.styles.table_header
        if cell.muted:
            return self.reason_right if cell.right else self.reason
        if cell.bold:
            return self.bold_number if cell.right else self.bold_cell
        return self.number if cell.right else self.cell

    def _kept(
        self,
        before: Sequence[Flowable],
        rows: Sequence[Sequence[Cell]],
        shares: Sequence[float],
        *,
        zebra: bool = True,
        style: Sequence[tuple[object, ...]] = (),
    ) -> list[Flowable]:
        """``before`` (a heading, a line) and a table, on one page when they fit on one.

        A table taller than a page runs on, its header repeated, but never starts
        below its heading at the very foot of a page.
        """
        table = self._table(rows, shares, zebra=zebra, style=style)
        if len(rows) > _KEPT_ROWS:
            # Too long to be worth measuring whole (a page holds about forty rows): it
            # runs on from here, as long as its heading and first rows fit.
            lead = [*before, self._table(rows[: 1 + _LEAD_ROWS], shares, zebra=zebra)]
            return [CondPageBreak(stacked_height(lead)), *before, table]
        return keep_together([*before, table], lead=before)


def _blocks_of(cells: Sequence[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """``cells`` (column, row) as few rectangles as a simple sweep finds, for table styles.

    A table applies each style command to every cell of its range; one command per
    column of figures instead of one per figure makes styling a long table cheap.
    """
    by_column: dict[int, list[int]] = {}
    for column, row in cells:
        by_column.setdefault(column, []).append(row)
    runs: list[tuple[int, int, int]] = []  # column, first row, last row
    for column, rows in sorted(by_column.items()):
        rows.sort()
        first = last = rows[0]
        for row in rows[1:]:
            if row != last + 1:
                runs.append((column, first, last))
                first = row
            last = row
        runs.append((column, first, last))
    # Side-by-side columns with the same rows become one rectangle.
    blocks: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for column, first, last in runs:
        if blocks:
            (start_column, start_row), (end_column, end_row) = blocks[-1]
            if (start_row, end_row) == (first, last) and end_column == column - 1:
                blocks[-1] = ((start_column, start_row), (column, end_row))
                continue
        blocks.append(((column, first), (column, last)))
    return blocks


def _coordinate(figure: Figure) -> float | None:
    """A figure as a chart coordinate, or None when there is no figure to draw."""
    if isinstance(figure, Decimal) and figure.is_finite():
        return to_float(figure)
    return None


def _swing(item: Sensitivity) -> float:
    """How far the NPV moves across a driver's range; drivers with an unknown end sort last."""
    low, high = _coordinate(item.npv_low), _coordinate(item.npv_high)
    return -1.0 if low is None or high is None else abs(high - low)


def _blocks(text: str) -> list[str]:
    """The paragraphs of ``text``: blocks separated by blank lines."""
    blocks, current = [], []
    for line in text.strip().splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _first_paragraph(text: str) -> str:
    blocks = _blocks(text)
    return blocks[0] if blocks else ""


def _tint(colour: colors.Color, strength: float) -> colors.Color:
    """``colour`` mixed with white: ``strength`` 0.1 is a pale wash of it."""
    return colors.Color(
        1 - (1 - colour.red) * strength,
        1 - (1 - colour.green) * strength,
        1 - (1 - colour.blue) * strength,
    )


def _hex(colour: colors.Color) -> str:
    rgb: str = colour.hexval()[2:]
    return "#" + rgb
