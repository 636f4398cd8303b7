"""How far a deal has come by its milestones: done of all, per stage, and what comes next.

Pure: the store reads a deal's milestones and the window shows what this works out, so
the Deals list, the deal's page and the pipeline's cards say the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol


class MilestoneLike(Protocol):
    """What progress needs of a milestone (a row of the store, or a test's tuple)."""

    @property
    def stage(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def done(self) -> bool: ...


class Tally(NamedTuple):
    """Milestones done, of how many."""

    done: int
    total: int

    def text(self) -> str:
        """``3/12``; empty when there is nothing to count."""
        return f"{self.done}/{self.total}" if self.total else ""


class Progress(NamedTuple):
    """A deal's progress: overall, per stage (in stage order), and its next milestone."""

    overall: Tally
    #: (stage, its tally), for every stage of the model, first to last.
    stages: tuple[tuple[str, Tally], ...]
    #: The first milestone not done of the current stage, else of the stages after it;
    #: '' when every one from the current stage on is done.
    next_milestone: str
    #: The stage ``next_milestone`` belongs to ('' when there is none).
    next_stage: str


NO_PROGRESS = Progress(Tally(0, 0), (), "", "")


def progress(
    milestones: Iterable[MilestoneLike], stages: Sequence[str], current_stage: str
) -> Progress:
    """The progress of a deal at ``current_stage`` whose model has ``stages``.

    ``milestones`` come in checklist order (the order of a stage's milestones is kept).
    A milestone of a stage not in ``stages`` (another model's, from an older book) counts
    for nothing: the checklist is the deal's model's.
    """
    by_stage: dict[str, list[MilestoneLike]] = {stage: [] for stage in stages}
    for milestone in milestones:
        if milestone.stage in by_stage:
            by_stage[milestone.stage].append(milestone)
    tallies = tuple(
        (stage, Tally(sum(1 for m in items if m.done), len(items)))
        for stage, items in by_stage.items()
    )
    overall = Tally(sum(t.done for _s, t in tallies), sum(t.total for _s, t in tallies))
    start = list(stages).index(current_stage) if current_stage in stages else 0
    for stage in stages[start:]:
        waiting = next((m for m in by_stage[stage] if not m.done), None)
        if waiting is not None:
            return Progress(overall, tallies, waiting.text, stage)
    return Progress(overall, tallies, "", "")
