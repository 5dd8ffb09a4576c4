"""`loader tune lane-a|lane-b --out FILE`: weights fitted on outcomes, for a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from loader.insight.tune import TuneSpec


@click.group("tune", short_help="Propose new weights from outcomes (or say no change).")
def tune_group() -> None:
    """Fit the lane's weights on what happened, judge them against today's on the later
    sends, and write a proposed seed for a person to review. Changes nothing by itself;
    proposes nothing (a line starting `no change`) when today's weights are not beaten."""


def _tune_command(name: str, lane_words: str, spec_of) -> click.Command:
    @click.command(name, help=f"Propose {lane_words} weights (`--out` the seed CSV).")
    @click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
                  metavar="FILE.csv", help="The proposed seed (only if proposed).")  # fmt: skip
    @click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
    def command(out: Path, as_json: bool) -> None:
        from loader.cli.shared import work_connection
        from loader.insight.tune import propose, write_seed
        from loader.platform.paths import project_root

        spec: TuneSpec = spec_of()
        with work_connection() as conn:
            proposal = propose(conn, spec, project_root())
        if proposal.changed:
            write_seed(out, proposal.rows)
        if as_json:
            diff = [{"code": c, "today": a, "proposed": b} for c, a, b in proposal.diff]
            found = {
                "changed": proposal.changed,
                "summary": proposal.summary,
                "evidence": proposal.evidence,
                "diff": diff,
                "out": str(out) if proposal.changed else None,
            }
            click.echo(json.dumps(found, indent=2))
            return
        click.echo(proposal.summary)
        for code, today, proposed in proposal.diff:
            click.echo(f"  {code}: {today} -> {proposed}")
        if proposal.changed:
            click.echo(f"wrote {out}: review it, then copy it over {spec.seed} and rebuild")

    return command


def _lane_a() -> TuneSpec:
    from loader.lanes.lane_a.insight import TUNE

    return TUNE


def _lane_b() -> TuneSpec:
    from loader.lanes.lane_b.insight import TUNE

    return TUNE


tune_group.add_command(_tune_command("lane-a", "Lane A's reactivation", _lane_a))
tune_group.add_command(_tune_command("lane-b", "Lane B's partner", _lane_b))
