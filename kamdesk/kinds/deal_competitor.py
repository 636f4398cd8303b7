"""The competitors on a deal: strengths, weaknesses, standing, and what sets us apart.

A large deal has several competitors at once (3 to 5 is common); each gets an entry on
the deal, so the rep prepares a visit knowing whom the customer compares us with and
what to stress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.domain.fields import FieldKind as F
from kamdesk.domain.fields import FieldSpec
from kamdesk.domain.vocabulary import VocabularyKind as V
from kamdesk.domain.vocabulary import terms
from kamdesk.i18n import N_
from kamdesk.kinds.base import Kind, ListColumn, ParentLink

if TYPE_CHECKING:
    from kamdesk.models import Record


def _model() -> type[Record]:
    from kamdesk.models.deal_competitor import DealCompetitor

    return DealCompetitor


DEAL_COMPETITOR = Kind(
    name="deal_competitor",
    label=N_("competitor"),
    plural=N_("Competitors"),
    model=_model,
    parent=ParentLink("opportunity", "opportunity_id"),
    fields=(
        FieldSpec("name", N_("Competitor"), F.TEXT, required=True),
        FieldSpec(
            "standing", N_("Standing with the customer"), F.CHOICE, True, V.COMPETITOR_STANDING
        ),
        FieldSpec("strengths", N_("Their strengths"), F.LONG_TEXT),
        FieldSpec("weaknesses", N_("Their weaknesses"), F.LONG_TEXT),
        FieldSpec("differentiation", N_("Our differentiation"), F.LONG_TEXT),
    ),
    order_by=("name",),
    list_columns=(
        ListColumn("name", 0.3),
        ListColumn("standing", 0.2),
        ListColumn("strengths", 0.25),
        ListColumn("differentiation", 0.25),
        ListColumn("weaknesses", 0.25, hidden=True),
    ),
    defaults={"standing": "unknown"},
    shown_on="opportunity",
    position=20,
    vocabulary=(
        *terms(
            V.COMPETITOR_STANDING,
            ("leading", "Leading", "领先"),
            ("level", "Level with us", "与我方持平"),
            ("behind", "Behind us", "落后于我方"),
            ("unknown", "Unknown", "未知"),
        ),
    ),
)
