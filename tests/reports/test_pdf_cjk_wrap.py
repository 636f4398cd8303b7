"""Line breaking: Latin words stay whole, and punctuation that may not start a line never does."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib import textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, paragraph

from kamdesk.reports.account_summary import build_account_summary
from kamdesk.reports.data import AccountSummary, Branding, StakeholderLine
from kamdesk.reports.fonts import FONT_NAME, register_fonts
from kamdesk.reports.linebreak import apply_line_breaking, break_positions, uax14_breaks
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


def line_starts(text: str, lines: list[str]) -> list[int]:
    """Where in ``text`` each of its wrapped ``lines`` starts."""
    starts: list[int] = []
    start = 0
    for line in lines:
        start = text.index(line, start)
        starts.append(start)
        start += len(line)
    return starts


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


def test_latin_words_break_at_spaces_and_after_hyphens_never_inside() -> None:
    register_fonts()
    text = "decision-making account management: U-WB direct user beneficiary"
    # Wide enough for the longest word, too narrow for "decision-making".
    width = max(stringWidth(w, FONT_NAME, 10) for w in ("management:", "beneficiary")) + 2
    assert stringWidth("decision-making", FONT_NAME, 10) > width

    lines = wrapped_lines(text, width)

    assert lines[:2] == ["decision-", "making"]
    assert "management:" in lines
    assert "beneficiary" in lines
    assert " ".join(lines).replace("- ", "-") == text


def test_chinese_breaks_between_characters_and_keeps_latin_words_whole() -> None:
    text = "集团采购委员会审批后通过SAP Ariba招标，Executive committee最终决策。"

    for width in (60.0, 75.0, 90.0, 120.0):
        lines = wrapped_lines(text, width)

        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert len(lines) > 2
        for start in line_starts(text, lines)[1:]:
            # Never a Latin letter on both sides of a break.
            assert not re.fullmatch("[A-Za-z]{2}", text[start - 1 : start + 1]), (width, lines)


@pytest.mark.parametrize("markup", [False, True], ids=["plain", "markup"])
@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="abcdefgh-ABC中文字，。：“”《》（）！？…1234.", min_size=1, max_size=9),
        min_size=1,
        max_size=12,
    ),
    width=st.floats(min_value=25, max_value=220),
)
def test_every_line_ends_where_unicode_line_breaking_allows(
    words: list[str], width: float, markup: bool
) -> None:
    text = " ".join(words)
    prefix = "<b>注</b>" if markup else ""
    full = ("注" if markup else "") + text

    lines = wrapped_lines(prefix + text, width)

    assert "".join(lines).replace(" ", "") == full.replace(" ", "")
    allowed = set(break_positions(full))
    for previous, current in itertools.pairwise(line_starts(full, lines)):
        # Either UAX #14 (with the Chinese rules) allows this break, or the line before
        # had no break opportunity at all and had to be cut where it was full.
        assert current in allowed or not any(previous < p <= current for p in allowed), (
            lines,
            current,
        )
    for line in lines:
        assert stringWidth(line, FONT_NAME, 10) <= width + 0.01 or len(line) == 1, lines


def test_english_words_are_never_cut_in_the_account_summary(
    read_pdf: Callable[[bytes], ReadBack],
) -> None:
    people = tuple(
        StakeholderLine(
            name=name,
            title=title,
            department="Procurement",
            level=level,
            buying_role="User buyer (UB)",
            force="U-WB direct user beneficiary",
            attitude="Supportive",
            influence=3,
            reports_to="Oliver Bennett",
            covered_by=("Emily Carter",),
        )
        for name, title, level in (
            ("Charlotte Morgan", "Quality Manager", "Middle management"),
            ("Linda Larsen", "Chief Financial Officer", "Executive"),
            ("Oliver Bennett", "CEO", "Executive"),
        )
    )
    summary = AccountSummary(
        name="Northwind Logistics HQ",
        generated_on=dt.date(2026, 12, 1),
        procurement_process="Initiation → evaluation → tender → decision; departments propose.",
        stakeholders=people,
    )

    pdf = read_pdf(build_account_summary(summary, Branding(), "en_US"))

    tokens = set(pdf.text.split())
    shown = [
        value
        for person in people
        for value in (person.name, person.title, person.level, person.force, person.attitude)
    ] + [summary.procurement_process]
    for value in shown:
        for word in value.split():
            # A break after a hyphen is allowed: "U-WB" may show as "U-" and "WB".
            pieces = re.findall(r"[^-]+-?", word)
            assert word in tokens or all(piece in tokens for piece in pieces), word
    assert "\u200b" not in pdf.text
    assert "\x00" not in pdf.text


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(
        alphabet="abcXYZ 中文字国，。“”《》（）-1.,:;!?\u0301\u200d\u00a0\u3000ー々/%$",
        max_size=40,
    )
)
def test_shortening_runs_gives_the_library_s_own_answer(text: str) -> None:
    from uniseg.linebreak import line_break_breakables

    expected = [i for i, allowed in enumerate(line_break_breakables(text)) if allowed and i]

    assert uax14_breaks(text) == expected


def test_the_unicode_line_breaking_is_in_place_in_this_reportlab() -> None:
    # The wrapping rides on two ReportLab internals: if a release renames them, the
    # replacement would be skipped and English words would break mid-word again.
    from kamdesk.reports import linebreak

    apply_line_breaking()

    assert paragraph.cjkFragSplit is linebreak._cjk_frag_split
    assert textsplit.dumbSplit is linebreak._dumb_split
