"""Ready-view benchmark: the dashboard queries on Lane A's ready view at scale.

For each size it generates Lane A meetings as CSV (cached in bench/out/), loads
them into a fresh scratch database with the loader, builds the lane (models
only, timed), adds some touches and kill-switch entries made after the build
(so the view's per-row checks have work to do), then runs each dashboard query
five times and reports the median. Each query's `EXPLAIN (ANALYZE, BUFFERS)`
plan is written to bench/plans/<rows>_<query>.txt.

    make bench-views                              # 1M meetings
    .venv/bin/python bench/view_bench.py --sizes 100000 1000000

Targets (issue 15): every query under 50 ms at 1M meetings, 200 ms at 10M. The
database is the loader's (DATABASE_URL, else the embedded server); the user must
be allowed to create databases. The scratch database is kept for a look
(`lanes_bench_views`); the next run replaces it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
PLANS = ROOT / "plans"
PROJECT = ROOT.parent

QUERIES = {
    "top_100": "select * from bit.v_reactivation_ready order by bit_score desc limit 100",
    "top_100_email": (
        "select * from bit.v_reactivation_ready where recommended_channel = 'email'"
        " order by bit_score desc limit 100"
    ),
    "top_100_warm": (
        "select * from bit.v_reactivation_ready where tier = 'warm'"
        " order by bit_score desc limit 100"
    ),
    "one_prospect": "select * from bit.v_reactivation_ready where people_id = %(person)s",
    "count": "select count(*) from bit.v_reactivation_ready",
}


def meetings_csv(rows: int) -> Path:
    """Meetings of rows/2 people (so histories, repeats and cooling-off occur)."""
    path = OUT / f"lane_a_{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    today = dt.date.today()
    people = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(max(rows // 2, 1))]
    companies = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(max(rows // 8, 1))]
    reasons = ["Budget frozen until next quarter", "Went with a competitor", "Timing", "Later"]
    with path.open("w") as handle:
        handle.write("company_id,people_id,meeting_date,meeting_type,meeting_outcome,"
                     "stalled_reason,source,source_record_id\n")  # fmt: skip
        seen = set()
        for n in range(rows):
            person = rng.randrange(len(people))
            day = today - dt.timedelta(days=rng.randrange(1, 900))
            while (person, day) in seen:
                day -= dt.timedelta(days=1)
            seen.add((person, day))
            outcome = rng.choice(["stalled", "ghosted", "lost", "progressed"])
            reason = rng.choice(reasons) if outcome == "stalled" else ""
            handle.write(
                f"{companies[person % len(companies)]},{people[person]},{day},"
                f"{rng.choice(['discovery', 'systems', 'numbers', 'other'])},{outcome},"
                f"{reason},crm,CRM-{n:08d}\n"
            )
    return path


def timed(args: list[str], url: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "loader", *args],
        env={**__import__("os").environ, "DATABASE_URL": url},
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"loader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def activity_after_build(conn: psycopg.Connection, rng: random.Random) -> None:
    """A week's worth of touches and kill-switch entries, made after the build."""
    from loader.platform.audit import AuditContext

    ready = conn.execute(
        "select appointment_uid, people_id::text from bit.reactivation_intent"
        " where bit_score >= 40 order by appointment_uid limit 20000"
    ).fetchall()
    with conn.transaction():
        AuditContext(actor="bench").apply(conn)
        for uid, _ in rng.sample(ready, min(2000, len(ready) // 10)):
            conn.execute(
                "insert into sales.reactivation_touches (appointment_uid, channel, actor)"
                " values (%s, 'email', 'bench')",
                (uid,),
            )
        for _, person in rng.sample(ready, min(500, len(ready) // 40)):
            conn.execute(
                "insert into sales.reactivation_kill_switch (scope, scope_key, action, reason,"
                " actor) values ('person', %s, 'exclude', 'bench', 'bench')",
                (person,),
            )
    conn.execute("analyze sales.reactivation_touches")
    conn.execute("analyze sales.reactivation_kill_switch")


def time_queries(
    conn: psycopg.Connection, queries: dict[str, str], params: dict, plan_prefix: str
) -> dict[str, float]:
    """Each query five times: the median in ms; its plan to bench/plans/<prefix>_<name>.txt."""
    PLANS.mkdir(parents=True, exist_ok=True)
    medians = {}
    for name, query in queries.items():
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            conn.execute(query, params).fetchall()
            runs.append((time.perf_counter() - started) * 1000)
        medians[name] = statistics.median(runs)
        plan = conn.execute(f"explain (analyze, buffers) {query}", params).fetchall()
        (PLANS / f"{plan_prefix}_{name}.txt").write_text(
            f"-- {query}\n-- median of 5: {medians[name]:.1f} ms\n"
            + "\n".join(line for (line,) in plan)
            + "\n"
        )
    return medians


def run_queries(conn: psycopg.Connection, rows: int) -> dict[str, float]:
    # One well down the queue (the 500th, or the middle of a short one).
    person = conn.execute(
        "select people_id::text from bit.v_reactivation_ready order by bit_score desc"
        " offset least(500, (select count(*) / 2 from bit.v_reactivation_ready)) limit 1"
    ).fetchone()[0]
    return time_queries(conn, QUERIES, {"person": person}, str(rows))


def build_times(url: str, selector: str) -> tuple[float, float]:
    """`loader dbt build --select <selector>`: seconds for the models only, then with tests."""
    models_only = ["dbt", "build", "--select", selector, "--exclude-resource-type", "test",
                   "unit_test", "--quiet"]  # fmt: skip
    return timed(models_only, url), timed(["dbt", "build", "--select", selector, "--quiet"], url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()

    from ingest_bench import scratch_database

    from loader.platform.database import resolve, with_database
    from loader.platform.roles import ensure_roles

    admin = with_database(resolve().conninfo, "postgres")
    results = []
    for rows in args.sizes:
        path = meetings_csv(rows)
        url = scratch_database(admin, "lanes_bench_views")
        with psycopg.connect(url, autocommit=True) as conn:
            ensure_roles(conn)  # the ready view's grant
        row = {"rows": rows}
        row["ingest_s"] = timed(["ingest", "lane-a", str(path)], url)
        row["build_models_s"], row["build_with_tests_s"] = build_times(url, "lane_a")
        with psycopg.connect(url, autocommit=True) as conn:
            activity_after_build(conn, random.Random(rows))
            row["ready_rows"] = conn.execute(QUERIES["count"]).fetchone()[0]
            row["query_ms"] = run_queries(conn, rows)
        results.append(row)
        print(json.dumps(row), flush=True)

    print()
    names = list(QUERIES)
    print("| meetings | ingest s | build (models) s | build + tests s | ready rows | "
          + " | ".join(f"{n} ms" for n in names) + " |")  # fmt: skip
    print("|---:" * (5 + len(names)) + "|")
    for row in results:
        print(
            f"| {row['rows']:,} | {row['ingest_s']:.1f} | {row['build_models_s']:.1f}"
            f" | {row['build_with_tests_s']:.1f} | {row['ready_rows']:,} | "
            + " | ".join(f"{row['query_ms'][n]:.1f}" for n in names)
            + " |"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "view_results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
