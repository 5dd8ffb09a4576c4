"""Lane A's commands: ingest, template and export of past meetings, and the
kill switch (`loader exclude|include lane-a`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from loader.activity_import import CHANNELS
from loader.cli_shared import (
    ENTRY_OPTIONS,
    TOOL_OPTION,
    DefaultCommandGroup,
    export_options,
    ingest_options,
    run_export_command,
    run_ingest_command,
    run_status_command,
    template_options,
    with_options,
    work_connection,
)
from loader.errors import UsageError
from loader.lane_a.columns import IDENTIFICATION, MEETING_COLUMNS, SOURCES
from loader.lane_a.export import READY_QUEUE
from loader.lane_a.ingest import ingest
from loader.lane_a.status import STATUS
from loader.lane_a.switch import record_entry
from loader.lane_a.touches import TOUCH_COLUMNS, ingest_touches, record_touch
from loader.outreach_tools import EVENTS
from loader.templates import write_template

LANE = "lane-a"


def register(cli: click.Group, verbs: dict[str, click.Group]) -> None:
    """Add Lane A's commands to the shared verbs, and its own kill-switch verbs."""
    verbs["ingest"].add_command(ingest_lane_a, LANE)
    verbs["template"].add_command(template_lane_a, LANE)
    verbs["export"].add_command(export_lane_a, LANE)
    verbs["touch"].add_command(touch_lane_a, LANE)
    verbs["status"].add_command(status_lane_a, LANE)
    cli.add_command(exclude_group)
    cli.add_command(include_group)


@click.group(cls=DefaultCommandGroup, default_command="meetings")
def ingest_lane_a() -> None:
    """Past sales meetings (`loader ingest lane-a FILE`), and outreach activity
    (`loader ingest lane-a touches FILE`)."""


@click.group(cls=DefaultCommandGroup, default_command="meetings")
def template_lane_a() -> None:
    """Templates for past meetings (`loader template lane-a FILE`) and outreach activity
    (`loader template lane-a touches FILE`)."""


@ingest_lane_a.command("touches")
@ingest_options
@TOOL_OPTION
def ingest_lane_a_touches(file: Path, as_json: bool, tool: str, **options) -> None:
    """Outreach activity (sent, replied, bounced, unsubscribed) -> sales.reactivation_touches."""
    run_ingest_command(
        lambda conn, path, ingest_options: ingest_touches(conn, path, ingest_options, tool),
        file,
        as_json,
        **options,
    )


@template_lane_a.command("touches")
@template_options
def template_lane_a_touches(out: Path, force: bool) -> None:
    """Template for outreach activity (loader ingest lane-a touches)."""
    write_template(
        out, TOUCH_COLUMNS, "Lane A: outreach activity (what was sent, what came back)", force=force
    )
    click.echo(f"wrote {out}")


@click.command("touch")
@click.argument("appointment_uid")
@click.option("--channel", type=click.Choice(list(CHANNELS)), required=True)
@click.option("--at", "at", metavar="WHEN", help="YYYY-MM-DD[ HH:MM] (UTC); default: now.")
@click.option("--event", type=click.Choice(list(EVENTS)), default="sent", show_default=True)
@click.option("--note", help="Anything worth keeping.")
@click.option("--actor", metavar="NAME", help="Who (default: the OS user).")
def touch_lane_a(appointment_uid: str, channel: str, at, event: str, note, actor) -> None:
    """Record one touch typed by a person (e.g. a call or a message sent by hand)."""
    with work_connection() as conn:
        added = record_touch(conn, appointment_uid.strip(), channel, at, event, actor, note)
    click.echo(
        f"recorded {event} on {channel} for {appointment_uid}"
        if added
        else f"already recorded: {event} on {channel} for {appointment_uid} at that time"
    )


@ingest_lane_a.command("meetings")
@ingest_options
@click.option(
    "--source",
    type=click.Choice(list(SOURCES), case_sensitive=False),
    help="Override the source column for every row.",
)
def ingest_lane_a_meetings(file: Path, as_json: bool, source: str | None, **options) -> None:
    """Past sales meetings -> sales.appointment_history (write-once)."""
    run_ingest_command(
        lambda conn, path, ingest_options: ingest(conn, path, ingest_options, source),
        file,
        as_json,
        **options,
    )


@template_lane_a.command("meetings")
@template_options
def template_lane_a_meetings(out: Path, force: bool) -> None:
    """Template for past meetings (loader ingest lane-a)."""
    write_template(
        out,
        MEETING_COLUMNS,
        "Lane A: past sales meetings and who they were with",
        IDENTIFICATION,
        force=force,
    )
    click.echo(f"wrote {out}")


@click.command()
@export_options
def export_lane_a(out: Path, **options) -> None:
    """bit.v_reactivation_ready -> OUT (.xlsx or .csv), best first."""
    run_export_command(READY_QUEUE, out, **options)


def _scope_options(command):
    scopes = [
        click.option("--appointment", "appointment", metavar="UID", help="One meeting."),
        click.option("--person", metavar="UUID", help="Every meeting with this person."),
        click.option("--company", metavar="UUID", help="Every meeting with this company."),
    ]
    return with_options(command, [*scopes, *ENTRY_OPTIONS])


def _record(
    action: str, appointment, person, company, reason, actor, until=None, allow_unknown=False
) -> None:
    given = [(s, k) for s, k in (("appointment", appointment), ("person", person),
                                 ("company", company)) if k]  # fmt: skip
    if len(given) != 1:
        raise UsageError("give exactly one of --appointment, --person or --company.")
    scope, key = given[0]
    with work_connection() as conn:
        entry, stored_key = record_entry(
            conn, scope, key, action, reason, actor, until, allow_unknown
        )
    click.echo(
        f"{action}d {scope} {stored_key} (kill-switch entry {entry}); the ready view follows now"
    )


@click.group("exclude", short_help="Stop outreach to a meeting, person or company (Lane A).")
def exclude_group() -> None:
    """Stop outreach now: Lane A kill switch (the latest entry per key wins)."""


@exclude_group.command(LANE)
@_scope_options
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Exclude through the end of this day, UTC (YYYY-MM-DD); default: until an include.",
)
@click.option(
    "--allow-unknown",
    is_flag=True,
    help="Accept a person or company no stored meeting has yet (exclude them in advance).",
)
def exclude_lane_a(appointment, person, company, reason, actor, until, allow_unknown) -> None:
    """Exclude a meeting, a person or a company from reactivation."""
    # "Until a day" means through that day: the exclusion ends when the next day begins (UTC).
    expires = until.replace(tzinfo=dt.UTC) + dt.timedelta(days=1) if until else None
    _record("exclude", appointment, person, company, reason, actor, expires, allow_unknown)


@click.group("include", short_help="Lift an exclusion (Lane A).")
def include_group() -> None:
    """Lift an earlier exclusion (Lane A kill switch)."""


@include_group.command(LANE)
@_scope_options
@click.option(
    "--allow-unknown", is_flag=True, help="Accept a person or company no stored meeting has."
)
def include_lane_a(appointment, person, company, reason, actor, allow_unknown) -> None:
    """Allow a meeting, a person or a company to be reactivated again."""
    _record("include", appointment, person, company, reason, actor, allow_unknown=allow_unknown)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_lane_a(as_json: bool) -> None:
    """One screen on Lane A: loads, build, queue, activity, what works."""
    run_status_command(STATUS, as_json)
