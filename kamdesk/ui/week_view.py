"""The week view: this week's and next week's visits, by day, with time, account and title.

Days and times are the user's own (this computer's time zone); a visit planned in another
zone says its own time in a tooltip. Each day is one range read of the start index
(``kamdesk.store.visits.visits_in``) of its first ``PER_DAY`` visits, with a line saying
how many more there are: a day of a 10,000-account book holds hundreds, and the window
still opens at once. Double click (or Enter) opens a visit.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QLocale, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHeaderView,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.visits import in_zone, local_zone_name, to_utc, week_start
from kamdesk.i18n import N_, _, ngettext
from kamdesk.kinds import kind
from kamdesk.store.visits import VisitLine, visits_in
from kamdesk.ui.context import AppContext
from kamdesk.ui.empty_state import EmptyState
from kamdesk.ui.formatting import date_text, qlocale
from kamdesk.ui.models.base import TitledTableModel

_TITLES = (N_("Day"), N_("Time"), N_("Account"), N_("Visit"), N_("Place"))


#: The visits listed per day; a busier day says how many more it has.
PER_DAY = 50


class DayVisit(NamedTuple):
    """A visit at the user's wall-clock times, or (``line`` None) the day's "N more"."""

    day: dt.date
    starts: dt.datetime
    ends: dt.datetime
    line: VisitLine | None
    more: int = 0


def _midnight(day: dt.date, zone_name: str) -> dt.datetime:
    """When ``day`` begins in the zone (the first minute that exists, on a gap)."""
    for minute in range(0, 180, 30):
        try:
            return to_utc(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute),
                          zone_name)  # fmt: skip
        except ValueError:
            continue
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def read_days(db: sqlite3.Connection, first: dt.date, days: int, zone_name: str) -> list[DayVisit]:
    """Each day's first ``PER_DAY`` visits from ``first``, and a "more" row where needed."""
    shown: list[DayVisit] = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        start, end = _midnight(day, zone_name), _midnight(day + dt.timedelta(days=1), zone_name)
        lines, total = visits_in(db, start, end, PER_DAY)
        for line in lines:
            starts, ends = in_zone(line.starts_at, zone_name), in_zone(line.ends_at, zone_name)
            shown.append(DayVisit(day, starts, ends, line))
        if total > len(lines):
            shown.append(DayVisit(day, end, end, None, total - len(lines)))
    return shown


