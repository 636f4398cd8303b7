"""``kamdesk deals``: the open deals, one tab-separated line each, for scripts and mail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kamdesk.kinds.opportunity import OPPORTUNITY
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record
from kamdesk.store.book import Book

from .test_command_line import digest, run


def make_book(path: Path) -> dict[str, str]:
    with Book.open(path, create=True) as book:
        acme = create_account(book, {"name": "Acme Robotics", "currency": "USD"})
        suzhou = create_account(book, {"name": "华东制造集团苏州分公司", "currency": "CNY"})
        ids = {
            "arms": create_record(book, OPPORTUNITY, acme, {
                "name": "Robot arms\tphase 2", "currency": "USD", "amount_minor": 12_500_050,
                "stage": "compass.commercial", "expected_close": dt.date(2027, 3, 31),
            }),
            "mes": create_record(book, OPPORTUNITY, suzhou, {
                "name": "MES 二期扩容", "currency": "CNY", "stage_model": "project",
                "stage": "project.tender",
            }),
            "won": create_record(book, OPPORTUNITY, acme, {
                "name": "Service contract", "currency": "USD", "status": "won",
                "stage": "compass.closing",
            }),
        }  # fmt: skip
    return ids


def test_deals_lists_each_open_deal_on_one_line(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    ids = make_book(book)
    before = digest(book)

    done = run("deals", "--book", str(book), home=tmp_path / "home")

    assert done.returncode == 0, done.stderr
    lines = sorted(line.split("\t") for line in done.stdout.splitlines())
    assert sorted(lines) == sorted([
        [ids["arms"], "Acme Robotics", "Robot arms phase 2", "Commercial", "125000.50", "USD",
         "2027-03-31"],
        [ids["mes"], "华东制造集团苏州分公司", "MES 二期扩容", "Tender / bid", "", "CNY", ""],
    ])  # fmt: skip
    assert digest(book) == before  # listing writes nothing


def test_deals_in_chinese_names_the_stages_in_chinese(tmp_path: Path) -> None:
    book = tmp_path / "b.kamdesk"
    make_book(book)
    done = run("--language", "zh_CN", "deals", "--book", str(book), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert sorted(line.split("\t")[3] for line in done.stdout.splitlines()) == ["商务", "招投标"]


def test_deals_of_a_missing_book_is_one_line(tmp_path: Path) -> None:
    done = run("deals", "--book", str(tmp_path / "none.kamdesk"), home=tmp_path / "home")
    assert done.returncode == 1
    assert done.stderr.startswith("kamdesk: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "none.kamdesk").exists()
