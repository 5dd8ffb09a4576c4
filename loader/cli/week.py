"""`loader week`: the whole week in one command (loader/week/), by hand or on a schedule."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click


@click.command("week", short_help="The week in one run: inbox in, build, capped exports, reports.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              default="lanes.toml", show_default=True, help="The week's settings.")  # fmt: skip
@click.option("--init", is_flag=True, help="Write a commented lanes.toml (and inbox/, outbox/).")
@click.option("--dry-run", is_flag=True, help="Show the plan: load nothing, export nothing.")
@click.option("--allow-stale", is_flag=True,
              help="Go on although activity or the CRM export is missing (recorded).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--actor", metavar="NAME", help="Who runs it (default: the OS user).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), hidden=True,
              help="The day the run counts as (caps, outbox folder); for tests.")  # fmt: skip
def week_command(
    config_path: Path,
    init: bool,
    dry_run: bool,
    allow_stale: bool,
    as_json: bool,
    actor: str | None,
    today: dt.datetime | None,
) -> None:
    """Load every file in the inbox (in order: meetings and partners, then activity),
    build both lanes with their tests, check that nothing is stale, write each sender's
    capped file to outbox/<date>/, write both reports, archive what was loaded.

    Exit 0 done; 1 stopped for the data (a refused file, a failed test, stale data:
    nothing exported); 2 a wrong lanes.toml or option; 4 another run holds the lock."""
    from loader.week.config import load_config, write_init
    from loader.week.run import WeekOptions, WeekStopped, print_summary, run_week

    if init:
        write_init(config_path)
        click.echo(f"wrote {config_path} (and inbox/, outbox/ beside it): edit the senders")
        return
    config = load_config(config_path)
    options = WeekOptions(
        dry_run=dry_run,
        allow_stale=allow_stale,
        actor=actor,
        today=today.date() if today else None,
        dbt_output=2 if as_json else None,  # stderr's descriptor: stdout stays JSON
    )
    say = (lambda line: click.echo(line, err=True)) if as_json else click.echo
    try:
        result = run_week(config, options, say)
    except WeekStopped as stopped:
        partial = getattr(stopped, "result", None)
        if as_json and partial is not None:
            click.echo(json.dumps(partial.as_json(), default=str, indent=2))
        raise
    if as_json:
        click.echo(json.dumps(result.as_json(), default=str, indent=2))
    else:
        print_summary(result, click.echo)
