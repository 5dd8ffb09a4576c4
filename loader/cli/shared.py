"""What every lane's commands share: option groups, and the commands both lanes
have (touches, one typed touch, templates, export, status) made from the lane's
specs, so each lane's commands.py states only its names and words.

Heavy modules (polars, psycopg, rich, the lanes' ingest code) are imported inside
the commands; the lanes' specs are plain data (loader/lanes/spec.py): `loader
--help` loads none of it.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from loader.errors import Interrupted, UsageError
from loader.outreach.tools import CHANNELS, EVENTS, GENERIC, tool_names

if TYPE_CHECKING:
    import psycopg

    from loader.ingest.flow import IngestOptions, IngestReport
    from loader.ingest.mapping import CrmMapping
    from loader.lanes.spec import InsightSpec, Lane, QueueSpec, TouchSpec
    from loader.sheets.column import Column

    IngestFunction = Callable[[psycopg.Connection, Path, IngestOptions], IngestReport]


class ToolChoice(click.Choice):
    """--format / --tool: our own layout or a tool found in loader/outreach/tools/ when the
    command runs, so a new tool module is a new choice with no other file changed."""

    def __init__(self) -> None:
        self.case_sensitive = False

    @property
    def choices(self) -> Sequence[str]:
        return list(tool_names())


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
                type=ToolChoice(),
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
    type=ToolChoice(),
    default=GENERIC,
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
    from rich.console import Console

    from loader.ingest.flow import IngestOptions
    from loader.ingest.summary import print_report, progress_reporter

    console = Console(stderr=as_json, soft_wrap=True)
    committed = False

    def stop(signum: int, frame: object) -> None:
        # A load is one transaction: ended anywhere before its commit, the server
        # rolls all of it back when the connection drops. Leaving at once is safer
        # than unwinding: psycopg can wait forever rolling back a COPY cut mid-way.
        if committed:
            raise KeyboardInterrupt
        console.show_cursor(True)
        click.echo(f"error: {interrupted_message(file)}", err=True)
        os._exit(Interrupted.exit_code)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        with progress_reporter(console, enabled=not as_json) as progress:
            ingest_options = IngestOptions(progress=progress, **options)
            with work_connection() as conn:
                report = run(conn, file, ingest_options)
                committed = True
    except KeyboardInterrupt:
        if committed:
            raise Interrupted(
                f"interrupted after {file.name} was loaded: it is stored (committed); "
                "only the summary was not printed."
            ) from None
        raise Interrupted(interrupted_message(file)) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    if as_json:
        click.echo(report.to_json())
    else:
        print_report(report, console)
    if report.errors:
        sys.exit(1)


def interrupted_message(file: Path) -> str:
    return f"interrupted: nothing of {file.name} was written. Run the same command again."


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


def work_connection() -> psycopg.Connection:
    """The database commands work on, its schema current (see database.ready_target)."""
    from loader.platform import database

    return database.connect_ready(notify=lambda line: click.echo(line, err=True))


# ---- the commands both lanes have, made from the lane's specs ----


def touches_ingest_command(touches: TouchSpec) -> click.Command:
    """`loader ingest lane-x touches FILE [--tool T]`."""

    @click.command("touches")
    @ingest_options
    @TOOL_OPTION
    def command(file: Path, as_json: bool, tool: str, **options) -> None:
        """Outreach activity (sent, replied, bounced, unsubscribed) -> the lane's touches."""
        from loader.outreach.touches import ingest_touches

        run_ingest_command(
            lambda conn, path, ingest_options: ingest_touches(
                conn, touches, path, ingest_options, tool
            ),
            file,
            as_json,
            **options,
        )

    return command


def touch_command(
    subject: str, help_text: str, touches: TouchSpec, finder: Callable
) -> click.Command:
    """`loader touch lane-x SUBJECT --channel …`: one event typed by a person.

    `finder(subject)` returns the `find_subject` of loader.outreach.touches.record_touch.
    """

    @click.command("touch", help=help_text)
    @click.argument(subject)
    @click.option("--channel", type=click.Choice(list(CHANNELS)), required=True)
    @click.option("--at", "at", metavar="WHEN", help="YYYY-MM-DD[ HH:MM] (UTC); default: now.")
    @click.option("--event", type=click.Choice(list(EVENTS)), default="sent", show_default=True)
    @click.option("--note", help="Anything worth keeping.")
    @click.option("--actor", metavar="NAME", help="Who (default: the OS user).")
    def command(channel: str, at, event: str, note, actor, **named) -> None:
        from loader.outreach.touches import record_touch

        with work_connection() as conn:
            added, label = record_touch(
                conn, touches, finder(named[subject].strip()), channel, at, event, actor, note
            )
        click.echo(
            f"recorded {event} on {channel} for {label}"
            if added
            else f"already recorded: {event} on {channel} for {label} at that time"
        )

    return command


def template_command(
    name: str,
    help_text: str,
    columns: list[Column],
    title: str,
    notes: Sequence[str] = (),
) -> click.Command:
    """`loader template lane-x [NAME] OUT`: a workbook to fill, for one kind of file."""

    @click.command(name, help=help_text)
    @template_options
    def command(out: Path, force: bool) -> None:
        from loader.sheets.templates import write_template

        write_template(out, columns, title, notes, force=force)
        click.echo(f"wrote {out}")

    return command


