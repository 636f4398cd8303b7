"""Asks, field by field, whose value to keep when someone else changed it meanwhile.

The edit form sends only what the user changed; when another window or program changed
one of those same fields after the form opened, nothing is saved until the user has
chosen, for each such field, between their own value and the one saved meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kamdesk.domain.fields import FieldSpec, field_map
from kamdesk.errors import EditConflictError
from kamdesk.i18n import _
from kamdesk.ui.context import AppContext
from kamdesk.ui.values import value_text


class ConflictDialog(QDialog):
    """One row per field: the value saved meanwhile, or mine (the default: it was typed)."""

    def __init__(
        self,
        context: AppContext,
        specs: Sequence[FieldSpec],
        conflict: EditConflictError,
        record: Mapping[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflict_dialog")
        self.setWindowTitle(_("Changed meanwhile"))
        by_name = field_map(tuple(specs))
        intro = QLabel(
            _(
                "While you were editing, these fields were changed elsewhere (another "
                "window or program). Choose which value to keep for each; nothing is "
                "saved until you do."
            )
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        for column, title in enumerate((_("Field"), _("Saved meanwhile"), _("Yours"))):
            heading = QLabel(title)
            heading.setStyleSheet("font-weight: 600;")
            grid.addWidget(heading, 0, column)
        self._mine: dict[str, QRadioButton] = {}
        for row, (name, field) in enumerate(conflict.conflicts.items(), start=1):
            spec = by_name[name]
            theirs = QRadioButton(value_text(context, spec, field.theirs, record) or "—")
            mine = QRadioButton(value_text(context, spec, field.mine, record) or "—")
            theirs.setObjectName(f"theirs_{name}")
            mine.setObjectName(f"mine_{name}")
            group = QButtonGroup(self)
            group.addButton(theirs)
            group.addButton(mine)
            mine.setChecked(True)
            grid.addWidget(QLabel(_(spec.label)), row, 0)
            grid.addWidget(theirs, row, 1)
            grid.addWidget(mine, row, 2)
            self._mine[name] = mine
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def keep_mine(self) -> dict[str, bool]:
        """For each field: True to keep the user's value, False for the one saved meanwhile."""
        return {name: button.isChecked() for name, button in self._mine.items()}
