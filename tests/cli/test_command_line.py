"""The ``kamdesk`` command as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import kamdesk

SOURCE_ROOT = Path(kamdesk.__file__).resolve().parent.parent


def run(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KAMDESK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    return subprocess.run(
        [sys.executable, "-m", "kamdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    done = run("demo", "--no-gui", "--book", str(folder / "demo.kamdesk"), home=folder / "home")
    assert done.returncode == 0, done.stderr
    assert "Wrote 30 accounts" in done.stdout
    return folder / "demo.kamdesk"


def test_the_demo_book_is_written_and_refuses_to_overwrite(demo_book: Path, tmp_path: Path) -> None:
    before = digest(demo_book)
    again = run("demo", "--no-gui", "--book", str(demo_book), home=tmp_path)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr
    assert digest(demo_book) == before


def test_account_summary_report_writes_a_pdf_with_the_account(
    demo_book: Path, tmp_path: Path
) -> None:
    out = tmp_path / "summary.pdf"
    done = run(
        "report", "account-summary", "--book", str(demo_book), "--account", "华东制造集团",
        "-o", str(out), home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "华东制造集团" in text
    assert "\x00" not in text


def test_an_unknown_account_is_one_line_and_no_file(demo_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "nothing.pdf"
    done = run(
        "report", "account-summary", "--book", str(demo_book), "--account", "No Such Account",
        "-o", str(out), home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "No Such Account" in done.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == []


def test_a_missing_book_folder_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "book.kamdesk"
    done = run("--book", str(missing), "--exit-after-startup", home=tmp_path / "home")
    assert done.returncode == 1
    assert done.stderr.startswith("kamdesk: ") and done.stderr.strip().count("\n") == 0
    assert "does not exist" in done.stderr
    assert not (tmp_path / "no").exists()


def test_a_file_that_is_not_a_book_is_refused_and_left_alone(tmp_path: Path) -> None:
    impostor = tmp_path / "notes.kamdesk"
    impostor.write_bytes(b"These are my meeting notes, not a database.\n" * 50)
    before = digest(impostor)
    for args in (
        ("--book", str(impostor), "--exit-after-startup"),
        (
            "report",
            "account-summary",
            "--book",
            str(impostor),
            "--account",
            "x",
            "-o",
            str(tmp_path / "x.pdf"),
        ),
    ):
        done = run(*args, home=tmp_path / "home")
        assert done.returncode == 1
        assert "not a KAMDesk book" in done.stderr
        assert done.stderr.strip().count("\n") == 0
    assert digest(impostor) == before
    # Nothing beside it either: no -wal/-shm, no journal, no half-written PDF.
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["notes.kamdesk"]


def test_exit_after_startup_prints_the_startup_time(demo_book: Path, tmp_path: Path) -> None:
    # What a benchmark reads: one line, seconds with millisecond digits, printed once the
    # list is painted, and then the process ends by itself with success.
    done = run("--book", str(demo_book), "--exit-after-startup", home=tmp_path)
    assert done.returncode == 0, done.stderr
    line = re.fullmatch(
        r"startup: (\d+\.\d{3}) s \(window shown, account list painted\)\n", done.stdout
    )
    assert line is not None, done.stdout
    assert float(line.group(1)) > 0


def test_a_new_book_is_created_where_asked(tmp_path: Path) -> None:
    book = tmp_path / "mine.kamdesk"
    done = run("--book", str(book), "--exit-after-startup", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert book.read_bytes().startswith(b"SQLite format 3\x00")


def test_chinese_language_option_translates_messages(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "book.kamdesk"
    done = run("--language", "zh_CN", "--book", str(missing), "--exit-after-startup", home=tmp_path)
    assert done.returncode == 1
    assert "不存在" in done.stderr
