"""`loader mapping show|check`: the CRM mappings `loader ingest … --from` reads.

`show NAME` prints a preset to copy and edit (`loader mapping show hubspot > my_crm.toml`);
`check FILE --from MAPPING` reads a file through a mapping and says, for each of our
columns, which header it comes from, and for each mapped value column every distinct
value with its count and what it becomes, so a team fixes its mapping before loading.
"""

from __future__ import annotations

from pathlib import Path

import click

from loader.ingest.mapping import KINDS, PRESETS, mapping_text


def lane_columns(kind: str):
    """Our columns of `kind`, as the lane that reads it registered them."""
    from loader.cli.shared import MAPPABLE

    return MAPPABLE[kind]


@click.group("mapping", short_help="CRM mappings for `loader ingest … --from`.")
def mapping() -> None:
    """Mappings from a CRM's export to a lane's columns: presets and checks."""


@mapping.command("show")
@click.argument("name", type=click.Choice(PRESETS, case_sensitive=False))
def show(name: str) -> None:
    """Print a preset mapping (copy it to a file, edit it, use it with --from FILE)."""
    click.echo(mapping_text(name), nl=False)


@mapping.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "from_", required=True, metavar="CRM|MAPPING.toml",
              help="The mapping to check (a preset or a TOML file).")  # fmt: skip
@click.option("--for", "kind", type=click.Choice(KINDS), default=KINDS[0], show_default=True,
              help="Which kind of file it is.")  # fmt: skip
@click.option("--sheet", metavar="NAME", help="Sheet to read (default: the first).")
def check(file: Path, from_: str, kind: str, sheet: str | None) -> None:
    """How each header and each distinct value of FILE maps; exit 1 when something does not."""
    from loader.ingest.mapping import load_mapping
    from loader.ingest.mapping_check import check_mapping

    columns = lane_columns(kind)
    problems = check_mapping(file, load_mapping(from_, kind, columns), columns, sheet, click.echo)
    if problems:
        raise SystemExit(1)
