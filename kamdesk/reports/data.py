"""The plain data a report is built from.

Every text field is already in the reader's language (vocabulary labels are resolved by the
caller); amounts are in minor units with their currency, formatted by the report in the
report's locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Branding:
    """The company's look on paper, from the settings."""

    company_name: str = ""
    logo_path: Path | None = None
    #: Headings, rules and table headers (``#RRGGBB``).
    primary_color: str = "#1F4E79"
    #: Highlights such as the tier badge (``#RRGGBB``).
    accent_color: str = "#C0504D"


@dataclass(frozen=True)
class StakeholderLine:
    """One stakeholder as the account summary lists them."""

    name: str
    title: str = ""
    department: str = ""
    level: str = ""
    buying_role: str = ""
    force: str = ""
    attitude: str = ""
    #: 1 (little) to 5 (decisive); ``None`` when not assessed.
    influence: int | None = None
    reports_to: str = ""
    covered_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountSummary:
    """Everything the one- or two-page account summary shows."""

    name: str
    generated_on: dt.date
    parent_name: str = ""
    org_level: str = ""
    industry: str = ""
    tier: str = ""
    lifecycle_stage: str = ""
    decision_mode: str = ""
    owner: str = ""
    currency: str = "CNY"
    annual_revenue_minor: int | None = None
    potential_revenue_minor: int | None = None
    procurement_process: str = ""
    budget_cycle: str = ""
    pain_points: str = ""
    strategy: str = ""
    incumbent_suppliers: str = ""
    competitors: str = ""
    notes: str = ""
    stakeholders: tuple[StakeholderLine, ...] = field(default_factory=tuple)
    #: Share of decision makers (EB and executives) covered by our team, 0–1; ``None`` if none.
    decision_maker_coverage: float | None = None
