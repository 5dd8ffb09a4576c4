"""Lane A's commands: ingest, template and export of past meetings, outreach
activity, status, and the kill switch (`loader exclude|include lane-a`).

The shapes shared with Lane B come from loader/cli_shared.py; this module says
only Lane A's names and words; its specs are plain data, and the code that runs
them is imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from loader import cli_shared as shared
from loader.errors import UsageError
from loader.lane_a.columns import IDENTIFICATION, MEETING_COLUMNS, SOURCES
from loader.lane_a.export import READY_QUEUE
from loader.lane_a.status import STATUS
from loader.lane_a.touches import TOUCH_COLUMNS, TOUCHES, find_meeting

LANE = "lane-a"


def register(cli: click.Group, verbs: dict[str, click.Group]) -> None:
    """Add Lane A's commands to the shared verbs, and its own kill-switch verbs."""
    shared.MAPPABLE["lane-a meetings"] = MEETING_COLUMNS
    ingest_group = shared.DefaultCommandGroup(
        LANE,
        default_command="meetings",
        help="Past sales meetings (`loader ingest lane-a FILE`), and outreach activity "
        "(`loader ingest lane-a touches FILE`).",
    )
    ingest_group.add_command(ingest_meetings)
    ingest_group.add_command(shared.touches_ingest_command(TOUCHES))
    template_group = shared.DefaultCommandGroup(
        LANE,
        default_command="meetings",
        help="Templates for past meetings (`loader template lane-a FILE`) and outreach "
        "activity (`loader template lane-a touches FILE`).",
    )
    template_group.add_command(
        shared.template_command(
            "meetings",
            "Template for past meetings (loader ingest lane-a).",
            MEETING_COLUMNS,
            "Lane A: past sales meetings and who they were with",
            IDENTIFICATION,
        )
    )
    template_group.add_command(
        shared.template_command(
            "touches",
            "Template for outreach activity (loader ingest lane-a touches).",
            TOUCH_COLUMNS,
            "Lane A: outreach activity (what was sent, what came back)",
        )
    )
    verbs["ingest"].add_command(ingest_group)
    verbs["template"].add_command(template_group)
    verbs["export"].add_command(
        shared.export_command(
            "bit.v_reactivation_ready -> OUT (.xlsx or .csv), best first.", READY_QUEUE
        ),
        LANE,
    )
    verbs["touch"].add_command(
        shared.touch_command(
            "appointment_uid",
            "Record one touch typed by a person (e.g. a call or a message sent by hand).",
            TOUCHES,
            find_meeting,
        ),
        LANE,
    )
    verbs["status"].add_command(
        shared.status_command(
            "One screen on Lane A: loads, build, queue, activity, what works.", STATUS
        ),
        LANE,
    )
    cli.add_command(exclude_group)
    cli.add_command(include_group)


@click.command("meetings")
@shared.ingest_options
@click.option(
    "--source",
    type=click.Choice(list(SOURCES), case_sensitive=False),
    help="Override the source column for every row.",
)
@shared.from_option("lane-a meetings")
def ingest_meetings(
    file: Path, as_json: bool, source: str | None, from_: str | None, **options
) -> None:
    """Past sales meetings -> sales.appointment_history (write-once)."""
    from loader.lane_a.ingest import ingest

    mapping = shared.load_from(from_, "lane-a meetings", MEETING_COLUMNS)
    shared.run_ingest_command(
        lambda conn, path, settings: ingest(conn, path, settings, source, mapping),
        file,
        as_json,
        **options,
    )


def _scope_options(command):
    scopes = [
        click.option("--appointment", "appointment", metavar="UID", help="One meeting."),
        click.option("--person", metavar="UUID", help="Every meeting with this person."),
        click.option("--company", metavar="UUID", help="Every meeting with this company."),
    ]
    return shared.with_options(command, [*scopes, *shared.ENTRY_OPTIONS])


def _record(
    action: str, appointment, person, company, reason, actor, until=None, allow_unknown=False
) -> None:
    from loader.lane_a.switch import record_entry

    given = [(s, k) for s, k in (("appointment", appointment), ("person", person),
                                 ("company", company)) if k]  # fmt: skip
    if len(given) != 1:
        raise UsageError("give exactly one of --appointment, --person or --company.")
    scope, key = given[0]
    with shared.work_connection() as conn:
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
