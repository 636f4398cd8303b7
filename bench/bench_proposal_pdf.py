"""How long a proposal PDF takes to build, against its 0.4 s warm budget.

Builds a proposal of about twelve pages (three options of some twenty-five line items
each with their benefits, a dozen pains and phases, the scenarios and the sensitivity)
with its three charts (cumulative cash flow, net cash flow by year, the tornado), once in
Chinese and once in English, from the engine's figures:

* cold: the first build in a fresh Python process, from importing the report builder
  (and with it ReportLab) through registering the CJK font and loading Babel's locale data
  to the PDF bytes: what a user waits for on the first export after starting the app;
* warm: after one warm-up build, the median and 95th percentile of the next N builds in
  one process (the figure the budget is for), and the median CPU time, which a busy
  machine disturbs less than the wall clock.

The sample proposal is the one the PDF tests read back (tests/reports/proposal_sample.py).

Run from the repository root:  python bench/bench_proposal_pdf.py [N]
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "reports"):
    if str(path) not in sys.path:
        # Run as a script from a checkout, without installing the package.
        sys.path.insert(0, str(path))

BUDGET_S = 0.4
LANGUAGES = ("zh_CN", "en")
#: Enough line items, pains and phases for a proposal of about twelve pages.
SIZE = {"lines": 24, "pains": 14, "phases": 12}
CREATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def sample(language: str) -> tuple[object, object]:
    """The bench proposal in ``language`` and its figures."""
    from proposal_sample import figures_for, make_document

    from kamdesk.domain.proposals import ProposalLanguage

    document = make_document(ProposalLanguage(language), **SIZE)  # type: ignore[arg-type]
    return document, figures_for(document)


def cold_child(language: str) -> None:
    """Build one proposal in this fresh process and print its timings as JSON."""
    document, figures = sample(language)
    started = time.perf_counter()
    from kamdesk.reports.data import Branding
    from kamdesk.reports.proposal import proposal_pdf

    imported = time.perf_counter()
    pdf = proposal_pdf(document, figures, Branding(company_name="远景智能"), created=CREATED)  # type: ignore[arg-type]
    built = time.perf_counter()
    print(json.dumps({"total": built - started, "imports": imported - started, "bytes": len(pdf)}))


def cold_run(language: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--cold", language],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def measure(runs: int) -> None:
    from pypdf import PdfReader

    from kamdesk.reports.data import Branding
    from kamdesk.reports.proposal import proposal_pdf

    def verdict(seconds: float) -> str:
        return "ok" if seconds <= BUDGET_S else "OVER BUDGET"

    branding = Branding(company_name="远景智能 Vista Automation")
    for language in LANGUAGES:
        colds = sorted((cold_run(language) for _ in range(3)), key=lambda f: f["total"])
        cold = colds[len(colds) // 2]
        document, figures = sample(language)
        pdf = proposal_pdf(document, figures, branding, created=CREATED)  # type: ignore[arg-type]
        walls, cpus = [], []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            pdf = proposal_pdf(document, figures, branding, created=CREATED)  # type: ignore[arg-type]
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        median = statistics.median(walls)
        p95 = percentile(walls, 0.95)
        print(
            f"Proposal PDF: {pages} pages, 3 options, 3 charts, {language}, "
            f"{len(pdf) / 1024:.1f} KiB"
        )
        print(f"  budget (warm)                         {BUDGET_S * 1000:7.1f} ms")
        print(f"  cold, fresh process (median of 3)     {cold['total'] * 1000:7.1f} ms")
        print(f"    of which importing the modules      {cold['imports'] * 1000:7.1f} ms")
        print(
            f"  warm median of {runs:<4}                  {median * 1000:7.1f} ms  "
            f"{verdict(median)}"
        )
        print(f"  warm p95                              {p95 * 1000:7.1f} ms  {verdict(p95)}")
        print(f"  warm CPU time (median)                {statistics.median(cpus) * 1000:7.1f} ms")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    measure(runs)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        cold_child(sys.argv[2])
    else:
        main()
