"""Table layout shared by the reports: column widths that never cut a word.

A report gives each column a share of the text width that suits typical content. Labels
and names vary with the language and the book ("Middle management" is far wider than
"中层"), so a column may turn out narrower than the longest word in it, which would then
be cut mid-word. :func:`fitted_widths` widens such columns to their longest word and takes
the room from the columns that have some to spare; then a column wider than its longest
line gives what it does not use to the columns whose text wraps, so rows get shorter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from kamdesk.reports.linebreak import min_content_width

#: Rounds of widening and narrowing before giving up: a column narrowed to make room may
#: itself need a little back; more than a few rounds means the words cannot all fit.
_MAX_ROUNDS: Final = 6


def fitted_widths(
    shares: Sequence[float],
    columns: Sequence[Iterable[str]],
    *,
    total: float,
    font_name: str,
    font_size: float,
    padding: float,
) -> list[float]:
    """Widths in points for columns given ``shares`` of ``total``, widened to fit their words.

    ``columns[i]`` holds the texts shown in column ``i`` (one item per line of a cell), set
    in ``font_name`` at ``font_size`` with ``padding`` points of cell padding left and
    right together. The widths always add up to ``total``; when even the narrowest layout
    cannot fit every word, columns keep their shares and the longest words are cut.
    """
    texts = [[text for text in column if text.strip()] for column in columns]
    base = [total * share for share in shares]
    widths = list(base)
    fixed: set[int] = set()
    for _round in range(_MAX_ROUNDS):
        needs = {
            index: need
            for index, width in enumerate(widths)
            if (need := _need(texts[index], width - padding, font_name, font_size) + padding)
            > width + 0.01
        }
        if not needs:
            return _share_unused_room(widths, texts, font_name, font_size, padding)
        for index, need in needs.items():
            widths[index] = need
            fixed.add(index)
        donors = [index for index in range(len(widths)) if index not in fixed]
        room = sum(widths[index] for index in donors)
        excess = sum(widths) - total
        if not donors or room <= excess:
            break
        scale = (room - excess) / room
        for index in donors:
            widths[index] *= scale
    return base


def _share_unused_room(
    widths: list[float],
    texts: Sequence[Sequence[str]],
    font_name: str,
    font_size: float,
    padding: float,
) -> list[float]:
    """``widths`` with the room columns leave empty given to the columns that wrap.

    Each wrapping column gets a part in proportion to how much more its longest line
    needs, and never more than that; a column keeps at least the width it was given
    minus what its longest line leaves empty.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    longest = [
        max((stringWidth(text, font_name, font_size) for text in column), default=0.0) + padding
        for column in texts
    ]
    fitted = [min(width, line) for width, line in zip(widths, longest, strict=True)]
    spare = sum(widths) - sum(fitted)
    wanted = [max(line - width, 0.0) for width, line in zip(widths, longest, strict=True)]
    if spare <= 0 or sum(wanted) <= 0:
        return widths
    given = min(spare, sum(wanted))
    fitted = [
        width + given * want / sum(wanted) for width, want in zip(fitted, wanted, strict=True)
    ]
    # Room left once every line fits goes back to all columns alike.
    left = spare - given
    return [width + left * width / sum(fitted) for width in fitted]


def _need(texts: Sequence[str], width: float, font_name: str, font_size: float) -> float:
    """The widest word among ``texts``, exact whenever it is wider than ``width``."""
    return max(
        (min_content_width(text, font_name, font_size, at_least=width) for text in texts),
        default=0.0,
    )
