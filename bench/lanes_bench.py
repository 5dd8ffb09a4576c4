"""Lane A end to end at scale: ingest against the COPY floor, the build, the ready view.

For each size (default 100k and 1M meetings; `make bench-10m` runs 10M) it
generates meetings with realistic histories as CSV (cached in bench/out/), and
up to 1M also as an xlsx workbook, then on fresh scratch databases:

  floor         a bare COPY of the CSV file into a table with no constraints,
                triggers or indexes (what `\\copy` does): the physical floor.
  ingest csv    `loader ingest lane-a FILE` in its own process: read, validate,
                stage, compare, insert, audit, ledger. Peak memory is that
                process's maximum resident set.
  ingest xlsx   the same from the workbook, and the reader's share (the sheet
                read alone, in the reader's child process) with its peak memory.
  build         `loader dbt build --select lane_a` models only, then with every
                test and unit test.
  queries       after a week's touches and kill-switch entries made after the
                build, each dashboard query on bit.v_reactivation_ready five
                times (median), plans to bench/plans/<rows>_<query>.txt.

It prints one table and writes it to bench/results.md (and out/results.json).

    make bench                                   # 100k and 1M
    make bench-10m                               # 10M, CSV only
    .venv/bin/python bench/lanes_bench.py --sizes 100000

The database is the loader's (DATABASE_URL, else the embedded server); the user
must be allowed to create databases. The scratch databases are dropped at the
end, except `lanes_bench` (the built lane, kept for a look until the next run).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
PROJECT = ROOT.parent
XLSX_UP_TO = 1_000_000  # an xlsx sheet holds 1,048,575 rows


def meetings_xlsx(csv_path: Path) -> Path:
    """The same meetings as a workbook, dates as real Excel dates."""
    import xlsxwriter

    path = csv_path.with_suffix(".xlsx")
    if path.exists():
        return path
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("meetings")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    with csv_path.open(newline="") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, value in enumerate(row):
                if r and c == 2:
                    sheet.write_datetime(r, c, dt.datetime.fromisoformat(value), date_format)
                elif value:
                    sheet.write_string(r, c, value)
    book.close()
    return path


# ---- workers: each in its own process, so its peak memory is its own ----


def work_ingest(url: str, path: str) -> dict:
    from loader.ingest.flow import IngestOptions
    from loader.lanes.lane_a.ingest import ingest

    with psycopg.connect(url) as conn:
        report = ingest(conn, Path(path), IngestOptions(actor="bench"))
    assert report.written and report.inserted == report.rows_read, report.as_json()
    return {"rows": report.inserted}


def work_read(url: str, path: str) -> dict:
    from loader.lanes.lane_a.columns import MEETING_COLUMNS
    from loader.sheets.workbook import read_table

    known = [c.name for c in MEETING_COLUMNS]
    required = [c.name for c in MEETING_COLUMNS if c.required]
    return {"rows": read_table(Path(path), known, required).rows_read}


def work_guarded_copy(url: str, path: str) -> dict:
    """Read the file and COPY its rows (key computed, in key order) straight into
    sales.appointment_history: the table's own guarantees (key, checks, thin audit
    rows) and nothing of the loader's (no validation, staging, compare, ledger)."""
    from ingest_bench import stored_rows

    from loader.ingest.flow import copy_frame
    from loader.platform.audit import AuditContext

    frame = stored_rows(Path(path)).sort("appointment_uid")
    with psycopg.connect(url) as conn, conn.transaction():
        AuditContext(actor="bench", ledgered=True).apply(conn)
        copy_frame(conn, "sales.appointment_history", frame)
    return {"rows": frame.height}


WORKERS = {"ingest": work_ingest, "read": work_read, "guarded": work_guarded_copy}


