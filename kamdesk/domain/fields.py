"""The editable fields of each record, declared once with their labels and limits.

Forms, validation, the change log's undo and the reports all read these declarations, so
a field's label, kind and limits are written in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, auto

from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.i18n import N_


class FieldKind(Enum):
    """How a field is entered and checked."""

    TEXT = auto()
    LONG_TEXT = auto()
    CHOICE = auto()
    TIER = auto()
    CURRENCY = auto()
    MONEY = auto()
    SCORE = auto()
    FLAG = auto()
    ACCOUNT = auto()
    STAKEHOLDER = auto()
    TEAM_MEMBER = auto()
    TEAM_MEMBERS = auto()
    EMAIL = auto()
    #: A calendar date (an expected close), stored as ``datetime.date``.
    DATE = auto()
    #: A whole percentage, 0 to 100 (a deal's probability).
    PERCENT = auto()
    #: A moment (a visit's start), stored as an aware ``datetime`` in UTC; a form shows it
    #: as the wall-clock time of the record's ``time_zone`` field.
    DATETIME = auto()
    #: An IANA time zone name ("Asia/Shanghai"), as ``zoneinfo`` knows it.
    TIME_ZONE = auto()
    #: Several stakeholders of the record's account (a visit's attendees).
    STAKEHOLDERS = auto()
    #: A deal of the record's account.
    DEAL = auto()
    #: A question of the team's question bank.
    QUESTION = auto()
    #: An exact decimal (a quantity, a discount in percent), stored as an integer scaled
    #: by ``FieldSpec.scale`` (2: hundredths, so 12.5 % is 1250) so no float touches it.
    NUMBER = auto()


#: Longest single-line text a name or title may hold: anything longer is a slip (a paste
#: of a whole document into a name field), not a name.
MAX_LINE = 200
#: Longest free text (notes, pain points): generous, but bounded so a runaway paste
#: cannot bloat the book and every synced device.
MAX_LONG_TEXT = 20_000
#: Largest amount in minor units (a trillion in major units is more than any account).
MAX_AMOUNT_MINOR = 10**14


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of a record."""

    name: str
    label: str
    kind: FieldKind
    required: bool = False
    vocabulary: VocabularyKind | None = None
    #: A choice whose allowed codes depend on another field's choice (a force belongs to
    #: a buying role): that field's name. See ``kamdesk.domain.rules.choice_fits``.
    narrowed_by: str | None = None
    #: What a required field left empty says, when "X is required." would not say why
    #: (a concession is never given for nothing): a message marked with ``N_``.
    required_message: str | None = None
    #: A NUMBER's decimal places as stored: 3 keeps a quantity of 2.5 as 2500.
    scale: int = 0
    #: A NUMBER's bounds, in the unit shown (100 for 100 %), or None for none.
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    #: The minimum itself is refused too (a discount rate of −100 % makes no sense).
    minimum_excluded: bool = False
    #: What a NUMBER is shown with: "%" or "".
    unit: str = ""
    #: Kept by the actions, never typed (a proposal's version and status): a form shows it
    #: and does not let it be edited.
    read_only: bool = False

    @property
    def max_length(self) -> int:
        """Longest text the field accepts."""
        return MAX_LONG_TEXT if self.kind is FieldKind.LONG_TEXT else MAX_LINE


def to_scaled(value: Decimal | int, scale: int) -> int:
    """A number as a NUMBER field stores it: ``Decimal("12.5")`` at scale 2 is ``1250``.

    Rounded half-even to the scale; callers that must not round check the places first
    (``decimal_places``).
    """
    return int(Decimal(value).scaleb(scale).quantize(Decimal(1)))


def from_scaled(stored: int, scale: int) -> Decimal:
    """A stored NUMBER in the unit shown: ``1250`` at scale 2 is ``Decimal("12.50")``."""
    return Decimal(stored).scaleb(-scale)


