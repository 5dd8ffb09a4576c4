"""Lane A's commands: ingest, template and export of past meetings, outreach
activity, status, and the kill switch (`loader exclude|include lane-a`).

The shapes shared with Lane B come from loader/cli/shared.py; this module says
only Lane A's names and words; its specs are plain data, and the code that runs
them is imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from loader.cli import shared
from loader.errors import UsageError
from loader.lanes.lane_a import LANE as THIS_LANE
from loader.lanes.lane_a.columns import IDENTIFICATION, MEETING_COLUMNS, SOURCES
from loader.lanes.lane_a.export import READY_QUEUE
from loader.lanes.lane_a.insight import INSIGHT
from loader.lanes.lane_a.touches import TOUCHES, find_meeting

LANE = THIS_LANE.cli


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
    template_group = shared.DefaultCommandGroup(
        LANE,
        default_command="meetings",
        help="Templates for past meetings (`loader template lane-a FILE`) and outreach "
        "activity (`loader template lane-a touches FILE`).",
    )
    template_group.add_command(template_meetings)
    sync_group = click.Group(LANE, help="Lane A meetings from where they live (a calendar).")
    sync_group.add_command(sync_calendar)
    verbs["sync"].add_command(sync_group)
    touch_subject = (
        "appointment_uid",
        "Record one touch typed by a person (e.g. a call or a message sent by hand).",
        find_meeting,
    )
    shared.register_lane_verbs(
        verbs,
        THIS_LANE,
        (ingest_group, template_group),
        (READY_QUEUE, TOUCHES, INSIGHT),
        touch_subject,
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
    from loader.lanes.lane_a.ingest import ingest

    mapping = shared.load_from(from_, "lane-a meetings", MEETING_COLUMNS)
    shared.run_ingest_command(
        lambda conn, path, settings: ingest(conn, path, settings, source, mapping),
        file,
        as_json,
        **options,
    )


_TEMPLATE_TITLE = "Lane A: past sales meetings and who they were with"


def _calendar_options(command):
    return shared.with_options(
        command,
        [
            click.option(
                "--our-domain",
                "domains",
                multiple=True,
                metavar="DOMAIN",
                help="Your company's email domain (repeat for several): attendees outside "
                "them are the prospects.",
            ),
            click.option(
                "--since",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                help="Only meetings on or after this day (default: the last two years).",
            ),
            click.option(
                "--timezone",
                metavar="ZONE",
                help="The team's time zone, for each meeting's date (e.g. Europe/Paris; "
                "default: the calendar's own, else each event's).",
            ),
        ],
    )


@click.command("meetings")
@shared.template_options
@click.option(
    "--from-calendar",
    "calendar",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Pre-fill one row per external attendee of each past meeting in this .ics file.",
)
@_calendar_options
def template_meetings(
    out: Path, force: bool, calendar: Path | None, domains, since, timezone
) -> None:
    """Template for past meetings (loader ingest lane-a), empty or from a calendar."""
    from loader.sheets.templates import write_template

    if calendar is None:
        if domains or since or timezone:
            raise UsageError("--our-domain, --since and --timezone go with --from-calendar.")
        write_template(out, MEETING_COLUMNS, _TEMPLATE_TITLE, IDENTIFICATION, force=force)
        click.echo(f"wrote {out}")
        return
    from loader.lanes.lane_a.calendar_meetings import read_ics

    _write_calendar_template(out, force, read_ics(calendar), domains, since, timezone)


@click.command("calendar")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--caldav", "url", required=True, metavar="URL",
              help="The calendar's (or the account's) CalDAV URL.")  # fmt: skip
@click.option("--user", required=True, metavar="USER", help="The CalDAV user.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@_calendar_options
def sync_calendar(out: Path, url: str, user: str, force: bool, domains, since, timezone) -> None:
    """A meetings template pre-filled from a CalDAV calendar (password: the
    LANES_CALDAV_PASSWORD variable, else asked; never an argument)."""
    from loader.ingest.caldav_source import caldav_password, fetch_calendars

    password = caldav_password(lambda: click.prompt("CalDAV password", hide_input=True))
    calendars = fetch_calendars(url, user, password)
    _write_calendar_template(out, force, calendars, domains, since, timezone)


def _write_calendar_template(out: Path, force: bool, calendars, domains, since, timezone):
    from loader.lanes.lane_a.calendar_meetings import (
        calendar_meetings,
        our_domains,
        skip_stored,
        team_zone,
    )
    from loader.sheets.templates import write_template

    if out.exists() and not force:
        raise UsageError(f"{out} already exists; nothing was written. Add --force to replace it.")
    found = calendar_meetings(
        calendars,
        our_domains(domains),
        dt.datetime.now(dt.UTC),
        team_zone(timezone),
        since.date() if since else None,
    )
    with shared.work_connection() as conn:
        skip_stored(conn, found)
    notes = [*IDENTIFICATION, "Pre-filled from a calendar: pick each meeting's outcome "
             "and type from the dropdowns, then `loader ingest lane-a` this file."]  # fmt: skip
    write_template(out, MEETING_COLUMNS, _TEMPLATE_TITLE, notes, force=force, rows=found.rows)
    click.echo(f"wrote {out}: {found.summary()}")


def _scope_options(command):
    scopes = [
        click.option("--appointment", "appointment", metavar="UID", help="One meeting."),
        click.option(
            "--person",
            metavar="ID|EMAIL|LINKEDIN",
            help="Every meeting with this person: their id, email or LinkedIn URL.",
        ),
        click.option(
            "--company",
            metavar="ID|DOMAIN",
            help="Every meeting with this company: its id or web domain.",
        ),
    ]
    return shared.with_options(command, [*scopes, *shared.ENTRY_OPTIONS])


def _record(
    action: str, appointment, person, company, reason, actor, until=None, allow_unknown=False
) -> None:
    from loader.lanes.lane_a.switch import record_entry

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
