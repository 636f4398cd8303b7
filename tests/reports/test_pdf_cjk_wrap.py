"""Chinese line breaking: punctuation that may not start a line never does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from reportlab.lib import textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, paragraph

from kamdesk.reports.data import Branding
from kamdesk.reports.fonts import FONT_NAME, register_fonts
from kamdesk.reports.linebreak import apply_line_breaking
from kamdesk.reports.styles import make_styles
from kamdesk.reports.template import DocumentInfo, render_pdf

if TYPE_CHECKING:
    from conftest import ReadBack

FORBIDDEN_AT_LINE_START = "，。：；！？》”"
#: Many marks, alone and in runs (。” ！” 》， 》。 ？》) as real Chinese prose has them.
PUNCTUATED = (
    "他说：“我们先评估，再决定！”客户问：价格呢？成本；质量：交付。《实施方案》，《合同》；"
    "好吧！真的？是的。“可以。”然后是《年度报告》。再说，我们看：第一，第二；第三！"
    "第四？《五》和“六”。最后：SAP Ariba，MES；ERP！"
)


def wrapped_lines(text: str, width: float) -> list[str]:
    """The lines ReportLab breaks ``text`` into at ``width`` points, as strings."""
    register_fonts()
    style = ParagraphStyle("narrow", fontName=FONT_NAME, fontSize=10, leading=12, wordWrap="CJK")
    para = Paragraph(text, style)
    para.wrap(width, 10_000)
    lines = para.blPara.lines
    if para.blPara.kind == 0:
        return ["".join(line[1]) for line in lines]
    return ["".join(word.text for word in line.words) for line in lines]


@pytest.mark.parametrize("markup", [False, True], ids=["plain", "markup"])
@pytest.mark.parametrize("width", [float(w) for w in range(40, 260, 3)])
def test_no_line_starts_with_closing_punctuation(width: float, markup: bool) -> None:
    # Plain text and text with markup go through different ReportLab splitters.
    text = "<b>注意</b>" + PUNCTUATED if markup else PUNCTUATED

    lines = wrapped_lines(text, width)

    assert len(lines) > 1
    assert "".join(lines).replace(" ", "") == ("注意" if markup else "") + PUNCTUATED.replace(
        " ", ""
    )
    for line in lines[1:]:
        assert line.lstrip()[:1] not in FORBIDDEN_AT_LINE_START, lines


@pytest.mark.parametrize("width", [float(w) for w in range(40, 200, 5)])
def test_no_line_ends_with_an_opening_mark(width: float) -> None:
    lines = wrapped_lines(PUNCTUATED, width)

    for line in lines[:-1]:
        assert line.rstrip()[-1:] not in "“《（", lines


def test_latin_words_still_break_at_spaces() -> None:
    sentence = "Key account management is farming, not fishing"

    lines = wrapped_lines(sentence, 100)

    assert len(lines) > 1
    assert " ".join(lines) == sentence
    for line in lines:
        assert set(line.split()) <= set(sentence.split()), lines


def test_rendered_pdf_lines_do_not_start_with_closing_punctuation(
    read_pdf: Callable[[bytes], ReadBack],
) -> None:
    styles = make_styles(Branding())
    cells = [[Paragraph(PUNCTUATED, styles.table_cell)] for _ in range(3)]
    story: list[Any] = [
        Table(cells, colWidths=[width]) for width in (62.0, 95.0, 131.0, 170.0, 233.0)
    ]

    pdf = read_pdf(
        render_pdf(story, info=DocumentInfo(title="wrap"), branding=Branding(), styles=styles)
    )

    assert pdf.contains(PUNCTUATED)
    for line in pdf.lines:
        assert line[:1] not in FORBIDDEN_AT_LINE_START, line


def test_punctuation_list_is_extended_once_in_both_places() -> None:
    register_fonts()
    before = (textsplit.ALL_CANNOT_START, paragraph.ALL_CANNOT_START)

    apply_line_breaking()
    apply_line_breaking()

    assert before == (textsplit.ALL_CANNOT_START, paragraph.ALL_CANNOT_START)
    for module_list in before:
        for char in FORBIDDEN_AT_LINE_START + "’）」…":
            assert module_list.count(char) == 1, char