class WeekTableModel(TitledTableModel):
    """One week's visits: the day on its first visit's row, then time, account, title."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(_TITLES)
        self._context = context
        self.visits: list[DayVisit] = []

    def set_visits(self, visits: list[DayVisit]) -> None:
        """Show ``visits`` (in order)."""
        self.beginResetModel()
        self.visits = visits
        self.endResetModel()

    def row_count(self) -> int:
        """How many visits are shown."""
        return len(self.visits)

    def visit_id(self, row: int) -> str | None:
        """The id of the visit on ``row`` (None on a "more" row)."""
        line = self.visits[row].line if 0 <= row < len(self.visits) else None
        return line.id if line is not None else None

    def _first_of_day(self, row: int) -> bool:
        return row == 0 or self.visits[row - 1].day != self.visits[row].day

    def cell_text(self, row: int, column: int) -> str:
        """What the cell shows."""
        visit = self.visits[row]
        if column == 0:
            if not self._first_of_day(row):
                return ""
            weekday = qlocale().dayName(visit.day.isoweekday(), QLocale.FormatType.ShortFormat)
            return f"{weekday} {date_text(visit.day)}"
        line = visit.line
        if line is None:
            more = ngettext("… and {count} more visit", "… and {count} more visits", visit.more)
            return more.format(count=visit.more) if column == 3 else ""
        if column == 1:
            return f"{visit.starts:%H:%M}–{visit.ends:%H:%M}"
        if column == 2:
            return line.account_name
        if column == 3:
            return line.title
        return line.place

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Override QAbstractTableModel.data."""
        if not index.isValid() or index.row() >= len(self.visits):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), index.column())
        if role == Qt.ItemDataRole.FontRole and index.column() == 0:
            font = QFont()
            font.setBold(True)
            return font
        visit = self.visits[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1 and visit.line:
            own = in_zone(visit.line.starts_at, visit.line.time_zone)
            return f"{own:%H:%M} {visit.line.time_zone}"
        return None


class _WeekTable(QTableView):
    #: Enter on a row: open the visit, as a double click does.
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Override QWidget.keyPressEvent: Enter opens the visit."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class WeekView(QDialog):
    """The visits of this week and the next (Team → Week view…, Ctrl+Shift+W)."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("week_view")
        self._context = context
        self._today = today
        #: The user's time zone: the days and times shown are theirs.
        self._zone = local_zone_name()
        self.boxes: list[QGroupBox] = []
        self.models: list[WeekTableModel] = []
        self.tables: list[_WeekTable] = []
        self._empty: list[EmptyState] = []
        layout = QVBoxLayout(self)
        for _week in range(2):
            model = WeekTableModel(context)
            table = _WeekTable()
            table.setModel(model)
            header = table.horizontalHeader()
            header.setModel(model.header_model())
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(True)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setWordWrap(False)
            table.verticalHeader().hide()
            table.verticalHeader().setDefaultSectionSize(24)
            table.doubleClicked.connect(lambda index, m=model: self._open(m, index.row()))
            table.activated_row.connect(lambda row, m=model: self._open(m, row))
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(
                lambda position, t=table, m=model: self._show_menu(t, m, position)
            )
            # The day column fits "周一 2026年11月30日" and "Mon, Nov 30, 2026" whole.
            for column, width in enumerate((170, 100, 220, 240)):
                table.setColumnWidth(column, width)
            box = QGroupBox()
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(table)
            layout.addWidget(box, 1)
            self.boxes.append(box)
            self.models.append(model)
            self.tables.append(table)
            self._empty.append(EmptyState(table))
        self.resize(900, 640)
        context.signals.records_did_change.connect(self._on_records_changed)
        self.reload()
        self.retranslate()

    def first_day(self) -> dt.date:
        """The Monday of this week."""
        return week_start(self._today or dt.date.today())

    def reload(self) -> None:
        """Read both weeks' visits again."""
        monday = self.first_day()
        for week, model in enumerate(self.models):
            first = monday + dt.timedelta(days=7 * week)
            model.set_visits(read_days(self._context.book.db, first, 7, self._zone))

    def _on_records_changed(self, kind_name: str, _account_id: str) -> None:
        if kind_name == "visit":
            self.reload()
            self.retranslate()

    def _open(self, model: WeekTableModel, row: int) -> None:
        from kamdesk.ui.editing import edit_record

        visit_id = model.visit_id(row)
        if visit_id is not None:
            edit_record(self._context, self, kind("visit"), visit_id)

    def _show_menu(self, table: QTableView, model: WeekTableModel, position: QPoint) -> None:
        """Right-click on a visit: open it, export it to a calendar, or see its briefing."""
        from kamdesk.ui.visit_exports import export_to_calendar, show_briefing

        index = table.indexAt(position)
        visit_id = model.visit_id(index.row()) if index.isValid() else None
        if visit_id is None:
            return
        table.selectRow(index.row())
        menu = QMenu(self)
        menu.setObjectName("week_visit_menu")
        for text, act in (
            (_("Edit…"), lambda: self._open(model, index.row())),
            (_("Export to calendar…"), lambda: export_to_calendar(self._context, self, visit_id)),
            (_("Briefing PDF…"), lambda: show_briefing(self._context, self, visit_id)),
        ):
            menu.addAction(text).triggered.connect(act)
        menu.exec(table.viewport().mapToGlobal(position))

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.setWindowTitle(_("Week view"))
        monday = self.first_day()
        titles = (
            _("This week: {first} – {last} ({count})"),
            _("Next week: {first} – {last} ({count})"),
        )
        for week, (box, model, empty) in enumerate(
            zip(self.boxes, self.models, self._empty, strict=True)
        ):
            first = monday + dt.timedelta(days=7 * week)
            count = sum(v.more or 1 for v in model.visits)
            box.setTitle(
                titles[week].format(
                    first=date_text(first), last=date_text(first + dt.timedelta(days=6)),
                    count=count,
                )
            )  # fmt: skip
            model.retranslate()
            empty.update_for(model.row_count(), _("No visits planned."))

    def changeEvent(self, event: QEvent) -> None:
        """Override QWidget.changeEvent: follow a language switch."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
