"""The pipeline: open deals grouped by stage, and the forecast they add up to.

Pure rules, no book and no Qt: the store reads the deals (``kamdesk.store.pipeline``) and
the window shows what these functions work out, so the figures on the board, in the
table and in the footer are one computation and always agree.

Money is kept per currency and never converted: the book holds no exchange rates, and a
forecast that silently mixed yuan and dollars would be wrong by the rate. A weighted
amount is the amount × the deal's probability, in whole minor units (fen, cents),
rounded half to even per deal, so the weighted figures of the cards, the stages and the
total add up exactly as a reader checking them by hand would add them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from kamdesk.i18n import N_, _

#: The status of a deal still being worked: the pipeline shows these unless told otherwise.
OPEN = "open"

#: Close-quarter labels, one per quarter: Chinese writes the quarter as a word (第一季度).
_QUARTER_LABELS = (N_("{year} Q1"), N_("{year} Q2"), N_("{year} Q3"), N_("{year} Q4"))


def weighted_minor(amount_minor: int, probability: int) -> int:
    """``amount × probability / 100`` in whole minor units, rounded half to even.

    Integers throughout: a float would lose cents on amounts above 2**53 / 100.
    """
    whole, rest = divmod(amount_minor * probability, 100)
    if rest > 50 or (rest == 50 and whole % 2 == 1):
        whole += 1
    return whole


class Quarter(NamedTuple):
    """A calendar quarter, the unit deals are expected to close in."""

    year: int
    number: int  # 1 to 4

    @property
    def key(self) -> str:
        """``2027-Q1``: the quarter as a filter value (sorts as the quarters do)."""
        return f"{self.year}-Q{self.number}"

    def label(self) -> str:
        """``2027 Q1`` / ``2027年第一季度`` in the current language."""
        return _(_QUARTER_LABELS[self.number - 1]).format(year=self.year)


#: The filter value for deals with no expected close date.
NO_CLOSE_DATE = ""


def quarter_of(day: dt.date | None) -> Quarter | None:
    """The quarter ``day`` falls in (None for no date)."""
    if day is None:
        return None
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_key(day: dt.date | None) -> str:
    """The close-quarter filter value of a date (``NO_CLOSE_DATE`` for none)."""
    quarter = quarter_of(day)
    return quarter.key if quarter else NO_CLOSE_DATE


def quarter_label(key: str) -> str:
    """The label of a close-quarter filter value (``2027 Q1``, or "No close date")."""
    if key == NO_CLOSE_DATE:
        return _("No close date")
    year, number = key.split("-Q")
    return Quarter(int(year), int(number)).label()


class Deal(NamedTuple):
    """One deal as the pipeline shows it, with the names it is listed under."""

    id: str
    name: str
    account_id: str
    account_name: str
    #: '' when the deal has no owner, or its owner has left the team.
    owner_id: str
    owner_name: str
    stage_model: str
    stage: str
    status: str
    amount_minor: int | None
    currency: str
    #: In percent: the deal's own, or its stage's when the deal has none.
    probability: int
    expected_close: dt.date | None

    @property
    def weighted_minor(self) -> int | None:
        """The amount weighted by the probability (None when the amount is not known)."""
        if self.amount_minor is None:
            return None
        return weighted_minor(self.amount_minor, self.probability)

    @property
    def close_quarter(self) -> str:
        """The close-quarter filter value (``2027-Q1``, or ``NO_CLOSE_DATE``)."""
        return quarter_key(self.expected_close)


@dataclass(frozen=True)
class DealFilter:
    """Which deals the pipeline shows. An empty set means "any"."""

    #: Only deals on this stage model (None: every model).
    stage_model: str | None = None
    #: Team member ids; '' stands for "no owner".
    owners: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    #: Close-quarter keys (``2027-Q1``); ``NO_CLOSE_DATE`` for deals without a date.
    quarters: frozenset[str] = frozenset()
    statuses: frozenset[str] = field(default_factory=lambda: frozenset({OPEN}))

    def matches(self, deal: Deal) -> bool:
        """Whether ``deal`` passes every condition."""
        return (
            (self.stage_model is None or deal.stage_model == self.stage_model)
            and (not self.owners or deal.owner_id in self.owners)
            and (not self.stages or deal.stage in self.stages)
            and (not self.quarters or deal.close_quarter in self.quarters)
            and (not self.statuses or deal.status in self.statuses)
        )


def filter_deals(deals: Iterable[Deal], deal_filter: DealFilter) -> list[Deal]:
    """The deals ``deal_filter`` lets through, in the order given."""
    return [deal for deal in deals if deal_filter.matches(deal)]


class Figures(NamedTuple):
    """How many deals, and their amount and weighted amount in each currency."""

    deal_count: int
    #: Currency code → minor units; a currency appears once a deal in it has an amount.
    amount: Mapping[str, int]
    weighted: Mapping[str, int]


def figures_of(deals: Iterable[Deal]) -> Figures:
    """The count, amounts and weighted amounts of ``deals``, per currency."""
    count = 0
    amount: dict[str, int] = {}
    weighted: dict[str, int] = {}
    for deal in deals:
        count += 1
        if deal.amount_minor is not None:
            amount[deal.currency] = amount.get(deal.currency, 0) + deal.amount_minor
            weighted[deal.currency] = weighted.get(deal.currency, 0) + weighted_minor(
                deal.amount_minor, deal.probability
            )
    return Figures(count, amount, weighted)


class StageColumn(NamedTuple):
    """One stage of the board: its deals, in the order given, and their figures."""

    stage: str
    deals: tuple[Deal, ...]
    figures: Figures


class Forecast(NamedTuple):
    """The board's columns and the total of them all."""

    stages: tuple[StageColumn, ...]
    total: Figures


