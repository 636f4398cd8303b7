"""The startup floor: a bare PySide6 script showing a QMainWindow with an empty QTableView.

It stops at the table's first paint, exactly as ``kamdesk --exit-after-startup`` does, so
the two are measured the same way by bench_startup.py.
"""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, _painted)
        return False


def _painted() -> None:
    print("painted", flush=True)
    QApplication.quit()


app = QApplication(sys.argv[:1])
window = QMainWindow()
table = QTableView()
window.setCentralWidget(table)
window.resize(1320, 820)
probe = _FirstPaint()
table.viewport().installEventFilter(probe)
window.show()
app.exec()
