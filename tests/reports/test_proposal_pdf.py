"""The proposal PDF, read back as the customer's PDF reader would show it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from proposal_sample import EN, ZH, figures_for, make_document, make_option

from kamdesk.domain.proposal_figures import (
    REASON_TEXTS,
    IrrFigure,
    OptionFigures,
    Reason,
    Unavailable,
)
from kamdesk.domain.proposals import (
    Benefit,
    BenefitKind,
    Billing,
    LineItem,
    ProposalDocument,
    ProposalLanguage,
    ProposalStatus,
)
from kamdesk.formatting import format_date, format_money, major_to_minor
from kamdesk.i18n import set_language, translator
from kamdesk.reports.data import Branding
from kamdesk.reports.proposal import proposal_pdf

if TYPE_CHECKING:
    from conftest import ReadBack

ReadPdf = Callable[[bytes], "ReadBack"]
D = Decimal
CREATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
LOCALES = {EN: "en_US", ZH: "zh_Hans_CN"}

#: Every section heading of a full proposal, in the order they come.
HEADINGS = (
    "Executive summary",
    "Your situation and pains",
    "Our solution, pain by pain",
    "The options side by side",
    "Investment and return",
    "Scenarios",
    "Sensitivity",
    "Implementation plan",
    "Terms",
    "Why us",
    "Next steps",
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def render(
    document: ProposalDocument,
    branding: Branding,
    figures: dict[str, OptionFigures] | None = None,
) -> bytes:
    return proposal_pdf(
        document,
        figures if figures is not None else figures_for(document),
        branding,
        created=CREATED,
    )


def money(amount: Decimal, language: ProposalLanguage) -> str:
    return format_money(major_to_minor(amount, "CNY"), "CNY", LOCALES[language])


def page_of(pdf: ReadBack, text: str) -> int:
    """The index of the first page after the contents on which ``text`` appears."""
    for index in range(2, pdf.page_count):
        if squash(text) in squash(pdf.page_text(index)):
            return index
    raise AssertionError(f"{text!r} is on no page")


def pdftotext(pdf: bytes, *, page: int | None = None) -> str:
    """The text poppler's pdftotext reads, laid out as on the page (``page`` from 1)."""
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def assert_clean(pdf: ReadBack) -> None:
    """No sign of a failure on any page: no NaN, no None, no traceback."""
    text = pdf.text
    for word in ("NaN", "None", "Traceback", "inf", "Infinity", "sNaN"):
        assert not re.search(rf"\b{word}\b", text), word


@pytest.mark.parametrize("language", [EN, ZH])
def test_every_section_in_order_in_the_proposals_language_whatever_the_uis(
    language: ProposalLanguage, branding: Branding, read_pdf: ReadPdf
) -> None:
    # The UI speaks the other language: the proposal must not follow it.
    set_language("en" if language is ZH else "zh_CN")
    t = translator(str(language))

    pdf = read_pdf(render(make_document(language), branding))

    body = squash(" ".join(pdf.page_text(i) for i in range(2, pdf.page_count)))
    positions = []
    for number, heading in enumerate(HEADINGS, start=1):
        title = squash(f"{number}. {t.gettext(heading)}")
        assert title in body, heading
        positions.append(body.index(title))
    assert positions == sorted(positions)
    label = "第 {page} 页，共 {total} 页" if language is ZH else "Page {page} of {total}"
    for page in range(pdf.page_count):
        expected = label.format(page=page + 1, total=pdf.page_count)
        assert squash(expected) in squash(pdf.page_text(page))
    assert 6 <= pdf.page_count <= 12


