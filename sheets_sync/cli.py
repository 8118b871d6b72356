"""Command line: parse arguments, call the library, print. Errors: one line, never a traceback."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import traceback
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from types import FrameType

from sheets_sync.config import load_config
from sheets_sync.core.text_safety import terminal_text
from sheets_sync.errors import UserError
from sheets_sync.failures import os_error_line, silence_stdout, stdout_closed

DEMO_FILE = "sample.xlsx"


# The engine looks years ahead and back from --today (calendars, anniversaries, history); within
# these bounds every date it computes stays inside Python's and Excel's calendars.
EARLIEST_TODAY, LATEST_TODAY = date(1900, 1, 1), date(9899, 12, 31)


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-23") from None
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise argparse.ArgumentTypeError(
            f"'{text}' is too far from now: give a date between {EARLIEST_TODAY} and "
            f"{LATEST_TODAY}")
    return day


def _lang(text: str) -> str:
    from sheets_sync.core.vocabulary import LANGS

    for known in LANGS:
        if text.casefold() == known.casefold():
            return known
    raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(LANGS)}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sheets-sync",
        description="Turn a contacts workbook into a client-retention system.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_common(p: argparse.ArgumentParser, today: bool = True) -> argparse.ArgumentParser:
        p.add_argument("--config", type=Path, help="TOML file merged over config/default.toml")
        if today:
            p.add_argument("--today", type=_date, help="act as if today were YYYY-MM-DD")
        return p

    demo = with_common(sub.add_parser("demo", help="write a sample workbook and sync it"))
    demo.add_argument("path", nargs="?", default=DEMO_FILE, help=f"default: {DEMO_FILE}")
    demo.add_argument("--lang", default="en", help="en, zh, zh-Hant, ja or ms")
    demo.add_argument("--google", action="store_true",
                      help="put the sample in a new Google Sheet instead, and sync that")

    init = with_common(sub.add_parser("init", help="write a starter workbook (or fill an "
                                      "empty Google Sheet; gsheet:new creates one)"),
                       today=False)
    init.add_argument("path", help="an .xlsx path, a Google Sheet URL, gsheet:<key> or gsheet:new")
    init.add_argument("--lang", default="en", help="en, zh, zh-Hant, ja or ms")
    init.add_argument("--country", help="the book's default country, e.g. CN, TW, HK, SG, MY, "
                      "JP (default: from --lang: zh CN, zh-Hant TW, ja JP, en and ms MY; "
                      "MY with --sample)")
    init.add_argument("--sample", action="store_true", help="fill it with ~40 sample contacts")
    init.add_argument("--today", type=_date, help=argparse.SUPPRESS)

    sync = with_common(sub.add_parser("sync", help="sync a workbook"))
    sync.add_argument("path")
    sync.add_argument(
        "--dry-run", action="store_true", help="print what would change, write nothing"
    )

    today = with_common(sub.add_parser("today", help="print today's touchpoints"))
    today.add_argument("path")
    today.add_argument("--owner", help="only this agent's contacts")

    ics = with_common(sub.add_parser("ics", help="export coming touchpoints as an .ics calendar"))
    ics.add_argument("path")
    ics.add_argument("-o", "--output", type=Path, required=True)
    ics.add_argument("--owner")
    ics.add_argument("--days", type=int, default=30)
    ics.add_argument("--force", action="store_true",
                     help="replace an existing file that sheets-sync did not write")

    report = with_common(sub.add_parser("report", help="write a one-page HTML metrics report"))
    report.add_argument("path")
    report.add_argument("-o", "--output", type=Path, required=True)
    report.add_argument("--force", action="store_true",
                        help="replace an existing file that sheets-sync did not write")

    referrals = with_common(
        sub.add_parser("referrals", help="list top referrers, draw the network")
    )
    referrals.add_argument("path")
    referrals.add_argument("--graph", type=Path, help="write a PNG of who referred whom")
    referrals.add_argument("--force", action="store_true",
                           help="replace an existing file that sheets-sync did not write")

    run = sub.add_parser("run", help="the worker: sync every workbook of an office config")
    run.add_argument("--config", type=Path, required=True, help="office config (TOML)")
    run.add_argument("--once", action="store_true", help="one round, then exit (cron, timers)")
    run.add_argument("--check", action="store_true", help="check the config and workbooks, exit")

    auth = with_common(sub.add_parser("auth", help="Google access: check a sheet, or log in"),
                       today=False)
    what = auth.add_mutually_exclusive_group(required=True)
    what.add_argument("--check", metavar="LOCATION",
                      help="say whether the credentials can read and write this sheet")
    what.add_argument("--login", metavar="CLIENT_SECRET_JSON", type=Path,
                      help="log in with your Google account (installed-app flow); the token "
                      "is saved for this user")

    for command in (sync, today, ics, report, referrals):
        command.add_argument("--lang", dest="book_lang", type=_lang, metavar="LANG",
                             help="write in this language (en, zh, zh-Hant, ja, ms) instead of "
                             "the workbook's; overrides general.book_language")

    status = sub.add_parser("status", help="last success and last error per workbook")
    status.add_argument("--config", type=Path, help="office config (TOML)")
    localise_help(parser, help_language(os.environ))
    return parser


def help_language(environ: Mapping[str, str]) -> str:
    """The language of --help: SHEETS_SYNC_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG:
    zh_CN -> zh, zh_TW / zh_HK -> zh-Hant, ja_JP -> ja, ms_MY -> ms), else English."""
    from sheets_sync.core.vocabulary import LANGS

    wanted = environ.get("SHEETS_SYNC_LANG", "")
    for known in LANGS:
        if wanted.casefold() == known.casefold():
            return known
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        code = environ.get(name, "").split(".")[0].replace("-", "_").casefold()
        if code:
            if code.startswith(("zh_tw", "zh_hk", "zh_mo", "zh_hant")):
                return "zh-Hant"
            return next((k for k in ("zh", "ja", "ms") if code.split("_")[0] == k), "en")
    return "en"


def localise_help(parser: argparse.ArgumentParser, lang: str) -> None:
    """Every description and help text of `parser` and its commands in `lang` (locales/, [cli]);
    argparse's own words ("usage:", "options") stay as Python prints them."""
    if lang == "en":
        return
    from sheets_sync.core.catalogue import text

    if parser.description:
        parser.description = text("cli", parser.description, lang)
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            action.help = text("cli", action.help, lang)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help:
                    choice.help = text("cli", choice.help, lang)
            for sub in action.choices.values():
                localise_help(sub, lang)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _interrupt_on_sigterm()
    # Every command but the worker runs once and exits, and what it builds (modules, classes,
    # the tables) lives until then: the cycle collector's passes over it (about 60, 12 ms on
    # the sample, more on a big book) would free next to nothing. The sync pauses it the same
    # way for its own work.
    pausing = args.command != "run" and gc.isenabled()
    if pausing:
        gc.disable()
    try:
        return _run(args)
    finally:
        if pausing:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        from sheets_sync.shipped_cache import install

        install()  # every command reads the shipped TOML files: parsed copies, kept per file
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        if not stdout_closed():
            return _internal_error(args)
        # `sheets-sync … | head -1`: the reader had what it wanted; the work itself is done.
        silence_stdout()
        return 0
    except UserError as error:
        if error.__cause__ is not None:  # an OS error made into a line: --debug shows it
            _show_traceback(args)
        return _fail(error)
    except OSError as error:
        line = os_error_line(error)
        if line is None:
            return _internal_error(args)
        _show_traceback(args)
        return _fail(line)
    except OverflowError:
        _show_traceback(args)
        return _fail(UserError("a date is out of range (a date computed from --today or from "
                               "a cell lies beyond year 9999 or before year 1)",
                               "check --today and the dates in the workbook"))
    except KeyboardInterrupt:
        print("sheets-sync: interrupted; the workbook is as it was, or fully synced if the "
              "interrupt came after the save — never half-written", file=sys.stderr)
        return 130
    except Exception:  # the promise: one line, never a traceback, unless asked
        return _internal_error(args)


