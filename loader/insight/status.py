"""`loader status lane-a|lane-b`: one screen on a lane, for the weekly routine.

What was loaded (and the last load from the ledger), when the lane was last built,
then every section of loader/insight/sections.py (the queue now, who is not in it
and why, activity, the weeks, how well it works), each read from the view dbt owns,
the same rows `loader report` reads. Each lane gives its views and words
(loader/lanes/lane_x/insight.py).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import psycopg
from rich.console import Console
from rich.table import Table as RichTable

from loader.insight.sections import SECTIONS, read_sections
from loader.lanes.spec import InsightSpec
from loader.platform.database import relation_exists


def collect_status(conn: psycopg.Connection, spec: InsightSpec) -> dict:
    """The lane's status as plain data (what --json prints)."""
    loaded = {label: _count(conn, table) for label, table in spec.loaded}
    last_load = conn.execute(
        """
        select file_name, target, finished_at, actor, inserted, updated, revised, duplicates,
               rejected
        from shq.load_ledger where lane = %s order by finished_at desc limit 1
        """,
        (spec.lane.key,),
    ).fetchone()
    last_build = None
    if relation_exists(conn, spec.lane.intent):
        last_build = conn.execute(f"select max(computed_at) from {spec.lane.intent}").fetchone()[0]
    sections = read_sections(conn, spec)
    return {
        "lane": spec.lane.key,
        "loaded": loaded,
        "last_load": None
        if last_load is None
        else dict(
            zip(
                (
                    "file",
                    "target",
                    "finished_at",
                    "actor",
                    "inserted",
                    "updated",
                    "revised",
                    "duplicates",
                    "rejected",
                ),
                last_load,
                strict=True,
            )
        ),
        "last_build": last_build,
        "sections": sections,
    }


def status_json(status: dict) -> str:
    return json.dumps(status, default=_plain, ensure_ascii=False)


def print_status(status: dict, spec: InsightSpec, console: Console) -> None:
    console.print(f"[bold]{spec.title}[/bold]")
    loaded = ", ".join(f"{n} {label}" for label, n in status["loaded"].items())
    console.print(f"loaded: {loaded}", markup=False)
    last = status["last_load"]
    if last:
        console.print(
            f"last load: {last['file']} -> {last['target']}, {_when(last['finished_at'])} by "
            f"{last['actor']} ({last['inserted']} inserted, {last['updated']} updated, "
            f"{last['revised']} revised, "
            f"{last['duplicates']} duplicates, {last['rejected']} rejected)",
            markup=False,
        )
    else:
        console.print("last load: none yet", markup=False)
    build = status["last_build"]
    console.print(
        f"last build: {_when(build)}"
        if build
        else f"last build: never - run `loader dbt build --select {spec.lane.key}`",
        markup=False,
    )
    for section in SECTIONS:
        heading = section.heading(spec)
        rows = status["sections"][section.key]
        if rows is None:
            console.print(f"{heading}: not built yet", markup=False)
            continue
        if not rows:
            console.print(f"{heading}: none", markup=False)
            continue
        console.print(heading, markup=False)
        shown = section.brief or tuple(name for _, name in section.columns)
        table = RichTable()
        for column in shown:
            # A header is never cut. A long text cell (a variant's name) is cut to
            # _TEXT_WIDTH, except in the last column (a verdict), which wraps.
            last = column == shown[-1]
            long_text = any(
                isinstance(row[column], str) and len(row[column]) > _TEXT_WIDTH for row in rows
            )
            table.add_column(
                column,
                no_wrap=not last,
                overflow="fold" if last else "ellipsis",
                min_width=len(column),
                max_width=max(len(column), _TEXT_WIDTH) if long_text and not last else None,
            )
        for row in rows:
            table.add_row(*(_cell(row[c]) for c in shown))
        console.print(table)


# How wide a column of long text (a variant's name, a verdict) may be in 100 columns.
_TEXT_WIDTH = 20


def _count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.1%}" if value <= 1 else f"{value}"
    return str(value)


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
