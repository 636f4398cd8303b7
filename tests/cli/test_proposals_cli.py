"""``kamdesk proposals``, ``report proposal`` and ``export xlsx``: real processes, real files.

The PDF is read back with pypdf and the spreadsheet with openpyxl; bad input prints one
line, exits 1 and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from kamdesk.demo import write_demo_book
from kamdesk.domain.proposal_figures import proposal_figures
from kamdesk.formatting import format_money, major_to_minor
from kamdesk.ops.proposals import proposal_document, proposals_of_book
from kamdesk.store.book import Book

from .test_command_line import digest, run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.kamdesk"
    write_demo_book(path, today=dt.date.today())
    return path


def _lines(demo: Path, home: Path) -> list[list[str]]:
    done = run("proposals", "--book", str(demo), home=home)
    assert done.returncode == 0, done.stderr
    return [line.split("\t") for line in done.stdout.splitlines()]


def test_proposals_lists_every_version_with_its_account_title_and_status(
    demo: Path, tmp_path: Path
) -> None:
    lines = _lines(demo, tmp_path)
    assert all(len(fields) == 5 for fields in lines)
    with Book.open(demo) as book:
        expected = {
            (p.id, p.account, p.title, str(p.version), p.status) for p in proposals_of_book(book)
        }
    assert {tuple(fields) for fields in lines} == expected
    renewal = sorted((f[3], f[4]) for f in lines if f[1] == "西部能源集团总部")
    assert renewal == [("1", "sent"), ("2", "draft")]


def _proposal_id(demo: Path, home: Path, customer: str) -> str:
    return next(fields[0] for fields in _lines(demo, home) if fields[1] == customer)


def test_report_proposal_writes_the_pdf_in_the_proposals_language_with_the_engines_npv(
    demo: Path, tmp_path: Path
) -> None:
    proposal_id = _proposal_id(demo, tmp_path, "华东制造集团宁波分公司")
    out = tmp_path / "mes.pdf"
    done = run(
        "--language", "en", "report", "proposal", "--book", str(demo),
        "--proposal", proposal_id, "-o", str(out), home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "宁波工厂 MES 二期扩容方案" in text
    assert "执行摘要" in text  # written in Chinese although the command ran in English
    with Book.open(demo) as book:
        document = proposal_document(book, proposal_id, dt.date.today())
    recommended = document.recommended
    assert recommended is not None
    npv = proposal_figures(document)[recommended.id].npv
    assert not isinstance(npv, type(None))
    shown = format_money(major_to_minor(npv, "CNY"), "CNY", "zh_Hans_CN")  # type: ignore[arg-type]
    assert shown.split(".")[0] in text.replace("\n", "")


def test_export_xlsx_writes_live_formulas(demo: Path, tmp_path: Path) -> None:
    proposal_id = _proposal_id(demo, tmp_path, "Northwind Logistics HQ")
    out = tmp_path / "tracking.xlsx"
    done = run(
        "export", "xlsx", "--book", str(demo), "--proposal", proposal_id, "-o", str(out),
        home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    workbook = openpyxl.load_workbook(out)
    formulas = [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert any("NPV(" in f for f in formulas) and any("IRR(" in f for f in formulas)


@pytest.mark.parametrize("command", ["report", "export"])
def test_an_unknown_proposal_prints_one_line_and_writes_nothing(
    demo: Path, tmp_path: Path, command: str
) -> None:
    out = tmp_path / ("x.pdf" if command == "report" else "x.xlsx")
    before = digest(demo)
    args = ("report", "proposal") if command == "report" else ("export", "xlsx")
    done = run(
        *args, "--book", str(demo), "--proposal", "no-such-id", "-o", str(out), home=tmp_path
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not out.exists() and list(tmp_path.glob("*.partial")) == []
    assert digest(demo) == before


def test_a_missing_folder_prints_one_line(demo: Path, tmp_path: Path) -> None:
    proposal_id = _proposal_id(demo, tmp_path, "Northwind Logistics HQ")
    out = tmp_path / "missing" / "x.pdf"
    done = run(
        "report", "proposal", "--book", str(demo), "--proposal", proposal_id, "-o", str(out),
        home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "does not exist" in done.stderr