def export_command(help_text: str, queue: QueueSpec) -> click.Command:
    """`loader export lane-x OUT`: the ready queue, best first, for a person or a tool."""

    @click.command(help=help_text)
    @export_options
    def command(out: Path, **options) -> None:
        from loader.outreach.queue_export import export_queue

        with work_connection() as conn:
            result = export_queue(conn, queue, out, **options)
        if result.nothing_because:
            click.echo(f"wrote no file: {result.nothing_because}.")
            for reason, count in sorted(result.left_out.items()):
                click.echo(f"left out {count} row(s): {reason}")
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
            return
        touched = f", {result.touched} marked touched" if options.get("mark_touched") else ""
        click.echo(
            f"wrote {result.rows} row(s) to {result.path}{touched} (run {result.correlation_id})"
        )
        for reason, count in sorted(result.left_out.items()):
            click.echo(f"left out {count} row(s): {reason} (not marked touched)")
        for note in result.notes:
            click.echo(f"note: {note}", err=True)

    return command


def status_command(help_text: str, status: InsightSpec) -> click.Command:
    """`loader status lane-x [--json]`: one screen on the lane."""

    @click.command(help=help_text)
    @click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
    def command(as_json: bool) -> None:
        from rich.console import Console

        from loader.insight.status import collect_status, print_status, status_json

        with work_connection() as conn:
            collected = collect_status(conn, status)
        if as_json:
            click.echo(status_json(collected))
        else:
            print_status(collected, status, Console(width=100 if not sys.stdout.isatty() else None))

    return command


# The files `--from` can read, and our columns of each: filled by each lane's register()
# (`loader mapping check --for KIND` reads it).
MAPPABLE: dict[str, Sequence[Column]] = {}


def from_option(kind: str):
    """`--from` for an ingest command reading `kind` (see crm_mapping.KINDS)."""
    from loader.ingest.mapping import PRESETS

    return click.option(
        "--from",
        "from_",
        metavar="CRM|MAPPING.toml",
        help=f"Read another program's export as it is, through a mapping: a preset "
        f"({', '.join(PRESETS)}) or a TOML file (see `loader mapping show hubspot`). "
        f"For {kind} files.",
    )


def load_from(source: str | None, kind: str, columns: Sequence[Column]) -> CrmMapping | None:
    """The mapping `--from` names, checked against the lane's columns (None without --from)."""
    if source is None:
        return None
    from loader.ingest.mapping import load_mapping

    return load_mapping(source, kind, columns)


def report_command(help_text: str, report: InsightSpec) -> click.Command:
    """`loader report lane-x --out FILE.html [--weeks N] [--json]`: the weekly report."""

    @click.command(help=help_text)
    @click.option("--out", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.html",
                  help="Write the report here (one self-contained HTML file).")  # fmt: skip
    @click.option("--weeks", type=click.IntRange(1, 104), default=12, show_default=True,
                  help="How many past weeks the weekly figures cover.")  # fmt: skip
    @click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
    def command(out: Path | None, weeks: int, as_json: bool) -> None:
        from loader.insight.report import collect, report_html, report_json

        if out is None and not as_json:
            raise UsageError("give --out FILE.html (the page) and/or --json (the figures).")
        if out is not None and out.suffix.lower() not in (".html", ".htm"):
            raise UsageError(f"--out {out}: the report is an HTML page; name it ….html.")
        with work_connection() as conn:
            figures = collect(conn, report, weeks)
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(report_html(figures, report), encoding="utf-8")
        if as_json:
            click.echo(report_json(figures))
        elif out is not None:
            click.echo(f"wrote {out}")

    return command


def register_lane_verbs(
    verbs: dict[str, click.Group],
    names: Lane,
    own: tuple[click.Group, click.Group],
    specs: tuple[QueueSpec, TouchSpec, InsightSpec],
    touch_subject: tuple[str, str, Callable],
) -> None:
    """The commands every lane has, from its specs: `ingest … touches`, `template …
    touches`, `export`, `touch`, `status`, `report`; and the lane's own ingest and
    template groups (`own`) under their verbs.

    `touch_subject` is (the argument's name, the help, the finder of whom a typed touch
    names).
    """
    lane, words = names.cli, names.words
    queue, touches, insight = specs
    ingest_group, template_group = own
    ingest_group.add_command(touches_ingest_command(touches))
    template_group.add_command(
        template_command(
            "touches",
            f"Template for outreach activity (loader ingest {lane} touches).",
            list(touches.columns),
            f"{words}: outreach activity (what was sent, what came back)",
        )
    )
    verbs["ingest"].add_command(ingest_group)
    verbs["template"].add_command(template_group)
    verbs["export"].add_command(
        export_command(f"{queue.view} -> OUT (.xlsx or .csv), best first.", queue), lane
    )
    argument, help_text, find = touch_subject
    verbs["touch"].add_command(touch_command(argument, help_text, touches, find), lane)
    verbs["report"].add_command(
        report_command(f"{words}'s weekly report (HTML, or --json).", insight), lane
    )
    verbs["status"].add_command(
        status_command(
            f"One screen on {words}: loads, build, queue, activity, what works.", insight
        ),
        lane,
    )
