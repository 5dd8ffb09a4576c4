"""`make demo`: the main job end to end on the example workbooks.

Start the database, migrate, load both lanes' example workbooks, build with
dbt, and print the top of both ready queues. Safe to run again: the second
run finds the same rows already loaded and rebuilds.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table as RichTable

from loader.demo.examples import write_examples
from loader.errors import LanesError
from loader.ingest.flow import IngestOptions
from loader.ingest.summary import print_report
from loader.insight.report import collect, report_html
from loader.lanes.lane_a.export import READY_QUEUE as LANE_A_QUEUE
from loader.lanes.lane_a.ingest import ingest as ingest_lane_a
from loader.lanes.lane_a.insight import INSIGHT as LANE_A_INSIGHT
from loader.lanes.lane_b.export import READY_QUEUE as LANE_B_QUEUE
from loader.lanes.lane_b.ingest import ingest_meetings, ingest_partners
from loader.lanes.lane_b.insight import INSIGHT as LANE_B_INSIGHT
from loader.lanes.spec import QueueSpec
from loader.platform import database, embedded
from loader.platform.database import relation_exists
from loader.platform.dbt_runner import run_dbt
from loader.platform.migrations import migrate
from loader.platform.paths import state_dir
from loader.platform.roles import ensure_roles


@dataclass(frozen=True)
class QueueColumn:
    header: str
    expression: str  # SQL over the view
    max_width: int | None = None  # wider cells are cut with an ellipsis, never wrapped


@dataclass(frozen=True)
class QueueTable:
    """The lane's queue as the export writes it (its view and order), shown on screen."""

    queue: QueueSpec
    title: str
    columns: tuple[QueueColumn, ...]
    # Why nothing may be ready: counts by status in the lane's intent table.
    status_query: str

    @property
    def view(self) -> str:
        return self.queue.view


# Who, how, and why: readable in a 100-column terminal.
READY_QUEUES = (
    QueueTable(
        LANE_A_QUEUE,
        "Lane A: who to contact now",
        (
            QueueColumn("who", "coalesce(person_name, company_name, 'unknown')", 20),
            QueueColumn("company", "coalesce(company_name, '')", 18),
            QueueColumn("channel", "recommended_channel"),
            QueueColumn("score", "round(bit_score)"),
            QueueColumn("tier", "tier"),
            QueueColumn("why", "array_to_string(bit_reason_codes, ', ')"),
        ),
        "select eligibility_status::text, count(*) from bit.reactivation_intent group by 1",
    ),
    QueueTable(
        LANE_B_QUEUE,
        "Lane B: partners to reach out to now",
        (
            QueueColumn("who", "primary_contact_name", 18),
            QueueColumn("firm", "firm_name", 22),
            QueueColumn("next action", "recommended_next_action", 19),
            QueueColumn("channel", "recommended_channel"),
            QueueColumn("score", "round(leverage_score)"),
            QueueColumn("why", "array_to_string(leverage_factors, ', ')"),
        ),
        "select status, count(*) from bit.partner_intent group by 1",
    ),
)


class DemoFailed(LanesError):
    exit_code = 1


def run_demo(console: Console, examples_dir: Path | None = None, top: int = 10) -> None:
    # Always the embedded server's own demo database: never DATABASE_URL, never the
    # database later commands use (`loader db reset --demo` drops it).
    target = database.Target(embedded.start(database=embedded.DEMO_DATABASE_NAME), "embedded demo")
    if os.environ.get("DATABASE_URL"):
        console.print("DATABASE_URL is set: the demo still runs on the embedded server only.")
    console.print(
        f"[bold]database[/bold]: {target.masked()} - the demo's own; your data is never "
        "touched, and `loader db reset --demo` removes it"
    )
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

    # A few weeks of example outreach and what came back, so the reports have
    # something to show; then the lanes are scored again with it.
    with database.connect(target, autocommit=True) as conn:
        loaded = load_example_activity(conn, folder, dt.date.today())
    console.print(f"example outreach loaded: {loaded}")
    if run_dbt(target, ["run", "--quiet"]) != 0:
        raise DemoFailed("dbt build failed; see the output above")

    with database.connect(target, autocommit=True) as conn:
        for queue in READY_QUEUES:
            print_queue(conn, console, queue, top)
        for lane, spec in (("lane_a", LANE_A_INSIGHT), ("lane_b", LANE_B_INSIGHT)):
            path = folder / f"report_{lane}.html"
            path.write_text(report_html(collect(conn, spec, 12), spec), encoding="utf-8")
            console.print(f"report: {path}", markup=False)


