"""Fixtures for the PDF report tests: sample accounts and ways to read a PDF back.

Headings are in English: the suite-wide conftest resets the language before each test.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pypdf import PdfReader

from kamdesk.reports.data import AccountSummary, Branding, StakeholderLine

NAMES = (
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
)
ROLES = (("EB", "E-DB"), ("UB", "U-WB"), ("TB", "T-CA"), ("Coach", "C-CO"))
TITLES = ("采购总监", "IT Manager", "首席财务官（CFO）", "生产部副总经理")
DEPARTMENTS = ("采购部", "信息技术部 IT", "财务部", "生产运营中心")


def make_stakeholders(count: int) -> tuple[StakeholderLine, ...]:
    """``count`` stakeholders with mixed Chinese and English details, all fields filled."""
    people = []
    for i in range(count):
        role, force = ROLES[i % len(ROLES)]
        people.append(
            StakeholderLine(
                name=NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}"),
                title=TITLES[i % len(TITLES)],
                department=DEPARTMENTS[i % len(DEPARTMENTS)],
                level=("高层", "中层", "基层")[i % 3],
                buying_role=role,
                force=force,
                attitude=("支持", "中立", "反对", "supportive")[i % 4],
                influence=i % 5 + 1,
                reports_to=NAMES[(i + 3) % len(NAMES)],
                covered_by=("李明（销售总监）", "Anna Müller") if i % 2 else ("李明",),
            )
        )
    return tuple(people)


def make_summary(stakeholder_count: int = 3, **changes: Any) -> AccountSummary:
    """A fully filled account summary of 华东制造集团; ``changes`` override fields."""
    fields: dict[str, Any] = {
        "name": "华东制造集团",
        "generated_on": dt.date(2026, 11, 23),
        "parent_name": "华东控股 East China Holdings",
        "org_level": "集团总部 HQ",
        "industry": "制造业 Manufacturing",
        "tier": "A",
        "lifecycle_stage": "战略 strategic partner",
        "decision_mode": "混合决策 mixed",
        "owner": "李明",
        "currency": "CNY",
        "annual_revenue_minor": 123_456_789,
        "potential_revenue_minor": 500_000_000,
        "procurement_process": "立项 → 评估 → 招标 → 决策；Tender via SAP Ariba。",
        "budget_cycle": "年度（每年十月提交预算）",
        "pain_points": "设备停机时间长：每月超过四十小时！Quality traceability is poor.",
        "strategy": "稳定现有业务，同时在华南分公司扩展 MES 项目。",
        "incumbent_suppliers": "西门子（Siemens）：满意度中等；本地集成商《智造科技》。",
        "competitors": "Rockwell Automation, 施耐德电气, 汇川技术",
        "notes": "王建国说：“先让技术部评估。”\nBring the automotive reference case.",
        "stakeholders": make_stakeholders(stakeholder_count),
        "decision_maker_coverage": 0.75,
    }
    fields.update(changes)
    return AccountSummary(**fields)


@dataclass(frozen=True)
class ReadBack:
    """A PDF read back with pypdf: what a reader's text search and a PDF tool would see."""

    reader: PdfReader

    @classmethod
    def of(cls, pdf: bytes) -> ReadBack:
        return cls(PdfReader(io.BytesIO(pdf)))

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)

    def page_text(self, index: int) -> str:
        return str(self.reader.pages[index].extract_text())

    @property
    def text(self) -> str:
        return "\n".join(self.page_text(i) for i in range(self.page_count))

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    def contains(self, expected: str) -> bool:
        """Whether ``expected`` is in the text, ignoring where lines were wrapped."""
        return squash(expected) in squash(self.text)

    def runs(self, index: int) -> list[tuple[str, float, float]]:
        """(text, x, font size) of every run of text on page ``index``."""
        runs: list[tuple[str, float, float]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
            if text.strip():
                runs.append((text.strip(), cm[4] + tm[4] * cm[0], size * tm[0] * cm[0]))

        self.reader.pages[index].extract_text(visitor_text=visit)
        return runs

    def fonts(self) -> Iterator[dict[str, Any]]:
        """Every font dictionary used by a page, resolved."""
        for page in self.reader.pages:
            font_dict = page["/Resources"]["/Font"]
            for ref in font_dict.values():
                yield ref.get_object()


def squash(text: str) -> str:
    """``text`` without any whitespace: wrapping turns spaces into line breaks and back."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def branding() -> Branding:
    return Branding(company_name="远景智能 Vista Automation Co., Ltd.")


@pytest.fixture
def summary_factory() -> Callable[..., AccountSummary]:
    return make_summary


@pytest.fixture
def read_pdf() -> Callable[[bytes], ReadBack]:
    return ReadBack.of
