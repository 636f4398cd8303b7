"""The kinds of record declared as data (see ``kamdesk.kinds.base``), by name.

Adding a kind: write its declaration module here, its table in ``kamdesk.models``, its
Alembic revision, and add it to ``KINDS`` below. Nothing else needs to know of it.
"""

from __future__ import annotations

from kamdesk.kinds.base import Kind, LinkSet, ListColumn, MergeGroup, ParentLink
from kamdesk.kinds.deal_competitor import DEAL_COMPETITOR
from kamdesk.kinds.deal_person import DEAL_PERSON
from kamdesk.kinds.milestone import MILESTONE, MILESTONE_TEMPLATE
from kamdesk.kinds.negotiation import CONCESSION, NEGOTIATION_PLAN, NEGOTIATION_ROLE
from kamdesk.kinds.objection import OBJECTION
from kamdesk.kinds.opportunity import OPPORTUNITY
from kamdesk.kinds.proposal import PROPOSAL_KINDS
from kamdesk.kinds.visit import FOLLOW_UP, QUESTION, VISIT, VISIT_QUESTION

#: Every declared kind, in the order their tabs appear.
KINDS: tuple[Kind, ...] = (
    OPPORTUNITY,
    DEAL_PERSON,
    DEAL_COMPETITOR,
    OBJECTION,
    VISIT,
    QUESTION,
    VISIT_QUESTION,
    FOLLOW_UP,
    MILESTONE,
    MILESTONE_TEMPLATE,
    NEGOTIATION_PLAN,
    CONCESSION,
    NEGOTIATION_ROLE,
    *PROPOSAL_KINDS,
)

_BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> Kind:
    """The kind called ``name`` (KeyError for an unknown one)."""
    return _BY_NAME[name]


def shown_on(parent: str) -> list[Kind]:
    """The kinds listed on ``parent``'s page, in tab order."""
    return sorted((k for k in KINDS if k.shown_on == parent), key=lambda k: k.position)


__all__ = ["KINDS", "Kind", "LinkSet", "ListColumn", "MergeGroup", "ParentLink", "kind", "shown_on"]
