"""`loader db …`: the database the commands use — start, stop and inspect the
embedded server, migrate, print the connection for other tools."""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING

import click

from loader.errors import UsageError
from loader.platform import embedded
from loader.platform.paths import project_root

if TYPE_CHECKING:
    import psycopg


@click.group(short_help="Start/stop the embedded server, migrate, show the URL.")
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
    from loader.platform import database

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
    if not current.running:
        return
    click.echo(f"pid {current.pid}, socket in {current.socket_dir}")
    address = embedded.saved_listen(current.data_dir)
    if address:
        click.echo(f"listening for BI tools on {address[0]}:{address[1]} (password logins)")
    if not embedded.database_exists(current):
        click.echo(
            f"database {embedded.DATABASE_NAME}: not created yet; `loader ingest …` (or "
            "`loader db migrate`) creates it"
        )
        return
    with database.connect(database.resolve(start_embedded=False)) as conn:
        _report_write_guards(conn)


def _report_write_guards(conn: psycopg.Connection) -> None:
    """Exit 1 when a write-once or audit trigger is off: history could be changed unseen."""
    from loader.platform.audit import write_guards

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
    from loader.platform import database

    click.echo(database.resolve().masked())


@db.command("env")
def db_env() -> None:
    """Print `export PG...` lines for plain `dbt`/`psql` (eval "$(loader db env)").

    The password is never printed: with a DATABASE_URL that has one, export
    PGPASSWORD yourself or run dbt through `loader dbt`.
    """
    from loader.platform import database

    target = database.resolve()
    env = database.libpq_env(target)
    # So plain `dbt` finds the project and its profile from any folder, not only the root.
    env["DBT_PROJECT_DIR"] = str(project_root())
    env["DBT_PROFILES_DIR"] = str(project_root())
    for key, value in env.items():
        if key == "PGPASSWORD":
            click.echo("# PGPASSWORD is not printed: export it yourself, or use `loader dbt ...`")
            continue
        click.echo(f"export {key}={shlex.quote(value)}")


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


@db.command("bi-user")
@click.argument("name")
def db_bi_user(name: str) -> None:
    """Create a login for a BI tool (Metabase, Superset) in lanes_bi, or give it a new
    password; then print what to paste into the tool. The password is asked twice,
    never shown, never an argument (so never in your shell history)."""
    from psycopg.conninfo import conninfo_to_dict

    from loader.platform import database
    from loader.platform.roles import set_bi_login

    password = click.prompt(
        f"password for {name}", hide_input=True, confirmation_prompt=True, err=True
    )
    target = database.ready_target(notify=lambda line: click.echo(line, err=True))
    with database.connect(target, autocommit=True) as conn:
        login = set_bi_login(conn, name, password)
        dbname = conn.info.dbname
    click.echo(f"{'created' if login.created else 'new password for'} BI login {login.name}")
    if _url_set():
        parts = conninfo_to_dict(target.conninfo)
        host, port = parts.get("host", "localhost"), parts.get("port", "5432")
    else:
        address = embedded.saved_listen()
        if address is None:
            click.echo(
                "the embedded server listens on its socket only: run "
                "`loader db start --listen 127.0.0.1:5433` so the BI tool can reach it, "
                "then use that host and port."
            )
            host, port = "127.0.0.1", "(the port you choose)"
        else:
            host, port = address[0], str(address[1])
    click.echo(f"host: {host}\nport: {port}\ndatabase: {dbname}\nuser: {login.name}")
    click.echo("password: the one you just typed (it is stored only as a SCRAM verifier)")


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending schema migrations and (re)create the roles. Safe to re-run."""
    from loader.platform import database
    from loader.platform.migrations import migrate
    from loader.platform.roles import ensure_roles

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


def _url_set() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").strip())
