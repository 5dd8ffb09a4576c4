"""Tool activity import: its cost per row must stay flat as the file grows (issue 32).

For each size N, a scratch database gets N meetings of N people (CRM-style: email and
company domain, so the prospect directory holds them), then a lemlist activity export of
N sends is loaded with `--tool lemlist`, matched to the meetings by email (the way a tool
that dropped our custom fields comes back: the most work per row), then the same file
again (every row a duplicate). Seconds and microseconds per row, for the first load and
the re-load. Targets: 100k rows within 10 s, 1M within 90 s on 2 cores, the cost per row
flat from 10k to 1M. Results in bench/results_activity.md.

    make bench-activity                                   # 10k, 100k, 1M
    .venv/bin/python bench/activity_bench.py --sizes 10000 100000

The database is the loader's (DATABASE_URL, else the embedded server); the user must be
allowed to create databases. Scratch databases are dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from pathlib import Path

import psycopg
from ingest_bench import drop_scratch, scratch_database  # the same scratch databases

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"


def files(size: int) -> tuple[Path, Path]:
    """The meetings and the activity export for `size` people (cached in bench/out/)."""
    OUT.mkdir(parents=True, exist_ok=True)
    meetings, activity = OUT / f"activity_meetings_{size}.csv", OUT / f"activity_{size}.csv"
    if not meetings.exists():
        with meetings.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["email", "company_domain", "meeting_date", "meeting_type",
                          "meeting_outcome"])  # fmt: skip
            for i in range(size):
                out.writerow([f"p{i}@c{i}.example", f"c{i}.example", "2026-01-05", "numbers",
                              "lost"])  # fmt: skip
    if not activity.exists():
        start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        with activity.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["type", "createdAt", "leadEmail"])  # lemlist's activity columns
            for i in range(size):
                at = start + dt.timedelta(seconds=i)
                out.writerow(["emailsSent", f"{at:%Y-%m-%dT%H:%M:%S}.000Z", f"p{i}@c{i}.example"])
    return meetings, activity


def measure(admin: str, size: int) -> dict:
    from loader.ingest.flow import IngestOptions
    from loader.lanes.lane_a.ingest import ingest
    from loader.lanes.lane_a.touches import TOUCHES
    from loader.outreach.touches import ingest_touches

    meetings, activity = files(size)
    name = "lanes_bench_activity"
    url = scratch_database(admin, name)
    try:
        with psycopg.connect(url) as conn:
            assert ingest(conn, meetings, IngestOptions(actor="bench")).inserted == size
        timings = {}
        for run in ("first", "again"):
            with psycopg.connect(url) as conn:
                started = time.perf_counter()
                report = ingest_touches(
                    conn, TOUCHES, activity, IngestOptions(actor="b"), "lemlist"
                )
                timings[run] = time.perf_counter() - started
            expected = (size, 0) if run == "first" else (0, size)
            assert (report.inserted, report.duplicates) == expected, report.as_json()
        return timings
    finally:
        drop_scratch(admin, name)


def main() -> None:
    parser = argparse.ArgumentParser(description="Tool activity import, 10k to 1M rows.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--results", type=Path, default=ROOT / "results_activity.md")
    args = parser.parse_args()

    from loader.platform.database import resolve, with_database

    admin = with_database(resolve().conninfo, "postgres")
    lines = [
        "| activity rows | first load s | µs / row | same file again s | µs / row |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in args.sizes:
        timings = measure(admin, size)
        first, again = timings["first"], timings["again"]
        lines.append(
            f"| {size:,} | {first:.1f} | {first / size * 1e6:.0f} | {again:.1f} "
            f"| {again / size * 1e6:.0f} |"
        )
        print(lines[-1], flush=True)
    text = (
        "# Tool activity import (`make bench-activity`)\n\n"
        f"{dt.date.today()}, 2 cores; lemlist activity matched by email (no custom fields), "
        "then the same file again.\n\n" + "\n".join(lines) + "\n"
    )
    args.results.write_text(text, encoding="utf-8")
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
