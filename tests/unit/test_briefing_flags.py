"""Red flags before a visit: the gaps in the relationship map, from the people's facts."""

from __future__ import annotations

from kamdesk.domain.briefing import PersonFacts, RedFlag, RedFlagKind, red_flags


def person(
    name: str,
    role: str = "UB",
    attitude: str = "neutral",
    influence: int | None = 3,
    *,
    covered: bool = False,
    contacted: bool = False,
) -> PersonFacts:
    return PersonFacts(name, role, attitude, influence, covered, contacted)


def kinds(flags: list[RedFlag]) -> list[RedFlagKind]:
    return [flag.kind for flag in flags]


def test_a_well_threaded_deal_has_no_red_flags() -> None:
    people = [person("王建国", "EB", covered=True), person("李娜", "COACH", "supportive")]

    assert red_flags(people) == []


def test_no_economic_buyer_on_record_and_no_coach() -> None:
    assert kinds(red_flags([person("李娜")])) == [
        RedFlagKind.NO_ECONOMIC_BUYER,
        RedFlagKind.NO_COACH,
    ]
    assert kinds(red_flags([])) == [RedFlagKind.NO_ECONOMIC_BUYER, RedFlagKind.NO_COACH]


def test_an_economic_buyer_nobody_covers_or_has_met_is_flagged_by_name() -> None:
    people = [person("王建国", "EB"), person("赵敏", "EB"), person("李娜", "COACH")]

    assert red_flags(people) == [
        RedFlag(RedFlagKind.ECONOMIC_BUYER_NOT_CONTACTED, ("王建国", "赵敏"))
    ]


def test_meeting_the_economic_buyer_at_a_visit_counts_as_contact() -> None:
    people = [person("王建国", "EB", contacted=True), person("李娜", "COACH")]

    assert red_flags(people) == []


def test_only_an_opposed_person_of_high_influence_whom_nobody_covers_is_flagged() -> None:
    people = [
        person("王建国", "EB", covered=True),
        person("李娜", "COACH", "supportive"),
        person("孙立", "TB", "opposed", 4),
        person("周杰", "UB", "opposed", 5),
        person("吴芳", "UB", "opposed", 5, covered=True),
        person("刘洋", "UB", "opposed", 3),
        person("陈晓明", "UB", "opposed", None),
        person("郑丽", "UB", "neutral", 5),
    ]

    assert red_flags(people) == [
        RedFlag(RedFlagKind.UNCOVERED_OPPONENT, ("周杰",), 5),
        RedFlag(RedFlagKind.UNCOVERED_OPPONENT, ("孙立",), 4),
    ]
