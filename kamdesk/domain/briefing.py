"""Red flags before a visit: the gaps in the relationship map a rep must know of.

The sources' warnings, as rules on the people of the deal (or of the account when the
visit is for no deal):

- no contact with the economic buyer (EB): the one who signs has not been reached, or no
  EB is on record at all;
- no coach: nobody inside guides us;
- an opposed person with high influence whom nobody on our side covers.

Pure: the caller gathers the facts of each person; the briefing words the flags.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final, NamedTuple

from kamdesk.domain.vocabulary import Attitude, BuyingRole

#: Influence from which an opponent nobody covers is a red flag (of 1 to 5).
HIGH_INFLUENCE: Final = 4


class PersonFacts(NamedTuple):
    """What the red flags look at for one person."""

    name: str
    #: Buying role code on the deal (or on the card): "EB", "COACH"…
    buying_role: str
    #: Attitude code: "supportive", "neutral", "opposed".
    attitude: str
    influence: int | None
    #: Someone on our side covers them.
    covered: bool
    #: They have attended a visit (not cancelled) that has begun.
    contacted: bool


class RedFlagKind(StrEnum):
    """The kinds of red flag, most serious first."""

    NO_ECONOMIC_BUYER = "no_economic_buyer"
    ECONOMIC_BUYER_NOT_CONTACTED = "economic_buyer_not_contacted"
    UNCOVERED_OPPONENT = "uncovered_opponent"
    NO_COACH = "no_coach"


class RedFlag(NamedTuple):
    """One red flag, with the people it is about (empty for a missing role)."""

    kind: RedFlagKind
    names: tuple[str, ...] = ()
    influence: int | None = None


def red_flags(people: Iterable[PersonFacts]) -> list[RedFlag]:
    """The red flags of a deal's (or account's) people, most serious first.

    An EB counts as in contact when someone of ours covers them or they have attended a
    visit: either is a thread to the one who signs.
    """
    people = list(people)
    flags: list[RedFlag] = []
    buyers = [p for p in people if p.buying_role == BuyingRole.ECONOMIC_BUYER]
    if not buyers:
        flags.append(RedFlag(RedFlagKind.NO_ECONOMIC_BUYER))
    elif not any(p.covered or p.contacted for p in buyers):
        flags.append(
            RedFlag(RedFlagKind.ECONOMIC_BUYER_NOT_CONTACTED, tuple(p.name for p in buyers))
        )
    opponents = sorted(
        (
            p
            for p in people
            if p.attitude == Attitude.OPPOSED
            and p.influence is not None
            and p.influence >= HIGH_INFLUENCE
            and not p.covered
        ),
        key=lambda p: -(p.influence or 0),
    )
    flags.extend(RedFlag(RedFlagKind.UNCOVERED_OPPONENT, (p.name,), p.influence) for p in opponents)
    if not any(p.buying_role == BuyingRole.COACH for p in people):
        flags.append(RedFlag(RedFlagKind.NO_COACH))
    return flags