def worker_main(mode: str, url: str, path: str) -> None:
    started = time.perf_counter()
    result = WORKERS[mode](url, path)
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The xlsx reader runs in a child process (loader/sheets/sheet_reader.py).
    result["child_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))


def in_worker(mode: str, url: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", mode, url, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT,
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode} {path.name} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- driver ----


def bare_copy_floor(url: str, path: Path) -> float:
    """Seconds for a bare COPY of the file into a table with nothing on it."""
    with psycopg.connect(url, autocommit=True) as conn:
        header = path.open().readline().strip().split(",")
        columns = ", ".join(f'"{name}" text' for name in header)
        conn.execute("drop table if exists public.bench_bare")
        conn.execute(f"create table public.bench_bare ({columns})")
        started = time.perf_counter()
        with conn.cursor().copy(
            "copy public.bench_bare from stdin (format csv, header true)"
        ) as copy, path.open("rb") as handle:  # fmt: skip
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        conn.execute("drop table public.bench_bare")
    return seconds


def drop(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def measure_size(admin: str, rows: int, with_xlsx: bool) -> dict:
    from ingest_bench import scratch_database
    from view_bench import activity_after_build, build_times, meetings_csv, run_queries

    from loader.platform.roles import ensure_roles

    result: dict = {"rows": rows}
    started = time.perf_counter()
    csv_path = meetings_csv(rows)
    print(f"{rows:>11,} meetings: CSV ready ({time.perf_counter() - started:.0f} s, "
          f"{csv_path.stat().st_size / 1e6:,.0f} MB)", flush=True)  # fmt: skip

    url = scratch_database(admin, "lanes_bench")
    with psycopg.connect(url, autocommit=True) as conn:
        ensure_roles(conn)  # the ready view's grant
    result["floor_s"] = bare_copy_floor(url, csv_path)
    guarded = scratch_database(admin, "lanes_bench_guarded")
    try:
        result["guarded_copy"] = in_worker("guarded", guarded, csv_path)
    finally:
        drop(admin, "lanes_bench_guarded")
    result["ingest_csv"] = in_worker("ingest", url, csv_path)
    result["ratio"] = result["ingest_csv"]["seconds"] / result["floor_s"]
    print(f"            ingest CSV {result['ingest_csv']['seconds']:.1f} s "
          f"(floor {result['floor_s']:.1f} s, {result['ratio']:.1f}x), "
          f"peak {result['ingest_csv']['peak_mb']:,.0f} MB", flush=True)  # fmt: skip

    with psycopg.connect(url) as conn:
        result["audit_mb"] = conn.execute(
            "select pg_total_relation_size('shq.audit_log') / 1e6::float8"
        ).fetchone()[0]
        result["facts_mb"] = conn.execute(
            "select pg_total_relation_size('sales.appointment_history') / 1e6::float8"
        ).fetchone()[0]

    result["build_models_s"], result["build_tests_s"] = build_times(url, "lane_a")
    print(f"            build {result['build_models_s']:.1f} s models, "
          f"{result['build_tests_s']:.1f} s with tests", flush=True)  # fmt: skip

    with psycopg.connect(url, autocommit=True) as conn:
        activity_after_build(conn, random.Random(rows))
        result["ready_rows"] = conn.execute(
            "select count(*) from bit.v_reactivation_ready"
        ).fetchone()[0]
        result["query_ms"] = run_queries(conn, rows)
    print("            queries " + ", ".join(
        f"{name} {ms:.1f} ms" for name, ms in result["query_ms"].items()), flush=True)  # fmt: skip

    if with_xlsx and rows <= XLSX_UP_TO:
        xlsx = meetings_xlsx(csv_path)
        other = scratch_database(admin, "lanes_bench_xlsx")
        try:
            result["ingest_xlsx"] = in_worker("ingest", other, xlsx)
            result["read_xlsx"] = in_worker("read", other, xlsx)
        finally:
            drop(admin, "lanes_bench_xlsx")
        print(f"            ingest xlsx {result['ingest_xlsx']['seconds']:.1f} s "
              f"(reading {result['read_xlsx']['seconds']:.1f} s, reader peak "
              f"{result['read_xlsx']['child_peak_mb']:,.0f} MB)", flush=True)  # fmt: skip
    return result


def table(results: list[dict], server: str) -> str:
    lines = [
        f"Lane A, {server}, {os.cpu_count()} cores, {dt.date.today()} "
        f"(`bench/lanes_bench.py`; view queries: median of 5, ms)",
        "",
        "| meetings | ingest CSV | bare COPY floor | ingest / floor | COPY into the guarded table "
        "| ingest peak memory "
        "| ingest xlsx (of which reading) | reader peak memory | audit log / facts "
        "| dbt build, models | dbt build, with tests | ready rows "
        "| top 100 | top 100 email | top 100 warm | one prospect | count |",
        "|---:" * 16 + "|",
    ]
    for r in results:
        xlsx = r.get("ingest_xlsx")
        read = r.get("read_xlsx")
        xlsx_cell = f"{xlsx['seconds']:.1f} s ({read['seconds']:.1f} s)" if xlsx else "n/a"
        reader_cell = f"{read['child_peak_mb']:,.0f} MB" if read else "n/a"
        q = r["query_ms"]
        lines.append(
            f"| {r['rows']:,} | {r['ingest_csv']['seconds']:.1f} s | {r['floor_s']:.1f} s"
            f" | {r['ratio']:.1f}x | {r['guarded_copy']['seconds']:.1f} s"
            f" | {r['ingest_csv']['peak_mb']:,.0f} MB"
            f" | {xlsx_cell} | {reader_cell}"
            f" | {r['audit_mb']:,.0f} / {r['facts_mb']:,.0f} MB"
            f" | {r['build_models_s']:.1f} s | {r['build_tests_s']:.1f} s | {r['ready_rows']:,}"
            f" | {q['top_100']:.1f} | {q['top_100_email']:.1f} | {q['top_100_warm']:.1f}"
            f" | {q['one_prospect']:.1f} | {q['count']:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-xlsx", action="store_true", help="skip the workbook ingest")
    parser.add_argument("--results", type=Path, default=ROOT / "results.md")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "URL", "PATH"))
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return

    from loader.platform.database import resolve, with_database

    target = resolve()
    admin = with_database(target.conninfo, "postgres")
    with psycopg.connect(admin) as conn:
        server = "PostgreSQL " + conn.execute("show server_version").fetchone()[0].split()[0]
    server += " (embedded)" if "DATABASE_URL" not in os.environ else " (DATABASE_URL)"
    results = [measure_size(admin, rows, not args.no_xlsx) for rows in args.sizes]

    text = table(results, server)
    print()
    print(text)
    args.results.write_text(text)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = {"machine": platform.node(), "server": server, "results": results}
    (OUT / f"results_{'_'.join(map(str, args.sizes))}.json").write_text(json.dumps(stamp, indent=2))


if __name__ == "__main__":
    main()
