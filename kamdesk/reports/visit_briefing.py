"""The one-page pre-visit briefing: what a rep reads in the car park before going in.

One A4 page, always: the visit (when, where, for which deal), the account at a glance,
the red flags, the plan (objective, the commitment sought, the value to bring first, the
agenda and the questions to ask), a card for each of the customer's attendees (title,
role on the deal, attitude, influence, needs, who of ours covers them, last contact),
and the context (open deals with their next milestone, the last visit's outcome, open
follow-ups).

Staying on one page is the point, so the layout condenses step by step until the page
holds it all (:data:`_LEVELS`): shorter needs on the cards, then none, then fewer cards
with a "+N more" line naming the rest. Every free text is cut to a few lines with an
ellipsis, so no single long agenda can push the page over; and as a last resort the whole
page is scaled down to fit rather than run onto a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from kamdesk.formatting import format_date, format_money
from kamdesk.i18n import _, current_language, ngettext
from kamdesk.reports.data import Branding
from kamdesk.reports.fonts import BOLD_FONT_NAME, fit_to_font
from kamdesk.reports.styles import MUTED, RULE, ZEBRA, ReportStyles, make_styles
from kamdesk.reports.template import (
    CONTENT_WIDTH,
    FIRST_PAGE_HEADER,
    MARGIN_BOTTOM,
    PAGE_SIZE,
    DocumentInfo,
    escape_markup,
    render_pdf,
    stacked_height,
)
from kamdesk.reports.visit_data import (
    BriefingDeal,
    BriefingFollowUp,
    BriefingPerson,
    BriefingQuestion,
    VisitBriefing,
)

#: Height of the first page's text frame (``ReportDocTemplate._frame``: the header band
#: and 6 mm below it), less a little for rounding: everything must fit in it.
PAGE_ROOM: Final = PAGE_SIZE[1] - MARGIN_BOTTOM - FIRST_PAGE_HEADER - 6 * mm - 4
_INFLUENCE_MAX: Final = 5
_GAP: Final = 4 * mm
#: Share of the width the plan's left column (objective, commitment) takes.
_PLAN_SPLIT: Final = 0.5
_SIZE: Final = 7.6
_OPPOSED_TINT: Final = colors.HexColor("#FBEAEA")
_SUPPORTIVE: Final = colors.HexColor("#2E7D32")


@dataclass(frozen=True)
class _Level:
    """How much of each part the page shows at one step of condensing."""

    #: Lines of needs on an attendee card (0: none).
    needs_lines: int
    #: Attendee cards shown at most; the rest are named on a "+N more" line.
    cards: int
    #: Lines each free text (objective, agenda…) may take.
    text_lines: int
    #: Questions, deals and follow-ups listed at most.
    items: int


#: From the fullest page to the most condensed; the first that fits is used.
_LEVELS: Final = (
    _Level(needs_lines=2, cards=16, text_lines=6, items=8),
    _Level(needs_lines=1, cards=16, text_lines=5, items=6),
    _Level(needs_lines=0, cards=16, text_lines=4, items=5),
    _Level(needs_lines=0, cards=12, text_lines=3, items=4),
    _Level(needs_lines=0, cards=8, text_lines=3, items=3),
    _Level(needs_lines=0, cards=4, text_lines=2, items=3),
)


def build_visit_briefing(
    briefing: VisitBriefing,
    branding: Branding,
    locale: str | None = None,
    *,
    created_at: dt.datetime | None = None,
) -> bytes:
    """The pre-visit briefing of ``briefing`` as one page of PDF, in ``branding``'s look.

    Headings are in the current UI language; amounts, dates and times are formatted for
    ``locale`` (by default the UI language's), times in the visit's own time zone.
    """
    locale = locale or current_language().locale
    styles = make_styles(branding)
    info = DocumentInfo(
        title=_("Pre-visit briefing: {visit}").format(visit=briefing.title),
        author=briefing.owner or branding.company_name,
        subject=_("Pre-visit briefing"),
        lang=locale.replace("_", "-"),
    )
    return render_pdf(
        visit_briefing_story(briefing, styles, locale),
        info=info,
        branding=branding,
        styles=styles,
        created_at=created_at,
    )


def visit_briefing_story(
    briefing: VisitBriefing, styles: ReportStyles, locale: str
) -> list[Flowable]:
    """The flowables of the briefing, condensed until they fit on one page."""
    page = _Page(briefing, styles, locale)
    story: list[Flowable] = []
    for level in _LEVELS:
        story = page.story(level)
        if stacked_height(story) <= PAGE_ROOM:
            return story
    # Even the most condensed page is too tall (a great many long names): scale it down.
    return [KeepInFrame(CONTENT_WIDTH, PAGE_ROOM, story, mode="shrink")]


class _Page:
    """Builds the page at a given level of condensing."""

    def __init__(self, briefing: VisitBriefing, styles: ReportStyles, locale: str) -> None:
        self.b = briefing
        self.styles = styles
        self.locale = locale
        cell = styles.table_cell
        self.text = ParagraphStyle(
            "BriefingText", parent=cell, fontSize=_SIZE, leading=_SIZE * 1.32
        )
        self.grey = ParagraphStyle("BriefingGrey", parent=self.text, textColor=MUTED)
        self.label = ParagraphStyle(
            "BriefingLabel",
            parent=self.text,
            fontSize=_SIZE - 0.8,
            leading=(_SIZE - 0.8) * 1.3,
            textColor=MUTED,
        )
        self.value = ParagraphStyle(
            "BriefingValue",
            parent=self.text,
            fontName=BOLD_FONT_NAME,
            fontSize=_SIZE + 1,
            leading=(_SIZE + 1) * 1.3,
        )
        self.heading = ParagraphStyle(
            "BriefingHeading",
            parent=styles.subheading,
            fontSize=9.5,
            leading=12,
            spaceBefore=5,
            spaceAfter=2,
        )
        self.title = ParagraphStyle(
            "BriefingTitle", parent=styles.title, fontSize=15, leading=19, spaceAfter=1
        )
        self.flag = ParagraphStyle(
            "BriefingFlag", parent=self.text, fontSize=_SIZE + 0.4, leading=(_SIZE + 0.4) * 1.3
        )

    # -- The page -------------------------------------------------------------------------

    def story(self, level: _Level) -> list[Flowable]:
        """Every part of the page, at ``level``."""
        story: list[Flowable] = [
            Paragraph(_markup(self.b.title or self.b.account_name), self.title),
            Paragraph(_markup(self._when_and_where()), self.styles.small),
            Spacer(0, 4),
            self._snapshot(),
        ]
        story += self._red_flags()
        story += self._plan(level)
        story += self._attendees(level)
        story += self._context(level)
        return story

    def _when_and_where(self) -> str:
        """The line under the title: "Pre-visit briefing · Thu, Dec 3, 2026 · 9:30 AM–…"."""
        start = _in_zone(self.b.starts_at, self.b.time_zone)
        end = _in_zone(self.b.ends_at, self.b.time_zone)
        day = _day(start, self.locale)
        times = f"{_time(start, self.locale)}–{_time(end, self.locale)}"
        if end.date() != start.date():
            times = (
                f"{_time(start, self.locale)} – {_day(end, self.locale)} {_time(end, self.locale)}"
            )
        zone = self.b.time_zone.strip() or "UTC"
        parts = [_("Pre-visit briefing"), day, f"{times} {zone}", self.b.place.strip()]
        return " · ".join(part for part in parts if part)

    def _snapshot(self) -> Table:
        """The account at a glance: one row of label-over-value cells."""
        facts = [
            (_("Account"), self.b.account_name),
            (_("Tier"), self.b.tier),
            (_("Lifecycle stage"), self.b.lifecycle_stage),
            (
                _("Annual revenue with us"),
                format_money(self.b.annual_revenue_minor, self.b.currency, self.locale),
            ),
            (_("Account owner"), self.b.owner),
            (_("Deal"), self.b.deal_name),
        ]
        shares = (0.25, 0.07, 0.14, 0.18, 0.14, 0.22)
        cells = [
            [
                Paragraph(_markup(label), self.label),
                self._clipped(value or "–", self.value, CONTENT_WIDTH * share - 6, 2),
            ]
            for (label, value), share in zip(facts, shares, strict=True)
        ]
        table = Table([cells], colWidths=[CONTENT_WIDTH * s for s in shares], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                    ("LINEABOVE", (0, 0), (-1, 0), 1, self.styles.primary),
                ]
            )
        )
        return table

    def _red_flags(self) -> list[Flowable]:
        """The warnings, in the accent colour, before anything else of the plan."""
        if not self.b.red_flags:
            return []
        accent = _hex(self.styles.accent)
        rows = [
            [Paragraph(f'<font color="{accent}">▲</font> {_markup(flag)}', self.flag)]
            for flag in self.b.red_flags
        ]
        table = Table(rows, colWidths=[CONTENT_WIDTH], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("BACKGROUND", (0, 0), (-1, -1), _OPPOSED_TINT),
                    ("LINEBEFORE", (0, 0), (0, -1), 2, self.styles.accent),
                ]
            )
        )
        return [Spacer(0, 4), table]

    def _plan(self, level: _Level) -> list[Flowable]:
        """Objective and commitment on the left, agenda and questions on the right."""
        half = (CONTENT_WIDTH - _GAP) * _PLAN_SPLIT
        other = CONTENT_WIDTH - _GAP - half
        lines = level.text_lines
        left: list[Flowable] = []
        for heading, text in (
            (_("Objective"), self.b.objective),
            (_("Best commitment sought"), self.b.commitment_best),
            (_("Minimum acceptable commitment"), self.b.commitment_minimum),
            (_("Value to bring first"), self.b.value_first),
        ):
            left += self._section(heading, text, half, lines)
        if not left:
            left = [self._empty(_("No objective set for this visit yet."))]
        right: list[Flowable] = self._section(_("Agenda"), self.b.agenda, other, lines + 2)
        right += self._questions(self.b.questions, other, level.items)
        if not right:
            right = [self._empty(_("No agenda or questions yet."))]
        return [
            Paragraph(_markup(_("The plan")), self.heading),
            self._columns(left, right, half, other),
        ]

    def _questions(
        self, questions: Sequence[BriefingQuestion], width: float, limit: int
    ) -> list[Flowable]:
        if not questions:
            return []
        shown = questions[:limit]
        flowables: list[Flowable] = [Paragraph(_markup(_("Questions to ask")), self.label)]
        for number, question in enumerate(shown, start=1):
            kind = (
                f' <font color="{_hex(MUTED)}">({_markup(question.kind)})</font>'
                if (question.kind.strip())
                else ""
            )
            flowables.append(
                self._clipped(f"{number}. {question.text}", self.text, width, 2, suffix=kind)
            )
        flowables += self._more(len(questions) - len(shown))
        return flowables

    def _attendees(self, level: _Level) -> list[Flowable]:
        """A card per customer attendee, three or four to a row, and our team's names."""
        people = self.b.attendees
        heading = _("Their attendees ({count})").format(count=len(people))
        flowables: list[Flowable] = [Paragraph(_markup(heading), self.heading)]
        if self.b.our_attendees:
            flowables.append(
                Paragraph(
                    _markup(_("Our team: {names}").format(names=", ".join(self.b.our_attendees))),
                    self.grey,
                )
            )
            flowables.append(Spacer(0, 2))
        if not people:
            flowables.append(self._empty(_("No attendees of theirs chosen yet.")))
            return flowables
        columns = 4 if len(people) > 6 else 3
        shown = list(people[: level.cards])
        if len(shown) < len(people):
            # The "+N more" line takes the last card's place when cards are cut.
            shown = shown[: max(1, level.cards - 1)]
        width = CONTENT_WIDTH / columns
        cards = [self._card(person, width - 8, level) for person in shown]
        rows: list[list[list[Flowable] | str]] = [
            list(cards[i : i + columns]) for i in range(0, len(cards), columns)
        ]
        rows[-1] += [""] * (columns - len(rows[-1]))
        table = Table(rows, colWidths=[width] * columns, hAlign="LEFT")
        style: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for index, person in enumerate(shown):
            cell = (index % columns, index // columns)
            style.append(("BOX", cell, cell, 0.4, RULE))
            if person.opposed:
                style.append(("BACKGROUND", cell, cell, _OPPOSED_TINT))
        table.setStyle(TableStyle(style))
        flowables.append(table)
        hidden = people[len(shown) :]
        if hidden:
            names = ", ".join(person.name for person in hidden)
            more = ngettext("+{count} more: {names}", "+{count} more: {names}", len(hidden))
            flowables.append(Spacer(0, 2))
            flowables.append(
                self._clipped(
                    more.format(count=len(hidden), names=names), self.text, CONTENT_WIDTH, 2
                )
            )
        return flowables

    def _card(self, person: BriefingPerson, width: float, level: _Level) -> list[Flowable]:
        """One attendee: name and influence, title, role and attitude, needs, coverage."""
        name = f"<b>{_markup(person.name)}</b>"
        if person.influence is not None:
            name += f" {_influence(person.influence, self.styles)}"
        lines: list[Flowable] = [self._clipped_markup(name, self.text, width, 1)]
        if person.title.strip():
            lines.append(self._clipped(person.title, self.grey, width, 1))
        role_and_attitude = [_markup(person.role)] if person.role.strip() else []
        if person.attitude.strip():
            colour = (
                _hex(self.styles.accent)
                if person.opposed
                else _hex(_SUPPORTIVE)
                if person.supportive
                else None
            )
            attitude = _markup(person.attitude)
            role_and_attitude.append(
                f'<font color="{colour}">{attitude}</font>' if colour else attitude
            )
        if role_and_attitude:
            lines.append(self._clipped_markup(" · ".join(role_and_attitude), self.text, width, 1))
        needs = "; ".join(need.strip() for need in person.needs if need.strip())
        if needs and level.needs_lines:
            lines.append(
                self._clipped(
                    _("Needs: {needs}").format(needs=needs), self.text, width, level.needs_lines
                )
            )
        covered = ", ".join(person.covered_by) if person.covered_by else _("nobody")
        lines.append(
            self._clipped(_("Covered by: {names}").format(names=covered), self.grey, width, 1)
        )
        last = (
            format_date(person.last_contact, self.locale)
            if person.last_contact is not None
            else _("never")
        )
        lines.append(
            self._clipped(_("Last contact: {date}").format(date=last), self.grey, width, 1)
        )
        return lines

    def _context(self, level: _Level) -> list[Flowable]:
        """Open deals on the left; the last visit and open follow-ups on the right."""
        half = (CONTENT_WIDTH - _GAP) / 2
        left = self._deals(self.b.deals, half, level.items)
        right: list[Flowable] = []
        right.append(Paragraph(_markup(_("Last visit")), self.label))
        last = self.b.last_visit
        if last is None:
            right.append(self._empty(_("No earlier visit.")))
        else:
            outcome = last.outcome.strip() or _("no outcome recorded")
            text = f"{format_date(last.day, self.locale)} · {last.title}: {outcome}"
            right.append(self._clipped(text, self.text, half, 3))
        right += self._follow_ups(self.b.follow_ups, half, level.items)
        return [
            Paragraph(_markup(_("The account")), self.heading),
            self._columns(left, right, half, half),
        ]

    def _deals(self, deals: Sequence[BriefingDeal], width: float, limit: int) -> list[Flowable]:
        flowables: list[Flowable] = [Paragraph(_markup(_("Open deals")), self.label)]
        if not deals:
            return [*flowables, self._empty(_("No open deals."))]
        shown = deals[:limit]
        for deal in shown:
            facts = [
                deal.stage,
                format_money(deal.amount_minor, deal.currency, self.locale),
                f"{deal.probability}%" if deal.probability is not None else "",
                _("close {date}").format(date=format_date(deal.expected_close, self.locale))
                if deal.expected_close
                else "",
            ]
            name = f"<b>{_markup(deal.name)}</b>"
            if deal.this_visit:
                name += f' <font color="{_hex(self.styles.primary)}">◆</font>'
            lines = [
                self._clipped_markup(name, self.text, width, 1),
                self._clipped(" · ".join(f for f in facts if f), self.grey, width, 1),
            ]
            if deal.next_milestone.strip():
                lines.append(
                    self._clipped(
                        _("Next milestone: {milestone}").format(milestone=deal.next_milestone),
                        self.text,
                        width,
                        1,
                    )
                )
            flowables += lines
        return flowables + self._more(len(deals) - len(shown))

    def _follow_ups(
        self, follow_ups: Sequence[BriefingFollowUp], width: float, limit: int
    ) -> list[Flowable]:
        flowables: list[Flowable] = [
            Spacer(0, 3),
            Paragraph(_markup(_("Open follow-ups")), self.label),
        ]
        if not follow_ups:
            return [*flowables, self._empty(_("No open follow-ups."))]
        shown = follow_ups[:limit]
        for item in shown:
            due = format_date(item.due, self.locale) if item.due else _("no due date")
            if item.overdue:
                due = (
                    f'<font color="{_hex(self.styles.accent)}">{_markup(_("overdue"))} '
                    f"{_markup(due)}</font>"
                )
            else:
                due = _markup(due)
            owner = f" ({_markup(item.owner)})" if item.owner.strip() else ""
            flowables.append(
                self._clipped(item.text, self.text, width, 2, prefix=f"{due} · ", suffix=owner)
            )
        return flowables + self._more(len(follow_ups) - len(shown))

    # -- Pieces ---------------------------------------------------------------------------

    def _section(self, heading: str, text: str, width: float, lines: int) -> list[Flowable]:
        if not text.strip():
            return []
        return [
            Paragraph(_markup(heading), self.label),
            self._clipped(text, self.text, width, lines),
            Spacer(0, 2),
        ]

    def _columns(
        self, left: list[Flowable], right: list[Flowable], left_width: float, right_width: float
    ) -> Table:
        table = Table([[left, "", right]], colWidths=[left_width, _GAP, right_width], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def _more(self, count: int) -> list[Flowable]:
        if count <= 0:
            return []
        return [Paragraph(_markup(_("+{count} more").format(count=count)), self.grey)]

    def _empty(self, text: str) -> Paragraph:
        return Paragraph(_markup(text), self.grey)

    def _clipped(
        self,
        text: str,
        style: ParagraphStyle,
        width: float,
        lines: int,
        *,
        prefix: str = "",
        suffix: str = "",
    ) -> Paragraph:
        """``text`` in at most ``lines`` lines of ``width``, cut with "…" if longer.

        ``prefix`` and ``suffix`` are markup kept whole around it (a due date, a kind).
        """
        paragraph = Paragraph(prefix + _markup(text) + suffix, style)
        if _line_count(paragraph, width, style) <= lines:
            return paragraph
        # The longest start of the text that fits, by halving: a few layouts at most.
        low, high = 0, len(text)
        while high - low > 1:
            middle = (low + high) // 2
            trial = Paragraph(prefix + _markup(text[:middle].rstrip() + "…") + suffix, style)
            if _line_count(trial, width, style) <= lines:
                low = middle
            else:
                high = middle
        return Paragraph(prefix + _markup(text[:low].rstrip() + "…") + suffix, style)

    def _clipped_markup(
        self, markup: str, style: ParagraphStyle, width: float, lines: int
    ) -> Paragraph:
        """Markup that is short by nature (a name and dots): shrunk to fit, never cut."""
        paragraph = Paragraph(markup, style)
        size, smallest = style.fontSize, style.fontSize * 0.7
        while _line_count(paragraph, width, style) > lines and size - 0.4 >= smallest:
            size -= 0.4
            smaller = ParagraphStyle(
                f"{style.name}-{size:.1f}", parent=style, fontSize=size, leading=size * 1.3
            )
            paragraph = Paragraph(markup, smaller)
            style = smaller
        return paragraph


def _line_count(paragraph: Paragraph, width: float, style: ParagraphStyle) -> int:
    _width, height = paragraph.wrap(width, PAGE_ROOM * 4)
    return max(1, round(float(height) / float(style.leading)))


def _in_zone(moment: dt.datetime, zone_name: str) -> dt.datetime:
    """``moment`` on the wall clock of the visit's zone (UTC when unknown)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone: dt.tzinfo = ZoneInfo(zone_name.strip()) if zone_name.strip() else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return moment.astimezone(zone)


def _day(moment: dt.datetime, locale: str) -> str:
    """``Thu, Dec 3, 2026`` / ``2026年12月3日周四``."""
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMEd", moment.replace(tzinfo=None), locale=locale))


def _time(moment: dt.datetime, locale: str) -> str:
    """``9:30 AM`` / ``09:30``: the locale's short time, of the wall clock given."""
    from babel.dates import format_time

    return str(format_time(moment.replace(tzinfo=None).time(), format="short", locale=locale))


def _influence(influence: int, styles: ReportStyles) -> str:
    """``●●●○○`` for influence 3 of 5, as the account summary draws it."""
    filled = max(0, min(_INFLUENCE_MAX, influence))
    return (
        f'<font color="{_hex(styles.accent)}">{"●" * filled}</font>'
        f'<font color="{_hex(MUTED)}">{"○" * (_INFLUENCE_MAX - filled)}</font>'
    )


def _markup(text: str) -> str:
    """``text`` as Paragraph markup: escaped, line breaks kept, blank lines dropped."""
    return "<br/>".join(
        escape_markup(fit_to_font(line)) for line in text.strip().splitlines() if line.strip()
    )


def _hex(colour: colors.Color) -> str:
    rgb: str = colour.hexval()[2:]
    return "#" + rgb
