"""SQLModel tables and the domain vocabulary of the account book.

Importing this package registers every table on ``SQLModel.metadata`` (what Alembic and
the tests build the schema from).
"""

from kamdesk.models.deal_competitor import DealCompetitor
from kamdesk.models.deal_person import DealPerson
from kamdesk.models.milestone import Milestone, MilestoneTemplate
from kamdesk.models.negotiation import Concession, NegotiationPlan, NegotiationRole
from kamdesk.models.objection import Objection
from kamdesk.models.opportunity import Opportunity, StageChange
from kamdesk.models.proposal import (
    Proposal,
    ProposalBenefit,
    ProposalLine,
    ProposalOption,
    ProposalPain,
    ProposalPhase,
)
from kamdesk.models.sync_conflict import (
    DELETION_SEEN_PREFIX,
    ConflictDismissal,
    SyncConflict,
    SyncDeletionSeen,
    SyncPending,
    SyncRefusal,
    SyncSuperseded,
    conflict_id,
)
from kamdesk.models.tables import (
    SYNCED_TABLES,
    UNLOGGED_COLUMNS,
    Account,
    BookMeta,
    ChangeLogEntry,
    Coverage,
    Record,
    Stakeholder,
    TeamMember,
    VocabularyTerm,
    coverage_id,
    new_id,
    utc_now,
)
from kamdesk.models.visit import (
    FollowUp,
    Question,
    Visit,
    VisitAttendee,
    VisitQuestion,
    VisitTeamMember,
)

SYNCED_TABLES["opportunity"] = Opportunity
SYNCED_TABLES["stage_change"] = StageChange
SYNCED_TABLES["milestone"] = Milestone
SYNCED_TABLES["milestone_template"] = MilestoneTemplate
SYNCED_TABLES["deal_person"] = DealPerson
SYNCED_TABLES["deal_competitor"] = DealCompetitor
SYNCED_TABLES["objection"] = Objection
SYNCED_TABLES["negotiation_plan"] = NegotiationPlan
SYNCED_TABLES["concession"] = Concession
SYNCED_TABLES["negotiation_role"] = NegotiationRole
SYNCED_TABLES["visit"] = Visit
SYNCED_TABLES["visit_attendee"] = VisitAttendee
SYNCED_TABLES["visit_team_member"] = VisitTeamMember
SYNCED_TABLES["question"] = Question
SYNCED_TABLES["visit_question"] = VisitQuestion
SYNCED_TABLES["follow_up"] = FollowUp
SYNCED_TABLES["proposal"] = Proposal
SYNCED_TABLES["proposal_option"] = ProposalOption
SYNCED_TABLES["proposal_line"] = ProposalLine
SYNCED_TABLES["proposal_benefit"] = ProposalBenefit
SYNCED_TABLES["proposal_pain"] = ProposalPain
SYNCED_TABLES["proposal_phase"] = ProposalPhase
SYNCED_TABLES["conflict_dismissal"] = ConflictDismissal

__all__ = [
    "DELETION_SEEN_PREFIX",
    "SYNCED_TABLES",
    "UNLOGGED_COLUMNS",
    "Account",
    "BookMeta",
    "ChangeLogEntry",
    "Concession",
    "ConflictDismissal",
    "Coverage",
    "DealCompetitor",
    "DealPerson",
    "FollowUp",
    "Milestone",
    "MilestoneTemplate",
    "NegotiationPlan",
    "NegotiationRole",
    "Objection",
    "Opportunity",
    "Proposal",
    "ProposalBenefit",
    "ProposalLine",
    "ProposalOption",
    "ProposalPain",
    "ProposalPhase",
    "Question",
    "Record",
    "StageChange",
    "Stakeholder",
    "SyncConflict",
    "SyncDeletionSeen",
    "SyncPending",
    "SyncRefusal",
    "SyncSuperseded",
    "TeamMember",
    "Visit",
    "VisitAttendee",
    "VisitQuestion",
    "VisitTeamMember",
    "VocabularyTerm",
    "conflict_id",
    "coverage_id",
    "new_id",
    "utc_now",
]
