"""`loader dbt …`, `loader exec …` and `loader demo`: other tools (and the demo)
run against the loader's database."""

from __future__ import annotations

import sys

import click


@click.command(
    "dbt",
    short_help="Run dbt on the loader's database (dbt build --select lane_a).",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def dbt_command(args: tuple[str, ...]) -> None:
    """Run dbt against the loader's database, e.g. `loader dbt build --select lane_a`."""
    from loader.platform import database
    from loader.platform.dbt_runner import run_dbt

    target = database.ready_target(notify=lambda line: click.echo(line, err=True))
    sys.exit(run_dbt(target, list(args)))


@click.command(
    "exec",
    short_help="Run a tool (psql, sqlfluff) with the database's PG* variables.",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_command(command: tuple[str, ...]) -> None:
    """Run any command with PG* variables set for the loader's database (e.g. psql)."""
    from loader.platform import database
    from loader.platform.dbt_runner import run_tool

    sys.exit(run_tool(database.resolve(), list(command)))


@click.command("demo", short_help="Load the examples, build both lanes, show both queues.")
@click.option("--top", default=10, show_default=True, help="Rows of each queue to show.")
def demo_command(top: int) -> None:
    """Migrate, load the example workbooks, build both lanes, show both queues."""
    from rich.console import Console

    from loader.demo import run_demo

    # A person reads this: fit a 100-column terminal when the output is not one.
    run_demo(Console(width=None if sys.stdout.isatty() else 100), top=top)
