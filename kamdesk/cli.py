"""The ``kamdesk`` command: open the app, write a demo book or a report, or sync a book.

This module is the entry point and the only one that imports ``kamdesk.ui``. It imports
nothing heavy at the top, so ``kamdesk --help`` and the window's first paint stay fast.
Every failure the user can cause prints one line to stderr and exits non-zero.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk import __version__
from kamdesk.errors import KamdeskError

if TYPE_CHECKING:
    from kamdesk.reports.data import Branding
    from kamdesk.store.book import Book

#: When the process started, as early as we can tell (for --exit-after-startup).
STARTED_AT = time.perf_counter()

EXIT_OK = 0
EXIT_ERROR = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamdesk", description="KAMDesk: the key-account manager's desk."
    )
    parser.add_argument("--version", action="version", version=f"KAMDesk {__version__}")
    parser.add_argument("--book", type=Path, help="account book to open (created if missing)")
    parser.add_argument("--language", choices=("en", "zh_CN"), help="language of this run")
    parser.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="show the window, print the startup time once the account list is painted, exit",
    )
    commands = parser.add_subparsers(dest="command")

    demo = commands.add_parser("demo", help="write a demo book and open it")
    demo.add_argument("--book", type=Path, default=argparse.SUPPRESS, help="where to write it")
    demo.add_argument("--accounts", type=int, default=30, help="how many accounts (default 30)")
    demo.add_argument("--seed", type=int, default=7, help=argparse.SUPPRESS)
    demo.add_argument("--no-gui", action="store_true", help="write the book, do not open it")

    report = commands.add_parser("report", help="write a PDF report with no window")
    kinds = report.add_subparsers(dest="report", required=True)
    summary = kinds.add_parser("account-summary", help="one account's summary")
    summary.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    summary.add_argument("--account", required=True, help="account name or id")
    summary.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")
    briefing = kinds.add_parser("visit-briefing", help="one visit's one-page briefing")
    briefing.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    briefing.add_argument("--visit", required=True, help="visit id")
    briefing.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")
    proposal = kinds.add_parser("proposal", help="one proposal version, in its own language")
    proposal.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    proposal.add_argument("--proposal", required=True, help="proposal id")
    proposal.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")

    export = commands.add_parser("export", help="write data from the book for another program")
    formats = export.add_subparsers(dest="format", required=True)
    ics = formats.add_parser("ics", help="visits as a calendar file (.ics)")
    ics.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    ics.add_argument("--visit", help="one visit's id (default: every visit from today on)")
    ics.add_argument("-o", "--output", type=Path, required=True, help=".ics file to write")
    xlsx = formats.add_parser("xlsx", help="a proposal's options and cash flows (.xlsx)")
    xlsx.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    xlsx.add_argument("--proposal", required=True, help="proposal id")
    xlsx.add_argument("-o", "--output", type=Path, required=True, help=".xlsx file to write")

    deals = commands.add_parser("deals", help="list the open deals, one per line (tab-separated)")
    deals.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)

    proposals = commands.add_parser(
        "proposals", help="list the proposals, one per line (tab-separated)"
    )
    proposals.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)

    visits = commands.add_parser("visits", help="list visits, one per line (tab-separated)")
    visits.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    visits.add_argument("--from", dest="first", help="first day, YYYY-MM-DD (default: today)")
    visits.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (default: no end)")

    sync = commands.add_parser(
        "sync",
        help="send this book's changes to a shared folder or a sync server and take the "
        "others' (once)",
        description="The team passphrase of an encrypted folder comes from the OS keyring, "
        "or from KAMDESK_SYNC_PASSPHRASE where there is no keyring; a sync server's token "
        "from the keyring or KAMDESK_SYNC_TOKEN.",
    )
    sync.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    through = sync.add_mutually_exclusive_group(required=True)
    through.add_argument("--folder", type=Path, help="the shared sync folder")
    through.add_argument("--server", help="the team's sync server, http(s)://HOST:PORT")
    sync.add_argument(
        "--allow-mass-delete",
        action="store_true",
        help="apply a sync even if it deletes more than half the accounts",
    )
    sync.add_argument(
        "--encrypt",
        action="store_true",
        help="an empty folder becomes an encrypted one, with KAMDESK_SYNC_PASSPHRASE",
    )

    conflicts = commands.add_parser(
        "conflicts", help="list the values sync kept aside for you to choose between"
    )
    conflicts.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    conflicts.add_argument("--json", action="store_true", help="one JSON array, for scripts")
    refused = commands.add_parser(
        "refused",
        help="list this book's changes the sync server refused (they are kept in the book)",
    )
    refused.add_argument("--book", type=Path, default=argparse.SUPPRESS, required=True)
    refused.add_argument("--json", action="store_true", help="one JSON array, for scripts")
    refused.add_argument(
        "--dismiss", action="store_true", help="drop the notices once listed (values stay)"
    )
    _add_server_commands(commands)
    return parser


def _add_server_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``kamdesk serve`` and ``kamdesk server ...``: the team sync server and its users."""
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--db",
        help="sqlite:///PATH (default: a file in the data folder) or postgresql://USER@HOST/DB",
    )
    serve = commands.add_parser(
        "serve", parents=[database], help="run the team sync server (until stopped)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on")
    serve.add_argument("--certfile", type=Path, help="TLS certificate (PEM), with --keyfile")
    serve.add_argument("--keyfile", type=Path, help="TLS private key (PEM), with --certfile")
    serve.add_argument(
        "--max-body-mb", type=int, default=16, help="largest request body taken, in MiB"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes on the port (more than 1 needs PostgreSQL)",
    )
    server = commands.add_parser("server", help="the sync server's users and accounts")
    tasks = server.add_subparsers(dest="task", required=True)
    add_user = tasks.add_parser(
        "add-user", parents=[database], help="add a user; prints its token once, on the last line"
    )
    add_user.add_argument("name")
    add_user.add_argument("--role", choices=("rep", "manager", "admin"), required=True)
    add_user.add_argument("--team", required=True)
    tasks.add_parser("list-users", parents=[database], help="one line per user (tab-separated)")
    revoke = tasks.add_parser("revoke", parents=[database], help="refuse a user's token")
    revoke.add_argument("name")
    move = tasks.add_parser(
        "move-account", parents=[database], help="hand an account over to another team"
    )
    move.add_argument("account", help="the account's name or id")
    move.add_argument("--team", required=True)
    prune = tasks.add_parser(
        "prune",
        parents=[database],
        help="forget old entries (books whose last sync is older start again from a snapshot)",
    )
    how_much = prune.add_mutually_exclusive_group(required=True)
    how_much.add_argument("--keep", type=int, help="how many latest entries to keep")
    how_much.add_argument(
        "--older-than", type=float, metavar="DAYS", help="forget entries written before that"
    )
    token = commands.add_parser(
        "remember-token",
        help="keep a sync server's token in the OS keyring (read from standard input)",
    )
    token.add_argument("--server", required=True, help="the sync server, http(s)://HOST:PORT")
    token.add_argument("--forget", action="store_true", help="forget the kept token instead")


