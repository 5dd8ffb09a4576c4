"""What every lane's commands share: option groups, and running an ingest or an
export the same way for every lane (progress, report, exit code).

The commands themselves live with their lane (loader/lane_a/commands.py,
loader/lane_b/commands.py); loader/cli.py assembles them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
import psycopg
from rich.console import Console

from loader import database
from loader.ingest_run import IngestOptions, IngestReport
from loader.outreach_tools import FORMAT_NAMES, GENERIC, TOOL_NAMES
from loader.queue_export import CHANNELS, QueueSpec, export_queue
from loader.report import print_report, progress_reporter
from loader.status import StatusSpec, collect_status, print_status, status_json

IngestFunction = Callable[[psycopg.Connection, Path, IngestOptions], IngestReport]


def with_options(command, options):
    """Apply click decorators listed in the order --help shows them."""
    for option in reversed(options):
        command = option(command)
    return command


def ingest_options(command):
    """The options every `loader ingest ...` command shares."""
    return with_options(
        command,
        [
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
        ],
    )


def template_options(command):
    """The argument and options every `loader template ...` command shares."""
    return with_options(
        command,
        [
            click.argument("out", type=click.Path(path_type=Path, dir_okay=False)),
            click.option(
                "--force", is_flag=True, help="Replace OUT if it exists (what it holds is lost)."
            ),
        ],
    )


def export_options(command):
    """The options every `loader export ...` command shares."""
    return with_options(
        command,
        [
            click.argument("out", type=click.Path(path_type=Path, dir_okay=False)),
            click.option("--limit", type=int, metavar="N", help="Only the best N rows."),
            click.option(
                "--mark-touched",
                is_flag=True,
                help="Record each exported row as touched (it leaves the queue).",
            ),
            click.option(
                "--channel",
                type=click.Choice(list(CHANNELS)),
                help="Only rows recommending this channel (only they are marked touched).",
            ),
            click.option(
                "--format",
                "tool",
                type=click.Choice(list(FORMAT_NAMES)),
                default=GENERIC,
                show_default=True,
                help="Columns as this outreach tool imports them; rows it cannot take are "
                "left out and counted.",
            ),
            click.option("--actor", metavar="NAME", help="Who exports (default: the OS user)."),
        ],
    )


TOOL_OPTION = click.option(
    "--tool",
    type=click.Choice(list(TOOL_NAMES), case_sensitive=False),
    default="generic",
    show_default=True,
    help="The file is this outreach tool's activity export (its own columns and event names).",
)


# What every kill-switch entry of either lane keeps.
ENTRY_OPTIONS = [
    click.option("--reason", required=True, help="Why (kept with the entry)."),
    click.option("--actor", metavar="NAME", help="Who decided (default: the OS user)."),
]


def entry_options(command):
    return with_options(command, ENTRY_OPTIONS)


def run_ingest_command(run: IngestFunction, file: Path, as_json: bool, **options) -> None:
    """Run one ingest against the loader's database, print its report, exit 1 on rejects."""
    console = Console(stderr=as_json, soft_wrap=True)
    with progress_reporter(console, enabled=not as_json) as progress:
        ingest_options = IngestOptions(progress=progress, **options)
        with work_connection() as conn:
            report = run(conn, file, ingest_options)
    if as_json:
        click.echo(report.to_json())
    else:
        print_report(report, console)
    if report.errors:
        sys.exit(1)


def run_export_command(spec: QueueSpec, out: Path, **options) -> None:
    with work_connection() as conn:
        result = export_queue(conn, spec, out, **options)
    touched = f", {result.touched} marked touched" if options.get("mark_touched") else ""
    click.echo(
        f"wrote {result.rows} row(s) to {result.path}{touched} (run {result.correlation_id})"
    )
    for reason, count in sorted(result.left_out.items()):
        click.echo(f"left out {count} row(s): {reason} (not marked touched)")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


class DefaultCommandGroup(click.Group):
    """A group whose first argument may also be the default command's own argument.

    `loader ingest lane-a FILE` stays the design's command for meetings while
    `loader ingest lane-a touches FILE` loads outreach activity: a first argument
    that names no subcommand goes to the default one.
    """

    def __init__(self, *args, default_command: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_command = default_command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def run_status_command(spec: StatusSpec, as_json: bool) -> None:
    with work_connection() as conn:
        status = collect_status(conn, spec)
    if as_json:
        click.echo(status_json(status))
    else:
        print_status(status, spec, Console(width=100 if not sys.stdout.isatty() else None))


def work_connection() -> psycopg.Connection:
    """The database commands work on, its schema current (see database.ready_target)."""
    return database.connect_ready(notify=lambda line: click.echo(line, err=True))
