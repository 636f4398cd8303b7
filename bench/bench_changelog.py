"""What the change log costs: the same writes with and without it.

    python bench/bench_changelog.py [--accounts 300]

On two fresh books, runs the same user actions, one transaction each: add an account
with six stakeholders, then edit three fields of every account, then delete and restore
every tenth account. One book logs every changed field (as every local edit does); the
other writes with ``log_changes=False`` (as entries applied from another device are
written). The search index is kept in both. Prints both times and their ratio against
the budget (2 times).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

BUDGET_RATIO = 2.0


def _workload(book_path: Path, accounts: int, log_changes: bool) -> tuple[float, int]:
    from kamdesk.models import Account, Stakeholder, utc_now
    from kamdesk.store.book import Book

    with Book.open(book_path, create=True) as book:
        started = time.perf_counter()
        ids: list[str] = []
        for i in range(accounts):
            with book.write(log_changes=log_changes) as session:
                account = Account(
                    name=f"华东制造 Account {i}",
                    tier="B",
                    industry="manufacturing",
                    annual_revenue_minor=100_000 * i,
                    notes="重点客户 key account",
                )
                session.add(account)
                session.flush()
                for j in range(6):
                    session.add(
                        Stakeholder(
                            account_id=account.id,
                            name=f"联系人 {i}-{j}",
                            title="采购经理",
                            buying_role="UB",
                            attitude="neutral",
                            influence=3,
                        )
                    )
                ids.append(account.id)
        for i, account_id in enumerate(ids):
            with book.write(log_changes=log_changes) as session:
                account = session.get(Account, account_id)
                assert account is not None
                account.tier = "A"
                account.annual_revenue_minor = 200_000 * i
                account.notes = f"更新 updated {i}"
        for account_id in ids[::10]:
            for deleted in (utc_now(), None):
                with book.write(log_changes=log_changes) as session:
                    account = session.get(Account, account_id)
                    assert account is not None
                    account.deleted_at = deleted
        elapsed = time.perf_counter() - started
        entries = int(book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])
    return elapsed, entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kamdesk-bench-"))
    # Warm up imports and the file cache once, unmeasured.
    _workload(folder / "warm.kamdesk", 5, True)
    without, _ = _workload(folder / "without.kamdesk", args.accounts, False)
    with_log, entries = _workload(folder / "with.kamdesk", args.accounts, True)
    transactions = args.accounts * 2 + 2 * len(range(0, args.accounts, 10))
    ratio = with_log / without
    print(f"workload: {args.accounts} accounts x 6 stakeholders, {transactions} transactions")
    print(
        f"without the change log: {without:.2f} s "
        f"({1000 * without / transactions:.2f} ms a transaction)"
    )
    print(
        f"with the change log:    {with_log:.2f} s "
        f"({1000 * with_log / transactions:.2f} ms a transaction), "
        f"{entries} entries"
    )
    print(
        f"ratio: {ratio:.2f} x (budget {BUDGET_RATIO:.1f} x) -> "
        f"{'within budget' if ratio <= BUDGET_RATIO else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()
