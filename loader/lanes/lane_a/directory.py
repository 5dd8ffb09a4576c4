"""Lane A's prospect directory: who a people_id / company_id is and how to reach them.

Updatable, unlike the meetings: the latest file wins for every cell it fills
(an empty cell keeps what is stored). The tables' audit triggers keep the old
and new values of every change.
"""

from __future__ import annotations

import polars as pl
import psycopg

from loader.ingest.flow import analyze_staged, copy_frame
from loader.lanes.lane_a.columns import COMPANY_FIELDS, PERSON_FIELDS

PEOPLE = "sales.prospect_people"
COMPANIES = "sales.prospect_companies"


def write_directory(
    conn: psycopg.Connection, people: pl.DataFrame, companies: pl.DataFrame
) -> tuple[int, int, int, int]:
    """Merge the file's people and companies; returns (people added, updated, companies ...)."""
    people_counts = _merge(conn, PEOPLE, "people_id", [*PERSON_FIELDS, "company_id"], people)
    company_counts = _merge(conn, COMPANIES, "company_id", COMPANY_FIELDS, companies)
    return (*people_counts, *company_counts)


def _merge(
    conn: psycopg.Connection, table: str, key: str, fields: list[str], rows: pl.DataFrame
) -> tuple[int, int]:
    if rows.is_empty():
        return 0, 0
    stage = f"stage_{table.split('.')[1]}"
    types = {key: "uuid", "company_id": "uuid"}
    columns = ", ".join(f"{c} {types.get(c, 'text')}" for c in [key, *fields])
    conn.execute(f"create temp table {stage} ({columns}) on commit drop")
    copy_frame(conn, stage, rows.select(key, *fields))
    analyze_staged(conn, stage)
    merged = ", ".join(f"coalesce(s.{f}, d.{f})" for f in fields)
    stored = ", ".join(f"d.{f}" for f in fields)
    assignments = ", ".join(f"{f} = coalesce(s.{f}, d.{f})" for f in fields)
    updated = conn.execute(
        f"update {table} as d set {assignments} from {stage} as s"
        f" where d.{key} = s.{key} and ({merged}) is distinct from ({stored})"
    ).rowcount
    # The key decides, not an anti-join against the table being filled: after an
    # aborted load left it analysed as empty, the planner chose a nested loop that
    # rescanned the growing table for every row (400k people: 7 s; 100k companies: 55 s).
    added = conn.execute(
        f"insert into {table} ({key}, {', '.join(fields)})"
        f" select s.{key}, {', '.join(f's.{f}' for f in fields)} from {stage} as s"
        f" on conflict ({key}) do nothing"
    ).rowcount
    return added, updated
