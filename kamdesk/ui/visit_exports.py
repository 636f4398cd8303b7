"""A visit's two exports in the app: "Export to calendar…" and "Briefing PDF…".

Both act on the visit chosen in a visits list (the account page's Visits tab): the
calendar file is written where the user chooses, whole or not at all; the one-page
pre-visit briefing is previewed first, as the account summary is, and saved from there.
File → Export upcoming visits to calendar… writes every visit from today on in one file.
The ops and the PDF code load on first use, not with the window.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox, QWidget

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _, ngettext
from kamdesk.settings import LAST_REPORT_FOLDER
from kamdesk.ui.context import AppContext
from kamdesk.ui.record_list import RecordListPanel

#: How long the status bar says where the calendar file went, in milliseconds.
_STATUS_MS = 6000


def add_visit_actions(context: AppContext, panel: RecordListPanel) -> None:
    """Give a visits list its "Export to calendar…" and "Briefing PDF…" actions."""
    panel.add_record_action(
        "export_visit_calendar",
        lambda: _("Export to calendar…"),
        lambda visit_id: export_to_calendar(context, panel, visit_id),
    )
    panel.add_record_action(
        "visit_briefing_pdf",
        lambda: _("Briefing PDF…"),
        lambda visit_id: show_briefing(context, panel, visit_id),
    )


def _file_name(context: AppContext, visit_id: str, suffix: str) -> str:
    """A file name from the visit's title, safe on every system."""
    from kamdesk.kinds import kind

    row = context.reader.record_of(kind("visit"), visit_id)
    title = str(row.values["title"]) if row is not None else ""
    return (re.sub(r'[\\/:*?"<>|]+', "_", title).strip() or _("visit")) + suffix


def export_to_calendar(context: AppContext, parent: QWidget, visit_id: str | None) -> Path | None:
    """Ask where, then write the visit (None: every visit from today on) as an .ics file.

    Returns where it went, or None when the user cancelled or it could not be written.
    """
    folder = context.settings.get(LAST_REPORT_FOLDER) or str(Path.home())
    name = (
        _file_name(context, visit_id, ".ics")
        if visit_id is not None
        else _("Upcoming visits") + ".ics"
    )
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _("Export to calendar"), str(Path(folder) / name), _("Calendar files (*.ics)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".ics":
        path = path.with_name(path.name + ".ics")
    from PySide6.QtCore import Qt

    from kamdesk.ops.calendar import export_calendar

    # A team's book can hold thousands of upcoming visits: the file takes a while.
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        count = export_calendar(context.book, path, visit_id)
    except KamdeskError as error:
        failure: str | None = error.message
    else:
        failure = None
    finally:
        QApplication.restoreOverrideCursor()
    if failure is not None:
        QMessageBox.warning(parent, _("Export to calendar"), failure)
        return None
    with contextlib.suppress(KamdeskError):
        context.settings.set(LAST_REPORT_FOLDER, str(path.parent))
    window = parent.window()
    if isinstance(window, QMainWindow):
        message = ngettext(
            "Saved {count} visit to {path}: open it to add it to your calendar.",
            "Saved {count} visits to {path}: open it to add them to your calendar.",
            count,
        )
        window.statusBar().showMessage(message.format(count=count, path=path), _STATUS_MS)
    return path


def show_briefing(context: AppContext, parent: QWidget, visit_id: str) -> None:
    """Build the visit's one-page briefing and preview it (Save writes it)."""
    from PySide6.QtCore import Qt

    from kamdesk.ops.briefing import visit_briefing_pdf
    from kamdesk.ops.reports import branding_from
    from kamdesk.ui.pdf_preview import PdfPreviewDialog

    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        data = visit_briefing_pdf(context.book, visit_id, branding_from(context.settings))
    except KamdeskError as error:
        QMessageBox.warning(parent, _("Pre-visit briefing"), error.message)
        return
    finally:
        QApplication.restoreOverrideCursor()
    name = _("Briefing {file}").format(file=_file_name(context, visit_id, ".pdf"))
    PdfPreviewDialog(data, name, context.settings, parent).exec()
