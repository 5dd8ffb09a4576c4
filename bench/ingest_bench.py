"""Lane A ingest benchmark: the loader against the floor and a row-by-row baseline.

For each size it generates a realistic workbook (cached in bench/out/), then runs,
each in a fresh process on a freshly migrated scratch database:

  loader      `ingest()` end to end: read, validate, stage by COPY, duplicate and
              conflict checks, insert, audit rows, ledger.
  floor       the irreducible work: the same workbook read by the same reader, and
              one bare COPY of its rows (uid computed, nothing validated or
              compared) into sales.appointment_history itself - so the table's
              own indexes, constraints and database-enforced audit rows count in
              the floor too. The 1.5x target is measured against this.
  bare_table  the same read + a COPY into a table with no constraints, triggers or
              indexes: what the rows cost without the guarantees (for reference).
  row_by_row  the original system's way: one INSERT per row into
              sales.appointment_history.

It reports seconds and peak memory (max RSS of that process) and the loader's
ratio to the floor. Targets (issue 3): 1M rows within 1.5x the floor, under 1.5 GB.

    make bench                                    # 10k, 100k, 1M
    .venv/bin/python bench/ingest_bench.py --sizes 10000 100000 --skip-row-by-row-above 100000

The database is the loader's (DATABASE_URL, else the embedded server); the user
must be allowed to create databases. Scratch databases are dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import xlsxwriter

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
HEADERS = ["company_id", "people_id", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason", "source", "source_record_id"]  # fmt: skip
REASONS = ["Budget frozen until next quarter", "Went with a competitor", "Timing", "Later"]


def workbook(rows: int) -> Path:
    path = OUT / f"lane_a_{rows}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    today = dt.date.today()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("data")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for r in range(1, rows + 1):
        outcome = rng.choice(["stalled", "ghosted", "lost", "progressed"])
        day = today - dt.timedelta(days=rng.randrange(1, 900))
        sheet.write_string(r, 0, str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        sheet.write_string(r, 1, str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        sheet.write_datetime(r, 2, dt.datetime(day.year, day.month, day.day), date_format)
        sheet.write_string(r, 3, rng.choice(["discovery", "systems", "numbers", "other"]))
        sheet.write_string(r, 4, outcome)
        if outcome == "stalled":
            sheet.write_string(r, 5, rng.choice(REASONS))
        sheet.write_string(r, 6, "crm")
        sheet.write_string(r, 7, f"CRM-{r:08d}")
    book.close()
    return path


# ---- workers: run in their own process so peak memory is theirs alone ----


def work_loader(conninfo: str, path: Path) -> dict:
    from loader.ingest.flow import IngestOptions
    from loader.lanes.lane_a.ingest import ingest

    with psycopg.connect(conninfo) as conn:
        report = ingest(conn, path, IngestOptions(actor="bench"))
    assert report.inserted == report.rows_read and not report.errors, report.as_json()
    return {"rows": report.inserted}


def _read(path: Path):
    from loader.lanes.lane_a.columns import MEETING_COLUMNS
    from loader.sheets.workbook import ROW, read_table

    known = [c.name for c in MEETING_COLUMNS]
    required = [c.name for c in MEETING_COLUMNS if c.required]
    return read_table(path, known, required).frame.drop(ROW)


STORED = ["appointment_uid", "company_id", "people_id", "meeting_date", "meeting_type",
          "meeting_outcome", "stalled_reason", "source", "source_record_id"]  # fmt: skip


def stored_rows(path: Path):
    """The file's rows as sales.appointment_history stores them: key computed, nothing checked."""
    import polars as pl

    frame = _read(path).with_columns(pl.col("meeting_date").str.slice(0, 10))
    return frame.with_columns(
        pl.concat_str(
            pl.col("company_id").fill_null(""),
            pl.col("people_id").fill_null(""),
            pl.col("meeting_date"),
            separator="|",
        ).alias("appointment_uid")
    ).select(STORED)


