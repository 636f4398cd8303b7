"""The PDF shows amounts and dates exactly as the app's screens show them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from kamdesk.formatting import COMMON_CURRENCIES, format_date
from kamdesk.i18n import LANGUAGES, Language, set_language
from kamdesk.reports.account_summary import build_account_summary
from kamdesk.reports.data import AccountSummary, Branding
from kamdesk.ui.formatting import date_text, money_text

if TYPE_CHECKING:
    from conftest import ReadBack

SummaryFactory = Callable[..., AccountSummary]
ReadPdf = Callable[[bytes], "ReadBack"]


def same_spaces(text: str) -> str:
    # A no-break space may come back from the PDF as a plain one.
    return text.replace("\u00a0", " ")


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
@pytest.mark.parametrize("currency", COMMON_CURRENCIES)
def test_an_amount_reads_the_same_in_the_app_and_in_the_pdf(
    summary_factory: SummaryFactory,
    branding: Branding,
    read_pdf: ReadPdf,
    language: Language,
    currency: str,
) -> None:
    set_language(language.code)
    summary = summary_factory(
        currency=currency, annual_revenue_minor=123_456_789, potential_revenue_minor=None
    )

    pdf = read_pdf(build_account_summary(summary, branding))

    on_screen = same_spaces(money_text(123_456_789, currency))
    # The amount is a line of its own in the profile: "CN¥1,234,567.89", not "¥…" in it.
    assert on_screen in [same_spaces(line) for line in pdf.lines]


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_a_date_reads_the_same_in_the_app_and_in_the_pdf(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf, language: Language
) -> None:
    set_language(language.code)
    day = dt.date(2026, 12, 1)

    pdf = read_pdf(build_account_summary(summary_factory(generated_on=day), branding))

    assert date_text(day) in pdf.text
    for month in range(1, 13):
        for day_of_month in (1, 9, 28):
            date = dt.date(2026, month, day_of_month)
            assert date_text(date) == format_date(date, language.locale)