def _fail(message: str) -> int:
    print(f"kamdesk: {message}", file=sys.stderr)
    return EXIT_ERROR


def _setup_language(choice: str | None) -> None:
    from kamdesk.i18n import set_language
    from kamdesk.settings import LANGUAGE, Settings

    set_language(choice or Settings().get(LANGUAGE))


def _default_book() -> Path:
    from kamdesk.paths import default_book_path

    path = default_book_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _run_demo(args: argparse.Namespace) -> int:
    from kamdesk.demo import write_demo_book
    from kamdesk.i18n import _
    from kamdesk.paths import data_dir

    book: Path | None = getattr(args, "book", None)
    if args.accounts < 1:
        return _fail(_("--accounts must be at least 1."))
    if book is None:
        book = data_dir() / "demo.kamdesk"
        book.parent.mkdir(parents=True, exist_ok=True)
        if book.exists():
            print(_("Opening the demo book written earlier: {path}").format(path=book))
            return EXIT_OK if args.no_gui else _run_app(book, args)
    elif book.exists():
        return _fail(
            _("{path} already exists; choose a new file for the demo book.").format(path=book)
        )

    def show_progress(done: int, total: int) -> None:
        if total >= 1000:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    summary = write_demo_book(book, args.accounts, seed=args.seed, progress=show_progress)
    if args.accounts >= 1000:
        print(file=sys.stderr)
    print(
        _("Wrote {accounts} accounts and {stakeholders} stakeholders to {path}").format(
            accounts=summary.accounts, stakeholders=summary.stakeholders, path=book
        )
    )
    return EXIT_OK if args.no_gui else _run_app(book, args)


