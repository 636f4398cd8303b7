"""How long the account summary PDF takes to build, against its 0.3 s budget.

Builds the summary of an account with 20 stakeholders, once in Chinese (mixed Chinese and
English text) and once in English (long English labels, where line breaking has the most
to do):

* cold: the first build in a fresh Python process, from importing the report builder
  (and with it ReportLab) through registering the CJK font and loading Babel's locale data
  to the PDF bytes: what a user waits for on the first export after starting the app;
* warm: the median and 95th percentile of the next N builds in one process.

Run from the repository root:  python bench/bench_account_summary_pdf.py [N]
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # Run as a script from a checkout, without installing the package.
    sys.path.insert(0, str(ROOT))

from kamdesk.reports.data import AccountSummary, Branding, StakeholderLine  # noqa: E402

BUDGET_S = 0.3
LOCALES = ("zh_Hans_CN", "en_US")


def sample_summary(locale: str = "zh_Hans_CN") -> AccountSummary:
    """An account with 20 stakeholders and every profile field filled, as a rep's might be."""
    if locale.startswith("en"):
        return english_summary()
    names = ["王建国", "李娜", "Zhang Wei", "陈晓明", "Emily Chen", "刘洋", "赵敏", "孙立"]
    titles = ["采购总监", "IT Manager", "首席财务官（CFO）", "生产部副总经理"]
    departments = ["采购部", "信息技术部 IT", "财务部", "生产运营中心"]
    roles = [("EB", "E-DB"), ("UB", "U-WB"), ("TB", "T-CA"), ("Coach", "C-CO")]
    people = tuple(
        StakeholderLine(
            name=f"{names[i % len(names)]} {i}",
            title=titles[i % 4],
            department=departments[i % 4],
            level=("高层", "中层", "基层")[i % 3],
            buying_role=roles[i % 4][0],
            force=roles[i % 4][1],
            attitude=("支持", "中立", "反对", "supportive")[i % 4],
            influence=i % 5 + 1,
            reports_to=names[(i + 3) % len(names)],
            covered_by=("李明（销售总监）", "Anna Müller") if i % 2 else ("李明",),
        )
        for i in range(20)
    )
    return AccountSummary(
        name="华东制造集团",
        generated_on=dt.date(2026, 11, 23),
        parent_name="华东控股 East China Holdings",
        org_level="集团总部 HQ",
        industry="制造业 Manufacturing",
        tier="A",
        lifecycle_stage="战略 strategic partner",
        decision_mode="混合决策 mixed",
        owner="李明",
        annual_revenue_minor=123_456_789,
        potential_revenue_minor=500_000_000,
        procurement_process="立项 → 评估 → 招标 → 决策；每个环节需集团采购委员会审批，"
        "Tender via SAP Ariba。",
        budget_cycle="年度（每年十月提交预算）",
        pain_points="生产效率低，设备停机时间长：每月平均停机超过四十小时！质量追溯困难；"
        "customer complaints are rising.",
        strategy="稳定现有业务，同时在华南分公司扩展 MES 项目。",
        incumbent_suppliers="西门子（Siemens）：满意度中等；本地集成商《智造科技》：价格低但交付慢。",
        competitors="Rockwell Automation, 施耐德电气, 汇川技术",
        notes="王建国是最终决策者，但他说：“先让技术部评估。”\n"
        "Bring the automotive reference case.",
        stakeholders=people,
        decision_maker_coverage=0.75,
    )


