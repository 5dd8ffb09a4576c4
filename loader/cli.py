"""The `loader` command line: thin wrappers over plain functions.

Every failure the user can act on is a LanesError; `main` prints it as one line
and exits with its code (tracebacks only with --debug).
"""

from __future__ import annotations

import os
import shlex
import sys
import traceback
from pathlib import Path

import click

from loader import database, embedded
from loader.errors import LanesError

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


@cli.group()
def db() -> None:
    """Manage the database: start/stop the embedded server, migrate, show the URL."""


@db.command("start")
def db_start() -> None:
    """Start the embedded PostgreSQL (initialising it on first use)."""
    if _url_set():
        click.echo("DATABASE_URL is set: the embedded server is not used.")
        return
    embedded.start()
    current = embedded.status()
    click.echo(f"embedded PostgreSQL running (pid {current.pid}), data in {current.data_dir}")


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL (data is kept)."""
    if embedded.stop():
        click.echo("embedded PostgreSQL stopped")
    else:
        click.echo("embedded PostgreSQL was not running")


@db.command("status")
def db_status() -> None:
    """Show which database commands will use, and whether it answers."""
    if _url_set():
        target = database.resolve()
        with database.connect(target) as conn:
            version = conn.execute("show server_version").fetchone()[0]
        click.echo(f"using DATABASE_URL: {target.masked()} (PostgreSQL {version})")
        return
    current = embedded.status()
    state = "running" if current.running else ("stopped" if current.initialised else "not created")
    click.echo(f"using the embedded PostgreSQL: {state}; data in {current.data_dir}")
    if current.running:
        click.echo(f"pid {current.pid}, socket in {current.socket_dir}")


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
    for key, value in env.items():
        if key == "PGPASSWORD":
            click.echo("# PGPASSWORD is not printed: export it yourself, or use `loader dbt ...`")
            continue
        click.echo(f"export {key}={_shell_quote(value)}")


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending schema migrations and (re)create the roles. Safe to re-run."""
    from loader.migrations import migrate
    from loader.roles import ensure_roles

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
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def dbt_command(args: tuple[str, ...]) -> None:
    """Run dbt against the loader's database, e.g. `loader dbt build --select lane_a`."""
    from loader.dbt_runner import run_dbt

    sys.exit(run_dbt(database.resolve(), list(args)))


