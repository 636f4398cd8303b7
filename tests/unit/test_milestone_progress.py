"""How far a deal has come by its milestones, and which one the next visit should answer."""

from __future__ import annotations

from typing import NamedTuple

from kamdesk.domain.milestones import NO_PROGRESS, Tally, progress
from kamdesk.kinds.milestone import STAGES

COMPASS = STAGES["compass"]


class M(NamedTuple):
    stage: str
    text: str
    done: bool = False


CHECKLIST = [
    M("compass.intent", "Problem agreed", True),
    M("compass.intent", "Cost of the problem told", True),
    M("compass.intent", "Coach found"),
    M("compass.solution", "Criteria confirmed", True),
    M("compass.solution", "Users agree"),
    M("compass.commercial", "Budget confirmed"),
    M("compass.closing", "Contract signed"),
]


def test_done_of_all_overall_and_per_stage_in_stage_order() -> None:
    result = progress(CHECKLIST, COMPASS, "compass.solution")
    assert result.overall == Tally(3, 7)
    assert result.overall.text() == "3/7"
    assert result.stages == (
        ("compass.intent", Tally(2, 3)),
        ("compass.solution", Tally(1, 2)),
        ("compass.commercial", Tally(0, 1)),
        ("compass.closing", Tally(0, 1)),
    )


def test_the_next_milestone_is_the_first_not_done_of_the_current_stage() -> None:
    # A milestone left behind in an earlier stage is not what the next visit is for.
    result = progress(CHECKLIST, COMPASS, "compass.solution")
    assert (result.next_milestone, result.next_stage) == ("Users agree", "compass.solution")
    assert progress(CHECKLIST, COMPASS, "compass.intent").next_milestone == "Coach found"


def test_with_the_current_stage_done_the_next_comes_from_the_stages_after() -> None:
    ticked = [m._replace(done=True) if m.stage == "compass.solution" else m for m in CHECKLIST]
    result = progress(ticked, COMPASS, "compass.solution")
    assert (result.next_milestone, result.next_stage) == ("Budget confirmed", "compass.commercial")
    # A stage with no milestones of its own is passed over.
    no_commercial = [m for m in ticked if m.stage != "compass.commercial"]
    assert progress(no_commercial, COMPASS, "compass.solution").next_milestone == "Contract signed"


def test_everything_done_from_the_current_stage_on_leaves_no_next_milestone() -> None:
    done = [m._replace(done=True) for m in CHECKLIST]
    result = progress(done, COMPASS, "compass.closing")
    assert result.overall == Tally(7, 7)
    assert (result.next_milestone, result.next_stage) == ("", "")


def test_the_order_within_a_stage_is_the_checklists() -> None:
    swapped = [CHECKLIST[4], CHECKLIST[3]._replace(done=False), *CHECKLIST[5:]]
    assert progress(swapped, COMPASS, "compass.solution").next_milestone == "Users agree"


def test_milestones_of_another_model_count_for_nothing() -> None:
    stray = [*CHECKLIST, M("project.tender", "Bid published"), M("project.tender", "Won", True)]
    assert progress(stray, COMPASS, "compass.solution").overall == Tally(3, 7)


def test_a_deal_with_no_milestones_shows_no_tally() -> None:
    result = progress([], COMPASS, "compass.intent")
    assert result.overall == Tally(0, 0)
    assert result.overall.text() == ""
    assert result.next_milestone == ""
    assert NO_PROGRESS.overall.text() == ""


def test_a_stage_the_model_does_not_list_starts_from_its_first_stage() -> None:
    # A deal on a stage a team removed from the list: its whole checklist is still ahead.
    assert progress(CHECKLIST, COMPASS, "compass.retired").next_milestone == "Coach found"
