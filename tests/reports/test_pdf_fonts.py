"""The bundled CJK font: registered once, from the bundle only, usable in bold markup."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from kamdesk.paths import resource
from kamdesk.reports.data import Branding
from kamdesk.reports.fonts import BOLD_FONT_NAME, FONT_NAME, fit_to_font, register_fonts
from kamdesk.reports.styles import make_styles
from kamdesk.reports.template import DocumentInfo, render_pdf

if TYPE_CHECKING:
    from conftest import ReadBack


def test_registers_the_bundled_face_once() -> None:
    assert register_fonts() == FONT_NAME
    font = pdfmetrics.getFont(FONT_NAME)

    assert register_fonts() == FONT_NAME
    assert pdfmetrics.getFont(FONT_NAME) is font
    assert Path(font.face.filename) == resource("fonts", "wqy-microhei.ttc")
    assert font.face.name == b"WenQuanYiMicroHei"


def test_bold_name_is_the_same_face() -> None:
    register_fonts()

    assert pdfmetrics.getFont(BOLD_FONT_NAME) is pdfmetrics.getFont(FONT_NAME)


def test_bold_markup_renders_in_the_cjk_font(read_pdf: Callable[[bytes], ReadBack]) -> None:
    styles = make_styles(Branding())
    story = [Paragraph("普通 <b>加粗 bold</b> <i>斜体</i> 结束", styles.body)]

    pdf = read_pdf(
        render_pdf(story, info=DocumentInfo(title="b"), branding=Branding(), styles=styles)
    )

    assert "普通 加粗 bold 斜体 结束" in pdf.lines
    # One face for regular and bold: the subsets all carry the bundled face's name.
    names = {font["/BaseFont"].split("+")[-1] for font in pdf.fonts()}
    assert names
    assert all(name.startswith("WenQuanYiMicroHei") for name in names), names


def test_fit_to_font_replaces_glyphs_the_face_lacks() -> None:
    register_fonts()
    french_amount = "1\u202f234,00\xa0€"

    fitted = fit_to_font(french_amount)

    face = pdfmetrics.getFont(FONT_NAME).face
    assert all(ord(char) in face.charToGlyph for char in fitted)
    assert fit_to_font("华东 ABC") == "华东 ABC"


def test_works_with_no_system_fonts_to_find(tmp_path: Path) -> None:
    # A fresh process whose font search paths are empty and whose HOME has no fonts:
    # the report must still be set in the bundled face.
    script = textwrap.dedent(
        """
        import datetime as dt
        from reportlab import rl_config
        rl_config.TTFSearchPath = []
        rl_config.T1SearchPath = []
        from kamdesk.reports.account_summary import build_account_summary
        from kamdesk.reports.data import AccountSummary, Branding
        pdf = build_account_summary(
            AccountSummary(name="华东制造集团", generated_on=dt.date(2026, 1, 2)), Branding()
        )
        assert pdf.startswith(b"%PDF") and b"WenQuanYiMicroHei" in pdf
        """
    )
    env = {"HOME": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}

    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
