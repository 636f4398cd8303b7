"""The tables of milestones: a deal's checklist, and the team's templates it starts from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field

from kamdesk.models.tables import Record


class Milestone(Record, table=True):
    """One thing the customer must decide before buying (里程碑), on one deal.

    Declared in ``kamdesk.kinds.milestone``. ``position`` orders a deal's whole checklist,
    its stages first to last and the milestones of a stage as listed; the kind keeps it
    (a new one goes last in its stage), so it is no field of the form.
    """

    __tablename__ = "milestone"
    __table_args__ = (Index("ix_milestone_deal_live", "opportunity_id", "deleted_at"),)

    opportunity_id: str = Field(foreign_key="opportunity.id")
    #: A stage of the deal's own stage model (``compass.intent``).
    stage: str
    text: str
    position: int = 0
    done: bool = False
    #: The day the milestone was ticked; None while it is not done.
    done_on: dt.date | None = None
    #: The visit whose debrief answered it (``kamdesk.ops.milestones``), if one did.
    answered_by_visit_id: str | None = Field(default=None, foreign_key="visit.id")


class MilestoneTemplate(Record, table=True):
    """A milestone every new deal of a stage model starts with, in English and Chinese.

    Seeded per stage of both stage models (``kamdesk.kinds.milestone.DEFAULT_TEMPLATES``)
    with ids every device derives alike, and synced like the vocabulary, so a team that
    rewords, adds or archives a template does so once for all its books. Editing one
    changes the deals made afterwards, not the checklists deals already have.
    """

    __tablename__ = "milestone_template"
    __table_args__ = (Index("ix_milestone_template_stage", "stage", "position"),)

    stage: str
    position: int = 0
    text_en: str = ""
    text_zh: str = ""
    archived: bool = False
