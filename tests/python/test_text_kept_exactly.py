"""Whatever text a cell holds is stored exactly as typed, and never executed: SQL,
quotes, emoji, right-to-left text, formulas, line breaks, up to Excel's own
32,767-character limit; past it the row is refused with that limit named."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from sheets import write_csv, write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest

TEXTS = [
    "Robert'); DROP TABLE sales.appointment_history;--",
    "$$; select pg_sleep(10); $$",
    "He said \"no\", then 'maybe' \\ and \\\\",
    "Budget 💸 frozen 🧊 until Q3 👩🏽‍💼",
    "الميزانية مجمدة حتى الربع القادم",
    "\u202eevil.exe\u202c reversed",
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1-2",
    "line one\nline two\ttabbed",
    "%s %(name)s {0} ${var} `whoami`",
    "x" * 32_767,
]
HEADERS = ["company_id", "people_id", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason", "person_name", "job_title", "source_record_id"]  # fmt: skip


def rows(texts: list[str]) -> list[list[object]]:
    return [
        [
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            f"2026-01-{1 + n:02d}",
            "numbers",
            "stalled",
            text,
            text[:500],
            text[:200],
            text[:100],
        ]
        for n, text in enumerate(texts)
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_text_is_stored_exactly(migrated_db: str, tmp_path: Path, suffix: str) -> None:
    data = rows(TEXTS)
    write = write_csv if suffix == ".csv" else write_xlsx
    path = write(tmp_path / f"texts{suffix}", HEADERS, data)
    with psycopg.connect(migrated_db) as conn:
        report = ingest(conn, path, IngestOptions(actor="test"))
        assert report.errors == [] and report.inserted == len(TEXTS)
        for row in data:
            stored = conn.execute(
                "select m.stalled_reason, m.source_record_id, p.person_name, p.job_title"
                " from sales.appointment_history as m"
                " join sales.prospect_people as p using (people_id)"
                " where m.company_id = %s",
                (row[0],),
            ).fetchone()
            assert stored == (row[5], row[8], row[6], row[7])
        # Nothing ran: the table is there and nobody slept.
        assert conn.execute("select count(*) from sales.appointment_history").fetchone() == (
            len(TEXTS),
        )


def test_a_text_past_excels_limit_is_refused_naming_it(migrated_db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", HEADERS, rows(["y" * 100_000]))
    with psycopg.connect(migrated_db) as conn:
        report = ingest(conn, path, IngestOptions(actor="test"))
        assert report.rejected == 1 and not report.written
        (error,) = [e for e in report.errors if e.column == "stalled_reason"]
        assert error.row == 2
        assert "holds 100000 characters; a cell holds at most 32,767" in error.message
        assert conn.execute("select count(*) from sales.appointment_history").fetchone() == (0,)
