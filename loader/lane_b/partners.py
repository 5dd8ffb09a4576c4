"""Ingest the partner master (partners.fractional_cfo_master), which is updatable.

A row matches a stored partner by fractional_cfo_id if given, else by email,
else by LinkedIn URL, else by firm + contact name (case-insensitive). A match
updates only the cells the file fills; no match adds a partner with a new id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import psycopg

from loader.cells import parse_columns
from loader.ingest_run import (
    IngestOptions,
    IngestReport,
    RowError,
    audit_context,
    collect_errors,
    copy_frame,
    lock_lane,
    must_roll_back,
    new_report,
    sort_errors,
    valid_rows,
    write_ledger,
    write_rejects,
)
from loader.lane_b.columns import PARTNER_COLUMNS
from loader.workbook import ROW, read_table

TARGET = "partners.fractional_cfo_master"
_STAGE = "stage_partner_master"
_KNOWN = [c.name for c in PARTNER_COLUMNS]
_REQUIRED = [c.name for c in PARTNER_COLUMNS if c.required]
_FIELDS = [c for c in _KNOWN if c != "fractional_cfo_id"]


@dataclass
class _Candidates:
    row: int
    given_id: uuid.UUID | None
    by_id: uuid.UUID | None
    by_email: uuid.UUID | None
    by_linkedin: uuid.UUID | None
    by_name: list[uuid.UUID]


def ingest(conn: psycopg.Connection, path: Path, options: IngestOptions) -> IngestReport:
    started_at = dt.datetime.now(dt.UTC)
    table = read_table(path, _KNOWN, _REQUIRED, options.sheet)
    report = new_report("lane_b", TARGET, table, options)
    parsed = parse_columns(table.frame, PARTNER_COLUMNS, options.today or dt.date.today())
    errors = collect_errors(parsed, table.frame)
    rows = valid_rows(parsed)

    with conn.transaction() as tx:
        lock_lane(conn, "lane_b")
        context = audit_context(report, options)
        context.apply(conn)
        conn.execute(
            f"""
            create temp table {_STAGE} (
                {ROW} bigint primary key, fractional_cfo_id uuid, firm_name text,
                primary_contact_name text, linkedin_url text, email text, geography text,
                niche_focus text, source text, status text, match_id uuid, is_new boolean
            ) on commit drop
            """
        )
        copy_frame(conn, _STAGE, rows.select(ROW, *_KNOWN))
        decisions, match_errors = _match(conn, rows)
        errors.extend(match_errors)
        report.errors = sort_errors(errors)
        with conn.cursor() as cur:
            cur.executemany(
                f"update {_STAGE} set match_id = %s, is_new = %s where {ROW} = %s",
                [(match_id, is_new, row) for row, (match_id, is_new) in decisions.items()],
            )
        updated = conn.execute(
            f"""
            update {TARGET} as m set
                firm_name = coalesce(s.firm_name, m.firm_name),
                primary_contact_name = coalesce(s.primary_contact_name, m.primary_contact_name),
                linkedin_url = coalesce(s.linkedin_url, m.linkedin_url),
                email = coalesce(s.email, m.email),
                geography = coalesce(s.geography, m.geography),
                niche_focus = coalesce(s.niche_focus, m.niche_focus),
                source = coalesce(s.source, m.source),
                status = coalesce(s.status::partners.partner_status_enum, m.status)
            from {_STAGE} as s
            where s.is_new = false and m.fractional_cfo_id = s.match_id
              and (coalesce(s.firm_name, m.firm_name),
                   coalesce(s.primary_contact_name, m.primary_contact_name),
                   coalesce(s.linkedin_url, m.linkedin_url), coalesce(s.email, m.email),
                   coalesce(s.geography, m.geography), coalesce(s.niche_focus, m.niche_focus),
                   coalesce(s.source, m.source),
                   coalesce(s.status::partners.partner_status_enum, m.status))
                  is distinct from
                  (m.firm_name, m.primary_contact_name, m.linkedin_url, m.email, m.geography,
                   m.niche_focus, m.source, m.status)
            """
        ).rowcount
        matched = sum(1 for _, is_new in decisions.values() if not is_new)
        new_rows = conn.execute(
            f"""
            insert into {TARGET} (fractional_cfo_id, firm_name, primary_contact_name,
                linkedin_url, email, geography, niche_focus, source, status)
            select s.match_id, s.firm_name, s.primary_contact_name, s.linkedin_url, s.email,
                   s.geography, s.niche_focus, s.source,
                   coalesce(s.status, 'prospect')::partners.partner_status_enum
            from {_STAGE} as s where s.is_new order by s.{ROW}
            returning fractional_cfo_id
            """
        ).fetchall()
        report.updated = updated
        report.duplicates = matched - updated
        report.inserted = len(new_rows)
        firm_by_row = dict(rows.select(ROW, "firm_name").iter_rows())
        report.new_partner_ids = [
            {"row": row, "fractional_cfo_id": str(match_id), "firm_name": firm_by_row[row]}
            for row, (match_id, is_new) in sorted(decisions.items())
            if is_new
        ]
        if must_roll_back(report, options):
            report.new_partner_ids = []  # nothing was stored: those ids do not exist
            raise psycopg.Rollback(tx)
        write_ledger(conn, report, context.actor, started_at)
        report.written = True

    if options.rejects and report.errors:
        write_rejects(options.rejects, table.frame, report.errors)
    return report


def _match(
    conn: psycopg.Connection, rows: pl.DataFrame
) -> tuple[dict[int, tuple[uuid.UUID, bool]], list[RowError]]:
    """Decide, per valid row, which partner it is (or that it is new); report clashes."""
    candidates = [
        _Candidates(*record)
        for record in conn.execute(
            f"""
            select s.{ROW}, s.fractional_cfo_id,
                (select m.fractional_cfo_id from {TARGET} m
                 where m.fractional_cfo_id = s.fractional_cfo_id),
                (select m.fractional_cfo_id from {TARGET} m where m.email = s.email),
                (select m.fractional_cfo_id from {TARGET} m
                 where lower(m.linkedin_url) = lower(s.linkedin_url)),
                array(select m.fractional_cfo_id from {TARGET} m
                      where lower(m.firm_name) = lower(s.firm_name)
                        and lower(m.primary_contact_name) = lower(s.primary_contact_name))
            from {_STAGE} s order by s.{ROW}
            """
        ).fetchall()
    ]
    by_row = {r[ROW]: r for r in rows.iter_rows(named=True)}
    decisions: dict[int, tuple[uuid.UUID, bool]] = {}
    errors: list[RowError] = []
    claimed: dict[object, int] = {}  # partner id or identity key -> first row
    for c in candidates:
        row = by_row[c.row]
        error = _clash(c, row)
        if error:
            errors.append(error)
            continue
        match = c.by_id or c.by_email or c.by_linkedin or (c.by_name[0] if c.by_name else None)
        keys = [match] if match else _identity_keys(row)
        earlier = next((claimed[k] for k in keys if k in claimed), None)
        if earlier is not None:
            errors.append(
                RowError(
                    c.row,
                    "firm_name",
                    row["firm_name"],
                    f"this row and row {earlier} are the same partner; keep one row per partner "
                    "(merge the cells you want into it).",
                )
            )
            continue
        for k in keys:
            claimed[k] = c.row
        decisions[c.row] = (match, False) if match else (uuid.uuid4(), True)
    return decisions, errors


def _identity_keys(row: dict) -> list[object]:
    keys: list[object] = [("name", row["firm_name"].lower(), row["primary_contact_name"].lower())]
    if row["email"]:
        keys.append(("email", row["email"]))
    if row["linkedin_url"]:
        keys.append(("linkedin", row["linkedin_url"].lower()))
    return keys


def _clash(c: _Candidates, row: dict) -> RowError | None:
    if c.given_id is not None and c.by_id is None:
        return RowError(
            c.row,
            "fractional_cfo_id",
            str(c.given_id),
            "no partner has this fractional_cfo_id; leave it empty to add a new partner, "
            "or copy the id from the partner list.",
        )
    if c.by_id is None and c.by_email is None and c.by_linkedin is None and len(c.by_name) > 1:
        return RowError(
            c.row,
            "firm_name",
            row["firm_name"],
            f"{len(c.by_name)} stored partners have this firm and contact name; add their "
            "fractional_cfo_id or email to say which one.",
        )
    match = c.by_id or c.by_email or c.by_linkedin
    if match and c.by_email and c.by_email != match:
        return RowError(
            c.row,
            "email",
            row["email"],
            f"this email belongs to another partner ({c.by_email}); one email per partner.",
        )
    if match and c.by_linkedin and c.by_linkedin != match:
        return RowError(
            c.row,
            "linkedin_url",
            row["linkedin_url"],
            f"this LinkedIn URL belongs to another partner ({c.by_linkedin}).",
        )
    return None