@cli.command(
    "exec",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_command(command: tuple[str, ...]) -> None:
    """Run any command with PG* variables set for the loader's database (e.g. psql)."""
    from loader.dbt_runner import run_tool

    sys.exit(run_tool(database.resolve(), list(command)))


def _ingest_options(command):
    """The options every `loader ingest ...` command shares."""
    options = [
        click.argument("file", type=click.Path(path_type=Path, dir_okay=False)),
        click.option("--dry-run", is_flag=True, help="Validate and report; write nothing."),
        click.option("--sheet", metavar="NAME", help="Sheet to read (default: the first)."),
        click.option(
            "--skip-invalid", is_flag=True, help="Load the valid rows and report the rest."
        ),
        click.option(
            "--rejects",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="PATH",
            help="Write rejected rows plus an `error` column (.xlsx or .csv).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
        click.option("--actor", metavar="NAME", help="Who ran it (default: the OS user)."),
    ]
    return _with_options(command, options)


def _with_options(command, options):
    """Apply click decorators listed in the order --help shows them."""
    for option in reversed(options):
        command = option(command)
    return command


def _run_ingest(run, file: Path, as_json: bool, **kwargs) -> None:
    import psycopg
    from rich.console import Console

    from loader.errors import DatabaseError
    from loader.ingest_run import IngestOptions
    from loader.report import print_report, progress_reporter

    console = Console(stderr=as_json, soft_wrap=True)
    with progress_reporter(console, enabled=not as_json) as progress:
        options = IngestOptions(progress=progress, **kwargs)
        target = database.resolve()
        try:
            with database.connect(target, autocommit=True) as conn:
                report = run(conn, file, options)
        except psycopg.Error as exc:
            raise DatabaseError(
                f"the database refused the load, nothing was written: "
                f"{(exc.diag.message_primary or str(exc)).strip()}"
            ) from exc
    if as_json:
        click.echo(report.to_json())
    else:
        print_report(report, console)
    if report.errors:
        sys.exit(1)


@cli.group()
def ingest() -> None:
    """Load a spreadsheet (.xlsx, .xlsm, .xls or .csv) into a lane.

    Exit codes: 0 loaded; 1 rows rejected (without --skip-invalid nothing was
    written); 2 the file is unusable; 3 database error.
    """


@ingest.command("lane-a")
@_ingest_options
@click.option(
    "--source",
    type=click.Choice(["calendar", "crm", "manual"], case_sensitive=False),
    help="Override the source column for every row.",
)
def ingest_lane_a(file: Path, as_json: bool, source: str | None, **kwargs) -> None:
    """Past sales meetings -> sales.appointment_history (write-once)."""
    from loader.lane_a.ingest import ingest as ingest_appointments

    _run_ingest(
        lambda conn, path, options: ingest_appointments(conn, path, options, source),
        file,
        as_json,
        **kwargs,
    )


@ingest.group("lane-b")
def ingest_lane_b() -> None:
    """Fractional CFO partners: the partner master, then partner meetings."""


@ingest_lane_b.command("partners")
@_ingest_options
def ingest_lane_b_partners(file: Path, as_json: bool, **kwargs) -> None:
    """Partners -> partners.fractional_cfo_master (matched partners are updated)."""
    from loader.lane_b.partners import ingest as ingest_partners

    _run_ingest(ingest_partners, file, as_json, **kwargs)


@ingest_lane_b.command("appointments")
@_ingest_options
def ingest_lane_b_appointments(file: Path, as_json: bool, **kwargs) -> None:
    """Partner meetings -> partners.partner_appointments (write-once)."""
    from loader.lane_b.appointments import ingest as ingest_partner_meetings

    _run_ingest(ingest_partner_meetings, file, as_json, **kwargs)


@cli.group()
def template() -> None:
    """Write a blank workbook to fill: exact headers, dropdowns, a help sheet."""


@template.command("lane-a")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
def template_lane_a(out: Path) -> None:
    """Template for past meetings (loader ingest lane-a)."""
    from loader.lane_a.columns import COLUMNS
    from loader.templates import write_template

    write_template(out, COLUMNS, "Lane A: past sales meetings (sales.appointment_history)")
    click.echo(f"wrote {out}")


@template.group("lane-b")
def template_lane_b() -> None:
    """Templates for the partner master and partner meetings."""


@template_lane_b.command("partners")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
def template_lane_b_partners(out: Path) -> None:
    """Template for partners (loader ingest lane-b partners)."""
    from loader.lane_b.columns import PARTNER_COLUMNS
    from loader.templates import write_template

    write_template(out, PARTNER_COLUMNS, "Lane B: fractional CFO partners")
    click.echo(f"wrote {out}")


@template_lane_b.command("appointments")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
def template_lane_b_appointments(out: Path) -> None:
    """Template for partner meetings (loader ingest lane-b appointments)."""
    from loader.lane_b.columns import APPOINTMENT_COLUMNS
    from loader.templates import write_template

    write_template(out, APPOINTMENT_COLUMNS, "Lane B: meetings with partners")
    click.echo(f"wrote {out}")


@cli.group()
def export() -> None:
    """Write a lane's ready queue, best first, to .xlsx or .csv for an outreach tool.

    With --mark-touched every exported row is recorded as touched (on its
    recommended channel) in the same transaction, so it leaves the ready view at
    once; the file is only written if that succeeds.
    """


def _export_options(command):
    options = [
        click.argument("out", type=click.Path(path_type=Path, dir_okay=False)),
        click.option("--limit", type=int, metavar="N", help="Only the best N rows."),
        click.option(
            "--mark-touched",
            is_flag=True,
            help="Record each exported row as touched (it leaves the queue).",
        ),
        click.option("--actor", metavar="NAME", help="Who exports (default: the OS user)."),
    ]
    return _with_options(command, options)


def _run_export(spec, out: Path, limit: int | None, mark_touched: bool, actor: str | None):
    from loader.queue_export import export_queue

    with database.connect(database.resolve(), autocommit=True) as conn:
        result = export_queue(conn, spec, out, limit, mark_touched, actor)
    touched = f", {result.touched} marked touched" if mark_touched else ""
    click.echo(
        f"wrote {result.rows} row(s) to {result.path}{touched} (run {result.correlation_id})"
    )


@export.command("lane-a")
@_export_options
def export_lane_a(out: Path, limit: int | None, mark_touched: bool, actor: str | None) -> None:
    """bit.v_reactivation_ready -> OUT (.xlsx or .csv)."""
    from loader.lane_a.export import READY_QUEUE

    _run_export(READY_QUEUE, out, limit, mark_touched, actor)


@export.command("lane-b")
@_export_options
def export_lane_b(out: Path, limit: int | None, mark_touched: bool, actor: str | None) -> None:
    """bit.v_partner_outreach_ready -> OUT (.xlsx or .csv)."""
    from loader.lane_b.export import READY_QUEUE

    _run_export(READY_QUEUE, out, limit, mark_touched, actor)


# What every kill-switch entry of either lane keeps.
_ENTRY_OPTIONS = [
    click.option("--reason", required=True, help="Why (kept with the entry)."),
    click.option("--actor", metavar="NAME", help="Who decided (default: the OS user)."),
]


def _entry_options(command):
    return _with_options(command, _ENTRY_OPTIONS)


def _kill_switch_options(command):
    scopes = [
        click.option("--appointment", "appointment", metavar="UID", help="One meeting."),
        click.option("--person", metavar="UUID", help="Every meeting with this person."),
        click.option("--company", metavar="UUID", help="Every meeting with this company."),
    ]
    return _with_options(command, [*scopes, *_ENTRY_OPTIONS])


def _kill_switch(action: str, appointment, person, company, reason, actor, until=None) -> None:
    from loader.errors import UsageError
    from loader.lane_a.kill_switch import record_entry

    given = [(s, k) for s, k in (("appointment", appointment), ("person", person),
                                 ("company", company)) if k]  # fmt: skip
    if len(given) != 1:
        raise UsageError("give exactly one of --appointment, --person or --company.")
    scope, key = given[0]
    with database.connect(database.resolve(), autocommit=True) as conn:
        entry, stored_key = record_entry(conn, scope, key, action, reason, actor, until)
    click.echo(
        f"{action}d {scope} {stored_key} (kill-switch entry {entry}); the ready view follows now"
    )


@cli.group("exclude")
def exclude_group() -> None:
    """Stop outreach now: Lane A kill switch (the latest entry per key wins)."""


@exclude_group.command("lane-a")
@_kill_switch_options
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Exclude until this day (YYYY-MM-DD); default: until an include.",
)
def exclude_lane_a(appointment, person, company, reason, actor, until) -> None:
    """Exclude a meeting, a person or a company from reactivation."""
    import datetime as dt

    expires = until.replace(tzinfo=dt.UTC) if until else None
    _kill_switch("exclude", appointment, person, company, reason, actor, expires)


@cli.group("include")
def include_group() -> None:
    """Lift an earlier exclusion (Lane A kill switch)."""


@include_group.command("lane-a")
@_kill_switch_options
def include_lane_a(appointment, person, company, reason, actor) -> None:
    """Allow a meeting, a person or a company to be reactivated again."""
    _kill_switch("include", appointment, person, company, reason, actor)


def _pause(action: str, partner: str, reason: str, actor: str | None) -> None:
    from loader.lane_b.pauses import record_pause

    with database.connect(database.resolve(), autocommit=True) as conn:
        entry, partner_id, firm = record_pause(conn, partner, action, reason, actor)
    click.echo(f"{action}d {firm} ({partner_id}), entry {entry}; the ready view follows now")


@cli.group("pause")
def pause_group() -> None:
    """Pause outreach to a partner (Lane B kill switch)."""


@pause_group.command("lane-b")
@click.argument("partner")
@_entry_options
def pause_lane_b(partner: str, reason: str, actor: str | None) -> None:
    """Pause PARTNER (fractional_cfo_id or email)."""
    _pause("pause", partner, reason, actor)


@cli.group("resume")
def resume_group() -> None:
    """Resume outreach to a paused partner (Lane B)."""


@resume_group.command("lane-b")
@click.argument("partner")
@_entry_options
def resume_lane_b(partner: str, reason: str, actor: str | None) -> None:
    """Resume PARTNER (fractional_cfo_id or email)."""
    _pause("resume", partner, reason, actor)


@cli.command("demo")
@click.option("--top", default=10, show_default=True, help="Rows of each queue to show.")
def demo_command(top: int) -> None:
    """Migrate, load the example workbooks, build both lanes, show both queues."""
    from rich.console import Console

    from loader.demo import run_demo

    run_demo(Console(width=None if sys.stdout.isatty() else 200), top=top)


def _url_set() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").strip())


def _shell_quote(value: str) -> str:
    return shlex.quote(value)


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
        if _state["debug"]:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
