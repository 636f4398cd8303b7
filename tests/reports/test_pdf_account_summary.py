"""The account summary PDF, read back the way a user's PDF reader and search would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from kamdesk.reports.account_summary import build_account_summary
from kamdesk.reports.data import AccountSummary, Branding, StakeholderLine
from kamdesk.reports.fonts import FONT_NAME
from kamdesk.reports.template import MARGIN_RIGHT

if TYPE_CHECKING:
    from conftest import ReadBack

SummaryFactory = Callable[..., AccountSummary]
ReadPdf = Callable[[bytes], "ReadBack"]


def test_mixed_chinese_and_english_text_reads_back(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    summary = summary_factory(stakeholder_count=4)

    pdf = read_pdf(build_account_summary(summary, branding, locale="zh_Hans_CN"))

    assert "华东制造集团" in pdf.lines
    for field in (
        summary.parent_name,
        summary.industry,
        summary.procurement_process,
        summary.pain_points,
        summary.strategy,
        summary.incumbent_suppliers,
        summary.competitors,
        *summary.notes.splitlines(),
        branding.company_name,
    ):
        assert pdf.contains(field), field
    for person in summary.stakeholders:
        for value in (person.name, person.title, person.department, person.reports_to):
            assert pdf.contains(value), value
    assert "王建国" in pdf.lines
    assert pdf.reader.metadata.title == "Account summary: 华东制造集团"
    assert pdf.reader.metadata.author == "李明"


def test_cjk_font_is_embedded_and_no_standard_font_is_used(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(build_account_summary(summary_factory(), branding))

    fonts = list(pdf.fonts())
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
        assert "WenQuanYiMicroHei" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
        # A ToUnicode map is what makes the Chinese text searchable and copyable.
        assert "/ToUnicode" in font


def test_text_has_no_nul_characters_nor_replacement_boxes(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    text = read_pdf(build_account_summary(summary_factory(), branding)).text

    assert "\x00" not in text
    assert "\ufffd" not in text


def numbered_people(count: int) -> tuple[StakeholderLine, ...]:
    """``count`` stakeholders with names unique enough to tell which page each is on."""
    return tuple(
        StakeholderLine(
            name=f"联系人{i:02d}",
            title="生产部副总经理",
            department="生产运营中心",
            level="中层",
            buying_role="UB",
            force="U-WB",
            attitude="支持",
            influence=3,
            reports_to="王建国",
            covered_by=("李明（销售总监）", "Anna Müller"),
        )
        for i in range(1, count + 1)
    )


def pages_naming(pdf: ReadBack, name: str) -> list[int]:
    return [index for index in range(pdf.page_count) if name in pdf.page_text(index)]


def test_every_page_says_page_x_of_y(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(build_account_summary(summary_factory(stakeholder_count=20), branding))

    assert pdf.page_count == 2
    assert "Page 1 of 2" in pdf.page_text(0)
    assert "Page 2 of 2" in pdf.page_text(1)


def test_same_input_gives_identical_bytes(
    summary_factory: SummaryFactory, branding: Branding
) -> None:
    created = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)

    first = build_account_summary(
        summary_factory(stakeholder_count=20), branding, "zh_Hans_CN", created_at=created
    )
    second = build_account_summary(
        summary_factory(stakeholder_count=20), branding, "zh_Hans_CN", created_at=created
    )

    assert first == second


def test_the_pdf_says_when_it_was_made(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    created = dt.datetime(2026, 12, 1, 17, 45, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    pdf = read_pdf(build_account_summary(summary_factory(), branding, created_at=created))

    assert pdf.reader.metadata.creation_date == created
    assert pdf.reader.metadata.modification_date == created


def test_the_creation_date_is_now_unless_given(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)

    pdf = read_pdf(build_account_summary(summary_factory(), branding))

    after = dt.datetime.now(dt.UTC)
    created = pdf.reader.metadata.creation_date
    assert created.tzinfo is not None
    assert before <= created <= after


def test_a_table_taller_than_a_page_runs_on_with_its_header_repeated(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    people = numbered_people(30)

    pdf = read_pdf(build_account_summary(summary_factory(stakeholders=people), branding))

    assert pdf.page_count == 2
    # The table starts on page 1, under the profile, and runs onto page 2 ...
    assert pages_naming(pdf, "联系人01") == [0]
    assert pages_naming(pdf, "联系人30") == [1]
    assert all(len(pages_naming(pdf, person.name)) == 1 for person in people)
    # ... and its column headings come with it, above the first row on page 2.
    for index in range(2):
        page = pdf.page_text(index)
        first_row = min(page.index(p.name) for p in people if p.name in page)
        for heading in ("Name", "Reports to", "Covered by"):
            assert heading in page[:first_row], (index, heading)


def test_a_table_that_fits_on_a_page_moves_there_whole(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    people = numbered_people(12)

    pdf = read_pdf(build_account_summary(summary_factory(stakeholders=people), branding))

    assert pdf.page_count == 2
    # Rather than a few rows at the foot of page 1 and the rest on page 2, the whole
    # relationship map, heading included, is on page 2.
    for person in people:
        assert pages_naming(pdf, person.name) == [1], person.name
    assert "Stakeholders" not in pdf.page_text(0).splitlines()
    assert "Stakeholders" in pdf.page_text(1).splitlines()
    assert "Covered by" not in pdf.page_text(0)
    assert "Notes" in pdf.page_text(0).splitlines()


def test_a_small_account_fits_on_one_page(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(
        build_account_summary(summary_factory(stakeholders=numbered_people(3)), branding)
    )

    assert pdf.page_count == 1
    assert "联系人03" in pdf.text


def test_no_stakeholders_shows_the_empty_state(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(build_account_summary(summary_factory(stakeholders=()), branding))

    assert "No stakeholders recorded yet." in pdf.lines
    assert "Covered by" not in pdf.text


def test_empty_fields_print_nothing_not_none(branding: Branding, read_pdf: ReadPdf) -> None:
    bare = AccountSummary(
        name="空白客户 Blank Ltd",
        generated_on=dt.date(2026, 11, 23),
        stakeholders=(StakeholderLine(name="无名氏"),),
    )

    pdf = read_pdf(build_account_summary(bare, branding))

    assert "None" not in pdf.text
    assert "无名氏" in pdf.lines
    # Sections with nothing to say are left out rather than printed empty.
    for heading in ("Pain points", "Incumbent suppliers", "Competitors", "Notes", "Profile"):
        assert heading not in pdf.lines
    assert "Decision-maker coverage" not in pdf.text


def test_whitespace_only_sections_are_left_out(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(build_account_summary(summary_factory(notes="  \n ", competitors=""), branding))

    assert "Notes" not in pdf.lines
    assert "Competitors" not in pdf.lines
    assert "Pain points" in pdf.lines


@pytest.mark.parametrize(
    ("locale", "revenue", "date"),
    [
        ("zh_Hans_CN", "¥1,234,567.89", "2026年11月23日"),
        ("en_US", "CN¥1,234,567.89", "Nov 23, 2026"),
    ],
)
def test_money_and_dates_follow_the_locale(
    summary_factory: SummaryFactory,
    branding: Branding,
    read_pdf: ReadPdf,
    locale: str,
    revenue: str,
    date: str,
) -> None:
    pdf = read_pdf(build_account_summary(summary_factory(), branding, locale))

    assert revenue in pdf.text
    assert date in pdf.text
    assert "75%" in pdf.text


def test_markup_characters_in_user_text_are_printed_literally(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    notes = "R&D <b>not bold</b> & 5 < 6"

    pdf = read_pdf(build_account_summary(summary_factory(notes=notes), branding))

    assert notes in pdf.lines


def test_influence_shows_as_dots(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    people = (
        StakeholderLine(name="王建国", influence=3),
        StakeholderLine(name="李娜", influence=None),
    )

    pdf = read_pdf(build_account_summary(summary_factory(stakeholders=people), branding))

    assert "●●●○○" in pdf.text


def test_long_chinese_text_wraps_inside_its_table_cell(
    summary_factory: SummaryFactory, branding: Branding, read_pdf: ReadPdf
) -> None:
    long_title = (
        "集团信息化建设领导小组副组长兼数字化转型办公室主任，负责智能制造与供应链协同项目" * 2
    )
    people = (StakeholderLine(name="王建国", title=long_title, department="信息技术部"),)

    pdf = read_pdf(build_account_summary(summary_factory(stakeholders=people), branding))

    assert pdf.contains(long_title)
    right_edge = A4[0] - MARGIN_RIGHT
    for text, x, size in pdf.runs(0):
        # A closing mark may hang into the margin by one character, never more.
        assert x + stringWidth(text, FONT_NAME, size) <= right_edge + size, text
