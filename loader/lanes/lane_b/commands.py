"""Lane B's commands: ingest and templates of partners and partner meetings,
outreach activity, export of the partner queue, status, and pauses
(`loader pause|resume lane-b`).

The shapes shared with Lane A come from loader/cli/shared.py; this module says
only Lane B's names and words; its specs are plain data, and the code that runs
them is imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from loader.cli import shared
from loader.errors import UsageError
from loader.lanes.lane_b import LANE as THIS_LANE
from loader.lanes.lane_b.columns import MEETING_COLUMNS, PARTNER_COLUMNS
from loader.lanes.lane_b.export import READY_QUEUE
from loader.lanes.lane_b.insight import INSIGHT
from loader.lanes.lane_b.touches import TOUCHES, find_partner_subject

LANE = THIS_LANE.cli


def register(cli: click.Group, verbs: dict[str, click.Group]) -> None:
    """Add Lane B's commands to the shared verbs, and its own pause verbs."""
    shared.MAPPABLE["lane-b partners"] = PARTNER_COLUMNS
    shared.MAPPABLE["lane-b appointments"] = MEETING_COLUMNS
    ingest_group = click.Group(
        LANE, help="Fractional CFO partners: the partner master, then partner meetings."
    )
    for command in (ingest_partners, ingest_appointments):
        ingest_group.add_command(command)
    template_group = click.Group(
        LANE, help="Templates for the partner master and partner meetings."
    )
    for name, columns, title in (
        ("partners", PARTNER_COLUMNS, "Lane B: fractional CFO partners"),
        ("appointments", MEETING_COLUMNS, "Lane B: meetings with partners"),
    ):
        help_text = f"Template for {title.split(': ')[1]} (loader ingest lane-b {name})."
        template_group.add_command(shared.template_command(name, help_text, columns, title))
    touch_subject = (
        "partner",
        "Record one touch to a partner (fractional_cfo_id or email) typed by a person.",
        find_partner_subject,
    )
    shared.register_lane_verbs(
        verbs,
        THIS_LANE,
        (ingest_group, template_group),
        (READY_QUEUE, TOUCHES, INSIGHT),
        touch_subject,
    )
    cli.add_command(pause_group)
    cli.add_command(resume_group)


@click.command("partners")
@shared.ingest_options
@click.option(
    "--from",
    "from_",
    metavar="linkedin|CRM|MAPPING.toml",
    help="Read another program's export as it is: `linkedin` for the Connections.csv of "
    "LinkedIn's 'Download your data', or a mapping (a TOML file; see `loader mapping`).",
)
@click.option(
    "--position-keyword",
    "keywords",
    multiple=True,
    metavar="TEXT",
    help="With --from linkedin: also load the connections whose position holds every word "
    "of TEXT (repeat it; added to seeds/lane_b/partner_position_keywords.csv).",
)
@click.option(
    "--only-keywords",
    is_flag=True,
    help="With --position-keyword: match only the given keywords, not the seed's.",
)
def ingest_partners(
    file: Path,
    as_json: bool,
    from_: str | None,
    keywords: tuple[str, ...],
    only_keywords: bool,
    **options,
) -> None:
    """Partners -> partners.fractional_cfo_master (matched partners are updated)."""
    from loader.lanes.lane_b import ingest
    from loader.lanes.lane_b.linkedin import position_keywords

    if (keywords or only_keywords) and (from_ or "").lower() != "linkedin":
        raise UsageError("--position-keyword goes with --from linkedin.")
    if (from_ or "").lower() == "linkedin":
        chosen = position_keywords(keywords, only_keywords)
        shared.run_ingest_command(
            lambda conn, path, settings: ingest.ingest_linkedin(conn, path, settings, chosen),
            file,
            as_json,
            **options,
        )
        return
    mapping = shared.load_from(from_, "lane-b partners", PARTNER_COLUMNS)
    shared.run_ingest_command(
        lambda conn, path, settings: ingest.ingest_partners(conn, path, settings, mapping),
        file,
        as_json,
        **options,
    )


@click.command("appointments")
@shared.ingest_options
@shared.from_option("lane-b appointments")
def ingest_appointments(file: Path, as_json: bool, from_: str | None, **options) -> None:
    """Partner meetings -> partners.partner_appointments (write-once)."""
    from loader.lanes.lane_b import ingest

    mapping = shared.load_from(from_, "lane-b appointments", MEETING_COLUMNS)
    shared.run_ingest_command(
        lambda conn, path, settings: ingest.ingest_meetings(conn, path, settings, mapping),
        file,
        as_json,
        **options,
    )


def _record(action: str, partner: str, reason: str, actor: str | None) -> None:
    from loader.lanes.lane_b.switch import record_pause

    with shared.work_connection() as conn:
        entry, partner_id, firm = record_pause(conn, partner, action, reason, actor)
    click.echo(f"{action}d {firm} ({partner_id}), entry {entry}; the ready view follows now")


@click.group("pause", short_help="Pause outreach to a partner (Lane B).")
def pause_group() -> None:
    """Pause outreach to a partner (Lane B kill switch)."""


@pause_group.command(LANE)
@click.argument("partner")
@shared.entry_options
def pause_lane_b(partner: str, reason: str, actor: str | None) -> None:
    """Pause PARTNER (their fractional_cfo_id, email or LinkedIn URL)."""
    _record("pause", partner, reason, actor)


@click.group("resume", short_help="Resume outreach to a partner (Lane B).")
def resume_group() -> None:
    """Resume outreach to a paused partner (Lane B)."""


@resume_group.command(LANE)
@click.argument("partner")
@shared.entry_options
def resume_lane_b(partner: str, reason: str, actor: str | None) -> None:
    """Resume PARTNER (their fractional_cfo_id, email or LinkedIn URL)."""
    _record("resume", partner, reason, actor)
