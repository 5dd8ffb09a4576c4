"""`make demo`: the main job end to end on the example workbooks.

Start the database, migrate, load both lanes' example workbooks, build with
dbt, and print the top of both ready queues. Safe to run again: the second
run finds the same rows already loaded and rebuilds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table as RichTable

from loader import database
from loader.dbt_runner import run_dbt
from loader.errors import LanesError
from loader.examples import write_examples
from loader.ingest_run import IngestOptions
from loader.lane_a.ingest import ingest as ingest_lane_a
from loader.lane_b.ingest import ingest_meetings, ingest_partners
from loader.migrations import migrate
from loader.paths import state_dir
from loader.report import print_report
from loader.roles import ensure_roles

READY_QUEUES = {
    "bit.v_reactivation_ready": (
        "Lane A: meetings to reactivate now",
        [
            "tier",
            "bit_score",
            "meeting_outcome",
            "meeting_type",
            "days_since_meeting",
            "recommended_channel",
            "message_variant_id",
            "bit_reason_codes",
        ],
        "bit_score desc, days_since_meeting",
    ),
    "bit.v_partner_outreach_ready": (
        "Lane B: partners to reach out to now",
        [
            "firm_name",
            "primary_contact_name",
            "leverage_score",
            "recommended_next_action",
            "recommended_channel",
            "leverage_factors",
        ],
        "leverage_score desc, firm_name",
    ),
}


class DemoFailed(LanesError):
    exit_code = 1


def run_demo(console: Console, examples_dir: Path | None = None, top: int = 10) -> None:
    target = database.resolve()
    console.print(f"[bold]database[/bold]: {target.masked()} ({target.origin})")
    with database.connect(target, autocommit=True) as conn:
        applied = migrate(conn)
        roles = ensure_roles(conn)
        console.print(f"migrations applied now: {len(applied)}")
        if roles.skipped_reason:
            console.print(f"notice: {roles.skipped_reason}")

        folder = examples_dir or state_dir() / "demo"
        files = write_examples(folder, dt.date.today())
        options = IngestOptions(actor="make-demo")
        for run, key in [
            (ingest_lane_a, "lane_a"),
            (ingest_partners, "partners"),
            (ingest_meetings, "partner_meetings"),
        ]:
            report = run(conn, files[key], options)
            # The demo's 40-odd new partner ids would drown the queues it is there to show.
            print_report(report, console, show_notes=False)
            if report.errors:
                raise DemoFailed(f"the example file {files[key]} did not load cleanly")

    console.print("[bold]dbt build[/bold] (both lanes)")
    if run_dbt(target, ["build", "--quiet"]) != 0:
        raise DemoFailed("dbt build failed; see the output above")

    with database.connect(target, autocommit=True) as conn:
        for view, (title, columns, order) in READY_QUEUES.items():
            print_queue(conn, console, view, title, columns, order, top)


def print_queue(
    conn: psycopg.Connection,
    console: Console,
    view: str,
    title: str,
    columns: list[str],
    order: str,
    top: int,
) -> None:
    exists = conn.execute("select to_regclass(%s)", (view,)).fetchone()[0]
    if exists is None:
        console.print(f"{view} is not built yet.")
        return
    total = conn.execute(f"select count(*) from {view}").fetchone()[0]
    rows = conn.execute(
        f"select {', '.join(columns)} from {view} order by {order} limit %s", (top,)
    ).fetchall()
    table = RichTable(title=f"{title} (top {len(rows)} of {total}, from {view})")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*[_cell(v) for v in row])
    console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