def test_the_contents_list_every_section_with_the_page_it_starts_on(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(EN)
    pdf_bytes = render(document, branding)
    pdf = read_pdf(pdf_bytes)

    # pdftotext keeps each entry on its line, its page number at the end.
    contents = pdftotext(pdf_bytes, page=2)
    assert "Contents" in contents
    lines = [squash(line) for line in contents.splitlines()]
    for number, heading in enumerate(HEADINGS, start=1):
        entry = next(line for line in lines if line.startswith(squash(f"{number}.{heading}")))
        page = int(re.findall(r"\d+$", entry)[0])
        assert page == page_of(pdf, f"{number}. {heading}") + 1, heading
    for option in document.options:
        assert any(line.startswith(squash(option.name)) for line in lines), option.name


@pytest.mark.parametrize("language", [EN, ZH])
def test_the_cover_names_the_customer_the_title_the_date_and_the_version(
    language: ProposalLanguage, branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(
        language, status=ProposalStatus.SENT, sent_on=dt.date(2026, 12, 3), version=4
    )
    pdf = read_pdf(render(document, branding))

    cover = squash(pdf.page_text(0))
    t = translator(str(language))
    for text in (
        document.title,
        document.customer,
        format_date(document.document_date, LOCALES[language]),
        t.gettext("Version {version}").format(version=4),
        t.gettext("Sent on {date}").format(
            date=format_date(dt.date(2026, 12, 3), LOCALES[language])
        ),
        branding.company_name,
        document.prepared_by,
    ):
        assert squash(text) in cover, text


@pytest.mark.parametrize("language", [EN, ZH])
def test_the_executive_summary_shows_the_engines_headline_figures_of_the_recommended_option(
    language: ProposalLanguage, branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(language)
    figures = figures_for(document)
    recommended = figures["option-1"]
    assert isinstance(recommended.npv, Decimal) and isinstance(recommended.roi, Decimal)
    assert isinstance(recommended.payback_months, Decimal)

    pdf = read_pdf(render(document, branding, figures))

    summary = pdf.page_text(
        page_of(pdf, "1. " + translator(str(language)).gettext("Executive summary"))
    )
    from babel.numbers import format_decimal, format_percent

    locale = LOCALES[language]
    months = (
        translator(str(language))
        .gettext("{months} months")
        .format(months=format_decimal(recommended.payback_months, "#,##0.0", locale=locale))
    )
    for expected in (
        money(recommended.npv, language),
        format_percent(recommended.roi / 100, "#,##0.0%", locale=locale),
        months,
        document.options[1].name,
    ):
        assert squash(expected) in squash(summary), expected


@pytest.mark.parametrize(
    ("language", "npv", "roi", "payback"),
    [
        (EN, "CN¥1,234,567.89", "45.7%", "18.3 months"),
        (ZH, "¥1,234,567.89", "45.7%", "18.3"),
    ],
)
def test_headline_figures_are_written_as_the_proposals_locale_writes_them(
    language: ProposalLanguage,
    npv: str,
    roi: str,
    payback: str,
    branding: Branding,
    read_pdf: ReadPdf,
) -> None:
    document = make_document(language)
    figures = figures_for(document)
    figures["option-1"] = dataclasses.replace(
        figures["option-1"], npv=D("1234567.891"), roi=D("45.67"), payback_months=D("18.26")
    )

    pdf = read_pdf(render(document, branding, figures))

    summary = squash(pdf.page_text(2))
    for expected in (npv, roi, payback):
        assert squash(expected) in summary


def test_chinese_text_and_chart_legends_come_back_as_chinese(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(ZH)
    pdf = read_pdf(render(document, branding))

    text = squash(pdf.text)
    for chinese in (
        "华东制造集团",
        "MES二期扩容方案",
        "停机时间减少",
        "设备停机时间长",
        "预测性维护模块",
    ):
        assert chinese in text, chinese
    # The charts' legends are set in the same font as the text: the option names read back.
    chart_page = squash(
        pdf.page_text(page_of(pdf, translator("zh_CN").gettext("Cumulative cash flow")))
    )
    for option in document.options:
        assert option.name in chart_page
    names = {font["/BaseFont"] for font in pdf.fonts()}
    assert not any("Helvetica" in str(name) for name in names), names


def test_a_proposal_that_never_pays_back_says_so_where_the_payback_would_be(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    slow = dataclasses.replace(
        make_option(1, EN),
        benefits=(
            Benefit(
                id="tiny",
                kind=BenefitKind.COST_SAVED,
                description="Paper saved",
                amount_per_year=D(70_000),
                assumption="A little less printing",
            ),
        ),
    )
    document = make_document(EN, options=3)
    document = dataclasses.replace(
        document, options=(document.options[0], slow, document.options[2])
    )
    figures = figures_for(document)
    assert figures[slow.id].payback_months == Unavailable(Reason.NEVER_PAYS_BACK)

    pdf = read_pdf(render(document, branding, figures))

    sentence = REASON_TEXTS[Reason.NEVER_PAYS_BACK]
    assert squash(sentence) in squash(pdf.page_text(2))  # the executive summary
    assert squash(sentence) in squash(pdf.page_text(page_of(pdf, "4. The options side by side")))
    assert_clean(pdf)


def test_flows_that_change_sign_twice_show_the_rate_and_say_to_trust_the_npv(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    # −100,000 at signing, +230,000 in year 1, −132,000 in year 2 (a refresh costing more
    # than the year's benefit): both 10 % and 20 % zero the NPV.
    option = dataclasses.replace(
        make_option(1, EN),
        lines=(
            LineItem(id="licence", product="Licences", quantity=D(1), unit_price=D(100_000)),
            LineItem(
                id="refresh",
                product="Hardware refresh",
                quantity=D(1),
                unit_price=D(362_000),
                year=2,
            ),
        ),
        benefits=(
            Benefit(
                id="saving",
                kind=BenefitKind.COST_SAVED,
                description="Savings",
                amount_per_year=D(230_000),
            ),
        ),
    )
    document = dataclasses.replace(make_document(EN, horizon=2), options=(option,))
    figures = figures_for(document)
    irr = figures[option.id].irr
    assert isinstance(irr, IrrFigure) and not irr.unique

    pdf = read_pdf(render(document, branding, figures))

    note = "Several rates give an NPV of 0: trust the NPV."
    summary = squash(pdf.page_text(2))
    assert squash(note) in summary
    assert squash(f"{float(irr.rate):.1f}%*") in summary
    assert_clean(pdf)


def test_a_figure_the_engine_could_not_work_out_shows_its_reason_in_its_cell(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(ZH)
    figures = figures_for(document)
    figures["option-0"] = dataclasses.replace(
        figures["option-0"], irr=Unavailable(Reason.NO_IRR), npv=D("NaN")
    )

    pdf = read_pdf(render(document, branding, figures))

    t = translator("zh_CN")
    options_page = squash(
        pdf.page_text(page_of(pdf, "4. " + t.gettext("The options side by side")))
    )
    assert squash(t.gettext(REASON_TEXTS[Reason.NO_IRR])) in options_page
    assert squash(t.gettext("Cannot be worked out from these figures.")) in options_page
    assert_clean(pdf)


def test_sections_with_nothing_to_say_are_left_out(branding: Branding, read_pdf: ReadPdf) -> None:
    document = make_document(
        EN, phases=0, pains=0, situation="", why_us="", references="", payment_terms=""
    )

    pdf = read_pdf(render(document, branding))

    text = squash(pdf.text)
    for heading in (
        "Implementation plan",
        "Terms",
        "Why us",
        "Your situation and pains",
        "Our solution, pain by pain",
    ):
        assert squash(heading) not in text, heading
    # The others are numbered on without a gap.
    assert squash("1. Executive summary") in text
    assert squash("2. The options side by side") in text
    assert squash("6. Next steps") in text
    assert_clean(pdf)


def test_a_proposal_with_no_options_yet_still_makes_a_pdf_that_says_so(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(EN, options=0)

    pdf = read_pdf(render(document, branding, {}))

    assert pdf.contains("No options in this proposal yet.")
    assert not pdf.contains("The options side by side")
    assert_clean(pdf)


def test_yearly_lines_later_one_offs_and_hours_saved_read_as_said(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    option = dataclasses.replace(
        make_option(0, EN),
        lines=(
            LineItem(id="a", product="Licences", quantity=D(10), unit_price=D(1_000)),
            LineItem(id="b", product="Refresh", quantity=D(1), unit_price=D(5_000), year=4),
            LineItem(
                id="c",
                product="Support",
                quantity=D(1),
                unit_price=D(2_000),
                billing=Billing.YEARLY,
            ),
            LineItem(
                id="d",
                product="Cloud",
                quantity=D(1),
                unit_price=D(3_000),
                billing=Billing.YEARLY,
                year=2,
            ),
        ),
    )
    document = dataclasses.replace(make_document(EN), options=(option,))

    pdf = read_pdf(render(document, branding))

    text = squash(pdf.text)
    for expected in (
        "At signing",
        "Year 4",
        "Every year",
        "Every year from year 2",
        "1,200 hours a year × CN¥150.00 an hour",
    ):
        assert squash(expected) in text, expected


def test_the_same_proposal_gives_the_same_bytes(branding: Branding) -> None:
    document = make_document(ZH)
    assert render(document, branding) == render(document, branding)


def test_pdftotext_reads_the_whole_proposal(branding: Branding) -> None:
    """A second reader (poppler) finds the headings and the Chinese too."""
    text = pdftotext(render(make_document(ZH), branding))
    assert "华东制造集团" in text
    assert "第 1 页，共" in text
    assert "NaN" not in text


def test_each_contents_entry_links_to_the_page_of_its_section(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(render(make_document(EN), branding))

    pages = {page.indirect_reference.idnum: index for index, page in enumerate(pdf.reader.pages)}
    links = sorted(
        (annotation.get_object() for annotation in pdf.reader.pages[1]["/Annots"]),
        key=lambda link: -float(link["/Rect"][3]),
    )
    targets = [pages[link["/Dest"][0].idnum] for link in links]
    sections = [page_of(pdf, f"{n}. {heading}") for n, heading in enumerate(HEADINGS, start=1)]
    # Sections and, under "Investment and return", one entry per option.
    assert len(links) == len(HEADINGS) + 3
    assert [targets[i] for i in (0, 1, 2, 3, 4)] == sections[:5]
    assert targets[-6:] == sections[-6:]


def test_the_cover_carries_the_company_logo(
    branding: Branding, read_pdf: ReadPdf, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "#1F4E79").save(logo)

    pdf = read_pdf(render(make_document(ZH), dataclasses.replace(branding, logo_path=logo)))

    assert len(pdf.reader.pages[0].images) == 1
    assert all(len(pdf.reader.pages[i].images) == 0 for i in range(1, pdf.page_count))


@pytest.mark.parametrize(
    ("horizon", "discount_rate"),
    [(0, D(8)), (1, D(8)), (5, D(-150)), (5, D(0))],
    ids=["no horizon", "one year", "rate below -100 %", "no discounting"],
)
def test_bad_economics_give_sentences_not_failures(
    horizon: int, discount_rate: Decimal, branding: Branding, read_pdf: ReadPdf
) -> None:
    document = make_document(ZH, horizon=horizon)
    document = dataclasses.replace(
        document,
        economics=dataclasses.replace(document.economics, discount_rate=discount_rate),
    )

    pdf = read_pdf(render(document, branding))

    assert pdf.contains("1. " + translator("zh_CN").gettext("Executive summary"))
    assert_clean(pdf)


@pytest.mark.parametrize(
    ("value", "locale", "tick"),
    [
        (1_500_000, "en_US", "CN¥1.5M"),
        (-500_000, "en_US", "-CN¥500K"),
        (2_000_000_000, "en_US", "CN¥2B"),
        (0, "en_US", "CN¥0"),
        (1_500_000, "zh_Hans_CN", "¥150万"),
        (-250_000_000, "zh_Hans_CN", "-¥2.5亿"),
        (5_000, "zh_Hans_CN", "¥5,000"),
    ],
)
def test_chart_ticks_abbreviate_money_as_each_reader_counts(
    value: float, locale: str, tick: str
) -> None:
    from kamdesk.reports.proposal_charts import compact_money

    assert compact_money(value, "CNY", locale) == tick
