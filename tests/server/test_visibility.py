"""Which records follow an account to its team, read from the kinds' declarations alone."""

from __future__ import annotations

from kamdesk.kinds import KINDS
from kamdesk.models import SYNCED_TABLES
from kamdesk.server.visibility import hangs_off_an_account, owner_links


def test_every_declared_kind_under_an_account_follows_it() -> None:
    by_name = {k.name: k for k in KINDS}
    for kind in KINDS:
        chain, at = [], kind
        while at.parent is not None and at.parent.kind in by_name:
            chain.append(at.parent.kind)
            at = by_name[at.parent.kind]
        reaches = at.parent is not None and at.parent.kind == "account"
        assert hangs_off_an_account(kind.name) == reaches, (kind.name, chain)
        if kind.parent is not None and reaches:
            # Its declared parent is the first way to its account.
            assert owner_links()[kind.name][0].column == kind.parent.column


def test_people_coverage_and_links_follow_their_account_and_the_rest_is_team_wide() -> None:
    for table in ("stakeholder", "coverage", "stage_change", "visit_attendee", "visit_team_member"):
        assert hangs_off_an_account(table), table
    team_wide = {t for t in SYNCED_TABLES if not hangs_off_an_account(t)}
    assert team_wide == {
        "team_member",
        "vocabulary",
        "question",
        "milestone_template",
        "conflict_dismissal",
    }
