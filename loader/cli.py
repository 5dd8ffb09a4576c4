"""The `loader` command line: thin wrappers over plain functions.

Every failure the user can act on is a LanesError; `main` prints it as one line
and exits with its code (tracebacks only with --debug).
"""

from __future__ import annotations

import os
import shlex
import sys
import traceback

import click
import psycopg
from rich.console import Console

from loader import database, embedded
from loader.audit import write_guards
from loader.dbt_runner import run_dbt, run_tool
from loader.demo import run_demo
from loader.errors import DatabaseError, LanesError, UsageError
from loader.lane_a import commands as lane_a_commands
from loader.lane_b import commands as lane_b_commands
from loader.migrations import migrate
from loader.paths import project_root
from loader.roles import ensure_roles

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


@cli.group(short_help="Start/stop the embedded server, migrate, show the URL.")
def db() -> None:
    """Manage the database: start/stop the embedded server, migrate, show the URL."""


@db.command("start")
@click.option(
    "--listen",
    metavar="HOST:PORT",
    help="Also listen on TCP for BI tools (password logins, scram-sha-256), e.g. "
    "127.0.0.1:5433; kept for later starts. `--listen off` goes back to the socket only.",
)
def db_start(listen: str | None) -> None:
    """Start the embedded PostgreSQL (initialising it on first use)."""
    if _url_set():
        click.echo("DATABASE_URL is set: the embedded server is not used.")
        return
    if listen is not None:
        embedded.set_listen(None if listen.strip().lower() == "off" else listen)
    embedded.start()
    current = embedded.status()
    click.echo(f"embedded PostgreSQL running (pid {current.pid}), data in {current.data_dir}")
    address = embedded.saved_listen()
    if address:
        click.echo(
            f"listening on {address[0]}:{address[1]} for BI tools: log in with a role that has "
            "a password and is granted lanes_bi (see README, BI tools)"
        )


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL (data is kept)."""
    if embedded.stop():
        click.echo("embedded PostgreSQL stopped")
    else:
        click.echo("embedded PostgreSQL was not running")


@db.command("status")
def db_status() -> None:
    """Show which database commands will use, whether it answers, and whether every
    write-once and audit trigger is on (exit 1, with the fix, when one is off)."""
    if _url_set():
        target = database.resolve()
        with database.connect(target) as conn:
            version = conn.execute("show server_version").fetchone()[0]
            click.echo(f"using DATABASE_URL: {target.masked()} (PostgreSQL {version})")
            _report_write_guards(conn)
        return
    current = embedded.status()
    state = "running" if current.running else ("stopped" if current.initialised else "not created")
    click.echo(f"using the embedded PostgreSQL: {state}; data in {current.data_dir}")
    if current.running:
        click.echo(f"pid {current.pid}, socket in {current.socket_dir}")
        with database.connect(database.resolve(start_embedded=False)) as conn:
            _report_write_guards(conn)


def _report_write_guards(conn: psycopg.Connection) -> None:
    """Exit 1 when a write-once or audit trigger is off: history could be changed unseen."""
    checked, off = write_guards(conn)
    if not checked:
        return
    if not off:
        click.echo(f"write guards: all {checked} write-once and audit triggers enabled")
        return
    for guard in off:
        click.echo(
            f"write guard {guard.state}: {guard.trigger_name} on {guard.table_name}; "
            f"fix: {guard.fix()}",
            err=True,
        )
    click.echo(
        f"{len(off)} of {checked} write guards are off: rows written meanwhile may be "
        "unaudited or changed; compare shq.audit_log with the tables.",
        err=True,
    )
    raise SystemExit(1)


@db.command("url")
def db_url() -> None:
    """Print the connection URL in use (password masked)."""
    click.echo(database.resolve().masked())


@db.command("env")
def db_env() -> None:
    """Print `export PG...` lines for plain `dbt`/`psql` (eval "$(loader db env)").

    The password is never printed: with a DATABASE_URL that has one, export
    PGPASSWORD yourself or run dbt through `loader dbt`.
    """
    target = database.resolve()
    env = database.libpq_env(target)
    # So plain `dbt` finds the project and its profile from any folder, not only the root.
    env["DBT_PROJECT_DIR"] = str(project_root())
    env["DBT_PROFILES_DIR"] = str(project_root())
    for key, value in env.items():
        if key == "PGPASSWORD":
            click.echo("# PGPASSWORD is not printed: export it yourself, or use `loader dbt ...`")
            continue
        click.echo(f"export {key}={_shell_quote(value)}")


@db.command("reset")
@click.option("--demo", is_flag=True, help="Drop the demo's database (`loader demo`).")
def db_reset(demo: bool) -> None:
    """Remove the demo's database. Real data is never deleted by the loader."""
    if not demo:
        raise UsageError(
            "only the demo's data can be reset: `loader db reset --demo`. The loader never "
            "deletes real data (its tables are write-once and audited)."
        )
    if _url_set():
        click.echo("note: the demo lives on the embedded server, not on DATABASE_URL", err=True)
    if embedded.drop_demo_database():
        click.echo(f"dropped the demo database {embedded.DEMO_DATABASE_NAME}")
    else:
        click.echo("there was no demo database")


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending schema migrations and (re)create the roles. Safe to re-run."""

    target = database.resolve()
    with database.connect(target, autocommit=True) as conn:
        applied_now = migrate(conn)
        roles = ensure_roles(conn)
    if applied_now:
        for migration in applied_now:
            click.echo(f"applied {migration.path.name}")
    else:
        click.echo("schema is up to date (nothing to apply)")
    if roles.skipped_reason:
        click.echo(f"notice: {roles.skipped_reason}", err=True)
    elif roles.created:
        click.echo(f"created roles: {', '.join(roles.created)}")


@cli.command(
    "dbt",
    short_help="Run dbt on the loader's database (dbt build --select lane_a).",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def dbt_command(args: tuple[str, ...]) -> None:
    """Run dbt against the loader's database, e.g. `loader dbt build --select lane_a`."""

    target = database.ready_target(notify=lambda line: click.echo(line, err=True))
    sys.exit(run_dbt(target, list(args)))


@cli.command(
    "exec",
    short_help="Run a tool (psql, sqlfluff) with the database's PG* variables.",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_command(command: tuple[str, ...]) -> None:
    """Run any command with PG* variables set for the loader's database (e.g. psql)."""

    sys.exit(run_tool(database.resolve(), list(command)))


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


# Each lane owns its commands; the shared verbs above get one subcommand per lane.
VERBS = {"ingest": ingest, "template": template, "export": export, "touch": touch,
         "status": status}  # fmt: skip
lane_a_commands.register(cli, VERBS)
lane_b_commands.register(cli, VERBS)


@cli.command("demo", short_help="Load the examples, build both lanes, show both queues.")
@click.option("--top", default=10, show_default=True, help="Rows of each queue to show.")
def demo_command(top: int) -> None:
    """Migrate, load the example workbooks, build both lanes, show both queues."""
    # A person reads this: fit a 100-column terminal when the output is not one.
    run_demo(Console(width=None if sys.stdout.isatty() else 100), top=top)


def _url_set() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").strip())


def _shell_quote(value: str) -> str:
    return shlex.quote(value)


def database_refusal(exc: psycopg.Error) -> str:
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


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LanesError as exc:
        _fail(exc, exc.exit_code)
    except psycopg.Error as exc:
        # One mapping for every command: a database refusal is one line, exit 3.
        _fail(DatabaseError(database_refusal(exc)), DatabaseError.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
