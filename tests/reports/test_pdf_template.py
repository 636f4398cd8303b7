"""The shared report template: branding, page X of Y, TOC hook, repeated table headers."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, Table

from kamdesk.reports import template
from kamdesk.reports.data import Branding
from kamdesk.reports.fonts import FONT_NAME
from kamdesk.reports.styles import make_styles
from kamdesk.reports.template import MARGIN_RIGHT, DocumentInfo, render_pdf, table_of_contents

if TYPE_CHECKING:
    from conftest import ReadBack

ReadPdf = Callable[[bytes], "ReadBack"]


def long_story(branding: Branding, sections: int = 4) -> list[Any]:
    styles = make_styles(branding)
    story: list[Any] = []
    for number in range(1, sections + 1):
        story.append(Paragraph(f"第{number}章 Section {number}", styles.heading))
        story.append(Paragraph("客户关系地图与覆盖情况。" * 40, styles.body))
        story.append(PageBreak())
    return story


#: A fixed creation time, so that two builds of the same story give the same bytes.
CREATED = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def render(
    story: list[Any],
    branding: Branding,
    title: str = "Account plan",
    created_at: dt.datetime = CREATED,
) -> bytes:
    return render_pdf(
        story,
        info=DocumentInfo(title=title, author="李明", subject="Plan"),
        branding=branding,
        styles=make_styles(branding),
        created_at=created_at,
    )


def bundled_face_only(pdf: ReadBack) -> bool:
    """Whether every font in ``pdf`` is a subset of the bundled face (however many)."""
    names = [font["/BaseFont"].split("+")[-1] for font in pdf.fonts()]
    return bool(names) and all(name.startswith("WenQuanYiMicroHei") for name in names)


def test_footer_counts_pages_and_names_the_company(branding: Branding, read_pdf: ReadPdf) -> None:
    pdf = read_pdf(render(long_story(branding), branding))

    assert pdf.page_count == 4
    for index in range(4):
        page = pdf.page_text(index)
        assert f"Page {index + 1} of 4" in page
        assert branding.company_name in page
    # Later pages carry the document title as a running header.
    assert "Account plan" in pdf.page_text(1)


def test_long_names_are_cut_short_in_headers_and_footers(read_pdf: ReadPdf) -> None:
    branding = Branding(company_name="远景智能自动化科技股份有限公司 Vista Automation " * 4)
    title = "华东制造集团有限公司华南分公司 East China Manufacturing Group South " * 4

    pdf = read_pdf(render(long_story(branding, sections=2), branding, title=title))

    assert "Page 2 of 2" in pdf.page_text(1)
    for index in range(2):
        for text, x, size in pdf.runs(index):
            assert x + stringWidth(text, FONT_NAME, size) <= A4[0] - MARGIN_RIGHT + 0.5, text
    assert any(text.endswith("…") for text, _x, _size in pdf.runs(1))


def test_page_label_is_translatable(
    branding: Branding, read_pdf: ReadPdf, monkeypatch: pytest.MonkeyPatch
) -> None:
    translations = {"Page {page} of {total}": "第 {page} 页，共 {total} 页"}
    monkeypatch.setattr(template, "_", lambda message: translations.get(message, message))

    pdf = read_pdf(render(long_story(branding, sections=2), branding))

    assert "第 1 页，共 2 页" in pdf.page_text(0)
    assert "第 2 页，共 2 页" in pdf.page_text(1)


def test_metadata_is_set(branding: Branding, read_pdf: ReadPdf) -> None:
    pdf = read_pdf(
        render(long_story(branding, sections=1), branding, title="华东制造集团 客户计划")
    )

    metadata = pdf.reader.metadata
    assert metadata.title == "华东制造集团 客户计划"
    assert metadata.author == "李明"
    assert metadata.subject == "Plan"
    assert metadata.creator == "KAMDesk"


def test_output_is_deterministic(branding: Branding) -> None:
    assert render(long_story(branding), branding) == render(long_story(branding), branding)


def test_the_creation_date_is_stamped_and_a_naive_time_is_local(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    naive = dt.datetime(2026, 12, 1, 8, 15, 0)

    pdf = read_pdf(render(long_story(branding, sections=1), branding, created_at=naive))

    assert pdf.reader.metadata.creation_date == naive.astimezone()


def test_headings_feed_a_table_of_contents_and_the_outline(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    styles = make_styles(branding)
    story = [table_of_contents(styles), PageBreak(), *long_story(branding, sections=3)]
    story.insert(3, Paragraph("研发 R&amp;D <b>投入</b>", styles.subheading))

    pdf = read_pdf(render(story, branding))

    assert pdf.page_count == 4
    contents = pdf.page_text(0)
    for number in range(1, 4):
        assert f"第{number}章 Section {number}" in contents
    assert "研发 R&D 投入" in contents
    # Heading number n is on page n + 1, after the contents page.
    assert re.findall(r"\.\s+(\d+)\s*$", contents, flags=re.MULTILINE) == ["2", "2", "3", "4"]
    outline = pdf.reader.outline
    top_level = [entry for entry in outline if not isinstance(entry, list)]
    assert [entry.title for entry in top_level] == [f"第{n}章 Section {n}" for n in range(1, 4)]
    # Bookmarks point at the page the heading is on, not at page 1.
    assert [pdf.reader.get_destination_page_number(entry) for entry in top_level] == [1, 2, 3]
    assert [entry.title for entry in outline[1]] == ["研发 R&D 投入"]
    # The contents are set in the CJK font too, not in ReportLab's default Helvetica.
    assert bundled_face_only(pdf)


def test_long_tables_repeat_their_header_row(branding: Branding, read_pdf: ReadPdf) -> None:
    styles = make_styles(branding)
    rows = [[Paragraph("姓名 Name", styles.table_header), Paragraph("备注", styles.table_header)]]
    rows += [
        [Paragraph(f"联系人 {i}", styles.table_cell), Paragraph("—", styles.table_cell)]
        for i in range(120)
    ]
    table = Table(rows, repeatRows=1)
    table.setStyle(styles.table_style())

    pdf = read_pdf(render([table], branding))

    assert pdf.page_count >= 2
    for index in range(pdf.page_count):
        assert "姓名 Name" in pdf.page_text(index)


def test_logo_is_drawn_on_the_first_page(tmp_path: Path, read_pdf: ReadPdf) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 80), (31, 78, 121)).save(logo)
    branding = Branding(company_name="远景智能", logo_path=logo)

    pdf = read_pdf(render(long_story(branding, sections=2), branding))

    first_page_images = pdf.reader.pages[0].images
    assert len(first_page_images) == 1
    assert len(pdf.reader.pages[1].images) == 0


def test_missing_logo_is_left_out(
    tmp_path: Path, read_pdf: ReadPdf, caplog: pytest.LogCaptureFixture
) -> None:
    branding = Branding(company_name="远景智能", logo_path=tmp_path / "gone.png")

    with caplog.at_level(logging.WARNING, logger="kamdesk.reports.template"):
        pdf = read_pdf(render(long_story(branding, sections=1), branding))

    assert "远景智能" in pdf.text
    assert len(pdf.reader.pages[0].images) == 0
    assert "gone.png" in caplog.text


def test_invalid_branding_colour_falls_back_to_the_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="kamdesk.reports.styles"):
        styles = make_styles(Branding(primary_color="blue-ish"))

    assert styles.primary.hexval() == make_styles(Branding()).primary.hexval()
    assert "blue-ish" in caplog.text


def test_headings_use_the_branding_colour() -> None:
    styles = make_styles(Branding(primary_color="#AA3300"))

    assert styles.heading.textColor.hexval() == "0xaa3300"
    assert styles.title.textColor.hexval() == "0xaa3300"
    assert all(
        style.wordWrap == "CJK"
        for style in (styles.title, styles.heading, styles.body, styles.table_cell)
    )
