"""Which stored partner a row of the partner master is: by fractional_cfo_id,
else email, else LinkedIn URL, else firm + contact name (case-insensitive).

A row that matches no one is a new partner; a row that matches two different
partners, or the same partner as an earlier row, is rejected with the reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import polars as pl
import psycopg

from loader.ingest.flow import RowError
from loader.sheets.workbook import ROW

MASTER = "partners.fractional_cfo_master"


@dataclass
class _Candidates:
    row: int
    given_id: uuid.UUID | None
    by_id: uuid.UUID | None
    by_email: uuid.UUID | None
    by_linkedin: uuid.UUID | None
    by_name: list[uuid.UUID]


def match_partners(
    conn: psycopg.Connection, stage: str, rows: pl.DataFrame
) -> tuple[dict[int, tuple[uuid.UUID, bool]], list[RowError]]:
    """Decide, per staged row, which partner it is (or that it is new); report clashes.

    Returns {row: (partner id, is new)} for the rows that can be loaded.
    """
    candidates = [
        _Candidates(*record)
        for record in conn.execute(
            f"""
            with by_name as (
                select
                    lower(firm_name) as firm,
                    lower(primary_contact_name) as contact,
                    array_agg(fractional_cfo_id order by fractional_cfo_id) as ids
                from {MASTER}
                group by lower(firm_name), lower(primary_contact_name)
            )

            -- Joins, not a subquery per row: a re-ingested master of 10,000 partners
            -- scanned the master once per row by name (41 s).
            select s.{ROW}, s.fractional_cfo_id, by_id.fractional_cfo_id,
                by_email.fractional_cfo_id, by_linkedin.fractional_cfo_id,
                coalesce(by_name.ids, '{{}}')
            from {stage} as s
            left join {MASTER} as by_id on by_id.fractional_cfo_id = s.fractional_cfo_id
            left join {MASTER} as by_email on by_email.email = s.email
            left join {MASTER} as by_linkedin
                on lower(by_linkedin.linkedin_url) = lower(s.linkedin_url)
            left join by_name
                on by_name.firm = lower(s.firm_name)
                and by_name.contact = lower(s.primary_contact_name)
            order by s.{ROW}
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
