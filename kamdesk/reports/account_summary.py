"""The one- or two-page account summary a rep takes to a visit or hands to a new owner.

It gathers on A4 what the domain calls the customer profile (客户画像): who the account
is, what it is worth, how it buys, what hurts, who else sells to it, and the relationship
map (关系矩阵) of its stakeholders with who on our side covers each of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from kamdesk.formatting import format_date, format_money
from kamdesk.i18n import _, current_language
from kamdesk.reports.data import AccountSummary, Branding, StakeholderLine
from kamdesk.reports.fonts import fit_to_font
from kamdesk.reports.styles import CELL_PADDING, MUTED, ReportStyles, make_styles
from kamdesk.reports.tables import fitted_widths
from kamdesk.reports.template import (
    CONTENT_WIDTH,
    DocumentInfo,
    escape_markup,
    keep_together,
    render_pdf,
)

#: Share of the text width each stakeholder column gets, in table order, before columns
#: are widened to fit their longest word.
_STAKEHOLDER_COLUMNS: Final = (0.13, 0.175, 0.07, 0.125, 0.10, 0.09, 0.13, 0.18)
#: Rows (after the header) that must fit below the stakeholder heading on a page where
#: the table starts; a table taller than a page starts on the next page otherwise.
_LEAD_ROWS: Final = 2
#: Label, value, label, value: the profile is two pairs wide to stay on the first page.
_PROFILE_COLUMNS: Final = (0.16, 0.34, 0.16, 0.34)
_INFLUENCE_MAX: Final = 5


def build_account_summary(
    summary: AccountSummary,
    branding: Branding,
    locale: str | None = None,
    *,
    created_at: dt.datetime | None = None,
) -> bytes:
    """The account summary of ``summary`` as PDF bytes, in ``branding``'s look.

    Headings are in the current UI language; amounts and dates are formatted for
    ``locale`` (a CLDR locale such as ``zh_Hans_CN``), by default the UI language's.
    The PDF's creation date is ``created_at``, by default now.
    """
    locale = locale or current_language().locale
    styles = make_styles(branding)
    info = DocumentInfo(
        title=_("Account summary: {account}").format(account=summary.name),
        author=summary.owner or branding.company_name,
        subject=_("Account summary"),
        lang=locale.replace("_", "-"),
    )
    return render_pdf(
        account_summary_story(summary, styles, locale),
        info=info,
        branding=branding,
        styles=styles,
        created_at=created_at,
    )


def account_summary_story(
    summary: AccountSummary, styles: ReportStyles, locale: str
) -> list[Flowable]:
    """The flowables of the account summary, for embedding it in a longer document."""
    story: list[Flowable] = [
        Paragraph(_text(summary.name), styles.title),
        Paragraph(
            _text(
                _("Account summary · generated on {date}").format(
                    date=format_date(summary.generated_on, locale)
                )
            ),
            styles.small,
        ),
        Spacer(0, 6),
    ]
    story.extend(_profile(summary, styles, locale))
    for heading, text in (
        (_("Pain points"), summary.pain_points),
        (_("Incumbent suppliers"), summary.incumbent_suppliers),
        (_("Competitors"), summary.competitors),
        (_("Notes"), summary.notes),
    ):
        if text.strip():
            story.append(Paragraph(_text(heading), styles.heading))
            story.append(Paragraph(_text(text), styles.body))
    story.extend(_stakeholders(summary, styles, locale))
    return story


def _profile(summary: AccountSummary, styles: ReportStyles, locale: str) -> list[Flowable]:
    """The profile block: short facts two to a row, longer ones across the full width."""
    short_fields = [
        (_("Parent / group"), summary.parent_name),
        (_("Organisation level"), summary.org_level),
        (_("Industry"), summary.industry),
        (_("Tier"), summary.tier),
        (_("Lifecycle stage"), summary.lifecycle_stage),
        (_("Decision mode"), summary.decision_mode),
        (_("Account owner"), summary.owner),
        (_("Budget cycle"), summary.budget_cycle),
        (
            _("Annual revenue with us"),
            format_money(summary.annual_revenue_minor, summary.currency, locale),
        ),
        (
            _("Potential revenue"),
            format_money(summary.potential_revenue_minor, summary.currency, locale),
        ),
    ]
    wide_fields = [
        (_("Procurement process"), summary.procurement_process),
        (_("Strategy"), summary.strategy),
    ]
    short = [(label, value) for label, value in short_fields if value.strip()]
    wide = [(label, value) for label, value in wide_fields if value.strip()]
    if not short and not wide:
        return []

    rows: list[list[Flowable | str]] = []
    for start in range(0, len(short), 2):
        pair = short[start : start + 2]
        row: list[Flowable | str] = []
        for label, value in pair:
            row += [Paragraph(_text(label), styles.label), Paragraph(_text(value), styles.body)]
        rows.append(row + [""] * (4 - len(row)))
    span_commands = []
    for label, value in wide:
        span_commands.append(("SPAN", (1, len(rows)), (3, len(rows))))
        rows.append(
            [Paragraph(_text(label), styles.label), Paragraph(_text(value), styles.body), "", ""]
        )
    table = Table(rows, colWidths=_widths(_PROFILE_COLUMNS), hAlign="LEFT")
    table.setStyle(styles.key_value_style())
    table.setStyle(span_commands)
    return [Paragraph(_text(_("Profile")), styles.heading), table]


def _stakeholders(summary: AccountSummary, styles: ReportStyles, locale: str) -> list[Flowable]:
    """The relationship map: one row per stakeholder, or a line saying there are none.

    The section moves to the next page whole when it fits on one page but not in what is
    left of this one: a relationship map reads best at a glance, not split over a page.
    """
    lead: list[Flowable] = [Paragraph(_text(_("Stakeholders")), styles.heading)]
    if summary.decision_maker_coverage is not None:
        lead.append(
            Paragraph(
                _text(
                    _("Decision-maker coverage: {percent}").format(
                        percent=_percent(summary.decision_maker_coverage, locale)
                    )
                ),
                styles.body,
            )
        )
    if not summary.stakeholders:
        lead.append(Paragraph(_text(_("No stakeholders recorded yet.")), styles.empty))
        return lead

    header = [
        _("Name"),
        _("Title / department"),
        _("Level"),
        _("Buying role / force"),
        _("Attitude"),
        _("Influence"),
        _("Reports to"),
        _("Covered by"),
    ]
    widths = _stakeholder_widths(header, summary.stakeholders, styles)
    rows: list[list[Flowable]] = [[Paragraph(_text(h), styles.table_header) for h in header]]
    rows += [_stakeholder_row(person, styles) for person in summary.stakeholders]

    def table(rows: list[list[Flowable]]) -> Table:
        # repeatRows: a table that runs onto the next page keeps its column headings.
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(styles.table_style(header_rows=1))
        return table

    start = [*lead, table(rows[: 1 + _LEAD_ROWS])]
    return keep_together([*lead, table(rows)], lead=start)


def _stakeholder_widths(
    header: Sequence[str], people: Sequence[StakeholderLine], styles: ReportStyles
) -> list[float]:
    """Column widths for the stakeholder table, each at least as wide as its longest word."""
    columns: list[list[str]] = [[title] for title in header]
    for person in people:
        cells = (
            (person.name,),
            (person.title, person.department),
            (person.level,),
            (person.buying_role, person.force),
            (person.attitude,),
            ("●" * _INFLUENCE_MAX,) if person.influence is not None else (),
            (person.reports_to,),
            person.covered_by,
        )
        for column, texts in zip(columns, cells, strict=True):
            column.extend(fit_to_font(line) for text in texts for line in text.splitlines())
    return fitted_widths(
        _STAKEHOLDER_COLUMNS,
        columns,
        total=CONTENT_WIDTH,
        font_name=styles.table_cell.fontName,
        font_size=styles.table_cell.fontSize,
        padding=2 * CELL_PADDING,
    )


def _stakeholder_row(person: StakeholderLine, styles: ReportStyles) -> list[Flowable]:
    """One table row; every cell a Paragraph so that long Chinese text wraps in its cell."""
    cell = styles.table_cell

    def stacked(first: str, second: str) -> Paragraph:
        # Two facts in one cell so the table stays eight columns wide; the second in grey
        # so that a title wrapped over three lines does not run into the department.
        lines = [_text(first)] if first.strip() else []
        if second.strip():
            lines.append(f'<font color="{_hex(MUTED)}">{_text(second)}</font>')
        return Paragraph("<br/>".join(lines), cell)

    return [
        Paragraph(_text(person.name), cell),
        stacked(person.title, person.department),
        Paragraph(_text(person.level), cell),
        stacked(person.buying_role, person.force),
        Paragraph(_text(person.attitude), cell),
        Paragraph(_influence(person.influence, styles), cell),
        Paragraph(_text(person.reports_to), cell),
        Paragraph(_lines(person.covered_by), cell),
    ]


def _influence(influence: int | None, styles: ReportStyles) -> str:
    """``●●●○○`` for influence 3 of 5: readable at a glance and when printed in grey."""
    if influence is None:
        return ""
    filled = max(0, min(_INFLUENCE_MAX, influence))
    empty = _INFLUENCE_MAX - filled
    return f'<font color="{_hex(styles.accent)}">{"●" * filled}</font>{"○" * empty}'


def _percent(share: float, locale: str) -> str:
    """``75%`` / ``75 %``: the share as the locale writes percentages."""
    from babel.numbers import format_percent

    return str(format_percent(max(0.0, min(1.0, share)), locale=locale))


def _text(text: str) -> str:
    """``text`` as Paragraph markup: special characters escaped, line breaks kept."""
    return "<br/>".join(escape_markup(fit_to_font(line)) for line in text.strip().splitlines())


def _lines(parts: Iterable[str]) -> str:
    """The non-empty ``parts`` as Paragraph markup, one per line."""
    return "<br/>".join(_text(part) for part in parts if part.strip())


def _hex(colour: Color) -> str:
    """``colour`` as ``#rrggbb`` for ``<font color>`` markup."""
    rgb: str = colour.hexval()[2:]  # hexval() gives "0xrrggbb"
    return "#" + rgb


def _widths(shares: Sequence[float]) -> list[float]:
    """Column widths in points from shares of the text width, so columns always fit."""
    return [CONTENT_WIDTH * share for share in shares]