def forecast(deals: Iterable[Deal], stages: Sequence[str]) -> Forecast:
    """Group ``deals`` by stage, in the order of ``stages``, with figures per stage and in all.

    Every stage of ``stages`` has its column, empty or not, so the board keeps its shape
    as deals move. A deal on a stage not in ``stages`` (one a team added to the list, or
    one of another stage model) gets a column after them, by code: no deal is left out
    of the total.
    """
    by_stage: dict[str, list[Deal]] = {stage: [] for stage in stages}
    extra: dict[str, list[Deal]] = {}
    for deal in deals:
        (by_stage if deal.stage in by_stage else extra).setdefault(deal.stage, []).append(deal)
    columns = [
        StageColumn(stage, tuple(grouped), figures_of(grouped))
        for stage, grouped in [*by_stage.items(), *sorted(extra.items())]
    ]
    return Forecast(tuple(columns), _total(columns))


def _total(columns: Sequence[StageColumn]) -> Figures:
    amount: dict[str, int] = {}
    weighted: dict[str, int] = {}
    for column in columns:
        for currency, value in column.figures.amount.items():
            amount[currency] = amount.get(currency, 0) + value
        for currency, value in column.figures.weighted.items():
            weighted[currency] = weighted.get(currency, 0) + value
    return Figures(sum(column.figures.deal_count for column in columns), amount, weighted)


def in_currency_order(amounts: Mapping[str, int], first: str) -> list[tuple[str, int]]:
    """(currency, amount) pairs with ``first`` (the user's currency) first, then by code.

    ``first`` is always there, at 0 when no deal is in it: the forecast reads "¥0.00"
    rather than nothing.
    """
    others = sorted((code, value) for code, value in amounts.items() if code != first)
    return [(first, amounts.get(first, 0)), *others]


def close_quarters(deals: Iterable[Deal]) -> list[str]:
    """The close-quarter keys of ``deals``, earliest first, "no close date" last."""
    keys = {deal.close_quarter for deal in deals}
    return sorted(keys - {NO_CLOSE_DATE}) + ([NO_CLOSE_DATE] if NO_CLOSE_DATE in keys else [])
