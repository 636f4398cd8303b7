"""Relationship coverage: how well our team is threaded into an account.

Decision-maker coverage is the sources' KPI: the share of the account's key decision
makers (economic buyers and executives) that someone on our side is in contact with.
"""

from __future__ import annotations

from collections.abc import Iterable

from kamdesk.domain.vocabulary import BuyingRole, Level


def is_decision_maker(buying_role: str, level: str) -> bool:
    """Economic buyers and executives decide; the coverage KPI counts them."""
    return buying_role == BuyingRole.ECONOMIC_BUYER or level == Level.EXECUTIVE


def decision_maker_coverage(stakeholders: Iterable[tuple[str, str, bool]]) -> float | None:
    """Share of decision makers covered, from (buying role, level, covered) triples.

    None when the account has no decision maker on record: a gap in the map, not 0 %.
    """
    decision_makers = [
        covered for role, level, covered in stakeholders if is_decision_maker(role, level)
    ]
    if not decision_makers:
        return None
    return sum(decision_makers) / len(decision_makers)