def load_example_activity(conn: psycopg.Connection, folder: Path, today: dt.date) -> str:
    """The example activity files (loader/demo/examples.py) for both lanes, loaded as a team
    would (`loader ingest ... touches`, then the meetings that came back)."""
    from loader.demo.examples import (
        LANE_A_ACTIVITY_FILE,
        LANE_A_FOLLOWUP_FILE,
        LANE_B_ACTIVITY_FILE,
        LANE_B_FOLLOWUP_FILE,
        lane_a_activity,
        lane_b_activity,
        write_rows,
    )
    from loader.lanes.lane_a.touches import TOUCHES as LANE_A_TOUCHES
    from loader.lanes.lane_b.touches import TOUCHES as LANE_B_TOUCHES
    from loader.outreach.touches import ingest_touches

    scored_a = [
        dict(zip(("appointment_uid", "people_id", "company_id", "meeting_date", "bit_score",
                  "tier", "channel", "variant"), row, strict=True))
        for row in conn.execute(
            "select appointment_uid, people_id::text, company_id::text, meeting_date, bit_score,"
            " tier, recommended_channel::text, message_variant_id from bit.reactivation_intent"
            " where eligibility_status <> 'excluded' or exclusion_reason = 'superseded'"
        )
    ]  # fmt: skip
    scored_b = [
        dict(zip(("fractional_cfo_id", "leverage_score", "next_action", "channel", "variant"),
                 row, strict=True))
        for row in conn.execute(
            "select fractional_cfo_id, leverage_score, recommended_next_action,"
            " recommended_channel::text, message_variant_id from bit.partner_intent"
            " where recommended_channel is not null"
        )
    ]  # fmt: skip
    touches_a, back_a = lane_a_activity(scored_a, today)
    touches_b, back_b = lane_b_activity(scored_b, today)
    options = IngestOptions(actor="make-demo")
    lanes = (
        (LANE_A_TOUCHES, LANE_A_ACTIVITY_FILE, touches_a, "tier_at_touch",
         ingest_lane_a, LANE_A_FOLLOWUP_FILE, back_a),
        (LANE_B_TOUCHES, LANE_B_ACTIVITY_FILE, touches_b, "next_action_at_touch",
         ingest_meetings, LANE_B_FOLLOWUP_FILE, back_b),
    )  # fmt: skip
    reports = []
    for touch_spec, activity_file, touches, at_touch, ingest_back, back_file, back in lanes:
        columns = [touch_spec.subject_column, "channel", "touched_at", "event",
                   "message_variant_id", "score_at_touch", at_touch]  # fmt: skip
        reports.append(
            ingest_touches(
                conn, touch_spec, write_rows(folder / activity_file, touches, columns), options
            )
        )
        if back:  # the meetings that came back, as the next CRM export brings them
            ingest_back(conn, write_rows(folder / back_file, back, list(back[0])), options)
    for report in reports:
        if report.errors:
            raise DemoFailed(f"the example activity did not load: {report.errors[:3]}")
    return (
        f"Lane A {len(touches_a)} events, {len(back_a)} meetings back; "
        f"Lane B {len(touches_b)} events, {len(back_b)} meetings"
    )


def print_queue(conn: psycopg.Connection, console: Console, queue: QueueTable, top: int) -> None:
    if not relation_exists(conn, queue.view):
        console.print(f"{queue.view} is not built yet: run `loader dbt build`.")
        return
    total = conn.execute(f"select count(*) from {queue.view}").fetchone()[0]
    if total == 0:
        by_status = ", ".join(f"{n} {status}" for status, n in conn.execute(queue.status_query))
        console.print(
            f"{queue.title}: nothing is ready now ({by_status or 'nothing scored yet'}).",
            markup=False,
        )
        return
    expressions = ", ".join(c.expression for c in queue.columns)
    rows = conn.execute(
        f"select {expressions} from {queue.view} order by {queue.queue.order_by} limit %s",
        (top,),
    ).fetchall()
    table = RichTable(title=f"{queue.title} (top {len(rows)} of {total}, from {queue.view})")
    widths = []
    for index, column in enumerate(queue.columns):
        widest = max([len(column.header), *(len(_cell(row[index])) for row in rows)])
        widths.append(min(widest, column.max_width or widest))
    # The last column (why) gets what is left of the terminal: 3 characters of border
    # and padding per column, and one for the closing border.
    widths[-1] = max(10, min(widths[-1], console.width - sum(widths[:-1]) - 3 * len(widths) - 1))
    for column, width in zip(queue.columns, widths, strict=True):
        table.add_column(
            column.header, no_wrap=True, overflow="ellipsis", min_width=width, max_width=width
        )
    for row in rows:
        table.add_row(*[_cell(v) for v in row])
    console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
