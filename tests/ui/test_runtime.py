"""The app's process: a session of ordinary use must neither crash it nor its exit.

Run in a child process, because what fails here is the interpreter itself: with PySide6
6.12.0 on CPython 3.11 every signal emitted from Python takes a reference from ``True``,
and once the count reaches zero the interpreter aborts ("Fatal Python error:
bool_dealloc"), mid-session or while quitting. pyproject.toml keeps that release out;
this test is what tells whether a newer one may come back in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import kamdesk

SESSION = """
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

app = QApplication([])

from kamdesk.settings import Settings
from kamdesk.store.book import Book
from kamdesk.ui.app import build_context
from kamdesk.ui.main_window import MainWindow

folder = Path(sys.argv[1])
with Book.open(folder / "b.kamdesk") as book:
    window = MainWindow(build_context(book, Settings(folder / "settings.json")))
    window.show()
    tiers = window.account_list.tier_filter.menu()
    tiers.popup(window.pos())  # the choices are made when the menu first opens
    tier_a = tiers.actions()[0]
    tiers.hide()
    for _ in range(500):  # a day of ticking and unticking a filter
        tier_a.trigger()
    app.processEvents()
    window.close()
    del window
print("closed", flush=True)
"""


def test_the_app_quits_cleanly_after_a_session(tmp_path: Path, template_book_file: Path) -> None:
    shutil.copyfile(template_book_file, tmp_path / "b.kamdesk")
    source_root = Path(kamdesk.__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(source_root), os.environ.get("PYTHONPATH", "")]),
        "QT_QPA_PLATFORM": "offscreen",
        "KAMDESK_HOME": str(tmp_path / "home"),
    }

    done = subprocess.run(
        [sys.executable, "-c", SESSION, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "closed" in done.stdout
    assert "Fatal Python error" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0
