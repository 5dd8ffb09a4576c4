"""Lane B's commands: ingest and templates of partners and partner meetings,
export of the partner queue, and pauses (`loader pause|resume lane-b`)."""

from __future__ import annotations

from pathlib import Path

import click

from loader.activity_import import CHANNELS
from loader.cli_shared import (
    TOOL_OPTION,
    entry_options,
    export_options,
    ingest_options,
    run_export_command,
    run_ingest_command,
    run_status_command,
    template_options,
    work_connection,
)
from loader.lane_b.columns import MEETING_COLUMNS, PARTNER_COLUMNS
from loader.lane_b.export import READY_QUEUE
from loader.lane_b.ingest import ingest_meetings, ingest_partners
from loader.lane_b.status import STATUS
from loader.lane_b.switch import record_pause
from loader.lane_b.touches import TOUCH_COLUMNS, ingest_touches, record_touch
from loader.outreach_tools import EVENTS
from loader.templates import write_template

LANE = "lane-b"


def register(cli: click.Group, verbs: dict[str, click.Group]) -> None:
    """Add Lane B's commands to the shared verbs, and its own pause verbs."""
    verbs["ingest"].add_command(ingest_lane_b, LANE)
    verbs["template"].add_command(template_lane_b, LANE)
    verbs["export"].add_command(export_lane_b, LANE)
    verbs["touch"].add_command(touch_lane_b, LANE)
    verbs["status"].add_command(status_lane_b, LANE)
    cli.add_command(pause_group)
    cli.add_command(resume_group)


@click.group()
def ingest_lane_b() -> None:
    """Fractional CFO partners: the partner master, then partner meetings."""


@ingest_lane_b.command("partners")
@ingest_options
def ingest_lane_b_partners(file: Path, as_json: bool, **options) -> None:
    """Partners -> partners.fractional_cfo_master (matched partners are updated)."""
    run_ingest_command(ingest_partners, file, as_json, **options)


@ingest_lane_b.command("appointments")
@ingest_options
def ingest_lane_b_appointments(file: Path, as_json: bool, **options) -> None:
    """Partner meetings -> partners.partner_appointments (write-once)."""
    run_ingest_command(ingest_meetings, file, as_json, **options)


@ingest_lane_b.command("touches")
@ingest_options
@TOOL_OPTION
def ingest_lane_b_touches(file: Path, as_json: bool, tool: str, **options) -> None:
    """Outreach activity (sent, replied, bounced, unsubscribed) -> partners.partner_touches."""
    run_ingest_command(
        lambda conn, path, ingest_options: ingest_touches(conn, path, ingest_options, tool),
        file,
        as_json,
        **options,
    )


@click.command("touch")
@click.argument("partner")
@click.option("--channel", type=click.Choice(list(CHANNELS)), required=True)
@click.option("--at", "at", metavar="WHEN", help="YYYY-MM-DD[ HH:MM] (UTC); default: now.")
@click.option("--event", type=click.Choice(list(EVENTS)), default="sent", show_default=True)
@click.option("--note", help="Anything worth keeping.")
@click.option("--actor", metavar="NAME", help="Who (default: the OS user).")
def touch_lane_b(partner: str, channel: str, at, event: str, note, actor) -> None:
    """Record one touch to a partner (fractional_cfo_id or email) typed by a person."""
    with work_connection() as conn:
        added, firm = record_touch(conn, partner, channel, at, event, actor, note)
    click.echo(
        f"recorded {event} on {channel} for {firm}"
        if added
        else f"already recorded: {event} on {channel} for {firm} at that time"
    )


@click.group()
def template_lane_b() -> None:
    """Templates for the partner master and partner meetings."""


@template_lane_b.command("partners")
@template_options
def template_lane_b_partners(out: Path, force: bool) -> None:
    """Template for partners (loader ingest lane-b partners)."""
    write_template(out, PARTNER_COLUMNS, "Lane B: fractional CFO partners", force=force)
    click.echo(f"wrote {out}")


@template_lane_b.command("appointments")
@template_options
def template_lane_b_appointments(out: Path, force: bool) -> None:
    """Template for partner meetings (loader ingest lane-b appointments)."""
    write_template(out, MEETING_COLUMNS, "Lane B: meetings with partners", force=force)
    click.echo(f"wrote {out}")


@template_lane_b.command("touches")
@template_options
def template_lane_b_touches(out: Path, force: bool) -> None:
    """Template for outreach activity (loader ingest lane-b touches)."""
    write_template(
        out, TOUCH_COLUMNS, "Lane B: outreach activity (what was sent, what came back)", force=force
    )
    click.echo(f"wrote {out}")


@click.command()
@export_options
def export_lane_b(out: Path, **options) -> None:
    """bit.v_partner_outreach_ready -> OUT (.xlsx or .csv), best first."""
    run_export_command(READY_QUEUE, out, **options)


def _record(action: str, partner: str, reason: str, actor: str | None) -> None:
    with work_connection() as conn:
        entry, partner_id, firm = record_pause(conn, partner, action, reason, actor)
    click.echo(f"{action}d {firm} ({partner_id}), entry {entry}; the ready view follows now")


@click.group("pause", short_help="Pause outreach to a partner (Lane B).")
def pause_group() -> None:
    """Pause outreach to a partner (Lane B kill switch)."""


@pause_group.command(LANE)
@click.argument("partner")
@entry_options
def pause_lane_b(partner: str, reason: str, actor: str | None) -> None:
    """Pause PARTNER (fractional_cfo_id or email)."""
    _record("pause", partner, reason, actor)


@click.group("resume", short_help="Resume outreach to a partner (Lane B).")
def resume_group() -> None:
    """Resume outreach to a paused partner (Lane B)."""


@resume_group.command(LANE)
@click.argument("partner")
@entry_options
def resume_lane_b(partner: str, reason: str, actor: str | None) -> None:
    """Resume PARTNER (fractional_cfo_id or email)."""
    _record("resume", partner, reason, actor)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_lane_b(as_json: bool) -> None:
    """One screen on Lane B: loads, build, queue, activity, what works."""
    run_status_command(STATUS, as_json)
