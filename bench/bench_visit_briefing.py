"""How long a visit's pre-visit briefing PDF takes, against its 0.3 s warm budget.

Times what the app does for "Briefing PDF…": gathering the visit's briefing from the open
book (the account, each attendee's card with their role on the deal, coverage and last
contact, open deals with their next milestone, follow-ups, questions, red flags) and
building the one-page PDF, in Chinese and in English:

* cold: the first briefing in a fresh Python process with the book already open, from
  importing the ops and report modules (and with them ReportLab) through registering the
  CJK font and loading Babel's locale data to the PDF bytes;
* warm: the median and 95th percentile of the next N, with the gathering and the PDF
  build also timed apart.

With --book, the visit with the most attendees in that book (the 10,000-account demo
book, say) is used; without it, a fresh book with one visit of twelve attendees.

Run from the repository root:  python bench/bench_visit_briefing.py [--book PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # Run as a script from a checkout, without installing the package.
    sys.path.insert(0, str(ROOT))

BUDGET_S = 0.3
LANGUAGES = ("zh_CN", "en")


def make_book(path: Path) -> None:
    """A book with one account, twelve people, a deal and a visit they all attend."""
    from kamdesk.domain.visits import to_utc
    from kamdesk.kinds import kind
    from kamdesk.ops.accounts import create_account
    from kamdesk.ops.kinds import create_record
    from kamdesk.ops.stakeholders import create_stakeholder
    from kamdesk.ops.team import create_team_member
    from kamdesk.store.book import Book

    names = [
        "王建国",
        "李娜",
        "Zhang Wei",
        "陈晓明",
        "Emily Chen",
        "刘洋",
        "赵敏",
        "孙立",
        "周杰",
        "吴芳",
        "Thomas Müller",
        "欧阳明月",
    ]
    roles = ["EB", "UB", "TB", "COACH"]
    with Book.open(path, create=True) as book:
        ming = create_team_member(book, {"name": "李明"})
        account = create_account(
            book,
            {
                "name": "华东制造集团",
                "currency": "CNY",
                "tier": "A",
                "owner_id": ming,
                "annual_revenue_minor": 123_456_789,
            },
        )
        people = [
            create_stakeholder(
                book,
                account,
                {
                    "name": name,
                    "title": "生产部副总经理 Deputy GM",
                    "buying_role": roles[i % 4],
                    "attitude": ("supportive", "neutral", "opposed")[i % 3],
                    "influence": i % 5 + 1,
                    "needs_business": "降低设备停机时间，今年目标减少 30%",
                    "covered_by": (ming,) if i % 2 else (),
                },
            )
            for i, name in enumerate(names)
        ]
        deal = create_record(
            book, kind("opportunity"), account, {"name": "MES 二期扩容", "currency": "CNY"}
        )
        zone = "Asia/Shanghai"
        create_record(
            book,
            kind("visit"),
            account,
            {
                "title": "MES 二期方案评审",
                "opportunity_id": deal,
                "starts_at": to_utc(dt.datetime(2026, 12, 8, 9, 30), zone),
                "ends_at": to_utc(dt.datetime(2026, 12, 8, 11, 0), zone),
                "time_zone": zone,
                "objective": "确认试点范围，并请 CIO 指定项目负责人",
                "agenda": "1. 回顾\n2. 方案演示\n3. 试点范围\n4. 下一步",
                "commitment_best": "CIO 签署试点立项",
                "commitment_minimum": "安排技术交流会",
                "attendees": tuple(people),
                "our_attendees": (ming,),
            },
        )


def busiest_visit(book_path: Path) -> str:
    """The id of the live visit with the most attendees."""
    from kamdesk.store.book import Book

    with Book.open(book_path) as book:
        row = book.db.execute(
            "SELECT l.visit_id FROM visit_attendee l JOIN visit v ON v.id = l.visit_id "
            "WHERE l.deleted_at IS NULL AND v.deleted_at IS NULL "
            "GROUP BY l.visit_id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit(f"{book_path} has no visit with attendees")
    return str(row[0])


def cold_child(book_path: Path, visit_id: str, language: str) -> None:
    """Open the book, then build one briefing in this fresh process; print JSON timings."""
    from kamdesk.i18n import set_language
    from kamdesk.reports.data import Branding
    from kamdesk.store.book import Book

    set_language(language)
    with Book.open(book_path) as book:
        started = time.perf_counter()
        from kamdesk.ops.briefing import visit_briefing_pdf

        imported = time.perf_counter()
        pdf = visit_briefing_pdf(book, visit_id, Branding(company_name="远景智能"))
        built = time.perf_counter()
    figures = {"total": built - started, "imports": imported - started, "bytes": len(pdf)}
    print(json.dumps(figures))


def cold_run(book_path: Path, visit_id: str, language: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--cold", str(book_path), visit_id, language],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def measure(book_path: Path, visit_id: str, runs: int) -> None:
    from kamdesk.i18n import set_language
    from kamdesk.ops.briefing import visit_briefing_data
    from kamdesk.reports.data import Branding
    from kamdesk.reports.visit_briefing import build_visit_briefing
    from kamdesk.store.book import Book

    def verdict(seconds: float) -> str:
        return "ok" if seconds <= BUDGET_S else "OVER BUDGET"

    branding = Branding(company_name="远景智能")
    for language in LANGUAGES:
        colds = sorted(
            (cold_run(book_path, visit_id, language) for _ in range(5)),
            key=lambda figures: figures["total"],
        )
        cold = colds[len(colds) // 2]
        set_language(language)
        with Book.open(book_path) as book:
            data = visit_briefing_data(book, visit_id)
            build_visit_briefing(data, branding)
            totals, gathers, builds = [], [], []
            for _ in range(runs):
                start = time.perf_counter()
                data = visit_briefing_data(book, visit_id)
                gathered = time.perf_counter()
                pdf = build_visit_briefing(data, branding)
                done = time.perf_counter()
                totals.append(done - start)
                gathers.append(gathered - start)
                builds.append(done - gathered)
        median = statistics.median(totals)
        p95 = percentile(totals, 0.95)
        print(
            f"Pre-visit briefing PDF: {len(data.attendees)} attendees, one A4 page, {language}, "
            f"{len(pdf) / 1024:.1f} KiB"
        )
        print(f"  budget (warm)                         {BUDGET_S * 1000:7.1f} ms")
        print(f"  cold, fresh process (median of 5)     {cold['total'] * 1000:7.1f} ms")
        print(f"    of which importing the modules      {cold['imports'] * 1000:7.1f} ms")
        print(
            f"  warm median of {runs:<4}                  {median * 1000:7.1f} ms  "
            f"{verdict(median)}"
        )
        print(f"  warm p95                              {p95 * 1000:7.1f} ms  {verdict(p95)}")
        print(
            f"    gathering from the book (median)    {statistics.median(gathers) * 1000:7.1f} ms"
        )
        print(f"    building the PDF (median)           {statistics.median(builds) * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, help="a book with visits (default: a fresh one)")
    parser.add_argument("--runs", type=int, default=30, help="warm runs (default 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        book_path = args.book
        if book_path is None:
            book_path = Path(folder) / "bench.kamdesk"
            make_book(book_path)
        measure(book_path, busiest_visit(book_path), args.runs)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        cold_child(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
