"""The `loader` command line: the group, the shared verbs and the error handler.

The commands live beside what they do: `loader db` in loader/cli/db.py,
`loader dbt|exec|demo` in loader/cli/run.py, each lane's in
loader/lanes/lane_x/commands.py (made from the shapes in loader/cli/shared.py). Every
failure the user can act on is a LanesError; `main` prints it as one line and
exits with its code (tracebacks only with --debug). Heavy libraries are imported
inside the commands, so `loader --help` answers at once.
"""

from __future__ import annotations

import signal
import sys
import traceback
from typing import TYPE_CHECKING

import click

from loader.cli.db import db
from loader.cli.mapping import mapping
from loader.cli.run import dbt_command, demo_command, exec_command
from loader.cli.tune import tune_group
from loader.cli.week import week_command
from loader.errors import DatabaseError, LanesError
from loader.lanes.lane_a import commands as lane_a_commands
from loader.lanes.lane_b import commands as lane_b_commands

if TYPE_CHECKING:
    import psycopg

_state = {"debug": False}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="outreach-lanes")
def cli(debug: bool) -> None:
    """Outreach Lanes: load sales spreadsheets, score them with dbt, serve ready queues.

    Connection rule: DATABASE_URL when set, else a zero-setup embedded PostgreSQL
    whose data lives in .lanes/pgdata inside the project.
    """
    _state["debug"] = debug


for _command in (db, dbt_command, exec_command, mapping):
    cli.add_command(_command)


@cli.group(short_help="Load a spreadsheet (.xlsx, .xls, .ods, .csv) into a lane.")
def ingest() -> None:
    """Load a spreadsheet (.xlsx, .xlsm, .xls, .ods or .csv) into a lane.

    Exit codes: 0 loaded; 1 rows rejected (without --skip-invalid nothing was
    written); 2 the file is unusable; 3 database error.
    """


@cli.group(short_help="Write a workbook to fill in for a lane.")
def template() -> None:
    """Write a workbook to fill: exact headers, dropdowns, an example row, a help sheet."""


@cli.group(short_help="Write a ready queue to .xlsx or .csv for an outreach tool.")
def export() -> None:
    """Write a lane's ready queue, best first, to .xlsx or .csv for an outreach tool.

    With --mark-touched every exported row is recorded as touched (on its
    recommended channel) in the same transaction, so it leaves the ready view at
    once; the file is only written if that succeeds.
    """


@cli.group(short_help="Record one touch typed by a person.")
def touch() -> None:
    """Record one outreach event typed by a person (a call, a message sent by hand).

    Tools' activity exports load in bulk with `loader ingest lane-a|lane-b touches`.
    """


@cli.group(short_help="One screen on a lane: loads, build, queue, activity, what works.")
def status() -> None:
    """One screen on a lane: what was loaded (and the last load), the last build, the
    queue by tier/action and channel, why the rest waits, outreach activity in the
    last 7 and 30 days, and the performance view's top lines."""


@cli.group(short_help="The weekly report: one HTML page a manager opens (or --json).")
def report() -> None:
    """A lane's weekly report: the queue, the weeks, rates with their intervals, whether
    the score ranks, message experiments, data freshness. One self-contained HTML file
    (opens offline, prints on A4/Letter), or the same figures as JSON."""


@cli.group(short_help="Meetings from where they live (a CalDAV calendar).")
def sync() -> None:
    """Read a lane's records from where they live into a workbook to check and ingest."""


# Each lane owns its commands; the shared verbs above get one subcommand per lane.
VERBS = {"ingest": ingest, "template": template, "export": export, "touch": touch,
         "status": status, "sync": sync, "report": report}  # fmt: skip
lane_a_commands.register(cli, VERBS)
lane_b_commands.register(cli, VERBS)
cli.add_command(demo_command)
cli.add_command(week_command)
cli.add_command(tune_group)


def database_refusal(exc: psycopg.Error) -> str:
    import psycopg

    detail = (exc.diag.message_primary or str(exc) or "no detail").strip().splitlines()[0]
    if isinstance(exc, psycopg.OperationalError):
        # The server stopped or cut the connection mid-command. Writes are one
        # transaction each and re-running is idempotent, so the advice is the same
        # even if the cut came during the commit itself.
        return (
            f"the connection to the database was lost ({detail}). Nothing is half-written: "
            "run the same command again once the database is up (rows that did get stored "
            "are recognised as already loaded, never stored twice)."
        )
    return f"the database refused the command, nothing was changed: {detail}"


def _fail(exc: Exception, code: int) -> None:
    if _state["debug"]:
        traceback.print_exc()
    click.echo(f"error: {exc}", err=True)
    sys.exit(code)


_INTERRUPTED = (
    "error: interrupted: nothing is half-written (a load is one transaction; dbt replaces "
    "each model whole); run the same command again."
)


def _terminated(signum: int, frame: object) -> None:
    # SIGTERM (a scheduler's stop, `timeout`, `kill`) ends a command as Ctrl-C does: the
    # server's query is cancelled (psycopg does so on KeyboardInterrupt), the
    # transaction rolled back and the lane's lock released, so the next run starts at once.
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort; a prompt answered "no" is one too.
        interrupted = isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt)
        click.echo(_INTERRUPTED if interrupted else "aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LanesError as exc:
        _fail(exc, exc.exit_code)
    except KeyboardInterrupt:
        click.echo(_INTERRUPTED, err=True)
        sys.exit(130)
    except Exception as exc:
        # One mapping for every command: a database refusal is one line, exit 3.
        # psycopg is imported here, not at the top: `loader --help` never loads it.
        if not _is_database_error(exc):
            raise
        _fail(DatabaseError(database_refusal(exc)), DatabaseError.exit_code)


def _is_database_error(exc: Exception) -> bool:
    if "psycopg" not in sys.modules:
        return False  # no command that ran had loaded it, so it is not one of its errors
    import psycopg

    return isinstance(exc, psycopg.Error)
