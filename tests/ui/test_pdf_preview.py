"""The account summary PDF: previewed in the app, saved where the user says, readable."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from kamdesk.settings import LAST_REPORT_FOLDER, Settings
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.pdf_preview import PdfPreviewDialog

from .conftest import ACME, SUZHOU, User, rows


def preview_and_save(
    window: MainWindow, user: User, qtbot: QtBot, name: str, target: Path
) -> dict[str, object]:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))
    seen: dict[str, object] = {}

    def save(dialog: PdfPreviewDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_count() >= 1)
        seen.update(pages=dialog.page_count(), title=dialog.windowTitle())
        dialog.save_to(target)
        seen["closed"] = not dialog.isVisible()

    user.answer(window.show_summary_pdf, save, kind=PdfPreviewDialog)
    return seen


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_summary_pdf_is_previewed_and_saved(
    window: MainWindow, user: User, qtbot: QtBot, tmp_path: Path, settings: Settings
) -> None:
    target = tmp_path / "x.pdf"

    seen = preview_and_save(window, user, qtbot, ACME, target)

    assert seen == {"pages": seen["pages"], "title": f"Preview: {ACME}.pdf", "closed": True}
    assert isinstance(seen["pages"], int) and seen["pages"] >= 1
    assert target.read_bytes().startswith(b"%PDF")
    text = pdf_text(target)
    assert ACME in text
    assert "Alice Walker" in text
    assert settings.get(LAST_REPORT_FOLDER) == str(tmp_path)


def test_summary_pdf_of_a_chinese_account_keeps_its_name(
    window: MainWindow, user: User, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "suzhou"

    preview_and_save(window, user, qtbot, SUZHOU, target)

    saved = tmp_path / "suzhou.pdf"  # the .pdf suffix is added
    assert saved.read_bytes().startswith(b"%PDF")
    text = pdf_text(saved)
    assert SUZHOU in text
    assert "张伟" in text
