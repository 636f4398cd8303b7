"""The domain vocabulary: codes KAMDesk stores, with their default English and Chinese labels.

domain.md asks for these lists to ship as seed data a team can rename or extend, so the
book keeps them in the ``vocabulary`` table and records store only the stable code. The
first migration seeds that table from a frozen copy of ``DEFAULT_VOCABULARY`` (a test
keeps the two equal: changing the defaults for new books needs a migration). The few
codes that rules depend on (buying roles, attitudes, levels) are named as constants here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

#: Namespace for the ids of seeded vocabulary rows: every device derives the same id for
#: the same (kind, code), so seed rows never conflict when books sync.
VOCABULARY_NAMESPACE = "6f1d3c2e-8a0b-4c55-9e8f-1b2a3c4d5e6f"


class VocabularyKind(StrEnum):
    """The lists a team can rename or extend."""

    INDUSTRY = "industry"
    LIFECYCLE_STAGE = "lifecycle_stage"
    DECISION_MODE = "decision_mode"
    ORG_LEVEL = "org_level"
    BUDGET_CYCLE = "budget_cycle"
    STRATEGY = "strategy"
    LEVEL = "level"
    BUYING_ROLE = "buying_role"
    FORCE = "force"
    ATTITUDE = "attitude"
    DECISION_STYLE = "decision_style"
    TEAM_ROLE = "team_role"
    STAGE_MODEL = "stage_model"
    DEAL_STAGE = "deal_stage"
    DEAL_STATUS = "deal_status"
    OUTCOME_REASON = "outcome_reason"
    COMPETITOR_STANDING = "competitor_standing"
    OBJECTION_TYPE = "objection_type"
    OBJECTION_STATUS = "objection_status"
    VISIT_STATUS = "visit_status"
    QUESTION_TYPE = "question_type"
    CONCESSION_STATUS = "concession_status"
    NEGOTIATION_ROLE = "negotiation_role"
    PROPOSAL_LANGUAGE = "proposal_language"
    PROPOSAL_STATUS = "proposal_status"
    LINE_ITEM_KIND = "line_item_kind"
    BILLING = "billing"
    BENEFIT_KIND = "benefit_kind"


class BuyingRole(StrEnum):
    """The four buying roles of the sales compass (销售罗盘)."""

    ECONOMIC_BUYER = "EB"
    USER_BUYER = "UB"
    TECHNICAL_BUYER = "TB"
    COACH = "COACH"


class Attitude(StrEnum):
    """Where a stakeholder stands towards us."""

    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    OPPOSED = "opposed"


class Level(StrEnum):
    """Hierarchy level, used to match our people to theirs (高层 / 中层 / 基层)."""

    EXECUTIVE = "executive"
    MIDDLE = "middle"
    STAFF = "staff"


class OrgLevel(StrEnum):
    """Where an account sits in its group (集团 / 总部 / 分公司 / 子公司)."""

    STANDALONE = "standalone"
    GROUP = "group"
    HEADQUARTERS = "headquarters"
    BRANCH = "branch"
    SUBSIDIARY = "subsidiary"


TIERS: tuple[str, ...] = ("A", "B", "C")


class Term(NamedTuple):
    """One seeded vocabulary entry."""

    kind: VocabularyKind
    code: str
    label_en: str
    label_zh: str

    @property
    def id(self) -> str:
        """The row id every device gives this seed entry."""
        # Imported here: uuid imports platform, which the first paint need not wait for.
        import uuid

        return str(uuid.uuid5(uuid.UUID(VOCABULARY_NAMESPACE), f"{self.kind.value}:{self.code}"))


def terms(kind: VocabularyKind, *rows: tuple[str, str, str]) -> list[Term]:
    """Seed entries of one list, from (code, English label, Chinese label) rows."""
    return [Term(kind, code, en, zh) for code, en, zh in rows]


def _terms(kind: VocabularyKind, *rows: tuple[str, str, str]) -> list[Term]:
    return [Term(kind, code, en, zh) for code, en, zh in rows]


K = VocabularyKind
DEFAULT_VOCABULARY: tuple[Term, ...] = tuple(
    _terms(
        K.INDUSTRY,
        ("manufacturing", "Manufacturing", "制造业"),
        ("finance", "Finance", "金融"),
        ("internet", "Internet", "互联网"),
        ("government", "Government", "政府"),
        ("energy", "Energy & utilities", "能源"),
        ("healthcare", "Healthcare", "医疗"),
        ("retail", "Retail & consumer", "零售"),
        ("logistics", "Logistics", "物流"),
        ("education", "Education", "教育"),
        ("telecom", "Telecommunications", "通信"),
    )
    + _terms(
        K.LIFECYCLE_STAGE,
        ("prospect", "Prospect", "潜在客户"),
        ("new", "New customer", "新客户"),
        ("mature", "Mature", "成熟客户"),
        ("strategic", "Strategic partner", "战略客户"),
    )
    + _terms(
        K.DECISION_MODE,
        ("centralised", "Centralised", "集中决策"),
        ("decentralised", "Decentralised", "分散决策"),
        ("mixed", "Mixed", "混合决策"),
    )
    + _terms(
        K.ORG_LEVEL,
        (OrgLevel.STANDALONE, "Standalone", "独立客户"),
        (OrgLevel.GROUP, "Group", "集团"),
        (OrgLevel.HEADQUARTERS, "Headquarters", "总部"),
        (OrgLevel.BRANCH, "Branch", "分公司"),
        (OrgLevel.SUBSIDIARY, "Subsidiary", "子公司"),
    )
    + _terms(
        K.BUDGET_CYCLE,
        ("annual", "Annual", "年度"),
        ("quarterly", "Quarterly", "季度"),
        ("project", "Per project", "按项目"),
    )
    + _terms(
        K.STRATEGY,
        ("expand", "Expand", "扩张"),
        ("stabilise", "Stabilise", "稳定"),
        ("transform", "Transform", "转型"),
    )
    + _terms(
        K.LEVEL,
        (Level.EXECUTIVE, "Executive", "高层"),
        (Level.MIDDLE, "Middle management", "中层"),
        (Level.STAFF, "Staff", "基层"),
    )
    + _terms(
        K.BUYING_ROLE,
        (BuyingRole.ECONOMIC_BUYER, "Economic buyer (EB)", "最终决策者 (EB)"),
        (BuyingRole.USER_BUYER, "User buyer (UB)", "应用选型者 (UB)"),
        (BuyingRole.TECHNICAL_BUYER, "Technical buyer (TB)", "技术选型者 (TB)"),
        (BuyingRole.COACH, "Coach", "教练 (Coach)"),
    )
    + _terms(
        K.FORCE,
        ("E-DB", "E-DB final decision", "E-DB 最终决策"),
        ("E-PB", "E-PB assisting decision", "E-PB 辅助决策"),
        ("U-WB", "U-WB direct user beneficiary", "U-WB 直接应用受益"),
        ("U-BB", "U-BB indirect user beneficiary", "U-BB 间接应用受益"),
        ("T-CA", "T-CA standards gatekeeper", "T-CA 标准把关"),
        ("T-FB", "T-FB budget support", "T-FB 预算支持"),
        ("T-AB", "T-AB process approval", "T-AB 流程审批"),
        ("C-CO", "C-CO guiding coach", "C-CO 指导教练"),
        ("C-CA", "C-CA internal advocate", "C-CA 内部提倡"),
    )
    + _terms(
        K.ATTITUDE,
        (Attitude.SUPPORTIVE, "Supportive", "支持"),
        (Attitude.NEUTRAL, "Neutral", "中立"),
        (Attitude.OPPOSED, "Opposed", "反对"),
    )
    + _terms(
        K.DECISION_STYLE,
        ("risk_taking", "Risk-taking", "冒险型"),
        ("conservative", "Conservative", "保守型"),
    )
    + _terms(
        K.TEAM_ROLE,
        ("account_manager", "Account manager", "客户经理"),
        ("solution_manager", "Solution manager", "解决方案经理"),
        ("delivery_manager", "Delivery manager", "交付经理"),
        ("executive_sponsor", "Executive sponsor", "高层支持者"),
        ("other", "Other", "其他"),
    )
)

#: Which buying role each of the nine forces refines: a force's prefix is its role.
FORCE_ROLE: dict[str, BuyingRole] = {
    "E": BuyingRole.ECONOMIC_BUYER,
    "U": BuyingRole.USER_BUYER,
    "T": BuyingRole.TECHNICAL_BUYER,
    "C": BuyingRole.COACH,
}