def _fail(error: UserError) -> int:
    # Messages quote tab names, headers and file names: never let them drive the terminal.
    print(f"sheets-sync: {terminal_text(str(error))}", file=sys.stderr)
    return error.exit_code


def _show_traceback(args: argparse.Namespace) -> None:
    if args.debug or os.environ.get("SHEETS_SYNC_DEBUG"):
        traceback.print_exc()


def _internal_error(args: argparse.Namespace) -> int:
    _show_traceback(args)
    error = sys.exc_info()[1]
    print(
        f"sheets-sync: internal error: {type(error).__name__}: "
        f"{terminal_text(str(error))} (run with --debug and report it)",
        file=sys.stderr,
    )
    return 1


def _interrupt_on_sigterm() -> None:
    """`kill`, a cron timeout or a service stop ends a command like Ctrl-C does, so its temporary
    files are removed and its lock released on the way out. (The worker installs its own.)"""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (main() called from embedding code)
        pass


def _today(args: argparse.Namespace) -> date:
    return args.today or date.today()


def cmd_init(args: argparse.Namespace) -> int:
    from sheets_sync.core.catalogue import text
    from sheets_sync.starter import book_country, check_lang, write_starter_workbook
    from sheets_sync.stores.gsheets.location import is_google_location

    # Said on every init, so a book made for the wrong country is noticed before its first sync.
    lang = check_lang(args.lang)
    country = book_country(args.lang, args.country, args.sample)
    settings = f"Default country {country}, language {lang}: change them on the Settings tab."

    def say(*sentences: str) -> None:  # in the new book's language, as its sync summaries are
        gap = "" if lang in ("zh", "zh-Hant", "ja") else " "
        print(gap.join(text("cli", sentence, lang) for sentence in sentences))

    if is_google_location(args.path):
        from sheets_sync.google_cli import init_google

        sheet, contacts = init_google(args.path, load_config(args.config), args.lang,
                                      args.sample, _today(args), country=args.country)
        filled = (f"Filled {sheet.url} with {contacts} sample contacts." if args.sample
                  else f"Filled {sheet.url}.")
        say(filled, settings, f"Next: sheets-sync sync {sheet.canonical}")
        return 0
    summary = write_starter_workbook(
        Path(args.path), lang=args.lang, sample=args.sample, today=_today(args),
        country=args.country,
    )
    wrote = (f"Wrote {args.path} with {summary.contacts} sample contacts, "
             f"{summary.interactions} interactions and {summary.transactions} transactions."
             if args.sample else f"Wrote {args.path}.")
    say(wrote, settings, f"Next: sheets-sync sync {args.path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sheets_sync.starter import write_starter_workbook

    if args.google:
        from sheets_sync.google_cli import NEW, init_google

        sheet, _ = init_google(NEW, load_config(args.config), args.lang, True, _today(args))
        print(f"Wrote the sample to a new Google Sheet: {sheet.url}")
        return _sync(sheet.canonical, args, dry_run=False)
    path = Path(args.path)
    if not path.exists():
        write_starter_workbook(path, lang=args.lang, sample=True, today=_today(args))
        print(f"Wrote sample workbook {path}")
    return _sync(str(path), args, dry_run=False)


def cmd_auth(args: argparse.Namespace) -> int:
    from sheets_sync.google_cli import check_access, login

    if args.login:
        print(login(args.login))
    else:
        print(check_access(args.check, load_config(args.config)))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    return _sync(args.path, args, dry_run=args.dry_run)


def _sync(location: str, args: argparse.Namespace, dry_run: bool) -> int:
    """Sync a workbook path or a Google Sheet location (kept a string: a Path would turn
    "https://" into "https:/")."""
    from sheets_sync.config import unchecked_config, with_book_language
    from sheets_sync.stores.gsheets.location import is_google_location, parse_location
    from sheets_sync.sync import answer_unchanged, sync_workbook

    lang = getattr(args, "book_lang", None)
    # A same-day re-sync of unchanged bytes is answered from the sync record before the schema
    # and the rules are even loaded; the configuration must then be the one that sync checked.
    report = None if dry_run else answer_unchanged(
        location, with_book_language(unchecked_config(args.config), lang), _today(args))
    if report is None:
        config = with_book_language(load_config(args.config), lang)
        report = sync_workbook(location, config, _today(args), dry_run=dry_run)
    from sheets_sync.core.catalogue import text

    google = is_google_location(location)
    shown = parse_location(location).url if google else location
    tiers = " · ".join(f"{t} {n}" for t, n in report.tiers.items())

    def say(line: str) -> None:  # the summary in the book's language (locales/<lang>.toml)
        # English is the catalogue's key: no need to read the catalogue for it.
        print(line if report.language == "en" else text("cli", line, report.language))

    say(
        f"{shown}: {report.contacts} contacts read ({tiers}), {report.issues} issues, "
        f"{report.touchpoints_due} touchpoints due today, {report.done_logged} Done logged, "
        f"{report.ids_assigned} IDs assigned"
    )
    if dry_run:
        say("Dry run: nothing written. A sync would:")
        for line in report.changes:
            print("  - " + text("cli", line, report.language))
    elif report.written and google:
        say(f"Written {shown} in {report.seconds:.1f}s")
    elif report.written:
        path = Path(location)
        say(
            f"Written {path.resolve()} in {report.seconds:.1f}s "
            f"(previous version kept in {path.resolve().parent / '.sheets-sync-backups'})"
        )
    else:
        say("Nothing changed since the last sync; the workbook was not rewritten.")
    return 0


def cmd_today(args: argparse.Namespace) -> int:
    from sheets_sync.report_cli import print_today

    return print_today(args)


def cmd_ics(args: argparse.Namespace) -> int:
    from sheets_sync.report_cli import write_ics

    return write_ics(args)


def cmd_report(args: argparse.Namespace) -> int:
    from sheets_sync.report_cli import write_report

    return write_report(args)


def cmd_referrals(args: argparse.Namespace) -> int:
    from sheets_sync.report_cli import write_referrals

    return write_referrals(args)


def cmd_run(args: argparse.Namespace) -> int:
    from sheets_sync.worker import run_command

    return run_command(args.config, once=args.once, check=args.check)


def cmd_status(args: argparse.Namespace) -> int:
    from sheets_sync.worker import status_command

    return status_command(args.config)


COMMANDS = {
    "demo": cmd_demo,
    "init": cmd_init,
    "sync": cmd_sync,
    "today": cmd_today,
    "ics": cmd_ics,
    "report": cmd_report,
    "referrals": cmd_referrals,
    "run": cmd_run,
    "status": cmd_status,
    "auth": cmd_auth,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