def english_summary() -> AccountSummary:
    """The English counterpart: the labels an English book shows, and English notes."""
    names = ["Charlotte Morgan", "Ingrid Sharma", "Linda Larsen", "Lucas Bianchi"]
    names += ["Oliver Bennett", "Pierre Laurent", "Rahul White"]
    titles = ["Quality Manager", "Chief Financial Officer", "Procurement Manager", "CIO"]
    departments = ["Quality", "Finance", "Procurement", "IT"]
    roles = [
        ("User buyer (UB)", "U-WB direct user beneficiary"),
        ("Economic buyer (EB)", "E-DB final decision"),
        ("Technical buyer (TB)", "T-CA standards gatekeeper"),
        ("Coach", "C-CO guiding coach"),
    ]
    people = tuple(
        StakeholderLine(
            name=f"{names[i % len(names)]} {i}",
            title=titles[i % 4],
            department=departments[i % 4],
            level=("Middle management", "Executive", "Staff")[i % 3],
            buying_role=roles[i % 4][0],
            force=roles[i % 4][1],
            attitude=("Supportive", "Neutral", "Opposed")[i % 3],
            influence=i % 5 + 1,
            reports_to=names[(i + 3) % len(names)],
            covered_by=("Emily Carter", "Michael Brown") if i % 2 else ("Emily Carter",),
        )
        for i in range(20)
    )
    return AccountSummary(
        name="Northwind Logistics HQ",
        generated_on=dt.date(2026, 12, 1),
        parent_name="Northwind Logistics Group",
        org_level="Headquarters",
        industry="Logistics",
        tier="A",
        lifecycle_stage="Strategic partner",
        decision_mode="Mixed",
        owner="Emily Carter",
        currency="EUR",
        annual_revenue_minor=310_000_000,
        potential_revenue_minor=891_900_000,
        procurement_process="Initiation → evaluation → tender → decision; departments propose, "
        "IT reviews, the executive committee approves; tenders are mandatory above 100k.",
        budget_cycle="Per project",
        pain_points="Warehouses overflow in peak season; tracking across carriers is manual "
        "and error-prone, and customers complain about late notifications.",
        strategy="Transform",
        incumbent_suppliers="Kestrel Software (managed services; satisfied; contract ends "
        "December 2028)",
        competitors="Vantage Systems, Kestrel Software",
        notes="Three-year enterprise agreement renewed in March. The new COO wants one "
        "tracking platform for all regions by next year.",
        stakeholders=people,
        decision_maker_coverage=0.67,
    )


def sample_branding() -> Branding:
    """Branding with a Chinese and English company name."""
    return Branding(company_name="远景智能 Vista Automation Co., Ltd.")


def cold_child(locale: str) -> None:
    """Build once in this fresh process and print the timings as JSON for the parent."""
    summary = sample_summary(locale)
    imports_started = time.perf_counter()
    from kamdesk.reports.account_summary import build_account_summary

    imported = time.perf_counter()
    pdf = build_account_summary(summary, sample_branding(), locale)
    built = time.perf_counter()
    print(
        json.dumps(
            {
                "total": built - imports_started,
                "imports": imported - imports_started,
                "build": built - imported,
                "bytes": len(pdf),
            }
        )
    )


def cold_run(locale: str) -> dict[str, float]:
    """The timings of one build in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, __file__, "--cold", locale], capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def main() -> None:
    """Print cold and warm build times and how they compare with the budget."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50

    def verdict(seconds: float) -> str:
        return "ok" if seconds <= BUDGET_S else "OVER BUDGET"

    from kamdesk.reports.account_summary import build_account_summary

    for locale in LOCALES:
        colds = sorted((cold_run(locale) for _ in range(5)), key=lambda figures: figures["total"])
        cold = colds[len(colds) // 2]

        summary, branding = sample_summary(locale), sample_branding()
        pdf = build_account_summary(summary, branding, locale)
        warm: list[float] = []
        for _ in range(runs):
            start = time.perf_counter()
            pdf = build_account_summary(summary, branding, locale)
            warm.append(time.perf_counter() - start)
        warm.sort()
        median = statistics.median(warm)
        p95 = warm[max(0, round(0.95 * len(warm)) - 1)]

        print(f"Account summary PDF: 20 stakeholders, A4, {locale}, {len(pdf) / 1024:.1f} KiB")
        print(f"  budget                                {BUDGET_S * 1000:7.1f} ms")
        print(
            f"  cold, fresh process (median of 5)     {cold['total'] * 1000:7.1f} ms  "
            f"{verdict(cold['total'])}"
        )
        print(f"    of which importing the builder      {cold['imports'] * 1000:7.1f} ms")
        print(f"    of which first build (font, Babel)  {cold['build'] * 1000:7.1f} ms")
        print(
            f"  warm median of {runs:<4}                  {median * 1000:7.1f} ms  "
            f"{verdict(median)}"
        )
        print(f"  warm p95                              {p95 * 1000:7.1f} ms  {verdict(p95)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        cold_child(sys.argv[2] if len(sys.argv) > 2 else LOCALES[0])
    else:
        main()