def work_floor(conninfo: str, path: Path) -> dict:
    from loader.ingest.flow import copy_frame

    frame = stored_rows(path)
    with psycopg.connect(conninfo) as conn:
        copy_frame(conn, "sales.appointment_history", frame)
    return {"rows": frame.height}


def work_bare_table(conninfo: str, path: Path) -> dict:
    from loader.ingest.flow import copy_frame

    frame = _read(path)
    with psycopg.connect(conninfo) as conn:
        columns = ", ".join(f'"{c}" text' for c in frame.columns)
        conn.execute(f"create table public.bench_bare ({columns})")
        copy_frame(conn, "public.bench_bare", frame)
    return {"rows": frame.height}


def work_row_by_row(conninfo: str, path: Path) -> dict:
    frame = _read(path)
    insert = (
        "insert into sales.appointment_history (appointment_uid, company_id, people_id,"
        " meeting_date, meeting_type, meeting_outcome, stalled_reason, source, source_record_id)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cur:
        for row in frame.iter_rows(named=True):
            day = dt.date.fromisoformat(row["meeting_date"][:10])
            cur.execute(
                insert,
                (
                    f"{row['company_id']}|{row['people_id']}|{day.isoformat()}",
                    row["company_id"],
                    row["people_id"],
                    day,
                    row["meeting_type"],
                    row["meeting_outcome"],
                    row["stalled_reason"],
                    row["source"],
                    row["source_record_id"],
                ),
            )
    return {"rows": frame.height}


WORKERS = {
    "loader": work_loader,
    "floor": work_floor,
    "bare_table": work_bare_table,
    "row_by_row": work_row_by_row,
}


def worker_main(mode: str, conninfo: str, path: str) -> None:
    started = time.perf_counter()
    result = WORKERS[mode](conninfo, Path(path))
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# ---- driver ----


def scratch_database(admin: str, name: str) -> str:
    from loader.platform.database import with_database
    from loader.platform.migrations import migrate

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = with_database(admin, name)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
    return url


def measure(admin: str, mode: str, path: Path) -> dict:
    name = f"lanes_bench_{mode}"
    url = scratch_database(admin, name)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", mode, url, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{mode} on {path.name} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        drop_scratch(admin, name)


def drop_scratch(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--skip-row-by-row-above", type=int, default=None)
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "URL", "PATH"))
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return

    from loader.platform.database import resolve, with_database

    admin = with_database(resolve().conninfo, "postgres")
    results = []
    for size in args.sizes:
        started = time.perf_counter()
        path = workbook(size)
        print(f"{size:>9,} rows: workbook ready ({time.perf_counter() - started:.1f}s, "
              f"{path.stat().st_size / 1e6:.1f} MB)", flush=True)  # fmt: skip
        row = {"rows": size}
        for mode in WORKERS:
            if (
                mode == "row_by_row"
                and args.skip_row_by_row_above
                and size > (args.skip_row_by_row_above)
            ):
                continue
            row[mode] = measure(admin, mode, path)
            print(f"           {mode:<10} {row[mode]['seconds']:8.1f}s "
                  f"{row[mode]['peak_mb']:8.0f} MB peak", flush=True)  # fmt: skip
        results.append(row)

    print()
    print("| rows | loader s | floor s | loader / floor | bare-table floor s | row-by-row s "
          "| loader peak MB |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        rbr = row.get("row_by_row", {}).get("seconds")
        print(
            f"| {row['rows']:,} | {row['loader']['seconds']:.1f} | {row['floor']['seconds']:.1f}"
            f" | {row['loader']['seconds'] / row['floor']['seconds']:.2f}x"
            f" | {row['bare_table']['seconds']:.1f}"
            f" | {f'{rbr:.1f}' if rbr else 'skipped'} | {row['loader']['peak_mb']:.0f} |"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