def _run_deals(args: argparse.Namespace) -> int:
    """``kamdesk deals``: ID, account, deal, stage, amount, currency, close date per line."""
    from kamdesk.formatting import minor_to_major
    from kamdesk.i18n import current_language
    from kamdesk.store.book import Book
    from kamdesk.store.pipeline import pipeline_deals
    from kamdesk.store.reader import BookReader

    with Book.open(args.book) as book:
        language = current_language().code
        labels = {t.code: t.label(language) for t in BookReader(book.db).vocabulary()["deal_stage"]}
        for deal in pipeline_deals(book.db):
            if deal.status != "open":
                continue
            amount = (
                ""
                if deal.amount_minor is None
                else str(minor_to_major(deal.amount_minor, deal.currency))
            )
            close = deal.expected_close.isoformat() if deal.expected_close else ""
            stage = labels.get(deal.stage, deal.stage)
            _print_rows(
                [(deal.id, deal.account_name, deal.name, stage, amount, deal.currency, close)]
            )
    return EXIT_OK


def _run_visits(args: argparse.Namespace) -> int:
    """``kamdesk visits``: ID, start (ISO 8601 in the visit's zone), account, title per line.

    A visit counts on its own day (in its time zone), as the week view shows it.
    """
    import datetime as dt

    from kamdesk.domain.visits import in_zone
    from kamdesk.i18n import _
    from kamdesk.store.book import Book
    from kamdesk.store.visits import visits_between

    days: list[dt.date | None] = []
    for option, given in (("--from", args.first), ("--to", args.last)):
        if given is None:
            days.append(None)
            continue
        try:
            days.append(dt.date.fromisoformat(given))
        except ValueError:
            return _fail(
                _("{option} {value} is not a date: use YYYY-MM-DD, such as 2026-12-31.").format(
                    option=option, value=given
                )
            )
    first = days[0] or dt.date.today()
    last = days[1]
    if last is not None and last < first:
        return _fail(_("--to {last} is before --from {first}.").format(last=last, first=first))
    # A day runs from UTC-12 to UTC+14: read a day more on each side, then keep the visits
    # whose own day is in the range.
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.UTC)
    end = (
        None
        if last is None
        else dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), dt.UTC)
    )
    with Book.open(args.book) as book:
        for visit in visits_between(book.db, start, end):
            starts = in_zone(visit.starts_at, visit.time_zone)
            if starts.date() < first or (last is not None and starts.date() > last):
                continue
            _print_rows([(visit.id, starts.isoformat(), visit.account_name, visit.title)])
    return EXIT_OK


