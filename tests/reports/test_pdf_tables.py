"""Column widths: no word is cut, and room a column does not use goes where text wraps."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from kamdesk.reports.fonts import FONT_NAME, register_fonts
from kamdesk.reports.tables import fitted_widths

SIZE = 8.5
PADDING = 6.0


@pytest.fixture(autouse=True)
def _font() -> None:
    register_fonts()


def width_of(text: str) -> float:
    return stringWidth(text, FONT_NAME, SIZE)


def fit(shares: tuple[float, ...], columns: list[list[str]], total: float) -> list[float]:
    return fitted_widths(
        shares, columns, total=total, font_name=FONT_NAME, font_size=SIZE, padding=PADDING
    )


def test_a_column_narrower_than_its_longest_word_is_widened_to_it() -> None:
    columns = [["Middle management", "Executive"], ["Notes " * 30], ["Notes " * 30]]

    widths = fit((0.1, 0.45, 0.45), columns, total=300)

    assert widths[0] >= width_of("management") + PADDING
    assert sum(widths) == pytest.approx(300)
    assert widths[1] == pytest.approx(widths[2])


def test_a_column_with_short_text_gives_its_room_to_one_that_wraps() -> None:
    columns = [
        ["中层", "高层"],
        ["U-WB direct user beneficiary, who gains most from the change " * 2],
    ]

    widths = fit((0.5, 0.5), columns, total=300)

    assert widths[0] == pytest.approx(width_of("中层") + PADDING)
    assert widths[1] == pytest.approx(300 - widths[0])


def test_columns_that_all_fit_keep_their_shares_plus_what_is_left() -> None:
    widths = fit((0.25, 0.75), [["A"], ["B"]], total=200)

    assert widths == pytest.approx([50, 150])


def test_words_that_cannot_all_fit_leave_the_shares_as_they_were() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    columns = [[word], [word]]

    assert fit((0.5, 0.5), columns, total=width_of(word)) == pytest.approx([width_of(word) / 2] * 2)
