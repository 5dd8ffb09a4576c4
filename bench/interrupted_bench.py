"""An interrupted load costs no more than a first one.

A CRM export of 400k meetings with names, emails and companies (so the prospect
directory is written too) is loaded into a fresh database, timed. Then, for each
moment a load can die at — staging the keys, writing the meetings, writing the
directory's people, its companies — a load into another fresh database is killed
(SIGKILL) there, the tables are vacuumed and analysed as autovacuum would do next
(leaving them analysed as empty), and the same command is run again, timed. The
re-run must stay within 1.5x the fresh load. Results in bench/results_interrupted.md.

    make bench-interrupted            # on the embedded server (or DATABASE_URL)
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
ROWS = 400_000
LOADER = "outreach-lanes-loader"  # the loader's application_name

# Where a load is killed: the statement it is running then.
KILL_POINTS = {
    "staging the keys": "copy stage_%",
    "writing the meetings": "copy sales.appointment_history%",
    "writing the directory's people": "insert into sales.prospect_people%",
    "writing the directory's companies": "insert into sales.prospect_companies%",
}
TABLES = ("sales.appointment_history", "sales.prospect_people", "sales.prospect_companies")


def crm_export(rows: int) -> Path:
    """A CRM export without UUIDs: one meeting per person, four people per company."""
    path = OUT / f"crm_export_{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    today = dt.date.today()
    with path.open("w") as handle:
        handle.write(
            "person_name,email,company_name,company_domain,meeting_date,meeting_type,"
            "meeting_outcome,stalled_reason\n"
        )
        for n in range(rows):
            company = n // 4
            day = today - dt.timedelta(days=rng.randint(20, 700))
            handle.write(
                f"Person {n},person{n}@co{company}.com,Company {company},co{company}.com,"
                f"{day},numbers,stalled,Budget frozen until next quarter\n"
            )
    return path


def loader(url: str, path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "loader", "ingest", "lane-a", str(path), "--json"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def timed_load(url: str, path: Path) -> float:
    started = time.perf_counter()
    done = loader(url, path)
    _, err = done.communicate()
    assert done.returncode == 0, err.decode()
    return time.perf_counter() - started


def kill_at(url: str, path: Path, pattern: str) -> None:
    running = loader(url, path)
    with psycopg.connect(url, autocommit=True) as conn:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            pid = conn.execute(
                "select pid from pg_stat_activity where application_name = %s"
                " and state = 'active' and query ilike %s",
                (LOADER, pattern),
            ).fetchone()
            if pid:
                break
            time.sleep(0.005)
        else:
            raise AssertionError(f"the load never ran {pattern}")
        running.send_signal(signal.SIGKILL)
        running.wait()
        while conn.execute("select 1 from pg_stat_activity where pid = %s", pid).fetchone():
            time.sleep(0.05)  # the server notices the client is gone
        for table in TABLES:  # what autovacuum does next: the tables analysed as empty
            conn.execute(f"vacuum analyze {table}")
        stored = conn.execute("select count(*) from sales.appointment_history").fetchone()[0]
        assert stored == 0, "a killed load left meetings behind"


def main() -> None:
    from ingest_bench import scratch_database

    from loader.platform.database import resolve, with_database

    admin = with_database(resolve().conninfo, "postgres")
    path = crm_export(ROWS)
    fresh = timed_load(scratch_database(admin, "lanes_bench_fresh"), path)
    print(f"fresh load of {ROWS:,} meetings: {fresh:.1f} s", flush=True)
    lines = [
        "# An interrupted load costs no more than a first one",
        "",
        f"`make bench-interrupted`: {ROWS:,} meetings of a CRM export with names, emails",
        "and companies; each load killed (SIGKILL) at the moment named, the tables then",
        "vacuumed and analysed as autovacuum would, and the same command run again.",
        "",
        "| killed while | re-run | re-run / fresh load |",
        "|---|---:|---:|",
        f"| (not killed: a fresh load) | {fresh:.1f} s | 1.00x |",
    ]
    for moment, pattern in KILL_POINTS.items():
        url = scratch_database(admin, "lanes_bench_interrupted")
        kill_at(url, path, pattern)
        again = timed_load(url, path)
        print(f"killed while {moment}: re-run {again:.1f} s ({again / fresh:.2f}x)", flush=True)
        lines.append(f"| {moment} | {again:.1f} s | {again / fresh:.2f}x |")
    for name in ("lanes_bench_fresh", "lanes_bench_interrupted"):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
    (ROOT / "results_interrupted.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