def _print_rows(rows: Iterable[Sequence[str]]) -> None:
    """One tab-separated line a row; a tab or line break inside a field becomes a space."""
    for fields in rows:
        print("\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields))


def _write_file(args: argparse.Namespace, make: Callable[[Book], bytes]) -> int:
    """Write what ``make`` reads from ``--book`` to ``-o``, whole or not at all."""
    from kamdesk.i18n import _
    from kamdesk.ops.reports import save_file
    from kamdesk.store.book import Book

    output: Path = args.output
    if not output.parent.expanduser().is_dir():
        return _fail(_("The folder {folder} does not exist.").format(folder=output.parent))
    with Book.open(args.book) as book:
        save_file(make(book), output)
    print(_("Wrote {path}").format(path=output))
    return EXIT_OK


def _branding() -> Branding:
    from kamdesk.ops.reports import branding_from
    from kamdesk.settings import Settings

    return branding_from(Settings())


def _run_visit_briefing(args: argparse.Namespace) -> int:
    """``kamdesk report visit-briefing``: one visit's one-page briefing PDF."""
    from kamdesk.ops.briefing import visit_briefing_pdf

    return _write_file(args, lambda book: visit_briefing_pdf(book, args.visit, _branding()))


def _run_proposals(args: argparse.Namespace) -> int:
    """``kamdesk proposals``: ID, account, title, version, status per line."""
    from kamdesk.ops.proposals import proposals_of_book
    from kamdesk.store.book import Book

    with Book.open(args.book) as book:
        _print_rows(
            (p.id, p.account, p.title, str(p.version), p.status) for p in proposals_of_book(book)
        )
    return EXIT_OK


def _run_proposal_report(args: argparse.Namespace) -> int:
    """``kamdesk report proposal``: one proposal version's PDF, in its own language."""
    from kamdesk.ops.proposal_outputs import proposal_pdf_of

    return _write_file(args, lambda book: proposal_pdf_of(book, args.proposal, _branding()))


def _run_xlsx_export(args: argparse.Namespace) -> int:
    """``kamdesk export xlsx``: one proposal version's options and cash flows."""
    from kamdesk.ops.proposal_outputs import proposal_xlsx_of

    return _write_file(args, lambda book: proposal_xlsx_of(book, args.proposal))


def _run_export(args: argparse.Namespace) -> int:
    """``kamdesk export ics``: one visit, or every visit from today on, as a calendar file."""
    if args.format == "xlsx":
        return _run_xlsx_export(args)
    from kamdesk.i18n import _, ngettext
    from kamdesk.ops.calendar import export_calendar
    from kamdesk.store.book import Book

    output: Path = args.output
    if not output.parent.expanduser().is_dir():
        return _fail(_("The folder {folder} does not exist.").format(folder=output.parent))
    with Book.open(args.book) as book:
        count = export_calendar(book, output, args.visit)
    message = ngettext("Wrote {count} visit to {path}", "Wrote {count} visits to {path}", count)
    print(message.format(count=count, path=output))
    return EXIT_OK


def _run_report(args: argparse.Namespace) -> int:
    if args.report == "visit-briefing":
        return _run_visit_briefing(args)
    if args.report == "proposal":
        return _run_proposal_report(args)
    from kamdesk.i18n import _
    from kamdesk.ops.reports import account_summary_pdf, branding_from, save_file
    from kamdesk.settings import Settings
    from kamdesk.store.book import Book
    from kamdesk.store.reader import BookReader

    output: Path = args.output
    if not output.parent.expanduser().is_dir():
        return _fail(_("The folder {folder} does not exist.").format(folder=output.parent))
    with Book.open(args.book) as book:
        matches = BookReader(book.db).find_accounts(args.account)
        if not matches:
            return _fail(
                _("No account named {name} in {path}.").format(name=args.account, path=args.book)
            )
        if len(matches) > 1:
            return _fail(
                _("{count} accounts are named {name}; give the account id instead: {ids}").format(
                    count=len(matches), name=args.account, ids=", ".join(m[0] for m in matches)
                )
            )
        save_file(account_summary_pdf(book, matches[0][0], branding_from(Settings())), output)
    print(_("Wrote {path}").format(path=output))
    return EXIT_OK


def _run_sync(args: argparse.Namespace) -> int:
    """``kamdesk sync``: one sync with a shared folder or a server; one line of figures."""
    from kamdesk.i18n import _, ngettext
    from kamdesk.ops.sync import SyncReport, sync_with_folder
    from kamdesk.store.book import Book

    report: SyncReport
    if args.server is not None:
        from kamdesk.ops.server_sync import sync_book_with_server

        report = sync_book_with_server(
            args.book, args.server, allow_mass_delete=args.allow_mass_delete
        )
        for line in report.warnings:
            print(f"kamdesk: {line}", file=sys.stderr)
        print(
            _("sent {sent}, received {received}, conflicts {conflicts}").format(
                sent=report.sent, received=report.received, conflicts=report.conflicts
            )
        )
        if report.refused_pending:
            # Until they are dismissed: a script learns of them even if a sync that
            # kept them failed later on.
            return _fail(
                ngettext(
                    "The server refused {count} change: {reason} "
                    "`kamdesk refused --book {book}` lists it.",
                    "The server refused {count} changes: {reason} "
                    "`kamdesk refused --book {book}` lists them.",
                    report.refused_pending,
                ).format(
                    count=report.refused_pending,
                    reason=report.refused_reason,
                    book=report.refused_book or args.book,
                )
            )
        return EXIT_OK
    _start_empty_folder(args.folder.expanduser(), encrypt=args.encrypt)
    # A new book (a second laptop) is made empty and receives everything.
    with Book.open(args.book, create=True) as book:
        report = sync_with_folder(
            book, args.folder.expanduser(), allow_mass_delete=args.allow_mass_delete
        )
    for line in [*report.warnings, *(p.message for p in report.problems)]:
        print(f"kamdesk: {line}", file=sys.stderr)
    print(
        _("sent {sent}, received {received}, conflicts {conflicts}").format(
            sent=report.sent, received=report.received, conflicts=report.conflicts
        )
    )
    return EXIT_OK


def _start_empty_folder(folder: Path, *, encrypt: bool) -> None:
    """Make an empty folder the team's sync folder: the first sync starts it.

    A folder with files but no format file is left alone (it may still be arriving from a
    cloud service); the sync then says so.
    """
    import os

    from kamdesk.i18n import _
    from kamdesk.sync.crypto import PASSPHRASE_VARIABLE
    from kamdesk.sync.folder import init_folder

    if not folder.is_dir() or any(folder.iterdir()):
        return
    passphrase = os.environ.get(PASSPHRASE_VARIABLE) if encrypt else None
    if encrypt and not passphrase:
        raise KamdeskError(
            _("Set {variable} to the team's passphrase to start an encrypted folder.").format(
                variable=PASSPHRASE_VARIABLE
            )
        )
    init_folder(folder, passphrase=passphrase)


def _run_conflicts(args: argparse.Namespace) -> int:
    """``kamdesk conflicts``: record, field, value, writer, time; then the current value."""
    import json

    from kamdesk.ops.conflicts import open_conflicts
    from kamdesk.store.book import Book

    with Book.open(args.book) as book:
        found = open_conflicts(book)
    if args.json:
        print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    _print_rows(
        (
            c.id,
            c.record,
            c.column,
            json.dumps(c.value, ensure_ascii=False),
            c.writer,
            c.written_at.isoformat(),
            json.dumps(c.current, ensure_ascii=False),
            c.current_writer or "",
            c.current_written_at.isoformat() if c.current_written_at else "",
        )
        for c in found
    )
    return EXIT_OK


def _run_refused(args: argparse.Namespace) -> int:
    """``kamdesk refused``: account, record, field, value, when; then the server's reason."""
    import json

    from kamdesk.ops.refusals import dismiss_refused, refused_changes
    from kamdesk.store.book import Book

    with Book.open(args.book) as book:
        found = refused_changes(book)
        if args.dismiss:
            dismiss_refused(book, (change.seq for change in found))
    if args.json:
        print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    _print_rows(
        (
            c.account or "",
            c.record,
            c.column,
            json.dumps(c.value, ensure_ascii=False),
            c.written_at.isoformat(),
            c.reason,
        )
        for c in found
    )
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    """``kamdesk serve``: the sync server, until Ctrl+C or SIGTERM."""
    from kamdesk.i18n import _
    from kamdesk.server.app import serve
    from kamdesk.server.db import default_database_url, engine_url

    if (args.certfile is None) != (args.keyfile is None):
        return _fail(_("Give both --certfile and --keyfile, or neither."))
    if args.max_body_mb < 1:
        return _fail(_("--max-body-mb is at least 1."))
    url = args.db or default_database_url()
    if args.workers < 1:
        return _fail(_("--workers is at least 1."))
    if args.workers > 1 and engine_url(url).get_backend_name() != "postgresql":
        return _fail(
            _("Several server processes need a PostgreSQL database; a SQLite file takes one.")
        )
    serve(
        url,
        host=args.host,
        port=args.port,
        certfile=str(args.certfile) if args.certfile else None,
        keyfile=str(args.keyfile) if args.keyfile else None,
        body_limit=args.max_body_mb * 1024 * 1024,
        workers=args.workers,
    )
    return EXIT_OK


def _run_server_task(args: argparse.Namespace) -> int:
    """``kamdesk server ...``: users, handovers and pruning, straight on the database."""
    from kamdesk.i18n import _, ngettext
    from kamdesk.server import auth, relay
    from kamdesk.server.db import default_database_url, open_database

    engine = open_database(args.db or default_database_url())
    try:
        if args.task == "add-user":
            token = auth.add_user(engine, args.name, auth.Role(args.role), args.team)
            print(
                _("Added {name} ({role}, team {team}). The token, shown only this once:").format(
                    name=args.name, role=args.role, team=args.team
                )
            )
            print(token)
        elif args.task == "list-users":
            _print_rows(
                (u.name, u.role.value, u.team, _("revoked") if u.revoked else _("active"))
                for u in auth.list_users(engine)
            )
        elif args.task == "revoke":
            auth.revoke_user(engine, args.name)
            print(_("{name}'s token is refused from now on.").format(name=args.name))
        elif args.task == "move-account":
            copied = relay.move_account(engine, args.account, args.team.strip())
            print(
                ngettext(
                    "{account} now belongs to team {team}; {count} field handed over.",
                    "{account} now belongs to team {team}; {count} fields handed over.",
                    copied,
                ).format(account=args.account, team=args.team.strip(), count=copied)
            )
        elif args.task == "prune":
            if args.older_than is not None:
                if not 0 < args.older_than <= 36_500:  # (not NaN, not infinite)
                    return _fail(_("--older-than is a number of days above 0."))
                gone = relay.prune_older_than(engine, args.older_than)
            elif args.keep < 0:
                return _fail(_("--keep is 0 or more."))
            else:
                gone = relay.prune(engine, args.keep)
            print(
                ngettext("{count} entry forgotten.", "{count} entries forgotten.", gone).format(
                    count=gone
                )
            )
    finally:
        engine.dispose()
    return EXIT_OK


def _run_remember_token(args: argparse.Namespace) -> int:
    """``kamdesk remember-token``: the token goes from standard input to the keyring.

    Never an argument: arguments are visible to every user of the machine (ps) and stay
    in the shell's history.
    """
    import getpass

    from kamdesk.i18n import _
    from kamdesk.ops.server_sync import forget_token, keep_token

    if args.forget:
        forget_token(args.server)
        print(_("The token for {url} is forgotten.").format(url=args.server))
        return EXIT_OK
    if sys.stdin.isatty():
        token = getpass.getpass(_("Token for {url}: ").format(url=args.server))
    else:
        token = sys.stdin.readline()
    if not token.strip():
        return _fail(_("No token was given; nothing was kept."))
    keep_token(args.server, token)
    print(_("The token for {url} is kept in this computer's keyring.").format(url=args.server))
    return EXIT_OK


def _run_app(book: Path, args: argparse.Namespace) -> int:
    from kamdesk.ui.app import run_app

    return run_app(
        book,
        language=args.language,
        exit_after_startup=args.exit_after_startup,
        started_at=STARTED_AT,
    )


#: SQLite's result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB.
_DAMAGE_CODES = frozenset({11, 26})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    # Startup allocates many long-lived objects (modules, Qt types and enums); collecting
    # garbage among them only costs time. The window turns collection back on (and
    # freezes what startup made) once the account list is painted.
    gc.disable()
    args = _parser().parse_args(argv)
    try:
        _setup_language(args.language)
        if args.command == "demo":
            gc.enable()
            return _run_demo(args)
        if args.command == "report":
            gc.enable()
            return _run_report(args)
        if args.command == "deals":
            gc.enable()
            return _run_deals(args)
        if args.command == "visits":
            gc.enable()
            return _run_visits(args)
        if args.command == "proposals":
            gc.enable()
            return _run_proposals(args)
        if args.command == "export":
            gc.enable()
            return _run_export(args)
        if args.command == "sync":
            gc.enable()
            return _run_sync(args)
        if args.command == "conflicts":
            gc.enable()
            return _run_conflicts(args)
        if args.command == "refused":
            gc.enable()
            return _run_refused(args)
        if args.command == "serve":
            gc.enable()
            return _run_serve(args)
        if args.command == "server":
            gc.enable()
            return _run_server_task(args)
        if args.command == "remember-token":
            gc.enable()
            return _run_remember_token(args)
        return _run_app(args.book or _default_book(), args)
    except KamdeskError as error:
        return _fail(error.message)
    except sqlite3.DatabaseError as error:
        # Opening checked the book; a read that still fails is said in one line, never as
        # a traceback. Only real damage points at the backups: restoring an old copy is
        # the wrong advice for anything else (a lock, a table this version lacks).
        from kamdesk.i18n import _
        from kamdesk.store.book import damaged_book_error

        book = (Path(args.book) if args.book else _default_book()).expanduser().absolute()
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in _DAMAGE_CODES:
            return _fail(damaged_book_error(book, error).message)
        return _fail(_("Cannot read {path}: {reason}").format(path=book, reason=error))
    except BrokenPipeError:
        # The reader of our output stopped early (``kamdesk deals | head``): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        # A folder of our own that cannot be made: a read-only or full home folder.
        from kamdesk.i18n import _

        return _fail(
            _("Cannot use {path}: {reason}").format(
                path=error.filename, reason=error.strerror or error
            )
        )
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