def decimal_places(value: Decimal) -> int:
    """How many decimal places ``value`` really has (``2.50`` has 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


V = VocabularyKind
F = FieldKind

ACCOUNT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", N_("Account name"), F.TEXT, required=True),
    FieldSpec("parent_id", N_("Parent account"), F.ACCOUNT),
    FieldSpec("org_level", N_("Position in group"), F.CHOICE, vocabulary=V.ORG_LEVEL),
    FieldSpec("own_purchasing", N_("Own purchasing authority"), F.FLAG),
    FieldSpec("industry", N_("Industry"), F.CHOICE, vocabulary=V.INDUSTRY),
    FieldSpec("tier", N_("Tier"), F.TIER),
    FieldSpec("lifecycle_stage", N_("Lifecycle stage"), F.CHOICE, vocabulary=V.LIFECYCLE_STAGE),
    FieldSpec("decision_mode", N_("Decision mode"), F.CHOICE, vocabulary=V.DECISION_MODE),
    FieldSpec("owner_id", N_("Owner"), F.TEAM_MEMBER),
    FieldSpec("currency", N_("Currency"), F.CURRENCY, required=True),
    FieldSpec("annual_revenue_minor", N_("Annual revenue with us"), F.MONEY),
    FieldSpec("potential_revenue_minor", N_("Potential revenue"), F.MONEY),
    FieldSpec("budget_cycle", N_("Budget cycle"), F.CHOICE, vocabulary=V.BUDGET_CYCLE),
    FieldSpec("strategy", N_("Strategy"), F.CHOICE, vocabulary=V.STRATEGY),
    FieldSpec("procurement_process", N_("Procurement process"), F.LONG_TEXT),
    FieldSpec("pain_points", N_("Pain points"), F.LONG_TEXT),
    FieldSpec("incumbent_suppliers", N_("Incumbent suppliers"), F.LONG_TEXT),
    FieldSpec("competitors", N_("Competitors"), F.LONG_TEXT),
    FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
)

STAKEHOLDER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", N_("Name"), F.TEXT, required=True),
    FieldSpec("title", N_("Title"), F.TEXT),
    FieldSpec("department", N_("Department"), F.TEXT),
    FieldSpec("level", N_("Level"), F.CHOICE, vocabulary=V.LEVEL),
    FieldSpec("reports_to_id", N_("Reports to"), F.STAKEHOLDER),
    FieldSpec("buying_role", N_("Buying role"), F.CHOICE, vocabulary=V.BUYING_ROLE),
    FieldSpec("force", N_("Force"), F.CHOICE, vocabulary=V.FORCE, narrowed_by="buying_role"),
    FieldSpec("attitude", N_("Attitude"), F.CHOICE, vocabulary=V.ATTITUDE),
    FieldSpec("influence", N_("Influence"), F.SCORE),
    FieldSpec("decision_style", N_("Decision style"), F.CHOICE, vocabulary=V.DECISION_STYLE),
    FieldSpec("covered_by", N_("Covered by"), F.TEAM_MEMBERS),
    FieldSpec("personal_goals", N_("Personal goals and KPIs"), F.LONG_TEXT),
    FieldSpec("interests", N_("Interests"), F.LONG_TEXT),
    FieldSpec("needs_basic", N_("Basic needs (price, quality, service)"), F.LONG_TEXT),
    FieldSpec("needs_personal", N_("Personal needs (risk, achievement, career)"), F.LONG_TEXT),
    FieldSpec("needs_business", N_("Business needs (efficiency, cost, process)"), F.LONG_TEXT),
    FieldSpec("needs_strategic", N_("Strategic needs (growth, innovation)"), F.LONG_TEXT),
    FieldSpec("phone", N_("Phone"), F.TEXT),
    FieldSpec("email", N_("Email"), F.EMAIL),
    FieldSpec("wechat", N_("WeChat"), F.TEXT),
    FieldSpec("notes", N_("Notes"), F.LONG_TEXT),
)

TEAM_MEMBER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", N_("Name"), F.TEXT, required=True),
    FieldSpec("role", N_("Role"), F.CHOICE, vocabulary=V.TEAM_ROLE),
    FieldSpec("title", N_("Title"), F.TEXT),
    FieldSpec("level", N_("Level"), F.CHOICE, vocabulary=V.LEVEL),
    FieldSpec("email", N_("Email"), F.EMAIL),
    FieldSpec("phone", N_("Phone"), F.TEXT),
)


def field_map(specs: tuple[FieldSpec, ...]) -> dict[str, FieldSpec]:
    """The specs by field name."""
    return {spec.name: spec for spec in specs}
